"""Deprecated: the names of ``lttb.runner`` (0.1.0) moved to ``lttb.run``.

Each name still imports from here, with a :class:`DeprecationWarning` naming
its new place (see :mod:`lttb._compat`).
"""

from ._compat import forward

__getattr__, __dir__ = forward(__name__, {
    "RunReport": "lttb.run.seeds:RunReport",
    "run_seeds": "lttb.run.seeds:run_seeds",
    "plan_resume": "lttb.run.planning:plan_resume",
    "plan_workers": "lttb.run.planning:plan_workers",
    "available_cpus": "lttb.run.planning:available_cpus",
    "limit_blas_threads": "lttb.run.planning:limit_blas_threads",
    "BLAS_THREAD_VARIABLES": "lttb.run.planning:BLAS_THREAD_VARIABLES",
    "seed_task": "lttb.run.tasks:seed_task",
    "START_METHOD": "lttb.run.executors:START_METHOD",
})
