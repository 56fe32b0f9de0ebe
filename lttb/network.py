"""The network: initial state, and trials run by the compiled core.

:class:`Network` holds one network's weights and inputs and runs trials
through :func:`lttb._core.run_trial`.  Its constructors, attributes and
methods are a stable contract: the oracle (:mod:`lttb.reference`) mirrors
them, and other tools replay states through them.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np

from . import _core

__all__ = [
    "Network",
    "default_threads",
    "THREADS_VARIABLE",
    "TrialResult",
    "StateError",
    "clock",
    "draw_initial_state",
    "target_trajectories",
    "check_arrays",
    "training_settings",
]

#: Environment variable giving the default number of threads of a trial.
THREADS_VARIABLE = "LTTB_NUM_THREADS"

#: Frequencies (Hz) of the four cosines of a target trajectory (spec section 3).
TARGET_FREQUENCIES = (1.0, 2.0, 3.0, 5.0)


class StateError(ValueError):
    """An explicit initial state does not fit the configuration."""


@dataclass
class TrialResult:
    """What one trial produced.

    Attributes
    ----------
    context : int
        Index of the context (and target) of the trial.
    apical_factor : float
        Gain of the target on the apical-distal compartment (1 teacher on,
        0 teacher off).
    S_soma, S_wind : numpy.ndarray of int8, shape (N, T)
        Somatic spikes and burst windows; a somatic spike at ``(i, t)`` with
        ``S_wind[i, t] == 1`` is a burst.
    outputs : numpy.ndarray, shape (O, T-3)
        Read-out; column ``c`` is bin ``c + 1``.  In a training trial it is
        the value the learning rule saw at that bin, before its update.
    mse : float
        Outer MSE: population variance of ``target[:, 1:T-2] - outputs``.
    context_trace : numpy.ndarray, shape (n_contexts, T)
        1 where a context signal is on at that bin.
    """

    context: int
    apical_factor: float
    S_soma: np.ndarray
    S_wind: np.ndarray
    outputs: np.ndarray
    mse: float
    context_trace: np.ndarray


def _check_threads(value, where):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{where}: the number of threads must be an integer >= 1, "
                         f"got {value!r}")
    return int(value)


def default_threads():
    """Threads a new :class:`Network` runs its trials on.

    ``LTTB_NUM_THREADS`` from the environment when set, else 1.  The results
    do not depend on it; see :attr:`Network.threads`.

    Raises
    ------
    ValueError
        When the variable is set but is not a positive integer.
    """
    text = os.environ.get(THREADS_VARIABLE, "").strip()
    if not text:
        return 1
    try:
        value = int(text)
    except ValueError:
        value = text
    return _check_threads(value, f"environment variable {THREADS_VARIABLE}")


def clock(I, T):
    """Clock input ``I_clock`` (I x T): I consecutive equal blocks of bins.

    As published, block ``floor((t / T) * I)`` is evaluated in double
    precision in that order, which for some ``(I, T)`` (e.g. I=50, T=1000,
    bin 580) gives another block than integer arithmetic would.
    """
    I_clock = np.zeros((I, T))
    for t in range(T):
        I_clock[math.floor((t / T) * I), t] = 1.0
    return I_clock


def target_trajectories(rng, n_contexts, O, T, dt):
    """Random target trajectories, shape (n_contexts, O, T), rows in [-1, 1].

    Each row is a sum of four cosines at 1, 2, 3 and 5 Hz with amplitudes
    from U(0.5, 2) and phases from U(0, 2 pi), min-max rescaled to [-1, 1].
    """
    time = np.arange(T) * dt
    targets = np.empty((n_contexts, O, T))
    for c in range(n_contexts):
        for o in range(O):
            amplitude = rng.uniform(0.5, 2.0, size=len(TARGET_FREQUENCIES))
            phase = rng.uniform(0.0, 2.0 * np.pi, size=len(TARGET_FREQUENCIES))
            y = np.zeros(T)
            for A, f, phi in zip(amplitude, TARGET_FREQUENCIES, phase):
                y += A * np.cos(2.0 * np.pi * f * time + phi)
            lo, hi = y.min(), y.max()
            targets[c, o] = 2.0 * (y - lo) / (hi - lo) - 1.0
    return targets


def pin_weights(J, Ne):
    """Apply the sign constraints to ``J`` in place and return it.

    Rows of inhibitory neurons are zero, excitatory-to-excitatory weights in
    [0, 100], inhibitory-to-excitatory in [-100, 0], no self-connections.
    """
    J[Ne:, :] = 0.0
    np.clip(J[:Ne, :Ne], 0.0, 100.0, out=J[:Ne, :Ne])
    np.clip(J[:Ne, Ne:], -100.0, 0.0, out=J[:Ne, Ne:])
    np.fill_diagonal(J, 0.0)
    return J


def draw_initial_state(cfg, seed):
    """Draw a network's initial state (spec sections 2 and 3).

    Parameters
    ----------
    cfg : dict
        A validated configuration (:func:`lttb.load_config`).
    seed : int, numpy.random.SeedSequence or numpy.random.Generator
        Source of randomness; only this generator is used.

    Returns
    -------
    dict
        Arrays ``J, w, j_in, j_targ, Jout, Bias, j_basal_cont,
        j_apical_cont, I_clock, targets``.  ``J`` is pinned
        (:func:`pin_weights`: sign constraints, no inhibitory rows, zero
        diagonal) only when ``cfg["pin"]`` is true; with pinning off it is
        the raw draw, diagonal included, as the Figure 2 notebook leaves it.
    """
    rng = np.random.default_rng(seed)
    N, Ne, I, O, T = cfg["N"], cfg["Ne"], cfg["I"], cfg["O"], cfg["T"]
    n_ctx = cfg["n_contexts"]
    state = {
        "J": rng.normal(0.0, cfg["sigma_Jrec"], size=(N, N)),
        "w": rng.normal(0.0, cfg["sigma_wrec"], size=(N, N)),
        "j_in": rng.normal(0.0, cfg["sigma_in"], size=(N, I)),
        "j_targ": rng.normal(0.0, cfg["sigma_targ"], size=(N, O)),
        "Jout": rng.normal(0.0, cfg["sigma_Jout"], size=(O, N)),
        "j_basal_cont": rng.normal(0.0, 1.0, size=(N, n_ctx)),
        "j_apical_cont": rng.normal(0.0, 1.0, size=(N, n_ctx)),
        "Bias": np.zeros(O),
    }
    state["j_targ"][Ne:, :] = 0.0
    if cfg["pin"]:
        pin_weights(state["J"], Ne)
    state["I_clock"] = clock(I, T)
    state["targets"] = target_trajectories(rng, n_ctx, O, T, cfg["dt"])
    p = cfg["p_sparse_cont"]
    if p > 0:
        # The Figure 2 notebook drops each target and context weight with
        # probability p_sparse_cont.
        for name in ("j_targ", "j_apical_cont", "j_basal_cont"):
            state[name][rng.random(state[name].shape) < p] = 0.0
    return state


def expected_shapes(cfg):
    """Shape of every array of the state, by name, for a configuration."""
    N, I, O, T = cfg["N"], cfg["I"], cfg["O"], cfg["T"]
    n_ctx = cfg["n_contexts"]
    return {
        "J": (N, N),
        "w": (N, N),
        "j_in": (N, I),
        "j_targ": (N, O),
        "Jout": (O, N),
        "Bias": (O,),
        "j_basal_cont": (N, n_ctx),
        "j_apical_cont": (N, n_ctx),
        "I_clock": (I, T),
        "targets": (n_ctx, O, T),
    }


def check_arrays(cfg, arrays):
    """Validate an explicit state and return float64 C-contiguous copies.

    Raises
    ------
    StateError
        Naming every missing, unknown, misshapen, non-real or non-finite
        array.
    """
    shapes = expected_shapes(cfg)
    problems = []
    for name in arrays:
        if name not in shapes:
            problems.append(f"{name}: unknown array (expected one of {', '.join(shapes)})")
    state = {}
    for name, shape in shapes.items():
        if name not in arrays:
            problems.append(f"{name}: missing")
            continue
        value = np.asarray(arrays[name])
        if value.dtype.kind not in "fiu":
            problems.append(f"{name}: dtype {value.dtype} is not a real number type")
            continue
        if value.shape != shape:
            problems.append(f"{name}: shape {value.shape}, expected {shape} for this config")
            continue
        value = np.array(value, dtype=np.float64, order="C", copy=True)
        if not np.all(np.isfinite(value)):
            problems.append(f"{name}: contains NaN or infinity")
            continue
        state[name] = value
    if problems:
        raise StateError("invalid initial state:\n  " + "\n  ".join(problems))
    return state


def training_settings(cfg, eta=None, eta_out=None, eta_bias=None, pin=None):
    """Learning rates and pinning of a training iteration; None takes the config's."""
    return (cfg["eta"] if eta is None else eta,
            cfg["eta_out"] if eta_out is None else eta_out,
            cfg["eta_bias"] if eta_bias is None else eta_bias,
            cfg["pin"] if pin is None else pin)


def core_params(cfg, apical_factor, plastic, eta=0.0, eta_out=0.0, eta_bias=0.0, pin=True,
                threads=1):
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


class Network:
    """One LTTB network: weights, inputs and targets, trained by the core.

    Build one with :meth:`from_seed` or :meth:`from_arrays`.  The arrays
    ``J, w, j_in, j_targ, Jout, Bias, j_basal_cont, j_apical_cont, I_clock,
    targets`` are readable as attributes (copies); ``config`` is the
    configuration dict.  ``row_updates`` counts the plastic row updates of
    the last training trial (the core's work: about 120 per bin in ``fig1``).
    ``threads`` is how many threads a trial runs on (see below).
    """

    _ARRAYS = ("J", "w", "j_in", "j_targ", "Jout", "Bias", "j_basal_cont",
               "j_apical_cont", "I_clock", "targets")

    def __init__(self, cfg, state):
        self.config = dict(cfg)
        self._s = state
        # Inputs in the bin-major layout the core reads row by row.
        self._clock_T = np.ascontiguousarray(state["I_clock"].T)
        self._j_in_T = np.ascontiguousarray(state["j_in"].T)
        self._j_targ_T = np.ascontiguousarray(state["j_targ"].T)
        # w never changes: transpose it once, and skip it when it is zero
        # (as in both papers' presets).
        self._w_T = (np.ascontiguousarray(state["w"].T) if np.any(state["w"])
                     else np.empty((0, 0)))
        self._y_T = [np.ascontiguousarray(y.T) for y in state["targets"]]
        self._inner = math.nan
        self.row_updates = 0
        self.threads = default_threads()

    # -- construction --------------------------------------------------------
    @classmethod
    def from_seed(cls, cfg, seed):
        """Draw the initial state from a seeded generator.

        Parameters
        ----------
        cfg : dict
            Validated configuration (:func:`lttb.load_config`).
        seed : int, numpy.random.SeedSequence or numpy.random.Generator
            The network's only source of randomness.
        """
        return cls(cfg, draw_initial_state(cfg, seed))

    @classmethod
    def from_arrays(cls, cfg, *, J, w, j_in, j_targ, Jout, Bias, j_basal_cont,
                    j_apical_cont, I_clock, targets):
        """Start from an explicit state, e.g. one saved by another implementation.

        Every array is checked against the configuration (shape, real dtype,
        finite values) and copied.  ``targets`` is shaped
        ``(n_contexts, O, T)``.  The state is kept as given; a training
        trial with pinning on pins ``J`` first, as the original pins it
        before training.

        Raises
        ------
        StateError
            Naming every array that does not fit.
        """
        arrays = dict(J=J, w=w, j_in=j_in, j_targ=j_targ, Jout=Jout, Bias=Bias,
                      j_basal_cont=j_basal_cont, j_apical_cont=j_apical_cont,
                      I_clock=I_clock, targets=targets)
        return cls(cfg, check_arrays(cfg, arrays))

    @property
    def threads(self):
        """Threads a trial runs on (default :func:`default_threads`).

        Each thread steps its own share of the neurons and updates their
        plastic rows; every number a trial computes is the same, bit for bit,
        whatever the count.  Worth it when the threads have cores of their
        own: two threads train the ``fig1`` network 1.8 times as fast as one.
        Threads that share cores with other busy threads wait for each other
        twice per bin: two processes of two threads each on two cores train
        about 1.5 times slower than one thread each.  A build without OpenMP
        (see ``lttb._core.openmp_enabled``) always runs on one.
        """
        return self._threads

    @threads.setter
    def threads(self, value):
        self._threads = _check_threads(value, "Network.threads")

    def __getattr__(self, name):
        if name in Network._ARRAYS:
            return self._s[name].copy()
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    # -- trials ----------------------------------------------------------------
    def _trial(self, context, apical_factor, plastic, eta=0.0, eta_out=0.0,
               eta_bias=0.0, pin=True, record=True, context_off_after=None):
        cfg, s = self.config, self._s
        N, O, T, n_ctx = cfg["N"], cfg["O"], cfg["T"], cfg["n_contexts"]
        if not 0 <= context < n_ctx:
            raise ValueError(f"context {context} out of range 0..{n_ctx - 1}")
        gain = np.ones(T)
        if context_off_after is not None:
            gain[context_off_after + 1:] = 0.0
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
            core_params(cfg, apical_factor, plastic, eta, eta_out, eta_bias, pin, self.threads),
            s["J"], self._w_T, J_T, s["Jout"], s["Bias"], self._j_in_T, self._clock_T,
            self._j_targ_T, self._y_T[context], np.ascontiguousarray(apical_cont),
            np.ascontiguousarray(basal_cont), gain, rec_soma, rec_wind, Y, stats)
        if plastic:
            n = N * T
            self._inner = max(stats[1] / n - (stats[0] / n) ** 2, 0.0)
            self.row_updates = int(stats[2])
        outputs = np.ascontiguousarray(Y[1:T - 2].T)
        target = s["targets"][context][:, 1:T - 2]
        trace = np.zeros((n_ctx, T))
        trace[context] = gain
        return TrialResult(
            context=int(context),
            apical_factor=float(apical_factor),
            S_soma=np.ascontiguousarray(rec_soma.T) if record else None,
            S_wind=np.ascontiguousarray(rec_wind.T) if record else None,
            outputs=outputs,
            mse=float(np.var(target - outputs)),
            context_trace=trace,
        )

    def train_iteration(self, eta=None, eta_out=None, eta_bias=None, *, pin=None,
                        record=False):
        """One training iteration: one plastic trial per context (spec section 5).

        Parameters
        ----------
        eta, eta_out, eta_bias : float, optional
            Learning rates of ``J``, ``Jout`` and ``Bias``; the configuration's
            when omitted.
        pin : bool, optional
            Keep the sign constraints of ``J`` (default: the config's ``pin``).
        record : bool
            Return the last trial's :class:`TrialResult` with its spike trains.

        Returns
        -------
        TrialResult or None
            The last context's trial when ``record``.
        """
        cfg = self.config
        eta, eta_out, eta_bias, pin = training_settings(cfg, eta, eta_out, eta_bias, pin)
        last = None
        n_ctx = cfg["n_contexts"]
        for context in range(n_ctx):
            last = self._trial(context, 1.0, True, eta, eta_out, eta_bias, pin,
                               record=record and context == n_ctx - 1)
        return last if record else None

    def short_test(self):
        """Outer MSE per context with the teacher off, no plasticity (spec section 6).

        Returns
        -------
        numpy.ndarray, shape (n_contexts,)
        """
        return np.array([self._trial(c, 0.0, False, record=False).mse
                         for c in range(self.config["n_contexts"])])

    def inner_error(self):
        """Population variance of ``B_filt_rec - B_filt`` in the last training trial.

        NaN before the first training trial.
        """
        return self._inner

    def run_trial(self, context, apical_factor=0.0, *, context_off_after=None):
        """Run one trial without plasticity and record it.

        Parameters
        ----------
        context : int
            Which context signal is on and which target is compared.
        apical_factor : float
            1 to show the target to the apical dendrites (teacher on), 0 not.
        context_off_after : int, optional
            Last bin at which the context is on; all contexts are off after it.

        Returns
        -------
        TrialResult
        """
        return self._trial(context, apical_factor, False,
                           context_off_after=context_off_after)
