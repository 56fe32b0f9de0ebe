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
from .example import Example, one_hot_contexts
from .rule import training_settings
from .state import STATE_ARRAYS, check_arrays, clock, draw_initial_state

__all__ = ["Network", "ReferenceNetwork", "TrialResult", "Example", "one_hot_contexts"]


@dataclass
class TrialResult:
    """What one trial produced.

    Attributes
    ----------
    context : int or None
        Index of the context (and target) of the trial; ``None`` for a
        trial on an :class:`~lttb.model.example.Example`.
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
        The context vector of every bin (1 where a context signal is on, in
        the trials of a context).
    """

    context: int | None
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

    A trial either belongs to one of the network's contexts (the clock as
    input, ``targets[context]`` as target, that context on throughout: the
    papers' Figures 1 and 2) or is given an :class:`Example` of its own: an
    input sequence, a target and a context vector per bin (Figure 3, or a
    trajectory of one's own).  :meth:`example` makes one; the trial methods
    take either.

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
        self._bursts: dict | None = None
        self.row_updates = 0
        self.threads = default_threads()
        # The examples of the network's own context trials, made on first use
        # (their arrays never change): (context, context_off_after) -> Example.
        self._context_examples: dict[tuple[int, int | None], Example] = {}

    # -- construction --------------------------------------------------------
    @classmethod
    def from_seed(cls, cfg, seed, *, engine=None, targets=None, inputs=None):
        """Draw the initial state from a seeded generator.

        Parameters
        ----------
        cfg : dict
            Validated configuration (:func:`lttb.load_config`).
        seed : int, numpy.random.SeedSequence or numpy.random.Generator
            The network's only source of randomness.
        engine : str, optional
            Engine name (default :attr:`default_engine`).
        targets : array_like, shape (n_contexts, O, T), optional
            Target trajectories of one's own, used as given (no rescaling),
            instead of the random ones.
        inputs : array_like, shape (I, T), optional
            Input sequence of the context trials (real values, dense),
            instead of the clock.

        Every other array is the one the same seed draws without `targets`
        and `inputs` (:func:`lttb.model.state.draw_initial_state`).

        Raises
        ------
        StateError
            When `targets` or `inputs` does not fit the configuration (shape,
            real dtype, finite values).
        """
        state = draw_initial_state(cfg, seed, targets=targets, inputs=inputs)
        if targets is not None or inputs is not None:
            state = check_arrays(cfg, state)
        return cls(cfg, state, engine)

    @classmethod
    def from_arrays(cls, cfg, *, J, w, j_in, j_targ, Jout, Bias, j_basal_cont,
                    j_apical_cont, I_clock=None, targets=None, engine=None):
        """Start from an explicit state, e.g. one saved by another implementation.

        Every array is checked against the configuration (shape, real dtype,
        finite values) and copied.  ``targets`` is shaped
        ``(n_contexts, O, T)``.  The state is kept as given; a training
        trial with pinning on pins ``J`` first, as the original pins it
        before training.

        ``I_clock`` and ``targets`` are read only by the network's own
        context trials; a network that runs only trials on examples (Figure
        3) may leave them out: ``I_clock`` is then the published clock
        (:func:`lttb.model.state.clock`) and ``targets`` zero.

        Raises
        ------
        StateError
            Naming every array that does not fit.
        """
        if I_clock is None:
            I_clock = clock(cfg["I"], cfg["T"])
        if targets is None:
            targets = np.zeros((cfg["n_contexts"], cfg["O"], cfg["T"]))
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

    # -- what a trial is given -------------------------------------------------
    def example(self, context=None, *, inputs=None, target=None, context_trace=None,
                context_off_after=None):
        """An :class:`Example` for this network: a trial's inputs, target and contexts.

        What is not given comes from `context`, one of the network's own
        contexts: the clock ``I_clock`` as input, ``targets[context]`` as
        target and that context on at every bin (off after
        `context_off_after`).  Without `context`, `target` and
        `context_trace` must be given; `inputs` defaults to the clock.

        Parameters
        ----------
        context : int, optional
            One of the network's contexts, ``0 .. n_contexts - 1``.
        inputs : array_like, shape (I, T), optional
            Input sequence (dense, real-valued), in place of the clock.
        target : array_like, shape (O, T), optional
            Target trajectory.
        context_trace : array_like, shape (n_contexts, T), optional
            Context vector of every bin (:func:`one_hot_contexts` builds a
            one-hot one from indices).
        context_off_after : int, optional
            With `context` and no `context_trace`: the last bin at which
            the context is on.

        Returns
        -------
        Example
            Checked against the configuration; reuse it for every trial on
            the same example (it is laid out for the engines once).

        Raises
        ------
        ValueError
            When `context` is out of range, arrays are missing, or their
            shapes do not fit the configuration.
        """
        cfg = self.config
        if context is not None:
            self._check_context(context)
            if inputs is None and target is None and context_trace is None:
                return self._context_example(int(context), context_off_after)
            if target is None:
                target = self._s["targets"][context]
            if context_trace is None:
                context_trace = self._one_context(int(context), context_off_after)
        elif target is None or context_trace is None:
            raise ValueError("without a context, give both target and context_trace")
        elif context_off_after is not None:
            raise ValueError("context_off_after needs a context")
        if inputs is None:
            inputs = self._s["I_clock"]
        example = Example(inputs, target, context_trace)
        example.check(cfg)
        return example

    def _check_context(self, context):
        n_ctx = self.config["n_contexts"]
        if not 0 <= context < n_ctx:
            raise ValueError(f"context {context} out of range 0..{n_ctx - 1}")

    def _one_context(self, context, context_off_after):
        cfg = self.config
        trace = np.zeros((cfg["n_contexts"], cfg["T"]))
        trace[context] = 1.0
        if context_off_after is not None:
            trace[:, context_off_after + 1:] = 0.0
        return trace

    def _context_example(self, context, context_off_after=None):
        key = (context, context_off_after)
        example = self._context_examples.get(key)
        if example is None:
            example = Example(self._s["I_clock"], self._s["targets"][context],
                              self._one_context(context, context_off_after))
            self._context_examples[key] = example
        return example

    def _checked(self, example):
        if not isinstance(example, Example):
            raise TypeError(f"expected an Example, got {type(example).__name__}")
        cfg = self.config
        if example.sizes != (cfg["I"], cfg["O"], cfg["n_contexts"], cfg["T"]):
            example.check(cfg)
        return example

    # -- trials ----------------------------------------------------------------
    def _trial(self, example, context, apical_factor, plastic, eta=0.0, eta_out=0.0,
               eta_bias=0.0, pin=True, record=True, bursts=False):
        # bursts is passed only when asked for, so that an engine written
        # before burst tracking keeps working for everything else.
        extra = {"bursts": True} if bursts else {}
        done = self._engine.trial(example, apical_factor, plastic, eta=eta, eta_out=eta_out,
                                  eta_bias=eta_bias, pin=pin, record=record,
                                  threads=self._threads, **extra)
        if bursts:
            self._bursts = done.bursts
        if plastic:
            self._inner = done.inner_error
            self.row_updates = done.row_updates
        return done

    def _result(self, example, context, apical_factor, done, record):
        T = self.config["T"]
        return TrialResult(
            context=None if context is None else int(context),
            apical_factor=float(apical_factor),
            S_soma=done.S_soma if record else None,
            S_wind=done.S_wind if record else None,
            outputs=done.outputs,
            mse=float(np.var(example.target[:, 1:T - 2] - done.outputs)),
            context_trace=np.array(example.context_trace),
        )

    def train_trial(self, example, eta=None, eta_out=None, eta_bias=None, *, pin=None,
                    record=False):
        """One training trial on an example (MODEL.md section 5; FIG3.md 3.4).

        The trial runs with the teacher on (apical factor 1) and the
        learning rules after every step; a rule whose rate is 0 is skipped
        entirely (``eta = 0``: ``J`` is fixed and the trial costs what a
        test does).

        Parameters
        ----------
        example : Example
            The trial's inputs, target and contexts (:meth:`example`).
        eta, eta_out, eta_bias : float, optional
            Learning rates of ``J``, ``Jout`` and ``Bias``; the
            configuration's when omitted.
        pin : bool, optional
            Keep the sign constraints of ``J`` (default: the config's
            ``pin``).  Off, every row of ``J`` learns, diagonal included.
        record : bool
            Return a :class:`TrialResult` with the spike trains.

        Returns
        -------
        TrialResult or None
            When `record`.
        """
        eta, eta_out, eta_bias, pin = training_settings(self.config, eta, eta_out,
                                                        eta_bias, pin)
        example = self._checked(example)
        done = self._trial(example, None, 1.0, True, eta, eta_out, eta_bias, pin, record)
        return self._result(example, None, 1.0, done, True) if record else None

    def train_iteration(self, eta=None, eta_out=None, eta_bias=None, *, pin=None,
                        record=False, examples=None, bursts=False):
        """One training iteration: one plastic trial per context, or per example.

        Without `examples`, one trial per context of the network (MODEL.md
        section 5); with them, one trial per example, in their order
        (FIG3.md 3.4: each trial its own inputs and target).

        Parameters
        ----------
        eta, eta_out, eta_bias : float, optional
            Learning rates of ``J``, ``Jout`` and ``Bias``; the configuration's
            when omitted.  A rule whose rate is 0 is skipped.
        pin : bool, optional
            Keep the sign constraints of ``J`` (default: the config's ``pin``).
        record : bool
            Return the last trial's :class:`TrialResult` with its spike trains.
        examples : sequence of Example, optional
            The trials of the iteration (:meth:`example`).
        bursts : bool
            Track the bursts of every trial (:meth:`burst_metrics`).

        Returns
        -------
        TrialResult or None
            The last trial when ``record``.
        """
        eta, eta_out, eta_bias, pin = training_settings(self.config, eta, eta_out,
                                                        eta_bias, pin)
        if examples is None:
            n_ctx = self.config["n_contexts"]
            items = [(self._context_example(c), c) for c in range(n_ctx)]
        else:
            items = [(self._checked(e), None) for e in examples]
        last = len(items) - 1
        for i, (example, context) in enumerate(items):
            keep = record and i == last
            done = self._trial(example, context, 1.0, True, eta, eta_out, eta_bias, pin,
                               keep, bursts)
            if keep:
                return self._result(example, context, 1.0, done, True)
        return None

    def short_test(self, examples=None):
        """Outer MSE per context, or per example, with the teacher off and no plasticity.

        MODEL.md section 6 (one trial per context) or FIG3.md 3.5 (one trial
        per example, its own inputs, target and context schedule).

        Parameters
        ----------
        examples : sequence of Example, optional
            The examples to test (:meth:`example`); the network's contexts
            when omitted.

        Returns
        -------
        numpy.ndarray, shape (n_contexts,) or (len(examples),)
            Population variance of ``target[:, 1:T-2] - outputs`` per trial.
        """
        if examples is None:
            examples = [self._context_example(c) for c in range(self.config["n_contexts"])]
        T = self.config["T"]
        mse = np.empty(len(examples))
        for i, example in enumerate(examples):
            example = self._checked(example)
            done = self._trial(example, None, 0.0, False, record=False)
            mse[i] = np.var(example.target[:, 1:T - 2] - done.outputs)
        return mse

    def burst_metrics(self):
        """The burst metrics of the last trial run with ``bursts=True`` (SI.md section 3).

        D is the population variance of all N x T entries of a difference,
        B* the filtered target bursts (``B_filt``), B the filtered predicted
        bursts (``B_filt_rec``).

        Returns
        -------
        dict or None
            ``self_dist_B`` D(B*, B* of the previous tracked trial),
            ``self_dist_B_rec`` the same for B (both ``None`` for the first
            tracked trial), ``dist_B`` D(B*, B) (the inner error, in any
            trial), ``number_B`` and ``number_B_rec`` ((neuron, bin) pairs
            with a target, resp. predicted, burst); ``None`` before any
            tracked trial.
        """
        return None if self._bursts is None else dict(self._bursts)

    def inner_error(self):
        """Population variance of ``B_filt_rec - B_filt`` in the last training trial.

        NaN before the first training trial.
        """
        return self._inner

    def run_trial(self, context=None, apical_factor=0.0, *, context_off_after=None,
                  example=None, inputs=None, target=None, context_trace=None, bursts=False):
        """Run one trial without plasticity and record it.

        Parameters
        ----------
        context : int, optional
            Which context signal is on and which target is compared.
        apical_factor : float
            1 to show the target to the apical dendrites (teacher on), 0 not.
        context_off_after : int, optional
            Last bin at which the context is on; all contexts are off after it.
        example : Example, optional
            The trial's own inputs, target and contexts, instead of
            `context`.
        inputs, target, context_trace : array_like, optional
            Parts of an example given directly (see :meth:`example`): the
            rest comes from `context`.
        bursts : bool
            Track the trial's bursts (:meth:`burst_metrics`): e.g. the
            warm-up trial, teacher on, that the first training trial is
            compared with.

        Returns
        -------
        TrialResult
        """
        if example is not None:
            if not (context is None and context_off_after is None and inputs is None
                    and target is None and context_trace is None):
                raise ValueError("give either an example or a context and arrays, not both")
            example = self._checked(example)
        else:
            if context is None and target is None:
                raise ValueError("give a context, an example, or a target and a "
                                 "context_trace")
            example = self.example(context, inputs=inputs, target=target,
                                   context_trace=context_trace,
                                   context_off_after=context_off_after)
        done = self._trial(example, context, apical_factor, False, bursts=bursts)
        return self._result(example, context, apical_factor, done, True)

    # -- saving and loading ------------------------------------------------------
    def save(self, path):
        """Write the network to one ``.npz`` file, atomically.

        The file holds every array the next trials read, the complete
        configuration (JSON text) and the lttb version; see
        :mod:`lttb.model.saving` for the layout.  :meth:`load` reads it back
        into a network that trains on bit for bit as this one would.

        Learning rates are not state of the network: a schedule such as
        :func:`lttb.model.training.run_schedule` passes decayed rates to
        :meth:`train_iteration`, and the file holds the configuration's.
        To continue a schedule, pass its rates (e.g. ``eta=cfg["eta"] *
        cfg["lr_decay"] ** epochs``) when training the loaded network.

        Parameters
        ----------
        path : path-like

        Returns
        -------
        pathlib.Path
        """
        from .saving import save_network

        return save_network(self, path)

    def to_bytes(self):
        """The ``.npz`` file :meth:`save` writes, as bytes."""
        from .saving import network_bytes

        return network_bytes(self)

    @classmethod
    def load(cls, path, *, engine=None):
        """Read a network saved by :meth:`save` (loaded with ``allow_pickle=False``).

        Parameters
        ----------
        path : path-like or bytes
            A network file, its bytes, or an artifact ``seed-NNNN.json``
            beside which a run wrote ``seed-NNNN.npz``.
        engine : str, optional
            Engine of the network (default :attr:`default_engine`).

        Returns
        -------
        Network
            Of this class.

        Raises
        ------
        lttb.model.saving.NetworkFileError
            When the file is missing, not a network file, or invalid.
        """
        from .saving import restore_network

        return restore_network(cls, path, engine=engine)


class ReferenceNetwork(Network):
    """A :class:`Network` whose trials run on the NumPy oracle (``engine="oracle"``).

    The readable transcription of the specification the compiled engine is
    tested against (:mod:`lttb.model.oracle`); about 60 times slower.
    """

    default_engine = "oracle"
