"""Figure 3's closed loop: the high network, the low network and the agent.

One episode of FIG3.md section 4: both networks with fixed weights, the
teacher off, fresh trial state; the environment reset to the origin with a
button and a food.  At every loop iteration the high network's read-out
chooses the low network's context ("button" or "food"), both networks take
the latest observation as input and step one bin, and the low network's
read-out moves the agent.  The loop runs inside the engine: in compiled code
for the core (the environment is a few lines of C between the bins), bin by
bin in NumPy for the oracle, so an episode of up to 1498 iterations costs no
Python call per bin on the core.
"""

from __future__ import annotations

import numpy as np

from .environment import EnvParams, EpisodeResult
from .network import Network

__all__ = ["closed_loop", "READOUT_LAGS"]

#: Read-out lags the loop knows: 2 as published, 0 the fix.
READOUT_LAGS = (2, 0)


def _position(name, value):
    array = np.array(value, dtype=np.float64)
    if array.shape != (2,) or not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be a finite 2-vector, got {value!r}")
    return array


def closed_loop(high: Network, low: Network, button, food, *, env: EnvParams | None = None,
                readout_lag: int = 2, record: bool = False) -> EpisodeResult:
    """Run one closed-loop test episode (FIG3.md section 4).

    Parameters
    ----------
    high : Network
        The high network: input the observation (``I = 4 res``), two
        outputs ("go to the button", "go to the food").  Its context signal
        is 0.
    low : Network
        The low network: the same input, two contexts (chosen by the high
        network at every iteration), two outputs (the agent's velocity).
        Both networks must run on the same engine; their weights are not
        changed.
    button, food : array_like, shape (2,)
        The episode's positions (:func:`lttb.model.environment.positions_from_angles`).
    env : EnvParams, optional
        The environment's constants and ``max_T`` (default: the published
        ones, ``max_T = 1500``: at most 1498 iterations).
    readout_lag : {2, 0}
        2 (default, as published): the context and the action of iteration
        ``t`` read the traces of bin ``t``, while the step of that iteration
        writes bin ``t + 2``, so both lag the inputs.  0 (a fix, not the
        published model): the context reads the newest trace before the
        step (bin ``t + 1``) and the action the one the step wrote (bin
        ``t + 2``).
    record : bool
        Keep the low network's spikes and burst windows.

    Returns
    -------
    EpisodeResult
        Contexts, high outputs, actions, positions and rewards per
        iteration, ``R``, the minimum distances, ``t_button``, ``t_food``
        and the number of iterations.

    Raises
    ------
    TypeError
        When a network is not a :class:`Network`.
    ValueError
        When the networks run on different engines, their sizes do not fit
        the environment (``I = 4 res``, two outputs each, two low
        contexts), the positions are not finite 2-vectors or the lag is
        neither 2 nor 0.

    Notes
    -----
    The loop runs on one thread whatever ``Network.threads`` says; run
    episodes (or seeds) in separate processes to use more cores.  Ties of
    the high read-out choose the food context, so an untrained high network
    (outputs equal to its bias, 0) always does.
    """
    env = EnvParams() if env is None else env
    if not isinstance(env, EnvParams):
        raise TypeError(f"env must be an EnvParams, got {type(env).__name__}")
    for name, net in (("high", high), ("low", low)):
        if not isinstance(net, Network):
            raise TypeError(f"{name} must be a Network, got {type(net).__name__}")
    if high.engine != low.engine:
        raise ValueError(f"both networks must run on the same engine, got high on "
                         f"{high.engine!r} and low on {low.engine!r}")
    if readout_lag not in READOUT_LAGS or isinstance(readout_lag, bool):
        raise ValueError(f"readout_lag must be 2 (as published) or 0, got {readout_lag!r}")
    wrong = []
    for name, net in (("high", high), ("low", low)):
        cfg = net.config
        if cfg["I"] != env.n_inputs:
            wrong.append(f"{name}.I = {cfg['I']} (4 res = {env.n_inputs})")
        if cfg["O"] != 2:
            wrong.append(f"{name}.O = {cfg['O']} (2)")
    if low.config["n_contexts"] != 2:
        wrong.append(f"low.n_contexts = {low.config['n_contexts']} (2)")
    if wrong:
        raise ValueError("networks do not fit the closed loop: " + ", ".join(wrong))
    button = _position("button", button)
    food = _position("food", food)
    out = low._engine.closed_loop(high._engine, button, food, env, int(readout_lag),
                                  bool(record))
    return EpisodeResult.build(
        button, food, out["actions"], out["positions"], out["rewards"], out["t_button"],
        out["t_food"], env, contexts=out["contexts"], high_outputs=out["high_outputs"],
        S_soma=out["S_soma"], S_wind=out["S_wind"], readout_lag=int(readout_lag))
