"""Deprecated: the names of ``lttb.sweep`` (0.1.0) moved to ``lttb.run.sweep``.

Each name still imports from here, with a :class:`DeprecationWarning` naming
its new place (see :mod:`lttb._compat`).
"""

from ._compat import forward

__getattr__, __dir__ = forward(__name__, {
    "SWEEP_SUMMARY_NAME": "lttb.run.sweep:SWEEP_SUMMARY_NAME",
    "SWEEP_SUMMARY_VERSION": "lttb.run.sweep:SWEEP_SUMMARY_VERSION",
    "SweepTask": "lttb.run.sweep:SweepTask",
    "Sweep": "lttb.run.sweep:Sweep",
    "SweepReport": "lttb.run.loop:RunReport",
    "parse_grid": "lttb.run.sweep:parse_grid",
    "grid_points": "lttb.run.sweep:grid_points",
    "point_dirname": "lttb.run.sweep:point_dirname",
    "plan_sweep": "lttb.run.sweep:plan_sweep",
    "plan_sweep_resume": "lttb.run.sweep:plan_sweep_resume",
    "run_sweep": "lttb.run.loop:run_sweep",
    "collect_sweep": "lttb.run.sweep:collect_sweep",
    "summarize_sweep": "lttb.run.sweep:summarize_sweep",
    "write_sweep_summary": "lttb.run.sweep:write_sweep_summary",
    "is_sweep_dir": "lttb.run.sweep:is_sweep_dir",
    "plot_sweep": "lttb.plotting.sweep:plot_sweep",
    "draw_sweep": "lttb.plotting.sweep:draw_sweep",
})
