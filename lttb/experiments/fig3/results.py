"""What a Figure 3 artifact holds, its checks and its summary.

One artifact per (variant, seed).  No model here: these functions read
artifacts (plain data) only.  The per-epoch curves keep the authors' names
(``R_mean``, ``button_rate``, ``food_rate``, ``btn_dist_mean``,
``targ_dist_mean``, ``ERRORS_low``, ``ERRORS_high``), so the authors'
published JSON files (cosimolupo/LTTB, ``data/Fig_3``, CC BY 4.0) can be
read alongside.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ...stats import finite_or_none, mean_sd, nested_shape
from . import paper
from .config import VARIANTS, schedule_of, task_cost, validate_fig3_config

__all__ = ["RESULT_KEYS", "CURVES", "RATES", "PAPER", "LAST_EPOCHS", "SWEEP_METRIC",
           "published",
           "sweep_value", "PROGRESS_LABEL", "problems", "summarize",
           "validate_config", "schedule_of", "task_cost", "report"]

#: Keys a run's result gives its artifact, in artifact order.
RESULT_KEYS = ("variant", "buttons", "foods", "R_mean", "button_rate", "food_rate",
               "btn_dist_mean", "targ_dist_mean", "ERRORS_low", "ERRORS_high", "tests",
               "example")
#: The per-epoch curves of the closed-loop evaluation (one value per epoch).
CURVES = ("R_mean", "button_rate", "food_rate", "btn_dist_mean", "targ_dist_mean")
#: The curves the summary reports.
RATES = ("R_mean", "button_rate", "food_rate")
#: Epochs averaged for the "last epochs" values of the summary.
LAST_EPOCHS = 10
#: What the paper reports over the last epochs (FIG3.md section 7), for comparison.
PAPER = {"apical": {"R_mean": 0.88, "button_rate": 0.98, "food_rate": 0.70},
         "basal": {"R_mean": 0.24, "button_rate": 0.30, "food_rate": 0.16}}

#: What ``lttb-reproduce sweep fig3`` reports per point (lttb.run.sweep.sweep_metric).
SWEEP_METRIC = {"key": "last_R_mean", "label": f"reward, mean of the last {LAST_EPOCHS} epochs",
                "scale": "linear", "better": "higher"}

#: What the progress bars call the value a task reports each epoch.
PROGRESS_LABEL = "low-network MSE"

#: The artifact's configuration is a Figure 3 configuration (lttb.artifacts uses these).
validate_config = validate_fig3_config

_TEST_KEYS = ("alpha", "beta", "R", "min_btn_dist", "min_food_dist", "t_button", "t_food",
              "n_steps")


def problems(artifact: Mapping[str, Any], cfg: Mapping[str, Any]) -> list[str]:
    """Rules of an artifact that its schema cannot express.

    Parameters
    ----------
    artifact : mapping
        An artifact that matches the artifact schema.
    cfg : mapping
        Its validated Figure 3 configuration.

    Returns
    -------
    list of str
        Problems found (empty when consistent): a variant other than the
        configuration's, curves or tests whose lengths do not follow from
        the schedule, an example episode whose lists disagree.
    """
    found = []
    if artifact["variant"] != cfg["variant"]:
        found.append(f"variant {artifact['variant']!r} but config.variant "
                     f"{cfg['variant']!r}")
    n_eval = cfg["schedule"]["epochs"] + 1
    n_ex, n_tests = cfg["task"]["n_examples"], cfg["task"]["n_tests"]
    expected = {"buttons": (n_ex, 2), "foods": (n_ex, 2), "ERRORS_low": (n_eval, n_ex),
                "ERRORS_high": (n_eval, n_ex), **{key: (n_eval,) for key in CURVES}}
    for key, shape in expected.items():
        got = nested_shape(artifact[key])
        if got != shape:
            found.append(f"{key}: shape {got if got is not None else 'ragged'}, "
                         f"expected {shape} for its config")
    if len(artifact["tests"]) != n_eval:
        found.append(f"tests: {len(artifact['tests'])} evaluations, expected {n_eval}")
    for epoch, tests in enumerate(artifact["tests"]):
        if any(len(tests[key]) != n_tests for key in _TEST_KEYS):
            found.append(f"tests[{epoch}]: expected {n_tests} tests in every list")
            break
    example = artifact["example"]
    n = example["n_steps"]
    for key in ("positions", "actions", "contexts", "high_outputs"):
        if len(example[key]) != n:
            found.append(f"example.{key}: {len(example[key])} rows, expected n_steps = {n}")
    return found


def _last(values: list, epochs: int) -> float | None:
    """Mean over the last :data:`LAST_EPOCHS` training epochs (epoch 0 left out)."""
    tail = [v for v in values[1:][-min(LAST_EPOCHS, epochs):] if v is not None]
    return finite_or_none(np.mean(tail)) if tail else None


def sweep_value(artifact: Mapping[str, Any]) -> float | None:
    """A run's reward averaged over its last :data:`LAST_EPOCHS` epochs (:data:`SWEEP_METRIC`)."""
    return _last(artifact["R_mean"], artifact["schedule"]["epochs"])


def _stats(per_seed: list[float | None]) -> dict[str, Any]:
    mean, sd, n = mean_sd(per_seed)
    return {"per_seed": per_seed, "mean": mean, "sd": sd, "n": n}


def published(epochs: Mapping[str, int]) -> dict[str, Any]:
    """The authors' ten published runs per variant, reduced as :func:`summarize` reduces ours.

    Parameters
    ----------
    epochs : mapping
        Per variant, the epochs our runs trained: the authors' curves are
        averaged over the same last epochs (91-100 for the published
        setting).  Variants the authors did not run, or that trained more
        than their 100 epochs, are left out.

    Returns
    -------
    dict
        ``source`` and, per variant, ``runs`` (their names), ``epochs``
        (the first and last epoch averaged) and ``last_epochs``: per rate
        of :data:`RATES` the per-run means, their mean, sample s.d. and
        count.
    """
    variants = {}
    for variant, end in epochs.items():
        if variant not in paper.RUNS or not 1 <= end <= len(paper.RUNS[variant][0]["R_mean"]) - 1:
            continue
        values = paper.last_epochs(variant, LAST_EPOCHS, end)
        stats = {key: dict(zip(("mean", "sd", "n"), mean_sd(values[key]))) for key in RATES}
        variants[variant] = {"runs": [r["run"] for r in paper.RUNS[variant]],
                             "epochs": [max(1, end - LAST_EPOCHS + 1), end],
                             "last_epochs": {key: {"per_run": values[key], **stats[key]}
                                             for key in RATES}}
    return {"source": paper.SOURCE, "variants": variants}


def summarize(artifacts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Per variant the final and last-epochs reward and rates, and apical - basal.

    Parameters
    ----------
    artifacts : iterable of mapping
        Valid artifacts (those of other figures are ignored).

    Returns
    -------
    dict
        ``{"fig3": {...}}`` with ``variants`` (per variant present:
        ``seeds``; ``final`` and ``last_epochs``, each per rate of
        :data:`RATES` the per-seed values, ``mean``, ``sd`` (sample,
        ``ddof=1``, ``None`` below two seeds) and ``n``; ``curve``: per
        epoch the mean and population s.d. (``ddof=0``, as the authors plot
        it) of ``R_mean`` over seeds), ``apical_minus_basal`` (the
        difference of the means, ``final`` and ``last_epochs``; ``None``
        without both variants), ``last_epochs`` (how many epochs the
        ``last_epochs`` values average), ``paper`` (:data:`PAPER`) and
        ``published`` (the authors' runs, :func:`published`).
    """
    items = sorted((a for a in artifacts if a["figure"] == "fig3"),
                   key=lambda a: (a["variant"], a["seed"]))
    variants: dict[str, Any] = {}
    trained: dict[str, int] = {}  # per variant whose seeds all trained as long
    for variant in VARIANTS:
        group = [a for a in items if a["variant"] == variant]
        if not group:
            continue
        epochs = {a["schedule"]["epochs"] for a in group}
        if len(epochs) == 1:
            trained[variant] = epochs.pop()
        curve = np.array([a["R_mean"] for a in group], dtype=np.float64) \
            if variant in trained else None
        variants[variant] = {
            "seeds": [a["seed"] for a in group],
            "final": {key: _stats([finite_or_none(a[key][-1]) for a in group])
                      for key in RATES},
            "last_epochs": {key: _stats([_last(a[key], a["schedule"]["epochs"])
                                         for a in group]) for key in RATES},
            "curve": None if curve is None else {
                "R_mean": [finite_or_none(v) for v in curve.mean(axis=0)],
                "R_sd": [finite_or_none(v) for v in curve.std(axis=0, ddof=0)]},
        }
    difference = None
    if {"apical", "basal"} <= set(variants):
        def diff(part: str, key: str) -> float | None:
            a = variants["apical"][part][key]["mean"]
            b = variants["basal"][part][key]["mean"]
            return None if a is None or b is None else a - b
        difference = {part: {key: diff(part, key) for key in RATES}
                      for part in ("final", "last_epochs")}
    return {"fig3": {"variants": variants, "apical_minus_basal": difference,
                     "last_epochs": LAST_EPOCHS,
                     "paper": {v: dict(values) for v, values in PAPER.items()},
                     "published": published(trained)}}


def report(summary: Mapping[str, Any]) -> list[str]:
    """Lines the command prints after a run: per variant the final and last-epochs reward.

    Parameters
    ----------
    summary : mapping
        What :func:`lttb.artifacts.summarize` returned.
    """
    block = summary["fig3"]
    lines = []

    def text(item: Mapping[str, Any]) -> str:
        if item["mean"] is None:
            return "n/a"
        sd = "" if item["sd"] is None else f" ± {item['sd']:.3f}"
        return f"{item['mean']:.3f}{sd}"

    for variant, entry in block["variants"].items():
        n = len(entry["seeds"])
        # The authors' runs over the same epochs when the summary has them, else
        # the paper's value (neither for the notebook's setting).
        theirs = block.get("published", {}).get("variants", {}).get(variant)
        if theirs is not None:
            first, last = theirs["epochs"]
            compared = (f"; the authors' {theirs['last_epochs']['R_mean']['n']} runs over "
                        f"epochs {first}-{last}: reward {text(theirs['last_epochs']['R_mean'])}")
        elif variant in block["paper"]:
            compared = f" (paper {block['paper'][variant]['R_mean']:.2f} over the last epochs)"
        else:
            compared = ""
        lines.append(f"{variant} ({n} seed{'s' if n != 1 else ''}): final reward "
                     f"{text(entry['final']['R_mean'])}, last {block['last_epochs']} epochs "
                     f"{text(entry['last_epochs']['R_mean'])}; button "
                     f"{text(entry['last_epochs']['button_rate'])}, button + food "
                     f"{text(entry['last_epochs']['food_rate'])}{compared}")
    difference = block["apical_minus_basal"]
    if difference is not None and difference["last_epochs"]["R_mean"] is not None:
        lines.append(f"apical - basal, last epochs: reward "
                     f"{difference['last_epochs']['R_mean']:+.3f}")
    return lines
