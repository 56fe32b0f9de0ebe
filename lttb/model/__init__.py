"""The science: the LTTB network, its state, its learning rule and its engines.

- :class:`Network`: one network over an engine (:mod:`.engines`: the
  compiled core, or the NumPy oracle :mod:`.oracle`); :class:`ReferenceNetwork`
  is a network on the oracle.
- :class:`Example` (:mod:`.example`): a trial's own input sequence, target
  and context vector per bin, in place of the clock, a target of the
  network's and one context.
- :mod:`.environment`: Figure 3's button-and-food world and its expert, as
  small pure functions; :func:`closed_loop` (:mod:`.closed_loop`): one test
  episode of the two networks and the agent, run inside the engine.
- :mod:`.state`: drawing an initial state from a seed, or checking one given.
- :mod:`.rule`: learning rates and the sign constraints of ``J``.
- :mod:`.training`: the generic training loop with a hook for an
  experiment's own tests, and the tests every figure shares.

Nothing here draws figures or writes files; the experiments
(:mod:`lttb.experiments`) and the machinery (:mod:`lttb.run`, :mod:`lttb.cli`)
build on it.
"""

from .closed_loop import closed_loop
from .engines import ENGINES, default_threads, openmp_enabled
from .environment import EnvParams, EpisodeResult
from .example import Example, one_hot_contexts
from .network import Network, ReferenceNetwork, TrialResult
from .rule import pin_weights, training_settings
from .state import StateError, check_arrays, draw_initial_state
from .training import full_test, run_schedule

__all__ = [
    "ENGINES",
    "EnvParams",
    "EpisodeResult",
    "Example",
    "Network",
    "ReferenceNetwork",
    "StateError",
    "TrialResult",
    "check_arrays",
    "closed_loop",
    "default_threads",
    "draw_initial_state",
    "full_test",
    "one_hot_contexts",
    "openmp_enabled",
    "pin_weights",
    "run_schedule",
    "training_settings",
]
