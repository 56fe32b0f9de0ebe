"""The figures of Figure 3, drawn from artifacts alone (FIG3.md section 9).

Across the seeds of both variants: the reward curve (the paper's comparison
panel) and the six-panel comparison.  Per artifact: the example episode
after training (trajectory) and the two networks' outputs over its time.
No model here: everything is read from artifacts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle
from matplotlib.ticker import FuncFormatter, NullFormatter

from ...plotting import STYLE, as_array, new_figure, shade_band
from . import paper
from .results import VARIANTS

__all__ = ["plot_reward", "plot_all", "plot_trajectory", "plot_outputs", "VARIANT_COLOURS",
           "SEED_PLOTS", "ACROSS_PLOTS"]

#: Apical blue (C0), basal orange (C1), as the authors draw them; the
#: notebook's apical setting green.
VARIANT_COLOURS = {"apical": "C0", "basal": "C1", "apical_recurrent": "C2"}
#: The two outputs of each network: magenta and green, as the authors draw them.
OUTPUT_PAIR = ("magenta", "green")


def _by_variant(group: Sequence[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    return {v: [a for a in group if a["variant"] == v] for v in VARIANTS
            if any(a["variant"] == v for a in group)}


def _curve(artifacts: Sequence[Mapping[str, Any]], key: str) -> tuple[np.ndarray, np.ndarray,
                                                                      np.ndarray]:
    """Epochs 1..E, mean and population s.d. (ddof 0, as the authors) of a curve over seeds."""
    length = min(len(a[key]) for a in artifacts)
    values = np.array([[np.nan if v is None else v for v in a[key][:length]]
                       for a in artifacts], dtype=np.float64)
    if values.ndim == 3:  # ERRORS_*: the mean over the examples of each epoch
        values = values.mean(axis=2)
    epochs = np.arange(length)
    return epochs[1:], np.nanmean(values, axis=0)[1:], np.nanstd(values, axis=0)[1:]


def _band(ax, artifacts, key, colour, label, linestyle="-") -> None:
    x, mean, sd = _curve(artifacts, key)
    ax.plot(x, mean, color=colour, linestyle=linestyle, linewidth=1.0, label=label, zorder=3)
    shade_band(ax, x, mean - sd, mean + sd, colour, edges=True)


def _epoch_axis(ax, epochs: int) -> None:
    ax.set_xscale("log")
    ax.set_xlim(1, max(epochs, 2))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("training epoch")


def _epochs(group: Sequence[Mapping[str, Any]]) -> int:
    return max(len(a["R_mean"]) - 1 for a in group)


def _seeds_text(by: Mapping[str, Sequence]) -> str:
    return ", ".join(f"{v} {len(items)} seed{'s' if len(items) != 1 else ''}"
                     for v, items in by.items())


def _authors_mean(ax, by: Mapping[str, Any], key: str, epochs: int) -> None:
    """The mean of the authors' published runs of each variant, a thin dashed line."""
    for variant in by:
        if variant in paper.RUNS:
            theirs = paper.curves(variant)[key][:, : epochs + 1].mean(axis=0)
            ax.plot(np.arange(1, len(theirs)), theirs[1:], color=VARIANT_COLOURS[variant],
                    linestyle="--", linewidth=0.6, zorder=2,
                    label=f"{variant}, authors' runs (mean)")


def plot_reward(group: Sequence[Mapping[str, Any]]) -> Figure:
    """Average reward against training epoch, mean ± 1 s.d. over seeds, per variant.

    Log x from epoch 1 (epoch 0, before training, is off the axis), y 0 to
    1.05, a dashed line at 1; 11 x 9 cm (FIG3.md section 9, figure 1).  The
    mean of the authors' ten published runs of each variant
    (:mod:`lttb.experiments.fig3.paper`) as a thin dashed line of its colour.
    """
    by = _by_variant(group)
    with _style():
        figure = new_figure(11, 9)
        ax = figure.add_subplot()
        for variant, items in by.items():
            _band(ax, items, "R_mean", VARIANT_COLOURS[variant], variant)
        _authors_mean(ax, by, "R_mean", _epochs(group))
        ax.axhline(1.0, color="black", linestyle="--", linewidth=0.6)
        _epoch_axis(ax, _epochs(group))
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("average reward")
        # Below the dashed line at 1, above the apical rise of the first epochs.
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.93), frameon=False)
        ax.set_title(f"fig3: mean ± 1 s.d. ({_seeds_text(by)})")
    return figure


def plot_all(group: Sequence[Mapping[str, Any]]) -> Figure:
    """The six-panel comparison of the variants (FIG3.md section 9, figure 2).

    Average reward; button success rate; distance from the button (red
    dashed at ``r_lock``); short-test MSE of the low (dotted) and the high
    (dashed) network; button-then-food success rate; distance from the food
    (black dashed at ``r_targ``).  15 x 8 cm.  The reward and the two success
    rates also show the mean of the authors' published runs, thin dashed.
    """
    by = _by_variant(group)
    env = group[0]["config"]["env"]
    with _style():
        figure = new_figure(15, 8)
        axes = figure.subplots(2, 3)
        panels = [
            (axes[0, 0], "R_mean", "average reward", (0, 1.05), 1.0, "black"),
            (axes[0, 1], "button_rate", "button success rate", (0, 1.05), 1.0, "black"),
            (axes[0, 2], "btn_dist_mean", "distance from button", (0, 1.25), env["r_lock"],
             "red"),
            (axes[1, 1], "food_rate", "button + food success rate", (0, 1.05), 1.0, "black"),
            (axes[1, 2], "targ_dist_mean", "distance from food", (0, 1.25), env["r_targ"],
             "black"),
        ]
        for ax, key, label, ylim, line, colour in panels:
            for variant, items in by.items():
                _band(ax, items, key, VARIANT_COLOURS[variant], variant)
            if key in ("R_mean", "button_rate", "food_rate"):
                _authors_mean(ax, by, key, _epochs(group))
            ax.axhline(line, color=colour, linestyle="--", linewidth=0.6)
            ax.set_ylim(*ylim)
            ax.set_ylabel(label)
        ax = axes[1, 0]
        for variant, items in by.items():
            _band(ax, items, "ERRORS_low", VARIANT_COLOURS[variant], f"{variant}, low", ":")
            _band(ax, items, "ERRORS_high", VARIANT_COLOURS[variant], f"{variant}, high", "--")
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("short-test MSE")
        ax.legend(loc="center right", frameon=False, fontsize=5)
        for ax in axes.flat:
            _epoch_axis(ax, _epochs(group))
        # Under the panels: every place inside them crosses a curve of some run.
        figure.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center",
                      ncol=4, frameon=False, fontsize=6)
        figure.suptitle(f"fig3: mean ± 1 s.d. ({_seeds_text(by)})")
    return figure


def _times(example: Mapping[str, Any]) -> tuple[list[float], int]:
    """Normalised times of the button and the food (those reached) and the time unit.

    Time ``i`` is shown as ``i / (t_food + 1)``, or ``i / n_steps`` when the
    food was not reached.
    """
    n = max(int(example["n_steps"]), 1)
    reached = [int(example[key]) for key in ("t_button", "t_food") if int(example[key]) < n]
    length = int(example["t_food"]) + 1 if int(example["t_food"]) < n else n
    return [t / length for t in reached], length


def plot_trajectory(artifact: Mapping[str, Any]) -> dict[str, Figure]:
    """The example episode after training: the agent's path coloured by time.

    Start marked by a black X, circles of radius ``r_targ`` around the food
    (black) and ``r_lock`` around the button (red), square limits 1.5 times
    the larger span, a colour bar "time" with ticks at 0, ``t_button`` and
    ``t_food`` (normalised).  Keyed by ``_<variant>`` (file
    ``fig3_trajectory_<variant>_seed-NNNN``).
    """
    example = artifact["example"]
    env = artifact["config"]["env"]
    path = np.vstack([[0.0, 0.0], as_array(example["positions"]).reshape(-1, 2)])
    button, food = as_array(example["button"]), as_array(example["food"])
    marks, length = _times(example)
    with _style():
        figure = new_figure(9, 8)
        ax = figure.add_subplot()
        time = np.arange(len(path)) / length
        points = ax.scatter(path[:, 0], path[:, 1], c=np.clip(time, 0, 1), cmap="gnuplot",
                            s=2, linewidths=0, vmin=0, vmax=1)
        ax.plot(0, 0, marker="x", color="black", markersize=6)
        ax.add_patch(Circle(food, env["r_targ"], fill=False, color="black", linewidth=0.8))
        ax.add_patch(Circle(button, env["r_lock"], fill=False, color="red", linewidth=0.8))
        every = np.vstack([path, button, food])
        centre = (every.max(axis=0) + every.min(axis=0)) / 2
        half = 0.75 * float(np.max(every.max(axis=0) - every.min(axis=0)))
        ax.set_xlim(centre[0] - half, centre[0] + half)
        ax.set_ylim(centre[1] - half, centre[1] + half)
        ax.set_aspect("equal")
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        bar = figure.colorbar(points, ax=ax, label="time")
        bar.set_ticks(sorted({0.0, *marks, 1.0}))
        outcome = "food reached" if example["success"] else f"R = {example['R']:.2f}"
        ax.set_title(f"fig3 {artifact['variant']}, seed {artifact['seed']}: {outcome}")
    return {f"_{artifact['variant']}": figure}


def plot_outputs(artifact: Mapping[str, Any]) -> dict[str, Figure]:
    """The example episode's outputs over normalised time (FIG3.md section 9, figure 4).

    Top: the high network's outputs ("→ button" magenta, "→ food" green);
    bottom: the low network's (v_x magenta, v_y green), against ``i /
    (t_food + 1)``, x ticks at 0, ``t_button`` and ``t_food``.  12 x 12 cm.
    Keyed by ``_<variant>``.
    """
    example = artifact["example"]
    high = as_array(example["high_outputs"]).reshape(-1, 2)
    low = as_array(example["actions"]).reshape(-1, 2)
    marks, length = _times(example)
    x = np.arange(len(high)) / length
    with _style():
        figure = new_figure(12, 12)
        top, bottom = figure.subplots(2, 1, sharex=True)
        for ax, values, labels, ylim, name in (
                (top, high, ("→ button", "→ food"), (-0.05, 1.55), "high outputs"),
                (bottom, low, ("v_x", "v_y"), (-1.5, 3.5), "low outputs")):
            for k in range(2):
                ax.plot(x, values[:, k], color=OUTPUT_PAIR[k], linewidth=0.8, label=labels[k])
            ax.set_ylim(*ylim)
            ax.set_ylabel(name)
            ax.legend(loc="upper right", frameon=False)
        bottom.set_xlim(0, 1)
        bottom.set_xticks(sorted({0.0, *marks, 1.0}))
        bottom.set_xlabel("time (normalised)")
        top.set_title(f"fig3 {artifact['variant']}, seed {artifact['seed']}")
    return {f"_{artifact['variant']}": figure}


def _style():
    import matplotlib
    return matplotlib.rc_context(STYLE)


#: Per-artifact figures: file-name part -> function of one artifact.
SEED_PLOTS = {
    "trajectory": plot_trajectory,
    "outputs": plot_outputs,
}
#: Across-artifact figures (both variants): file-name part -> function of all artifacts.
ACROSS_PLOTS = {
    "reward": plot_reward,
    "all": plot_all,
}
