"""Artifacts and summaries of the SI figures: burst metrics per (scan value, seed).

No model here.  An artifact keeps the flat configuration (the scanned key at
its top level), ``variant`` (``KEY=VALUE``), the per-iteration lists
``self_dist_B``, ``self_dist_B_rec``, ``dist_B`` (raw D values, not square
roots) and the counts ``number_B``, ``number_B_rec`` of the last iteration.
A figure's ``results.py`` binds these functions to its scanned key.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ...config import schedule_of as _flat_schedule
from ...config import validate_config as _validate_flat
from ...stats import finite_or_none, mean_sd
from .scan import parse_variant, variant_name

__all__ = ["RESULT_KEYS", "CURVES", "COUNTS", "FINAL_INDEX", "SMOOTHING", "validate_config",
           "schedule_of", "task_cost", "problems", "final_values", "summarize", "report", "sem",
           "smooth", "smoothed_sqrt", "curve_band", "group_by_variant"]

#: The keys of the protocol's result an artifact keeps, in order.
RESULT_KEYS = ("variant", "diverged_at", "self_dist_B", "self_dist_B_rec", "dist_B",
               "number_B", "number_B_rec")
#: Per-iteration lists.
CURVES = ("self_dist_B", "self_dist_B_rec", "dist_B")
#: Counts after the last iteration.
COUNTS = ("number_B", "number_B_rec")
#: The notebook's "final D(B*_n, B*_n-1)": the smoothed curve at array index -50.
FINAL_INDEX = -50
#: Width (s.d., in iterations) of the Gaussian that smooths every curve, as the notebook.
SMOOTHING = 3.0


def validate_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """An artifact's configuration, checked as :func:`lttb.load_config` checks one."""
    return _validate_flat(config)


def schedule_of(cfg: Mapping[str, Any]) -> dict[str, Any]:
    """The schedule a configuration asks for (:func:`lttb.config.schedule_of`)."""
    return _flat_schedule(cfg)


def task_cost(cfg: Mapping[str, Any]) -> float:
    """Rough relative run time of one task: recurrent synapses x bins x trials."""
    trials = schedule_of(cfg)["n_iterations"] + 1  # and the warm-up trial
    return float(cfg["N"]) ** 2 * cfg["T"] * trials


def problems(artifact: Mapping[str, Any], cfg: Mapping[str, Any], key: str) -> list[str]:
    """Checks the schema cannot express, for a figure scanning `key`.

    Returns
    -------
    list of str
        Empty when consistent: the variant names the scanned key and the
        configuration's value of it, every curve has one value per iteration
        run, and no count exceeds N x T.
    """
    found = []
    expected = variant_name(key, cfg[key])
    if artifact["variant"] != expected:
        found.append(f"variant {artifact['variant']!r} but the config gives {expected!r}")
    n = artifact.get("diverged_at") or schedule_of(cfg)["n_iterations"]
    for name in CURVES:
        if len(artifact[name]) != n:
            found.append(f"{name}: {len(artifact[name])} values, expected {n} (one per "
                         f"iteration)")
    for name in COUNTS:
        if artifact[name] > cfg["N"] * cfg["T"]:
            found.append(f"{name} {artifact[name]} exceeds N x T")
    return found


def sem(values: Sequence[float]) -> float | None:
    """Standard error of the mean, s.d. / sqrt(n) (ddof 0, as the notebook's np.std)."""
    clean = [v for v in values if v is not None and math.isfinite(v)]
    if not clean:
        return None
    mean = sum(clean) / len(clean)
    return math.sqrt(sum((v - mean) ** 2 for v in clean) / len(clean)) / math.sqrt(len(clean))


def final_values(artifact: Mapping[str, Any]) -> dict[str, Any]:
    """One run's end point: last ``dist_B`` and ``self_dist_B`` (raw D), the counts."""
    return {
        "final_dist_B": finite_or_none(artifact["dist_B"][-1]) if artifact["dist_B"] else None,
        "final_self_dist_B": (finite_or_none(artifact["self_dist_B"][-1])
                              if artifact["self_dist_B"] else None),
        "number_B": int(artifact["number_B"]),
        "number_B_rec": int(artifact["number_B_rec"]),
    }


def _stats(values: list) -> dict[str, Any]:
    mean, sd, n = mean_sd(values)
    return {"mean": mean, "sd": sd, "n": n}


def summarize(artifacts: Iterable[Mapping[str, Any]], key: str,
              paper: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """Per scan value, the end points of its runs: mean and s.d. over seeds.

    Parameters
    ----------
    artifacts : iterable of mapping
        Valid artifacts of one figure.
    key : str
        The scanned key.
    paper : mapping, optional
        Variant -> the authors' published means (``final_dist_B``,
        ``number_B``, ``runs``), copied into the summary beside each point.

    Returns
    -------
    dict
        ``{"bursts": {"key", "points": [...]}}``; a point holds ``variant``,
        ``value``, ``seeds``, ``diverged`` (seeds whose run diverged), and
        for ``final_dist_B``, ``final_self_dist_B``, ``number_B`` and
        ``number_B_rec`` the ``mean``, ``sd`` (sample s.d., ``ddof=1``) and
        ``n``; ``paper`` where known.  Points are sorted by value.
    """
    groups: dict[str, list] = {}
    for artifact in artifacts:
        groups.setdefault(artifact["variant"], []).append(artifact)
    points = []
    for variant in sorted(groups, key=lambda name: parse_variant(name, key)):
        group = sorted(groups[variant], key=lambda a: a["seed"])
        finals = [final_values(a) for a in group]
        point: dict[str, Any] = {
            "variant": variant,
            "value": parse_variant(variant, key),
            "seeds": [a["seed"] for a in group],
            "diverged": [a["seed"] for a in group if a.get("diverged_at") is not None],
        }
        for name in ("final_dist_B", "final_self_dist_B", "number_B", "number_B_rec"):
            point[name] = _stats([f[name] for f in finals])
        if paper and variant in paper:
            point["paper"] = dict(paper[variant])
        points.append(point)
    return {"bursts": {"key": key, "points": points}}


def report(summary: Mapping[str, Any]) -> list[str]:
    """Lines printed after a run: per scan value, final dist_B and number of bursts."""
    block = summary["bursts"]
    lines = [f"per {block['key']}: final dist_B (raw D) and number_B, mean ± s.d. over runs"]
    for point in block["points"]:
        d, b = point["final_dist_B"], point["number_B"]
        text = (f"  {point['variant']:<16} {b['n']:>2} runs: dist_B {_fmt(d)}, "
                f"number_B {_fmt(b, '.1f')}")
        paper = point.get("paper")
        if paper:
            text += (f"  (authors: dist_B {paper['final_dist_B']:.3g}, number_B "
                     f"{paper['number_B']:.1f}, {paper['runs']} runs)")
        lines.append(text)
    return lines


def _fmt(stat: Mapping[str, Any], spec: str = ".3g") -> str:
    if stat["mean"] is None:
        return "n/a"
    spread = "" if stat["sd"] is None else f" ± {stat['sd']:{spec}}"
    return f"{stat['mean']:{spec}}{spread}"


# --------------------------------------------------------------------------- curves

def smooth(values: Sequence[float], sigma: float = SMOOTHING) -> np.ndarray:
    """Gaussian smoothing of a curve, as the supplementary notebook smooths them.

    The kernel is a normalised Gaussian of s.d. `sigma` samples cut at 4 s.d.;
    the ends are extended by reflection about the edge (``d c b a | a b c d``),
    which is SciPy's ``gaussian_filter1d`` default, written here in NumPy.

    Parameters
    ----------
    values : sequence of float
    sigma : float
        > 0, in samples.

    Returns
    -------
    numpy.ndarray
        Same length as `values`.
    """
    x = np.asarray(values, dtype=np.float64)
    radius = int(4.0 * sigma + 0.5)
    offsets = np.arange(-radius, radius + 1)
    kernel = np.exp(-0.5 * (offsets / sigma) ** 2)
    kernel /= kernel.sum()
    if x.size == 0:
        return x
    # NumPy's "symmetric" padding is SciPy's "reflect" (repeated for short curves).
    padded = np.pad(x, radius, mode="symmetric")
    return np.convolve(padded, kernel, mode="valid")


def smoothed_sqrt(artifact: Mapping[str, Any], name: str, skip_first: bool) -> np.ndarray:
    """One run's smoothed square-root curve (``sqrt(D)``, then :func:`smooth`).

    `skip_first` drops iteration 1 (the notebook plots ``self_dist_B[1:]``:
    the first compares with the warm-up trial).  Missing values are NaN.
    """
    raw = np.array([np.nan if v is None else v for v in artifact[name]], dtype=np.float64)
    if skip_first:
        raw = raw[1:]
    return smooth(np.sqrt(raw))


def curve_band(group: Sequence[Mapping[str, Any]], name: str, skip_first: bool
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and SEM over runs of their smoothed square-root curves.

    Runs of different lengths (one that diverged) are cut to the shortest.

    Returns
    -------
    iterations, mean, sem : numpy.ndarray
        Iteration numbers (from 2 with `skip_first`, else 1), the mean curve
        and its standard error (s.d. / sqrt(n), ddof 0, as the notebook).
    """
    curves = [smoothed_sqrt(a, name, skip_first) for a in group]
    width = min(c.size for c in curves)
    stack = np.array([c[:width] for c in curves])
    mean = stack.mean(axis=0)
    sem_ = stack.std(axis=0) / np.sqrt(stack.shape[0])
    first = 2 if skip_first else 1
    return np.arange(first, first + width), mean, sem_


def group_by_variant(artifacts: Iterable[Mapping[str, Any]], key: str
                     ) -> list[tuple[Any, list[Mapping[str, Any]]]]:
    """``(scan value, its artifacts)`` sorted by value (the artifacts by seed)."""
    groups: dict[str, list] = {}
    for artifact in artifacts:
        groups.setdefault(artifact["variant"], []).append(artifact)
    return [(parse_variant(v, key), sorted(groups[v], key=lambda a: a["seed"]))
            for v in sorted(groups, key=lambda name: parse_variant(name, key))]
