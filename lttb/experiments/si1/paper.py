"""The authors' published runs of si1, per scan value (reference data, CC BY 4.0).

From the results files of C. Capone, C. Lupo, P. Muratore, P. S. Paolucci (ICML 2022),
repository cosimolupo/LTTB, ``data/SI_fig_1/*/NNN_results.json`` (CC BY 4.0), one entry
per run in run-number order: its last ``dist_B`` (raw D after iteration 1000) and its
``number_B`` (``None`` where the file has none: the SI figure 1 runs started before
the counter was added, SI.md section 2).  Each value's ``final_dist_B`` and
``number_B`` are the means over the runs that have them, as the notebook averages.
No model here.
"""

from __future__ import annotations

from statistics import mean

from ..bursts.scan import variant_name
from . import SCAN_KEY

__all__ = ["RUNS", "PAPER"]

#: sigma_targ -> (last dist_B of each run, number_B of each run or None).
RUNS: dict = {
    10.0: (
        [1.9988557383243656e-07, 1.0947584955026138e-07, 9.996317314937409e-08,
         2.498479302489735e-07, 1.6959662429413038e-07, 9.995875423414043e-08,
         1.4993275781078236e-07, 1.9989434852755422e-07, 1.0471952011219462e-07,
         9.996317187368266e-08],
        [None, None, 135, 134, 148, 89, 114, 156, 129, 106]),
    20.0: (
        [4.4961576235200096e-07, 3.955749472112613e-07, 2.5472373619955815e-07,
         2.096464278887604e-07, 3.386024772496084e-07, 2.95702966602391e-07,
         2.7119715853849834e-07, 4.4928312874629683e-07, 4.6748760279723916e-07,
         4.4958231076488043e-07],
        [288, 270, 370, 302, 267, 304, 317, 327, 408, 325]),
    50.0: (
        [5.09123711676054e-07, 7.985584257537316e-07, 7.528814657483627e-07,
         7.827102458362896e-07, 5.042281586258726e-07, 3.4805895088128395e-07,
         4.62611555103256e-07, 4.007150647862035e-07, 3.497217368380081e-07,
         6.733152663988065e-07],
        [None, None, None, 790, 690, 636, 729, 606, 561, 713]),
    100.0: (
        [7.733415367337735e-07, 5.140011717200437e-07, 1.368428938395839e-06,
         7.257811570996576e-07, 6.641529227178387e-07, 8.418241149418071e-07,
         8.621317449258196e-07, 2.932530592095491e-06, 6.992274944915081e-07,
         9.160624843613341e-07],
        [1363, None, 1255, 1122, 1095, 1179, 1191, 1380, 1361, 1125]),
    250.0: (
        [3.829817035122084e-06, 3.261568257188618e-06, 2.527680745854941e-06,
         7.3913257762571475e-06, 2.7335182881720625e-06, 2.0986004015562315e-06,
         2.6254746630034993e-06, 6.19526996813561e-06, 3.933246273700537e-06,
         2.394695952654327e-06],
        [None, None, 2423, 2573, 2136, 1957, 2324, 2070, 2080, 2519]),
    500.0: (
        [1.4174266361713612e-05, 7.150484500618097e-06, 2.7806732736031943e-05,
         3.4197610118206927e-06, 1.8680009568406903e-05, 1.5244344791627361e-05,
         2.3434509587587706e-05, 4.143676699213537e-05, 3.506592787199619e-05,
         3.609276833337793e-05],
        [None, None, 3682, 3343, 3778, 3341, 3906, 4093, 4485, 4228]),
    1000.0: (
        [7.931809519299815e-05, 0.00010645612685431081, 7.745272025015597e-05,
         0.00014220366890309113, 0.00011578316366881186, 8.60237613306015e-05,
         9.106561520116778e-05, 4.227985393995093e-05, 7.286909537904996e-05,
         6.728334705912073e-05],
        [None, None, 6047, 7365, 6649, 5907, 6274, 5391, 5964, 5895]),
}


def _published(dist: list, counts: list) -> dict:
    have = [c for c in counts if c is not None]
    return {"final_dist_B": float(mean(dist)), "number_B": float(mean(have)),    "runs": len(dist)}


#: Variant name (``KEY=VALUE``) -> the authors' means: ``final_dist_B``, ``number_B``, ``runs``.
PAPER: dict = {variant_name(SCAN_KEY, value): _published(*runs) for value, runs in RUNS.items()}
