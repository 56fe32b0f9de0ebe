"""The experiments: one folder per figure of the paper, and the catalog.

Each folder (``fig1/``, ``fig2/``, ``trajectory/``, ``fig3/``, ``si1/``,
``si2/``) holds

- ``__init__.py``: the figure's one-line summary (``SUMMARY``), its preset's
  name (``PRESET``), and the data files it reads, if any (``DATA_FILES``);
- ``preset.json``: its configuration preset (named after the folder);
- ``protocol.py``: ``run(cfg, seed, progress=None) -> dict``, what one seed
  computes, on :mod:`lttb.model`; optionally ``check_config(cfg)``;
- ``results.py``: the result keys an artifact holds (``RESULT_KEYS``), the
  checks an artifact's schema cannot express (``problems``) and the
  across-seed summary (``summarize``), without the model;
- ``plots.py``: the figures, drawn from artifacts alone
  (``SEED_PLOTS``, ``ACROSS_PLOTS``).

Figure 3 and the supplementary scans S1, S2 also declare task variants
(``VARIANTS``) and their own configuration module (``CONFIG``); S1 and S2
share :mod:`lttb.experiments.bursts` (the scan as variants, the burst
protocol, results and figures).

:mod:`lttb.experiments.catalog` lists the folders; the command line,
artifacts, replot and sweeps find every figure there.  A new figure is one
folder plus one line in the catalog (see CONTRIBUTING.md).
"""
