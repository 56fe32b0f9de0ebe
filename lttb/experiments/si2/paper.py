"""The authors' published runs of si2, per scan value (reference data, CC BY 4.0).

From the results files of C. Capone, C. Lupo, P. Muratore, P. S. Paolucci (ICML 2022),
repository cosimolupo/LTTB, ``data/SI_fig_2/*/NNN_results.json`` (CC BY 4.0), one entry
per run in run-number order: its last ``dist_B`` (raw D after iteration 1000) and its
``number_B`` (``None`` where the file has none: the SI figure 1 runs started before
the counter was added, SI.md section 2).  Each value's ``final_dist_B`` and
``number_B`` are the means over the runs that have them, as the notebook averages.
No model here.
"""

from __future__ import annotations

from ..bursts.scan import published_means
from . import SCAN_KEY

__all__ = ["RUNS", "PAPER"]

#: N -> (last dist_B of each run, number_B of each run or None).
RUNS: dict = {
    125: (
        [2.6573338378582318e-06, 5.097279672178991e-06, 2.3242744654356214e-06,
         2.2585044349499663e-06, 4.547913476534082e-06],
        [36, 39, 24, 32, 43]),
    250: (
        [1.998943437479353e-07, 2.0964642742839735e-07, 6.863416988410026e-07,
         1.9432594775664943e-06, 2.1999153555664081e-07],
        [39, 54, 99, 94, 77]),
    500: (
        [1.544280700973973e-07, 4.4958210117021914e-07, 4.876039555293932e-09,
         2.498479297231735e-07, 1.9989434374736552e-07],
        [130, 199, 97, 135, 114]),
    1000: (
        [1.4992832023565993e-07, 1.3142574297153408e-07, 9.996317187368303e-08,
         2.0637029262241118e-07, 1.7389849371867037e-07],
        [246, 254, 368, 282, 297]),
    2000: (
        [1.760937524495126e-07, 9.996293499831522e-08, 3.0166391611014735e-07],
        [588, 452, 720]),
}

#: Variant name (``KEY=VALUE``) -> the authors' means: ``final_dist_B``, ``number_B``, ``runs``.
PAPER: dict = published_means(SCAN_KEY, RUNS)
