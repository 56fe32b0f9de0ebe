"""The engine seam: what runs a trial behind :class:`lttb.model.Network`.

A :class:`Network` holds a configuration and the state arrays; an engine
integrates one trial over them.  Two engines are registered:

- ``"core"``: the compiled trial loop :func:`lttb._core.run_trial` (Cython
  with C kernels, OpenMP threads).  This module is the only one of the
  package that imports the compiled extension.
- ``"oracle"``: :func:`lttb.model.oracle.oracle_trial`, the readable NumPy
  transcription the core is tested against.

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
from .oracle import oracle_trial

__all__ = [
    "ENGINES",
    "DEFAULT_ENGINE",
    "THREADS_VARIABLE",
    "Engine",
    "EngineTrial",
    "CoreEngine",
    "OracleEngine",
    "make_engine",
    "default_threads",
    "check_threads",
    "openmp_enabled",
    "runtime_info",
    "core_params",
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
    """

    S_soma: np.ndarray | None
    S_wind: np.ndarray | None
    outputs: np.ndarray
    inner_error: float | None
    row_updates: int = 0


class Engine:
    """Integrates trials over one network's state (held by reference).

    Parameters
    ----------
    cfg : mapping
        A validated configuration.
    state : dict
        The state arrays, float64 and C-contiguous; a training trial updates
        ``J``, ``Jout`` and ``Bias`` in place.
    """

    #: Registry name.
    name = "engine"

    def __init__(self, cfg: Mapping[str, Any], state: dict[str, np.ndarray]) -> None:
        self.cfg = cfg
        self.state = state

    def trial(self, context: int, apical_factor: float, plastic: bool, *,
              eta: float, eta_out: float, eta_bias: float, pin: bool, record: bool,
              context_trace: np.ndarray, threads: int) -> EngineTrial:
        """Run one trial.

        Parameters
        ----------
        context : int
            Index of the trial's target and context.
        apical_factor : float
            Gain of the target on the apical-distal compartment.
        plastic : bool
            Apply the learning rules (MODEL.md section 5).
        eta, eta_out, eta_bias : float
            Learning rates (used when `plastic`).
        pin : bool
            Keep the sign constraints of ``J`` (when `plastic`).
        record : bool
            Return the spike trains.
        context_trace : numpy.ndarray, shape (n_contexts, T)
            The context vector of every bin (one row non-zero).
        threads : int
            Threads the trial may use; results must not depend on it.

        Returns
        -------
        EngineTrial
        """
        raise NotImplementedError


def core_params(cfg: Mapping[str, Any], apical_factor: float, plastic: bool,
                eta: float = 0.0, eta_out: float = 0.0, eta_bias: float = 0.0,
                pin: bool = True, threads: int = 1) -> dict[str, float | int]:
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
        "apical_factor": float(apical_factor),
        "eta": float(eta),
        "eta_out": float(eta_out),
        "eta_bias": float(eta_bias),
        "plastic": int(bool(plastic)),
        "pin": int(bool(pin)),
        "readout_recurrent": int(cfg["readout"] == "recurrent"),
        "threads": int(threads),
    }


class CoreEngine(Engine):
    """The compiled engine (:func:`lttb._core.run_trial`)."""

    name = "core"

    def __init__(self, cfg: Mapping[str, Any], state: dict[str, np.ndarray]) -> None:
        super().__init__(cfg, state)
        # Inputs in the bin-major layout the core reads row by row.
        self._clock_T = np.ascontiguousarray(state["I_clock"].T)
        self._j_in_T = np.ascontiguousarray(state["j_in"].T)
        self._j_targ_T = np.ascontiguousarray(state["j_targ"].T)
        # w never changes: transpose it once, and skip it when it is zero
        # (as in both papers' presets).
        self._w_T = (np.ascontiguousarray(state["w"].T) if np.any(state["w"])
                     else np.empty((0, 0)))
        self._y_T = [np.ascontiguousarray(y.T) for y in state["targets"]]

    def trial(self, context, apical_factor, plastic, *, eta, eta_out, eta_bias, pin,
              record, context_trace, threads):
        cfg, s = self.cfg, self.state
        N, O, T = cfg["N"], cfg["O"], cfg["T"]
        gain = np.ascontiguousarray(context_trace[context], dtype=np.float64)
        # j_cont @ one-hot is exactly the context's column; indexing avoids a
        # BLAS call, whose idle threads would otherwise spin on the other core.
        apical_cont = cfg["sigma_apical_cont"] * s["j_apical_cont"][:, context]
        basal_cont = cfg["sigma_basal_cont"] * s["j_basal_cont"][:, context]
        rec_soma = np.zeros((T if record else 0, N), dtype=np.int8)
        rec_wind = np.zeros((T if record else 0, N), dtype=np.int8)
        Y = np.zeros((T, O))
        stats = np.zeros(3)
        # Without plasticity J is fixed for the trial: a transposed copy makes
        # the spike-driven update of the recurrent drive read contiguous memory.
        J_T = np.empty((0, 0)) if plastic else np.ascontiguousarray(s["J"].T)
        _core.run_trial(
            core_params(cfg, apical_factor, plastic, eta, eta_out, eta_bias, pin, threads),
            s["J"], self._w_T, J_T, s["Jout"], s["Bias"], self._j_in_T, self._clock_T,
            self._j_targ_T, self._y_T[context], np.ascontiguousarray(apical_cont),
            np.ascontiguousarray(basal_cont), gain, rec_soma, rec_wind, Y, stats)
        inner = None
        updates = 0
        if plastic:
            n = N * T
            inner = max(stats[1] / n - (stats[0] / n) ** 2, 0.0)
            updates = int(stats[2])
        return EngineTrial(
            S_soma=np.ascontiguousarray(rec_soma.T) if record else None,
            S_wind=np.ascontiguousarray(rec_wind.T) if record else None,
            outputs=np.ascontiguousarray(Y[1:T - 2].T),
            inner_error=inner,
            row_updates=updates,
        )


class OracleEngine(Engine):
    """The NumPy oracle (:func:`lttb.model.oracle.oracle_trial`); always records."""

    name = "oracle"

    def trial(self, context, apical_factor, plastic, *, eta, eta_out, eta_bias, pin,
              record, context_trace, threads):
        S_soma, S_wind, outputs, inner = oracle_trial(
            self.cfg, self.state, context, apical_factor, plastic, context_trace,
            eta, eta_out, eta_bias, pin)
        return EngineTrial(S_soma=S_soma, S_wind=S_wind, outputs=outputs, inner_error=inner)


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
