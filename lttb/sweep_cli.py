"""Deprecated: the names of ``lttb.sweep_cli`` (0.1.0) moved to ``lttb.cli.sweep``.

Each name still imports from here, with a :class:`DeprecationWarning` naming
its new place (see :mod:`lttb._compat`).
"""

from ._compat import forward

__getattr__, __dir__ = forward(__name__, {
    "add_sweep_parser": "lttb.cli.parser:add_sweep_parser",
    "run_sweep_command": "lttb.cli.sweep:run_sweep_command",
    "replot_sweep": "lttb.cli.report:replot_sweep",
    "DEFAULT_RETRIES": "lttb.cli.parser:DEFAULT_RETRIES",
})
