"""The engine seam: what runs a trial behind :class:`lttb.model.Network`.

A :class:`Network` holds a configuration and the state arrays; an engine
integrates one trial over them.  Two engines are registered:

- ``"core"``: the compiled trial loop :func:`lttb._core.run_trial` (Cython
  with C kernels, OpenMP threads).  This module is the only one of the
  package that imports the compiled extension.
- ``"oracle"``: :func:`lttb.model.oracle.oracle_trial`, the readable NumPy
  transcription the core is tested against.

An engine also runs Figure 3's closed loop (:meth:`Engine.closed_loop`): two
networks on the same engine and the environment in lock-step, inside the
compiled extension for the core (:func:`lttb._core.run_closed_loop`), bin by
bin in NumPy for the oracle (:func:`lttb.model.oracle.oracle_closed_loop`).

A new engine (for example one on a GPU) is a class with the interface of
:class:`Engine` and one entry in :data:`ENGINES`; the public
:class:`~lttb.model.Network` API stays as it is.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _core
from ..config import THREADS_VARIABLE
from .example import Example
from .oracle import oracle_burst_metrics, oracle_closed_loop, oracle_trial
from .rule import pin_weights

__all__ = [
    "ENGINES",
    "DEFAULT_ENGINE",
    "THREADS_VARIABLE",
    "Engine",
    "EngineTrial",
    "BURST_METRICS",
    "CoreEngine",
    "OracleEngine",
    "make_engine",
    "default_threads",
    "check_threads",
    "openmp_enabled",
    "runtime_info",
    "core_params",
    "READOUT_CODES",
    "core_env_script",
]



def check_threads(value: Any, where: str) -> int:
    """``value`` as a thread count (an integer >= 1), else ValueError naming `where`."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{where}: the number of threads must be an integer >= 1, "
                         f"got {value!r}")
    return int(value)


def default_threads() -> int:
    """Threads a new network runs its trials on.

    ``LTTB_NUM_THREADS`` from the environment when set, else 1.  The results
    do not depend on it; see :attr:`lttb.model.Network.threads`.

    Raises
    ------
    ValueError
        When the variable is set but is not a positive integer.
    """
    text = os.environ.get(THREADS_VARIABLE, "").strip()
    if not text:
        return 1
    try:
        value: Any = int(text)
    except ValueError:
        value = text
    return check_threads(value, f"environment variable {THREADS_VARIABLE}")


def openmp_enabled() -> bool:
    """Whether the installed compiled engine runs trials on several threads."""
    return bool(_core.openmp_enabled())


def runtime_info() -> dict[str, str]:
    """How this process runs the compiled engine: threads per trial, SIMD path.

    These tell how to read a run's wall time, never its results (which do not
    depend on them).
    """
    return {
        "threads": str(default_threads() if openmp_enabled() else 1),
        "kernels": _core.kernels_in_use(),
    }


@dataclass
class EngineTrial:
    """What an engine returns for one trial.

    Attributes
    ----------
    S_soma, S_wind : numpy.ndarray of int8, shape (N, T), or None
        Somatic spikes and burst windows (``None`` when not recorded).
    outputs : numpy.ndarray, shape (O, T-3)
        Read-out; column ``c`` is bin ``c + 1``.
    inner_error : float or None
        Population variance of ``B_filt_rec - B_filt`` (training trials).
    row_updates : int
        Plastic row updates made (0 where an engine does not count them).
    bursts : dict or None
        The burst metrics of a trial run with ``bursts=True`` (see
        :data:`BURST_METRICS`), else ``None``.
    """

    S_soma: np.ndarray | None
    S_wind: np.ndarray | None
    outputs: np.ndarray
    inner_error: float | None
    row_updates: int = 0
    bursts: dict | None = None


#: The burst metrics of a tracked trial n (SI.md section 3), D the population
#: variance of all N x T entries of a difference: ``self_dist_B`` D(B*_n,
#: B*_m) and ``self_dist_B_rec`` D(B_n, B_m), m the previous tracked trial on
#: the same engine (``None`` for the first), ``dist_B`` D(B*_n, B_n) (B* the
#: filtered target bursts, B the filtered predicted ones), ``number_B`` and
#: ``number_B_rec`` the (neuron, bin) pairs with a target / predicted burst.
BURST_METRICS = ("self_dist_B", "self_dist_B_rec", "dist_B", "number_B", "number_B_rec")


class Engine:
    """Integrates trials over one network's state (held by reference).

    Parameters
    ----------
    cfg : mapping
        A validated configuration.
    state : dict
        The state arrays, float64 and C-contiguous; a training trial updates
        ``J``, ``Jout`` and ``Bias`` in place.  Nothing else writes them
        while the engine holds them, so an engine may keep layouts derived
        from them (and must refresh what it derives from ``J`` after a trial
        that changed it).
    """

    #: Registry name.
    name = "engine"

    def __init__(self, cfg: Mapping[str, Any], state: dict[str, np.ndarray]) -> None:
        self.cfg = cfg
        self.state = state

    def trial(self, example: Example, apical_factor: float, plastic: bool, *,
              eta: float, eta_out: float, eta_bias: float, pin: bool, record: bool,
              threads: int, bursts: bool = False) -> EngineTrial:
        """Run one trial.

        Parameters
        ----------
        example : Example
            The trial's input sequence, target and context trace, already
            checked against the configuration.
        apical_factor : float
            Gain of the target on the apical-distal compartment.
        plastic : bool
            A training trial: the learning rules of MODEL.md section 5, each
            skipped entirely when its rate is 0.
        eta, eta_out, eta_bias : float
            Learning rates of ``J``, ``Jout`` and ``Bias`` (when `plastic`).
        pin : bool
            Keep the sign constraints of ``J`` (when `plastic`).
        record : bool
            Return the spike trains.
        threads : int
            Threads the trial may use; results must not depend on it.
        bursts : bool
            Track the bursts: compare this trial's with those of the
            previous tracked trial of this engine and keep them for the
            next (``EngineTrial.bursts``, :data:`BURST_METRICS`).

        Returns
        -------
        EngineTrial
        """
        raise NotImplementedError

    def closed_loop(self, high: "Engine", button: np.ndarray, food: np.ndarray, env: Any,
                    readout_lag: int, record: bool) -> dict[str, Any]:
        """One closed-loop episode (FIG3.md section 4), this engine the low network's.

        Parameters
        ----------
        high : Engine
            The high network's engine, of the same class.
        button, food : numpy.ndarray, shape (2,)
        env : lttb.model.environment.EnvParams
        readout_lag : {2, 0}
            2 as published; 0 reads the newest traces.
        record : bool
            Return the low network's spikes and burst windows.

        Returns
        -------
        dict
            ``contexts`` (n, int8), ``high_outputs``, ``actions``,
            ``positions`` (n x 2), ``rewards`` (n), ``t_button``, ``t_food``
            (None when never reached), ``S_soma`` and ``S_wind`` (N x (n + 2)
            int8, or None), for :class:`lttb.model.environment.EpisodeResult`.
        """
        raise NotImplementedError


#: ``readout`` of the configuration -> the compiled loop's code.
READOUT_CODES = {"total": 0, "recurrent": 1, "target": 2}


def core_params(cfg: Mapping[str, Any], apical_factor: float, plastic: bool,
                eta: float = 0.0, eta_out: float = 0.0, eta_bias: float = 0.0,
                pin: bool = True, threads: int = 1, J_zero: bool = False
                ) -> dict[str, float | int]:
    """The scalar parameters of one call of the compiled trial loop."""
    dt = cfg["dt"]
    return {
        "N": cfg["N"],
        "Ne": cfg["Ne"],
        "T": cfg["T"],
        "a": dt / cfg["tau_m"],
        "h": float(cfg["h"]),
        "href": float(cfg["href"]),
        "b": float(cfg["b"]),
        "Vreset": float(cfg["Vreset"]),
        "VresetApic": float(cfg["VresetApic"]),
        "somaticThreshold": float(cfg["somaticThreshold"]),
        "burstThreshold": float(cfg["burstThreshold"]),
        "burst_current": float(cfg["burst_current"]),
        "reset_softening": float(cfg["reset_softening"]),
        "beta_s": math.exp(-dt / cfg["tau_s"]),
        "beta_star": math.exp(-dt / cfg["tau_star"]),
        "beta_W": math.exp(-dt / cfg["tau_W"]),
        "gamma": 1.0 / cfg["du"],
        "sigma_apical_cont": float(cfg["sigma_apical_cont"]),
        "sigma_basal_cont": float(cfg["sigma_basal_cont"]),
        "apical_factor": float(apical_factor),
        "eta": float(eta),
        "eta_out": float(eta_out),
        "eta_bias": float(eta_bias),
        "plastic": int(bool(plastic)),
        "pin": int(bool(pin)),
        "readout": READOUT_CODES[cfg["readout"]],
        "J_zero": int(bool(J_zero)),
        "threads": int(threads),
    }


def _variance(total: float, squares: float, n: int) -> float:
    # Population variance from a sum and a sum of squares over n entries;
    # rounding may leave a tiny negative where it is 0.
    return max(squares / n - (total / n) ** 2, 0.0)


_EMPTY = np.empty((0, 0))
_EMPTY.flags.writeable = False


class CoreEngine(Engine):
    """The compiled engine (:func:`lttb._core.run_trial`).

    Everything a trial reads that does not change between trials is laid
    out once, here: the weights in the bin-major layout the core reads
    (``j_in``, ``j_targ``, the context weights, ``w``), the constant part of
    the parameters and the scratch arrays.  ``J`` transposed (read by a
    trial in which ``J`` does not learn) is kept until a trial changes ``J``.
    """

    name = "core"

    def __init__(self, cfg: Mapping[str, Any], state: dict[str, np.ndarray]) -> None:
        super().__init__(cfg, state)
        self._j_in_T = np.ascontiguousarray(state["j_in"].T)
        self._j_targ_T = np.ascontiguousarray(state["j_targ"].T)
        self._j_apical_cont_T = np.ascontiguousarray(state["j_apical_cont"].T)
        self._j_basal_cont_T = np.ascontiguousarray(state["j_basal_cont"].T)
        # w never changes: transpose it once, and skip it when it is zero
        # (as in both papers' presets).
        self._w_T = np.ascontiguousarray(state["w"].T) if np.any(state["w"]) else _EMPTY
        self._params = core_params(cfg, 0.0, False)
        T, O, N = cfg["T"], cfg["O"], cfg["N"]
        self._Y = np.zeros((T, O))
        self._stats = np.zeros(3)
        self._no_record = np.zeros((0, N), dtype=np.int8)
        self._J_T: np.ndarray | None = None  # J transposed, while J is unchanged
        self._J_zero = False
        self._pinned = False  # J known to satisfy the sign constraints
        # The binary bursts of the last tracked trial (B, B_rec), bin-major,
        # allocated by the first trial that tracks them.
        self._bursts_prev: np.ndarray | None = None
        self._burst_stats = np.zeros(6)

    def _fixed_J(self) -> tuple[np.ndarray, bool]:
        # J transposed and whether J is zero (then no transpose is needed:
        # its drive is skipped); computed once per value of J.
        if self._J_T is None:
            J = self.state["J"]
            self._J_zero = not J.any()
            self._J_T = _EMPTY if self._J_zero else np.ascontiguousarray(J.T)
        return self._J_T, self._J_zero

    def trial(self, example, apical_factor, plastic, *, eta, eta_out, eta_bias, pin,
              record, threads, bursts=False):
        s = self.state
        T = self.cfg["T"]
        learn_J = plastic and eta != 0.0
        if learn_J:
            J_T, J_zero = _EMPTY, False
            self._J_T = None
            self._pinned = bool(pin)  # the core pins J at the start when pin
        else:
            if plastic and pin and not self._pinned:
                # The core pins only a J that learns: pin here, as the oracle
                # pins before every training trial, and transpose after.
                pin_weights(s["J"], self.cfg["Ne"])
                self._J_T = None
                self._pinned = True
            J_T, J_zero = self._fixed_J()
        params = self._params.copy()
        params["apical_factor"] = float(apical_factor)
        params["plastic"] = 1 if plastic else 0
        params["eta"] = float(eta)
        params["eta_out"] = float(eta_out)
        params["eta_bias"] = float(eta_bias)
        params["pin"] = 1 if pin else 0
        params["J_zero"] = 1 if J_zero else 0
        params["threads"] = int(threads)
        if record:
            N = self.cfg["N"]
            rec_soma = np.zeros((T, N), dtype=np.int8)
            rec_wind = np.zeros((T, N), dtype=np.int8)
        else:
            rec_soma = rec_wind = self._no_record
        Y, stats = self._Y, self._stats
        tracked = {}
        first = False
        if bursts:
            first = self._bursts_prev is None
            if first:
                self._bursts_prev = np.zeros((2, T, self.cfg["N"]), dtype=np.int8)
            tracked = {"bursts_prev": self._bursts_prev, "burst_stats": self._burst_stats}
        _core.run_trial(
            params, s["J"], self._w_T, J_T, s["Jout"], s["Bias"], self._j_in_T,
            example.inputs_by_bin, self._j_targ_T, example.target_by_bin,
            self._j_apical_cont_T, self._j_basal_cont_T, example.context_by_bin,
            rec_soma, rec_wind, Y, stats, **tracked)
        inner = None
        updates = 0
        n = self.cfg["N"] * T
        if plastic:
            inner = _variance(stats[0], stats[1], n)
            updates = int(stats[2])
        metrics = None
        if bursts:
            b = self._burst_stats
            metrics = {
                "self_dist_B": None if first else float(_variance(b[0], b[1], n)),
                "self_dist_B_rec": None if first else float(_variance(b[2], b[3], n)),
                "dist_B": float(_variance(stats[0], stats[1], n)),
                "number_B": int(b[4]),
                "number_B_rec": int(b[5]),
            }
        return EngineTrial(
            S_soma=rec_soma.T.copy() if record else None,
            S_wind=rec_wind.T.copy() if record else None,
            outputs=Y[1:T - 2].T.copy(),
            inner_error=inner,
            row_updates=updates,
            bursts=metrics,
        )


    def _loop_arrays(self, T):
        # What run_closed_loop reads of this network: its parameters for a
        # T-bin test and its weights in the core's layout.
        J_T, J_zero = self._fixed_J()
        params = core_params(self.cfg, 0.0, False, J_zero=J_zero, threads=1)
        params["T"] = T
        s = self.state
        weights = (s["J"], self._w_T, J_T, s["Jout"], s["Bias"], self._j_in_T,
                   self._j_targ_T, np.zeros((T, self.cfg["O"])), self._j_apical_cont_T,
                   self._j_basal_cont_T)
        return params, weights

    def closed_loop(self, high, button, food, env, readout_lag, record):
        # The whole episode is one call of the compiled loop, on one thread:
        # two N = 500 steps a bin leave little to share between threads, and
        # the protocol runs its episodes and seeds in parallel instead.
        T = env.max_T
        params_low, low = self._loop_arrays(T)
        params_high, high_arrays = high._loop_arrays(T)
        N = self.cfg["N"]
        rows = T - 2
        rec_soma = np.zeros((T if record else 0, N), dtype=np.int8)
        rec_wind = np.zeros_like(rec_soma)
        out = {"contexts": np.zeros(rows, dtype=np.int8), "high_outputs": np.zeros((rows, 2)),
               "actions": np.zeros((rows, 2)), "positions": np.zeros((rows, 2)),
               "rewards": np.zeros(rows)}
        n, t_button, t_food = _core.run_closed_loop(
            params_low, params_high, low, high_arrays, env.as_dict(),
            np.array(button, dtype=np.float64), np.array(food, dtype=np.float64),
            int(readout_lag), np.zeros((T, self.cfg["I"])), np.zeros((T, 2)),
            np.zeros((T, high.cfg["n_contexts"])), np.zeros((T, 2)), np.zeros((T, 2)),
            rec_soma, rec_wind, out["contexts"], out["high_outputs"], out["actions"],
            out["positions"], out["rewards"])
        out = {key: value[:n].copy() for key, value in out.items()}
        out["t_button"] = None if t_button < 0 else t_button
        out["t_food"] = None if t_food < 0 else t_food
        out["S_soma"] = rec_soma[:n + 2].T.copy() if record else None
        out["S_wind"] = rec_wind[:n + 2].T.copy() if record else None
        return out


class OracleEngine(Engine):
    """The NumPy oracle (:func:`lttb.model.oracle.oracle_trial`); always records."""

    name = "oracle"

    def __init__(self, cfg: Mapping[str, Any], state: dict[str, np.ndarray]) -> None:
        super().__init__(cfg, state)
        self._previous: dict[str, np.ndarray] | None = None  # last tracked trial's traces

    def trial(self, example, apical_factor, plastic, *, eta, eta_out, eta_bias, pin,
              record, threads, bursts=False):
        traces: dict[str, np.ndarray] | None = {} if bursts else None
        S_soma, S_wind, outputs, inner = oracle_trial(
            self.cfg, self.state, None, apical_factor, plastic, example.context_trace,
            eta, eta_out, eta_bias, pin, inputs=example.inputs, target=example.target,
            traces=traces)
        metrics = None
        if bursts:
            metrics = oracle_burst_metrics(traces, self._previous)
            self._previous = traces
        return EngineTrial(S_soma=S_soma, S_wind=S_wind, outputs=outputs, inner_error=inner,
                           bursts=metrics)

    def closed_loop(self, high, button, food, env, readout_lag, record):
        out = oracle_closed_loop(self.cfg, self.state, high.cfg, high.state,
                                 np.asarray(button, dtype=np.float64),
                                 np.asarray(food, dtype=np.float64), env, readout_lag)
        if not record:
            out["S_soma"] = out["S_wind"] = None
        return out


def core_env_script(actions: np.ndarray, button: np.ndarray, food: np.ndarray,
                    env: Any) -> dict[str, Any]:
    """The compiled environment under scripted actions (a test of the C code).

    The environment step and bookkeeping of the compiled closed loop
    (:func:`lttb._core.env_script`), driven by ``actions[t]`` at iteration
    ``t`` instead of a network; compare with
    :func:`lttb.model.environment.run_script`.

    Returns
    -------
    dict
        Per iteration run: ``observations``, ``rewards``, ``locked``,
        ``env_done``, ``done``, ``positions``; and ``obs0`` (the observation
        at the start), ``t_button``, ``t_food`` (None when never reached).
    """
    actions = np.ascontiguousarray(actions, dtype=np.float64)[:env.max_T - 2]
    n = len(actions)
    button = np.array(button, dtype=np.float64)
    food = np.array(food, dtype=np.float64)
    out = {"observations": np.zeros((n, env.n_inputs)), "rewards": np.zeros(n),
           "locked": np.zeros(n, dtype=np.int8), "env_done": np.zeros(n, dtype=np.int8),
           "done": np.zeros(n, dtype=np.int8), "positions": np.zeros((n, 2))}
    params = env.as_dict()
    ran, t_button, t_food = _core.env_script(
        params, button, food, actions, out["observations"], out["rewards"], out["locked"],
        out["env_done"], out["done"], out["positions"])
    out = {key: value[:ran] for key, value in out.items()}
    for key in ("locked", "env_done", "done"):
        out[key] = out[key].astype(bool)
    obs0 = np.zeros(env.n_inputs)
    _core.observe(params, button, food, np.zeros(2), obs0)
    out.update(obs0=obs0, t_button=None if t_button < 0 else t_button,
               t_food=None if t_food < 0 else t_food)
    return out


#: Engine name -> class.
ENGINES: dict[str, type[Engine]] = {"core": CoreEngine, "oracle": OracleEngine}
DEFAULT_ENGINE = "core"


def make_engine(name: str, cfg: Mapping[str, Any], state: dict[str, np.ndarray]) -> Engine:
    """The engine registered as `name`, bound to a network's state.

    Raises
    ------
    ValueError
        Naming the registered engines when `name` is not one of them.
    """
    try:
        cls = ENGINES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown engine {name!r} (registered: "
                         f"{', '.join(sorted(ENGINES))})") from None
    return cls(cfg, state)
