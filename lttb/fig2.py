"""The Figure 2 protocol: two contexts, context-selected recall and the turn-off test.

The paper's Figure 2 stores two 3-D trajectories in one network; a context
signal on the apical dendrites chooses which one is recalled.  After the
training schedule of the configuration (:func:`lttb.protocol.run_schedule`,
preset ``fig2``), every context ``c`` is tested with the teacher off
(apical factor 0):

- *full context*: context ``c`` on for the whole trial; its outputs are
  compared with target ``c`` (on-diagonal MSE) and with the other targets
  (off-diagonal MSE).  These are the teacher-off outputs and MSE matrix of
  :func:`lttb.protocol.full_test`; this module adds their rasters.
- *turn-off*: context ``c`` on for bins ``<= turnoff_bin``, then every
  context off.  With ``t = turnoff_bin`` and ``m = turnoff_margin`` the
  "before" window compares target bins ``1 .. t-m`` with output columns
  ``0 .. t-m-1`` and the "after" window target bins ``t+m+1 .. T-3`` with
  output columns ``t+m .. T-4`` (output column ``j`` is bin ``j + 1``), each
  against the right and the wrong targets.

Every MSE here is the outer MSE of spec section 6: the population variance
of all entries of ``target - output`` in the window.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from .config import ConfigError
from .network import Network
from .protocol import (Progress, _finite_or_none, _floats, mean_sd, raster_events,
                       run_schedule)
from .protocol import nested_shape as _shape

__all__ = [
    "APICAL_FACTOR",
    "RASTER_NEURONS",
    "SCORES",
    "check_config",
    "turnoff_windows",
    "window_mse",
    "context_tests",
    "run_fig2",
    "context_scores",
    "summarize_context_tests",
    "context_tests_problems",
]

#: Apical factor of every Figure 2 test: the teacher is off.
APICAL_FACTOR = 0.0
#: Neurons 0 .. RASTER_NEURONS-1 are recorded in the per-context rasters.
RASTER_NEURONS = 100
#: Per-seed scores (means over contexts) and what each one is.
SCORES = {
    "on_diagonal": "full context, against the right target",
    "off_diagonal": "full context, against the wrong target(s)",
    "before_right": "turn-off test, before the turn-off, right target",
    "before_wrong": "turn-off test, before the turn-off, wrong target(s)",
    "after_right": "turn-off test, after the turn-off, right target",
    "after_wrong": "turn-off test, after the turn-off, wrong target(s)",
}


# --------------------------------------------------------------------------- windows

def check_config(cfg: Mapping[str, Any]) -> None:
    """Check that a configuration can run the Figure 2 tests.

    Parameters
    ----------
    cfg : mapping
        A validated configuration.

    Raises
    ------
    ConfigError
        Naming the keys concerned: fewer than two contexts (no wrong
        target), an empty "before" window (``turnoff_bin - turnoff_margin``
        must be >= 1) or an empty "after" window (``turnoff_bin +
        turnoff_margin`` must be < ``T - 3``).
    """
    errors: list[tuple[str | None, str]] = []
    n_ctx, T = int(cfg["n_contexts"]), int(cfg["T"])
    t, m = int(cfg["turnoff_bin"]), int(cfg["turnoff_margin"])
    if n_ctx < 2:
        errors.append(("n_contexts", f"must be >= 2 for the fig2 tests, which compare each "
                                     f"context's outputs with the other targets (got {n_ctx})"))
    if t - m < 1:
        errors.append(("turnoff_bin", f"turnoff_bin - turnoff_margin must be >= 1 so that the "
                                      f"'before' window (target bins 1..turnoff_bin-"
                                      f"turnoff_margin) is not empty (got {t} - {m} = {t - m})"))
    if t + m >= T - 3:
        errors.append(("turnoff_bin", f"turnoff_bin + turnoff_margin must be < T - 3 so that "
                                      f"the 'after' window (target bins turnoff_bin+"
                                      f"turnoff_margin+1..T-3) is not empty (got {t} + {m} = "
                                      f"{t + m}, T - 3 = {T - 3})"))
    if errors:
        raise ConfigError(errors)


def turnoff_windows(T: int, turnoff_bin: int, turnoff_margin: int) -> dict[str, dict[str, list]]:
    """The "before" and "after" windows of the turn-off test.

    Parameters
    ----------
    T : int
        Bins per trial; outputs have ``T - 3`` columns, column ``j`` is bin
        ``j + 1``.
    turnoff_bin : int
        Last bin with the context on.
    turnoff_margin : int
        Bins left out on each side of the turn-off.

    Returns
    -------
    dict
        ``{"before": w, "after": w}`` with ``w = {"target_bins": [first,
        last], "output_columns": [first, last]}``, both ranges inclusive and
        of the same length.

    Examples
    --------
    >>> turnoff_windows(1000, 500, 100)["after"]
    {'target_bins': [601, 997], 'output_columns': [600, 996]}
    """
    t, m = int(turnoff_bin), int(turnoff_margin)
    last_column = T - 4
    windows = {
        "before": {"target_bins": [1, t - m], "output_columns": [0, t - m - 1]},
        "after": {"target_bins": [t + m + 1, T - 3], "output_columns": [t + m, last_column]},
    }
    for name, w in windows.items():
        (b0, b1), (c0, c1) = w["target_bins"], w["output_columns"]
        if b1 < b0 or c0 < 0 or c1 > last_column:
            raise ValueError(f"empty or out-of-range '{name}' window for T={T}, "
                             f"turnoff_bin={t}, turnoff_margin={m}")
    return windows


def window_mse(target: np.ndarray, outputs: np.ndarray, window: Mapping[str, list]) -> float:
    """Outer MSE of the outputs against a target over one window.

    Parameters
    ----------
    target : numpy.ndarray, shape (O, T)
    outputs : numpy.ndarray, shape (O, T-3)
    window : mapping
        ``target_bins`` and ``output_columns``, inclusive ``[first, last]``
        ranges of the same length (see :func:`turnoff_windows`).

    Returns
    -------
    float
        Population variance of ``target[:, bins] - outputs[:, columns]``.
    """
    (b0, b1), (c0, c1) = window["target_bins"], window["output_columns"]
    error = np.asarray(target)[:, b0:b1 + 1] - np.asarray(outputs)[:, c0:c1 + 1]
    return float(np.var(error))


# --------------------------------------------------------------------------- the tests

def _raster(trial, neurons: int) -> tuple[list, list]:
    return raster_events(np.asarray(trial.S_soma)[:neurons], np.asarray(trial.S_wind)[:neurons])


def context_tests(net: Network) -> dict[str, Any]:
    """The Figure 2 tests of a trained network, teacher off.

    Parameters
    ----------
    net : Network
        A trained network with at least two contexts and a configuration
        that passes :func:`check_config`; the tests do not change it.

    Returns
    -------
    dict
        ``{"context_tests": block}``; the block holds ``apical_factor``,
        ``turnoff_bin``, ``turnoff_margin``, ``windows``
        (:func:`turnoff_windows`), ``raster_neurons``, ``full_context``
        (per-context ``spikes`` and ``bursts`` of neurons below
        ``raster_neurons``) and ``turnoff`` (per-context ``outputs``
        O x (T-3), ``context_trace``, ``mse_before`` and ``mse_after`` --
        row ``c`` the trial of context ``c``, column ``k`` target ``k`` --
        ``spikes`` and ``bursts``).  The full-context outputs and MSE matrix
        are the ``teacher_off`` entries of :func:`lttb.protocol.full_test`.
    """
    cfg = net.config
    check_config(cfg)
    targets = net.targets
    n_ctx, T = targets.shape[0], int(cfg["T"])
    t_off, margin = int(cfg["turnoff_bin"]), int(cfg["turnoff_margin"])
    windows = turnoff_windows(T, t_off, margin)
    neurons = min(RASTER_NEURONS, int(cfg["N"]))
    full = {"spikes": [], "bursts": []}
    turnoff: dict[str, list] = {"outputs": [], "context_trace": [], "mse_before": [],
                                "mse_after": [], "spikes": [], "bursts": []}
    for c in range(n_ctx):
        trial = net.run_trial(c, apical_factor=APICAL_FACTOR)
        spikes, bursts = _raster(trial, neurons)
        full["spikes"].append(spikes)
        full["bursts"].append(bursts)

        trial = net.run_trial(c, apical_factor=APICAL_FACTOR, context_off_after=t_off)
        turnoff["outputs"].append(_floats(trial.outputs))
        turnoff["context_trace"].append(_floats(trial.context_trace))
        for key, window in (("mse_before", windows["before"]), ("mse_after", windows["after"])):
            turnoff[key].append([_finite_or_none(window_mse(targets[k], trial.outputs, window))
                                 for k in range(n_ctx)])
        spikes, bursts = _raster(trial, neurons)
        turnoff["spikes"].append(spikes)
        turnoff["bursts"].append(bursts)
    return {"context_tests": {
        "apical_factor": APICAL_FACTOR,
        "turnoff_bin": t_off,
        "turnoff_margin": margin,
        "windows": windows,
        "raster_neurons": neurons,
        "full_context": full,
        "turnoff": turnoff,
    }}


def run_fig2(cfg: Mapping[str, Any], seed: int, progress: Progress | None = None, *,
             network_cls: type = Network) -> dict[str, Any]:
    """One seed of Figure 2: the training schedule, the full test, the context tests.

    Parameters
    ----------
    cfg : mapping
        A validated configuration (preset ``fig2`` or derived from it) that
        passes :func:`check_config`.
    seed : int
        Non-negative seed (see :func:`lttb.protocol.run_schedule`).
    progress : callable, optional
        As for :func:`lttb.protocol.run_schedule`.
    network_cls : type
        :class:`lttb.Network` or a class with the same API.

    Returns
    -------
    dict
        The result of :func:`lttb.protocol.run_schedule` plus
        ``context_tests`` (see :func:`context_tests`).

    Raises
    ------
    ConfigError
        Before any simulation, if the configuration cannot run the tests.
    """
    check_config(cfg)
    return run_schedule(cfg, seed, progress, network_cls=network_cls, extra_tests=context_tests)


# --------------------------------------------------------------------------- scores

def _mean_or_none(values: Iterable[Any]) -> float | None:
    values = list(values)
    if not values or any(v is None for v in values):
        return None
    return _finite_or_none(np.mean(np.asarray(values, dtype=np.float64)))


def _diagonal_scores(matrix: list[list]) -> tuple[float | None, float | None]:
    n = len(matrix)
    right = _mean_or_none(matrix[c][c] for c in range(n))
    wrong = _mean_or_none(matrix[c][k] for c in range(n) for k in range(n) if k != c)
    return right, wrong


def context_scores(artifact: Mapping[str, Any]) -> dict[str, float | None]:
    """The six Figure 2 scores of one seed (see :data:`SCORES`).

    Each is a mean over contexts: "right" / on-diagonal entries compare a
    context's outputs with its own target, "wrong" / off-diagonal entries
    with every other target.

    Parameters
    ----------
    artifact : mapping
        An artifact (or protocol result) holding ``context_tests`` and
        ``full_test_mse``.

    Returns
    -------
    dict
        Keys of :data:`SCORES`; ``None`` where a value is missing.
    """
    block = artifact["context_tests"]
    on, off = _diagonal_scores(artifact["full_test_mse"]["teacher_off"])
    before_right, before_wrong = _diagonal_scores(block["turnoff"]["mse_before"])
    after_right, after_wrong = _diagonal_scores(block["turnoff"]["mse_after"])
    return {"on_diagonal": on, "off_diagonal": off,
            "before_right": before_right, "before_wrong": before_wrong,
            "after_right": after_right, "after_wrong": after_wrong}


def summarize_context_tests(artifacts: Iterable[Mapping[str, Any]]) -> dict[str, Any] | None:
    """Across-seed statistics of the Figure 2 scores.

    Parameters
    ----------
    artifacts : iterable of mapping
        Artifacts; those without ``context_tests`` are ignored.

    Returns
    -------
    dict or None
        ``None`` when no artifact has context tests.  Otherwise
        ``per_seed`` (``seed`` and the scores), and per score ``mean``,
        ``sd`` (sample standard deviation, ``ddof=1``; ``None`` for fewer
        than two seeds) and ``n`` (seeds with a value).
    """
    items = sorted((a for a in artifacts if "context_tests" in a),
                   key=lambda a: (a["figure"], a["seed"]))
    if not items:
        return None
    per_seed = [{"seed": a["seed"], **context_scores(a)} for a in items]
    stats: dict[str, Any] = {}
    for key in SCORES:
        mean, sd, n = mean_sd(p[key] for p in per_seed)
        stats[key] = {"mean": mean, "sd": sd, "n": n}
    return {"per_seed": per_seed, **stats}


# --------------------------------------------------------------------------- validation



def context_tests_problems(artifact: Mapping[str, Any], cfg: Mapping[str, Any]) -> list[str]:
    """Rules of an artifact's ``context_tests`` that its schema cannot express.

    Parameters
    ----------
    artifact : mapping
        An artifact that matches the artifact schema.
    cfg : mapping
        Its validated configuration.

    Returns
    -------
    list of str
        Problems found (empty when consistent): turn-off settings and
        windows that do not follow from the configuration, shapes, and
        raster events outside the recorded neurons or the trial.
    """
    block = artifact.get("context_tests")
    if block is None:
        return []
    problems = []
    n_ctx, O, T, N = cfg["n_contexts"], cfg["O"], cfg["T"], cfg["N"]
    for key in ("turnoff_bin", "turnoff_margin"):
        if block[key] != cfg[key]:
            problems.append(f"context_tests/{key} {block[key]} differs from the config's "
                            f"{cfg[key]}")
    try:
        expected_windows = turnoff_windows(T, cfg["turnoff_bin"], cfg["turnoff_margin"])
    except ValueError as exc:
        problems.append(f"context_tests: {exc}")
    else:
        if block["windows"] != expected_windows:
            problems.append("context_tests/windows do not follow from the config")
    if block["raster_neurons"] > N:
        problems.append(f"context_tests/raster_neurons {block['raster_neurons']} exceeds N={N}")
    expected = {
        "turnoff/outputs": (n_ctx, O, T - 3),
        "turnoff/context_trace": (n_ctx, n_ctx, T),
        "turnoff/mse_before": (n_ctx, n_ctx),
        "turnoff/mse_after": (n_ctx, n_ctx),
    }
    for where, shape in expected.items():
        part, key = where.split("/")
        got = _shape(block[part][key])
        if got != shape:
            problems.append(f"context_tests/{where}: shape {got if got is not None else 'ragged'}"
                            f", expected {shape} for its config")
    neurons = block["raster_neurons"]
    for part in ("full_context", "turnoff"):
        for key in ("spikes", "bursts"):
            per_context = block[part][key]
            if len(per_context) != n_ctx:
                problems.append(f"context_tests/{part}/{key}: {len(per_context)} rasters, "
                                f"expected one per context ({n_ctx})")
                continue
            for c, events in enumerate(per_context):
                bad = [pair for pair in events if pair[0] >= neurons or pair[1] >= T]
                if bad:
                    problems.append(f"context_tests/{part}/{key}/{c}: [neuron, bin] {bad[0]} "
                                    f"outside {neurons} neurons x {T} bins")
    return problems
