"""The network: one LTTB network's configuration and state, and its trials.

:class:`Network` is the public object; the arithmetic of a trial is done by
an engine behind it (:mod:`lttb.model.engines`): the compiled core by
default, or the NumPy oracle (``engine="oracle"``, or
:class:`ReferenceNetwork`).  Both engines see the same state and give the
same spikes, so anything written against :class:`Network` runs on either.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .engines import DEFAULT_ENGINE, check_threads, default_threads, make_engine
from .rule import training_settings
from .state import STATE_ARRAYS, check_arrays, draw_initial_state

__all__ = ["Network", "ReferenceNetwork", "TrialResult"]


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


class Network:
    """One LTTB network: weights, inputs and targets, and the trials over them.

    Build one with :meth:`from_seed` or :meth:`from_arrays`.  The arrays
    ``J, w, j_in, j_targ, Jout, Bias, j_basal_cont, j_apical_cont, I_clock,
    targets`` are readable as attributes (copies); ``config`` is the
    configuration dict; ``engine`` the name of the engine that runs the
    trials.  ``row_updates`` counts the plastic row updates of the last
    training trial (the compiled engine's work: about 120 per bin in
    ``fig1``).  ``threads`` is how many threads a trial runs on (see below).

    Parameters
    ----------
    cfg : mapping
        A validated configuration (:func:`lttb.load_config`).
    state : dict
        The state arrays, as :func:`lttb.model.state.check_arrays` returns
        them (owned by the network from now on).
    engine : str, optional
        ``"core"`` (default) or ``"oracle"``; see :mod:`lttb.model.engines`.
    """

    #: Engine of networks built without naming one.
    default_engine = DEFAULT_ENGINE

    def __init__(self, cfg: Mapping[str, Any], state: dict[str, np.ndarray],
                 engine: str | None = None) -> None:
        self.config = dict(cfg)
        self._s = state
        self._engine = make_engine(engine or self.default_engine, self.config, state)
        self._inner = math.nan
        self.row_updates = 0
        self.threads = default_threads()

    # -- construction --------------------------------------------------------
    @classmethod
    def from_seed(cls, cfg, seed, *, engine=None):
        """Draw the initial state from a seeded generator.

        Parameters
        ----------
        cfg : dict
            Validated configuration (:func:`lttb.load_config`).
        seed : int, numpy.random.SeedSequence or numpy.random.Generator
            The network's only source of randomness.
        engine : str, optional
            Engine name (default :attr:`default_engine`).
        """
        return cls(cfg, draw_initial_state(cfg, seed), engine)

    @classmethod
    def from_arrays(cls, cfg, *, J, w, j_in, j_targ, Jout, Bias, j_basal_cont,
                    j_apical_cont, I_clock, targets, engine=None):
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
        return cls(cfg, check_arrays(cfg, arrays), engine)

    @property
    def engine(self) -> str:
        """Name of the engine that runs this network's trials."""
        return self._engine.name

    @property
    def threads(self):
        """Threads a trial runs on (default :func:`lttb.model.engines.default_threads`).

        Each thread steps its own share of the neurons and updates their
        plastic rows; every number a trial computes is the same, bit for bit,
        whatever the count.  Worth it when the threads have cores of their
        own: two threads train the ``fig1`` network 1.8 times as fast as one.
        Threads that share cores with other busy threads wait for each other
        twice per bin: two processes of two threads each on two cores train
        about 1.5 times slower than one thread each.  A build without OpenMP
        (see :func:`lttb.model.engines.openmp_enabled`) always runs on one,
        and so does the oracle.
        """
        return self._threads

    @threads.setter
    def threads(self, value):
        self._threads = check_threads(value, "Network.threads")

    def __getattr__(self, name):
        if name in STATE_ARRAYS:
            return self._s[name].copy()
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    # -- trials ----------------------------------------------------------------
    def _trial(self, context, apical_factor, plastic, eta=0.0, eta_out=0.0,
               eta_bias=0.0, pin=True, record=True, context_off_after=None):
        cfg = self.config
        T, n_ctx = cfg["T"], cfg["n_contexts"]
        if not 0 <= context < n_ctx:
            raise ValueError(f"context {context} out of range 0..{n_ctx - 1}")
        trace = np.zeros((n_ctx, T))
        trace[context] = 1.0
        if context_off_after is not None:
            trace[:, context_off_after + 1:] = 0.0
        done = self._engine.trial(context, apical_factor, plastic, eta=eta, eta_out=eta_out,
                                  eta_bias=eta_bias, pin=pin, record=record,
                                  context_trace=trace, threads=self.threads)
        if plastic:
            self._inner = done.inner_error
            self.row_updates = done.row_updates
        target = self._s["targets"][context][:, 1:T - 2]
        return TrialResult(
            context=int(context),
            apical_factor=float(apical_factor),
            S_soma=done.S_soma if record else None,
            S_wind=done.S_wind if record else None,
            outputs=done.outputs,
            mse=float(np.var(target - done.outputs)),
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


class ReferenceNetwork(Network):
    """A :class:`Network` whose trials run on the NumPy oracle (``engine="oracle"``).

    The readable transcription of the specification the compiled engine is
    tested against (:mod:`lttb.model.oracle`); about 60 times slower.
    """

    default_engine = "oracle"
