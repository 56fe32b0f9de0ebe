"""Deprecated: the names of ``lttb.fig2`` (0.1.0) moved to ``lttb.experiments.fig2``.

Each name still imports from here, with a :class:`DeprecationWarning` naming
its new place (see :mod:`lttb._compat`).
"""

from ._compat import forward

__getattr__, __dir__ = forward(__name__, {
    "APICAL_FACTOR": "lttb.experiments.fig2.protocol:APICAL_FACTOR",
    "RASTER_NEURONS": "lttb.experiments.fig2.protocol:RASTER_NEURONS",
    "context_tests": "lttb.experiments.fig2.protocol:context_tests",
    "run_fig2": "lttb.experiments.fig2.protocol:run",
    "SCORES": "lttb.experiments.fig2.results:SCORES",
    "check_config": "lttb.experiments.fig2.results:check_config",
    "turnoff_windows": "lttb.experiments.fig2.results:turnoff_windows",
    "window_mse": "lttb.experiments.fig2.results:window_mse",
    "context_scores": "lttb.experiments.fig2.results:context_scores",
    "summarize_context_tests": "lttb.experiments.fig2.results:summarize_context_tests",
    "context_tests_problems": "lttb.experiments.fig2.results:context_tests_problems",
})
