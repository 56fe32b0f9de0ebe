"""The figures of Figure 1 (MODEL.md section 8), drawn from artifacts alone.

Per seed: the paper's panel, the three-row variant and the training
curves; across seeds: the outer MSE, mean +- 1 s.d.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from ...plotting import (STYLE, as_array, draw_events, log_y_where_positive, new_figure,
                         output_colour, set_time_axis)

__all__ = ["plot_panel", "plot_three_rows", "plot_training", "plot_across_seeds",
           "SEED_PLOTS", "ACROSS_PLOTS", "RASTER_NEURONS"]

#: Neurons shown in the raster: 0 up to (not including) this one.
RASTER_NEURONS = 50
CONTEXT_COLOURS = ("black", "tab:gray", "tab:olive", "tab:cyan")


# --------------------------------------------------------------------------- rows

def _draw_trajectories(ax, artifact: Mapping[str, Any], context: int, *,
                       legend: bool = False) -> None:
    """Outputs (solid) over targets (dashed), aligned in time, one colour per output."""
    target = as_array(artifact["targets"][context])
    outputs = as_array(artifact["outputs"]["teacher_on"][context])
    first = artifact["output_first_bin"]
    # Output column c belongs to bin c + first; plotting both against their
    # own bins removes the original's one-bin shift.
    out_bins = np.arange(first, first + outputs.shape[1])
    target_bins = np.arange(target.shape[1])
    for o in range(target.shape[0]):
        colour = output_colour(o)
        ax.plot(target_bins, target[o], color=colour, linestyle="--", linewidth=0.7,
                label="target" if o == 0 else None)
        ax.plot(out_bins, outputs[o], color=colour, linestyle="-", linewidth=0.8,
                label="output" if o == 0 else None)
    ax.set_ylabel("output")
    if legend:
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, handlelength=2.0,
                  borderaxespad=0.1)


def _draw_raster(ax, artifact: Mapping[str, Any], *, legend: bool = False) -> None:
    """Neurons 0..RASTER_NEURONS-1, top down: plain spikes orange, bursts blue."""
    shown = min(RASTER_NEURONS, artifact["config"]["N"])
    draw_events(ax, artifact["spikes"], artifact["bursts"], shown, markersize=1.6,
                markeredgewidth=0.5, legend=legend, markerscale=3)


def _draw_context(ax, artifact: Mapping[str, Any], context: int) -> None:
    trace = as_array(artifact["context_trace"][context])
    bins = np.arange(trace.shape[1])
    for k in range(trace.shape[0]):
        ax.plot(bins, trace[k] + 1.2 * k, color=CONTEXT_COLOURS[k % len(CONTEXT_COLOURS)],
                drawstyle="steps-post", label=f"context {k}")
    # One lane per context signal, 0 (off) to 1 (on), lanes 1.2 apart.
    ax.set_yticks([1.2 * k + 0.5 for k in range(trace.shape[0])],
                  [str(k) for k in range(trace.shape[0])])
    ax.set_ylim(-0.15, 1.2 * (trace.shape[0] - 1) + 1.15)
    ax.set_ylabel("context")


def _set_time_axis(ax, artifact: Mapping[str, Any]) -> None:
    set_time_axis(ax, artifact["config"]["T"])


# --------------------------------------------------------------------------- figures

def plot_panel(artifact: Mapping[str, Any]) -> Figure:
    """The paper's Figure 1 panel for one seed (6 x 6 cm).

    Two rows sharing the time axis (bins 0 to T): the outputs of the
    teacher-on test of the raster context (solid) over their targets
    (dashed), one colour per output, aligned bin for bin; below, the raster
    of neurons 0-49 (neuron 0 at the top), plain spikes orange, bursts blue.

    Parameters
    ----------
    artifact : mapping
        A valid artifact.

    Returns
    -------
    matplotlib.figure.Figure
    """
    with matplotlib.rc_context(STYLE):
        figure = new_figure(6, 6)
        top, bottom = figure.subplots(2, 1, sharex=True)
        context = artifact["raster_context"]
        _draw_trajectories(top, artifact, context)
        _draw_raster(bottom, artifact)
        _set_time_axis(bottom, artifact)
    return figure


def plot_three_rows(artifact: Mapping[str, Any]) -> Figure:
    """Three-row variant (12 x 12 cm): context trace, trajectories, raster.

    Parameters
    ----------
    artifact : mapping
        A valid artifact.

    Returns
    -------
    matplotlib.figure.Figure
    """
    with matplotlib.rc_context(STYLE):
        figure = new_figure(12, 12)
        rows = figure.subplots(3, 1, sharex=True, height_ratios=(1, 3, 3))
        context = artifact["raster_context"]
        _draw_context(rows[0], artifact, context)
        _draw_trajectories(rows[1], artifact, context, legend=True)
        _draw_raster(rows[2], artifact, legend=True)
        _set_time_axis(rows[2], artifact)
        final = artifact["final_outer_mse"]
        title = f"{artifact['figure']}, seed {artifact['seed']}, context {context}, teacher on"
        if final is not None:
            title += f"; final outer MSE (teacher off) {final:.4g}"
        rows[0].set_title(title)
    return figure


def plot_training(artifact: Mapping[str, Any]) -> Figure:
    """Learning curves of one seed: outer MSE and inner error (log y).

    Parameters
    ----------
    artifact : mapping
        A valid artifact.

    Returns
    -------
    matplotlib.figure.Figure
    """
    with matplotlib.rc_context(STYLE):
        figure = new_figure(9, 9)
        top, bottom = figure.subplots(2, 1, sharex=True)
        iterations = np.array(artifact["test_iterations"], dtype=np.int64)
        n_ctx = len(artifact["contexts"])
        outer = as_array(artifact["outer_mse"]).reshape(len(iterations), n_ctx)
        for c in range(outer.shape[1]):
            top.plot(iterations, outer[:, c], color=CONTEXT_COLOURS[c % len(CONTEXT_COLOURS)],
                     label=f"context {c}")
        if outer.shape[1] > 1:
            top.legend(loc="upper right")
        log_y_where_positive(top, outer)
        top.set_ylabel("outer MSE")
        top.set_title(f"{artifact['figure']}, seed {artifact['seed']}")
        inner = as_array(artifact["inner_error"])
        bottom.plot(iterations, inner, color="black")
        log_y_where_positive(bottom, inner)
        bottom.set_ylabel("inner error")
        bottom.set_xlabel("training iteration")
        bottom.set_xlim(0, artifact["schedule"]["n_iterations"])
    return figure


def _comparable_group(artifacts: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The artifacts sharing the most common test points (curves must line up)."""
    keys = [tuple(a["test_iterations"]) for a in artifacts]
    common, _ = Counter(keys).most_common(1)[0]
    return [a for a, key in zip(artifacts, keys) if key == common]


def plot_across_seeds(artifacts: Sequence[Mapping[str, Any]]) -> Figure:
    """Mean +- 1 s.d. across seeds of the outer MSE against iterations (log y).

    Each seed's curve is its outer MSE averaged over contexts; the s.d. is
    the sample standard deviation (``ddof=1``), shaded.  Where mean - s.d.
    is not positive the band is cut at the bottom of the axis.  Only
    artifacts with the same test points as the majority are used.

    Parameters
    ----------
    artifacts : sequence of mapping
        Valid artifacts (at least one).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not artifacts:
        raise ValueError("plot_across_seeds needs at least one artifact")
    group = _comparable_group(artifacts)
    iterations = np.array(group[0]["test_iterations"], dtype=np.int64)
    n = len(group)
    with warnings.catch_warnings():
        # A test point that is null in every seed (or all but one) is a gap in
        # the curve or the band, not something to warn about.
        warnings.simplefilter("ignore", RuntimeWarning)
        curves = np.array([np.nanmean(as_array(a["outer_mse"]).reshape(
                                          len(iterations), len(a["contexts"])), axis=1)
                           if len(iterations) else np.zeros(0) for a in group])
        mean = np.nanmean(curves, axis=0) if len(iterations) else np.zeros(0)
        sd = np.nanstd(curves, axis=0, ddof=1) if n > 1 and len(iterations) else None
    with matplotlib.rc_context(STYLE):
        figure = new_figure(8, 6)
        ax = figure.subplots()
        if len(iterations):
            if sd is not None:
                lower, upper = mean - sd, mean + sd
                positive = np.concatenate([curves[curves > 0], upper[upper > 0]])
                floor = positive.min() / 2 if positive.size else 1e-6
                # EPS has no transparency: a light solid colour instead of alpha.
                ax.fill_between(iterations, np.maximum(lower, floor), upper,
                                color="#c6dbef", linewidth=0, label="mean ± 1 s.d.")
                ax.set_ylim(bottom=floor)
            ax.plot(iterations, mean, color="tab:blue", label=f"mean of {n} seeds")
            ax.legend(loc="upper right")
        log_y_where_positive(ax, mean)
        ax.set_xlim(0, group[0]["schedule"]["n_iterations"])
        ax.set_xlabel("training iteration")
        ax.set_ylabel("outer MSE")
        ax.set_title(f"{group[0]['figure']}: {n} seed{'s' if n != 1 else ''}")
    return figure


#: Per-seed figures: file-name part -> function of one artifact.
SEED_PLOTS = {
    "panel": plot_panel,
    "three_rows": plot_three_rows,
    "training": plot_training,
}
#: Across-seed figures: file-name part -> function of the figure's artifacts.
ACROSS_PLOTS = {
    "across_seeds": plot_across_seeds,
}
