"""Deprecated: the names of ``lttb.protocol`` (0.1.0) moved to ``lttb.model.training``.

Each name still imports from here, with a :class:`DeprecationWarning` naming
its new place (see :mod:`lttb._compat`).
"""

from ._compat import forward

__getattr__, __dir__ = forward(__name__, {
    "schedule_of": "lttb.config:schedule_of",
    "run_schedule": "lttb.model.training:run_schedule",
    "full_test": "lttb.model.training:full_test",
    "raster_events": "lttb.model.training:raster_events",
    "mse_between": "lttb.model.training:mse_between",
    "mean_sd": "lttb.stats:mean_sd",
    "nested_shape": "lttb.stats:nested_shape",
    "TEACHER": "lttb.model.training:TEACHER",
    "OUTPUT_FIRST_BIN": "lttb.model.training:OUTPUT_FIRST_BIN",
    "Progress": "lttb.model.training:Progress",
})
