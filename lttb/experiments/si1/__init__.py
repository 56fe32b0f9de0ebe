"""Supplementary figure S1: burst convergence over the target strength sigma_targ (N = 500).

The SI protocol (SI.md section 2) for every value of the scan and every
seed: one task per (value, seed), each value a task variant
(``--variant sigma_targ=VALUE``, default all), its artifacts in a folder of
that name.  Defaults: 10 runs per value, as published;
``--seeds`` sets the runs of every value.  See :mod:`lttb.experiments.bursts`.

The published runs are the authors' (Capone, Lupo, Muratore, Paolucci, ICML
2022; cosimolupo/LTTB, ``data/SI_fig_1``, CC BY 4.0).
"""

from ..bursts.scan import scan_variants

SUMMARY = "supplementary figure S1: burst convergence over the target strength sigma_targ"
#: The configuration preset the figure starts from (the SI protocol).
PRESET = "si1"
#: The scanned key and its values, as published.
SCAN_KEY = "sigma_targ"
SCAN_VALUES = (10.0, 20.0, 50.0, 100.0, 250.0, 500.0, 1000.0)
#: The scan as task variants; ``seeds`` are the published runs per value.
VARIANTS = scan_variants(SCAN_KEY, SCAN_VALUES, seeds=10, seeds_at=None,
                         help_text="one value of the scan over sigma_targ")
#: Each variant's configuration: the flat preset with the scanned value.
CONFIG = "lttb.experiments.si1.config"
