"""Deprecated: the names of ``lttb.backends`` (0.1.0) moved to ``lttb.run.executors``.

Each name still imports from here, with a :class:`DeprecationWarning` naming
its new place (see :mod:`lttb._compat`).
"""

from ._compat import forward

__getattr__, __dir__ = forward(__name__, {
    "DASK_EXTRA_HINT": "lttb.run.executors:DASK_EXTRA_HINT",
    "Backend": "lttb.run.executors:Backend",
    "BackendError": "lttb.run.executors:BackendError",
    "BackendUnavailable": "lttb.run.executors:BackendUnavailable",
    "DaskBackend": "lttb.run.executors:DaskBackend",
    "LocalBackend": "lttb.run.executors:LocalBackend",
    "Outcome": "lttb.run.executors:Outcome",
    "SchedulerSpec": "lttb.run.executors:SchedulerSpec",
    "make_backend": "lttb.run.executors:make_backend",
    "parse_scheduler": "lttb.run.executors:parse_scheduler",
    "import_distributed": "lttb.run.executors:import_distributed",
})
