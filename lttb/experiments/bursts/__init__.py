"""What the supplementary figures S1 and S2 share: burst convergence over a scan.

Both figures train one network per (scan value, seed) with the SI protocol
(SI.md section 2: read-out of the predicted bursts with a learned bias, 75 %
of the target weights dropped, no pinning, a warm-up trial, 1000 iterations at
constant rates and no tests) and record how the bursts converge (SI.md
section 3).  S1 scans ``sigma_targ``, S2 scans ``N``; each scan value is a
task variant (``--variant sigma_targ=10``), its artifacts in a folder of that
name.

- :mod:`.scan`: the scan declaration -> the figure's ``VARIANTS`` (no model);
- :mod:`.config`: each variant's flat configuration (no model);
- :mod:`.protocol`: what one (scan value, seed) computes;
- :mod:`.results`, :mod:`.plots`: artifacts, summary and figures (no model).

The published runs are the authors' (Capone, Lupo, Muratore, Paolucci, ICML
2022; code and data cosimolupo/LTTB, CC BY 4.0).
"""
