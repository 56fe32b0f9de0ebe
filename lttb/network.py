"""Deprecated: the names of ``lttb.network`` (0.1.0) moved to ``lttb.model``.

Each name still imports from here, with a :class:`DeprecationWarning` naming
its new place (see :mod:`lttb._compat`).
"""

from ._compat import forward

__getattr__, __dir__ = forward(__name__, {
    "Network": "lttb.model.network:Network",
    "TrialResult": "lttb.model.network:TrialResult",
    "default_threads": "lttb.model.engines:default_threads",
    "THREADS_VARIABLE": "lttb.model.engines:THREADS_VARIABLE",
    "StateError": "lttb.model.state:StateError",
    "clock": "lttb.model.state:clock",
    "draw_initial_state": "lttb.model.state:draw_initial_state",
    "target_trajectories": "lttb.model.state:target_trajectories",
    "check_arrays": "lttb.model.state:check_arrays",
    "expected_shapes": "lttb.model.state:expected_shapes",
    "training_settings": "lttb.model.rule:training_settings",
    "pin_weights": "lttb.model.rule:pin_weights",
    "core_params": "lttb.model.engines:core_params",
})
