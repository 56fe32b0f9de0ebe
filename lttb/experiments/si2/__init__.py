"""Supplementary figure S2: burst convergence over the network size N (sigma_targ = 10).

The SI protocol (SI.md section 2) for every value of the scan and every
seed: one task per (value, seed), each value a task variant
(``--variant N=VALUE``, default all), its artifacts in a folder of
that name.  Defaults: 5 runs per value, 3 at N = 2000, as published;
``--seeds`` sets the runs of every value.  See :mod:`lttb.experiments.bursts`.

The published runs are the authors' (Capone, Lupo, Muratore, Paolucci, ICML
2022; cosimolupo/LTTB, ``data/SI_fig_2``, CC BY 4.0).
"""

from ..bursts.scan import scan_variants

SUMMARY = "supplementary figure S2: burst convergence over the network size N"
#: The configuration preset the figure starts from (the SI protocol).
PRESET = "si2"
#: The scanned key and its values, as published.
SCAN_KEY = "N"
SCAN_VALUES = (125, 250, 500, 1000, 2000)
#: The scan as task variants; ``seeds`` are the published runs per value.
VARIANTS = scan_variants(SCAN_KEY, SCAN_VALUES, seeds=5, seeds_at={2000: 3},
                         help_text="one value of the scan over N")
#: Each variant's configuration: the flat preset with the scanned value.
CONFIG = "lttb.experiments.si2.config"
