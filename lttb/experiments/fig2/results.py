"""What a Figure 2 artifact adds to Figure 1's, its checks and its summary.

The Figure 2 block ``context_tests`` (see
:func:`lttb.experiments.fig2.protocol.context_tests`) holds the rasters of the
full-context test and the whole turn-off test; the six per-seed scores
(:data:`SCORES`) are means over contexts of its MSEs.  No model here: these
functions read artifacts (plain data) only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ...config import ConfigError
from ...stats import mean_or_none, mean_sd, nested_shape
from ..fig1 import results as fig1_results

__all__ = [
    "RESULT_KEYS",
    "SCORES",
    "check_config",
    "turnoff_windows",
    "window_mse",
    "context_scores",
    "summarize_context_tests",
    "context_tests_problems",
    "problems",
    "summarize",
]

#: Keys a seed's result gives its artifact: Figure 1's and the context tests.
RESULT_KEYS = (*fig1_results.RESULT_KEYS, "context_tests")

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


# --------------------------------------------------------------------------- scores

def _diagonal_scores(matrix: list[list]) -> tuple[float | None, float | None]:
    n = len(matrix)
    right = mean_or_none(matrix[c][c] for c in range(n))
    wrong = mean_or_none(matrix[c][k] for c in range(n) for k in range(n) if k != c)
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
        got = nested_shape(block[part][key])
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


def problems(artifact: Mapping[str, Any], cfg: Mapping[str, Any]) -> list[str]:
    """Figure 1's checks (:func:`lttb.experiments.fig1.results.problems`) and
    :func:`context_tests_problems`."""
    return fig1_results.problems(artifact, cfg) + context_tests_problems(artifact, cfg)


def summarize(artifacts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Figure 1's summary of the seeds and, when some have them, ``context_tests``.

    See :func:`lttb.experiments.fig1.results.summarize` and
    :func:`summarize_context_tests`.
    """
    items = list(artifacts)
    summary = fig1_results.summarize(items)
    context = summarize_context_tests(items)
    if context is not None:
        summary["context_tests"] = context
    return summary
