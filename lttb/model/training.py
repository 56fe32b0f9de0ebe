"""The generic training loop of one network, and the tests every figure shares.

:func:`run_schedule` trains one network with the schedule held in its
configuration (``epochs`` x ``iters_per_epoch`` iterations, a short test
every ``test_every`` iterations, learning rates decayed after each epoch),
ends with :func:`full_test` and then the experiment's own tests (the
``extra_tests`` hook).  It returns plain Python data (lists, floats, ints),
ready for an artifact.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..config import schedule_of
from ..stats import finite_or_none, floats
from .network import Network

__all__ = ["schedule_of", "run_schedule", "full_test", "raster_events", "mse_between",
           "TEACHER", "OUTPUT_FIRST_BIN", "Progress", "BURST_CURVES"]

#: Apical factors of the final test: the paper's panel shows the teacher on.
TEACHER = {"teacher_on": 1.0, "teacher_off": 0.0}

#: Output column ``c`` of a trial is bin ``c + OUTPUT_FIRST_BIN`` (spec section 6).
OUTPUT_FIRST_BIN = 1

#: The burst metrics recorded at every iteration (SI.md section 3).
BURST_CURVES = ("self_dist_B", "self_dist_B_rec", "dist_B")

#: Callback ``progress(iteration, n_iterations, latest_outer_mse)``; the MSE is
#: ``None`` until the first short test.
Progress = Callable[[int, int, "float | None"], None]


def mse_between(target: np.ndarray, outputs: np.ndarray) -> float:
    """Outer MSE: population variance of ``target - outputs`` (spec section 6).

    Parameters
    ----------
    target : numpy.ndarray, shape (O, T)
        A target trajectory over every bin.
    outputs : numpy.ndarray, shape (O, T-3)
        Read-out of a trial; column ``c`` is bin ``c + 1``.

    Returns
    -------
    float
    """
    width = outputs.shape[1]
    window = target[:, OUTPUT_FIRST_BIN:OUTPUT_FIRST_BIN + width]
    return float(np.var(window - outputs))


def raster_events(S_soma: np.ndarray, S_wind: np.ndarray) -> tuple[list, list]:
    """Split a trial's somatic spikes into plain spikes and bursts.

    Parameters
    ----------
    S_soma, S_wind : numpy.ndarray, shape (N, T)
        Somatic spikes and burst windows of one trial.

    Returns
    -------
    spikes, bursts : list of [int, int]
        ``[neuron, bin]`` pairs, sorted by neuron then bin: spikes with
        ``S_wind == 0`` and with ``S_wind == 1``.
    """
    soma = np.asarray(S_soma) != 0
    window = np.asarray(S_wind) != 0
    spikes = np.argwhere(soma & ~window)
    bursts = np.argwhere(soma & window)
    return spikes.tolist(), bursts.tolist()


def full_test(net: Network, raster_context: int = 0) -> dict[str, Any]:
    """The test after training: every context with the teacher on and off.

    Parameters
    ----------
    net : Network
        A (trained) network; the test does not change it.
    raster_context : int
        Context whose teacher-on trial gives the raster.

    Returns
    -------
    dict
        ``outputs`` and ``full_test_mse`` keyed by ``"teacher_on"`` /
        ``"teacher_off"`` (outputs: per context O x (T-3); MSE: matrix whose
        row ``c`` is the trial of context ``c`` and column ``k`` the target
        compared), ``context_trace`` (per context, of the teacher-on trial),
        ``final_outer_mse`` (teacher off, mean of the diagonal),
        ``raster_context``, ``spikes`` and ``bursts``.
    """
    targets = net.targets
    n_ctx = targets.shape[0]
    outputs: dict[str, list] = {}
    mse: dict[str, list] = {}
    traces = []
    spikes: list = []
    bursts: list = []
    for name, factor in TEACHER.items():
        outputs[name], mse[name] = [], []
        for c in range(n_ctx):
            trial = net.run_trial(c, apical_factor=factor)
            outputs[name].append(floats(trial.outputs))
            # Row c, column k: outputs of context c against target k; with two
            # contexts the off-diagonal entry is the "wrong target" MSE.
            mse[name].append([finite_or_none(mse_between(targets[k], trial.outputs))
                              for k in range(n_ctx)])
            if factor == TEACHER["teacher_on"]:
                traces.append(floats(trial.context_trace))
                if c == raster_context:
                    spikes, bursts = raster_events(trial.S_soma, trial.S_wind)
    diagonal = [mse["teacher_off"][c][c] for c in range(n_ctx)]
    final = None if any(v is None for v in diagonal) else float(np.mean(diagonal))
    return {
        "outputs": outputs,
        "full_test_mse": mse,
        "context_trace": traces,
        "final_outer_mse": final,
        "raster_context": int(raster_context),
        "spikes": spikes,
        "bursts": bursts,
    }


def _finite_weights(net) -> bool:
    """Whether every learned weight `net` shows (``J``, ``Jout``, ``Bias``) is still finite."""
    for name in ("J", "Jout", "Bias"):
        weights = getattr(net, name, None)
        if weights is not None and not np.isfinite(weights).all():
            return False
    return True


def run_schedule(cfg: Mapping[str, Any], seed: int, progress: Progress | None = None,
                 *, network_cls: type = Network,
                 extra_tests: Callable[[Any], Mapping[str, Any]] | None = None,
                 targets: Any = None, inputs: Any = None,
                 return_network: bool = False, bursts: bool = False,
                 final_test: bool = True) -> dict[str, Any]:
    """Train one network with the schedule of its configuration, then test it.

    The schedule (spec section 7): ``epochs`` epochs of ``iters_per_epoch``
    training iterations (one training trial per context each).  After every
    ``test_every``-th iteration (counted over the whole run; never when it
    is 0) the inner error of the last training trial is recorded, then a
    short test gives the outer MSE per context.  After each epoch ``eta`` and ``eta_out`` are
    multiplied by ``lr_decay``; ``eta_bias`` is left unchanged.  Pinning
    follows the configuration.  A run whose learned weights stop being finite
    numbers (it diverged) stops training after that iteration and records
    it as ``diverged_at``.  Finally :func:`full_test`.

    Parameters
    ----------
    cfg : mapping
        A validated configuration (:func:`lttb.load_config`).
    seed : int
        Non-negative seed; the network is drawn from
        ``numpy.random.SeedSequence(seed)``, so seeds are independent streams.
    progress : callable, optional
        Called after every iteration as ``progress(iteration, n_iterations,
        latest_outer_mse)`` (mean over contexts of the latest short test, or
        ``None`` before the first one).
    network_cls : type
        :class:`lttb.model.Network` or a subclass, e.g.
        :class:`lttb.model.ReferenceNetwork` (the NumPy oracle).
    extra_tests : callable, optional
        ``extra_tests(net) -> mapping`` run on the trained network after
        :func:`full_test`; its keys are added to the result (e.g.
        :func:`lttb.experiments.fig2.protocol.context_tests`).
    targets : array_like, shape (n_contexts, O, T), optional
        Target trajectories to learn, used as given, instead of the random
        ones of the seed (see :meth:`lttb.model.Network.from_seed`).
    inputs : array_like, shape (I, T), optional
        Input sequence of every trial (real values), instead of the clock.
    return_network : bool
        Also hand back the trained network, under ``"network"`` (not plain
        data: the caller saves it, e.g. :meth:`Network.save`, and leaves it
        out of the artifact).
    bursts : bool
        Track the bursts (SI.md sections 1 and 3): first a warm-up trial of
        context 0 (teacher on, initial weights, no plasticity), then after
        every iteration the metrics of its last trial
        (:meth:`Network.burst_metrics`), each compared with the trial
        before it.
    final_test : bool
        End with :func:`full_test` (the SI protocol does not).

    Returns
    -------
    dict
        Plain data: ``seed``, ``schedule``, ``targets`` (those trained on),
        ``contexts``,
        ``output_first_bin``, ``test_iterations``, ``outer_mse`` (per test
        point, per context), ``inner_error``, ``diverged_at`` (only for a
        run that diverged: the iteration after which it stopped), the keys
        of :func:`full_test` (with `final_test`), and those of `extra_tests`;
        with `bursts`, ``self_dist_B``, ``self_dist_B_rec``, ``dist_B`` (one
        value per iteration run) and ``number_B``, ``number_B_rec`` (of the
        last iteration); ``network`` with `return_network`.
    """
    cfg = dict(cfg)
    seed = int(seed)
    if seed < 0:
        raise ValueError(f"seed must be >= 0 (got {seed})")
    schedule = schedule_of(cfg)
    # Only what is given is passed on, so that a network_cls whose from_seed
    # takes no arrays keeps working.
    given = {name: value for name, value in (("targets", targets), ("inputs", inputs))
             if value is not None}
    net = network_cls.from_seed(cfg, np.random.SeedSequence(seed), **given)

    # Decayed by repeated multiplication, as the original does, so that the
    # rates are bit-identical to its epoch loop.
    eta, eta_out, eta_bias = cfg["eta"], cfg["eta_out"], cfg["eta_bias"]
    total, every = schedule["n_iterations"], schedule["test_every"]
    test_iterations: list[int] = []
    outer: list[list] = []
    inner: list = []
    latest: float | None = None
    iteration = 0
    diverged_at: int | None = None
    curves: dict[str, list] = {key: [] for key in BURST_CURVES}
    last_bursts: dict[str, Any] = {}
    # Passed only when asked for, so that a network_cls written before burst
    # tracking keeps working.
    tracking = {"bursts": True} if bursts else {}
    if bursts:
        # The reference of the first iteration's self-distances.
        net.run_trial(0, apical_factor=1.0, bursts=True)
    for _epoch in range(schedule["epochs"]):
        for _ in range(schedule["iters_per_epoch"]):
            net.train_iteration(eta, eta_out, eta_bias, **tracking)
            iteration += 1
            if bursts:
                last_bursts = net.burst_metrics()
                for key in BURST_CURVES:
                    curves[key].append(finite_or_none(last_bursts[key]))
            if not _finite_weights(net):
                # Nothing after this point means anything: stop, and say where.
                diverged_at = iteration
                break
            if every and iteration % every == 0:
                # The inner error belongs to the last training trial, so it is
                # read before the short test runs more trials.
                inner.append(finite_or_none(net.inner_error()))
                mse = np.asarray(net.short_test(), dtype=np.float64)
                outer.append(floats(mse))
                test_iterations.append(iteration)
                latest = finite_or_none(np.mean(mse))
            if progress is not None:
                progress(iteration, total, latest)
        if diverged_at is not None:
            break
        eta *= schedule["lr_decay"]
        eta_out *= schedule["lr_decay"]

    result = {
        "seed": seed,
        "schedule": schedule,
        "targets": floats(net.targets),
        "contexts": list(range(int(cfg["n_contexts"]))),
        "output_first_bin": OUTPUT_FIRST_BIN,
        "test_iterations": test_iterations,
        "outer_mse": outer,
        "inner_error": inner,
    }
    if diverged_at is not None:
        result["diverged_at"] = diverged_at
    if bursts:
        result.update(curves)
        result["number_B"] = int(last_bursts.get("number_B", 0))
        result["number_B_rec"] = int(last_bursts.get("number_B_rec", 0))
    if final_test:
        result.update(full_test(net))
    if extra_tests is not None:
        result.update(extra_tests(net))
    if return_network:
        # The tests do not change the network: this is the trained one.
        result["network"] = net
    return result
