"""The figures of Figure 2, drawn from artifacts alone.

Per seed and context: the full-context (recall) and turn-off figures; per
seed the training curves, and across seeds the outer MSE and the bars of
the context-test scores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from ...plotting import STYLE, as_array, draw_events, new_figure, output_colour, set_time_axis
from ..fig1.plots import plot_across_seeds, plot_training
from .results import context_scores

__all__ = ["plot_fig2_recall", "plot_fig2_turnoff", "plot_fig2_bars", "SEED_PLOTS",
           "ACROSS_PLOTS"]

#: Context signals of Figure 2: context 0 black, context 1 red.
FIG2_CONTEXT_COLOURS = ("black", "tab:red", "tab:olive", "tab:cyan")
#: Bars of the Figure 2 scores: right target dark, wrong target light.
RIGHT_COLOUR, WRONG_COLOUR = "#404040", "#bdbdbd"
#: Light solid colour marking the margin left out around the turn-off (EPS has
#: no transparency).
MARGIN_COLOUR = "#ececec"


def _draw_context_signals(ax, trace: np.ndarray) -> None:
    """One lane per context signal, context 0 at the bottom: a filled block where on."""
    bins = np.arange(trace.shape[1])
    for k in range(trace.shape[0]):
        colour = FIG2_CONTEXT_COLOURS[k % len(FIG2_CONTEXT_COLOURS)]
        base, level = 1.2 * k, 1.2 * k + 0.9 * trace[k]
        ax.fill_between(bins, base, level, step="post", color=colour, linewidth=0)
        ax.plot(bins, level, drawstyle="steps-post", color=colour, linewidth=0.8,
                label=f"context {k}")
    # Lane labels, not values: no tick marks.
    ax.set_yticks([1.2 * k + 0.45 for k in range(trace.shape[0])],
                  [str(k) for k in range(trace.shape[0])])
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(-0.15, 1.2 * (trace.shape[0] - 1) + 1.05)
    ax.set_ylabel("context")


def _fig2_context_figure(artifact: Mapping[str, Any], context: int, kind: str) -> Figure:
    """Three rows for one context of Figure 2: signals, trajectories, raster."""
    block = artifact["context_tests"]
    target = as_array(artifact["targets"][context])
    first = artifact["output_first_bin"]
    n_ctx = len(artifact["targets"])
    others = [k for k in range(n_ctx) if k != context]
    if kind == "recall":
        trace = as_array(artifact["context_trace"][context])
        outputs = as_array(artifact["outputs"]["teacher_off"][context])
        part = block["full_context"]
        mse = artifact["full_test_mse"]["teacher_off"][context]
        what = (f"context {context} on throughout; MSE right target {_fmt(mse[context])}, "
                f"wrong {', '.join(_fmt(mse[k]) for k in others)}")
    else:
        part = block["turnoff"]
        trace = as_array(part["context_trace"][context])
        outputs = as_array(part["outputs"][context])
        before, after = part["mse_before"][context], part["mse_after"][context]
        what = (f"context {context} off after bin {block['turnoff_bin']}; MSE before: right "
                f"{_fmt(before[context])}, wrong {', '.join(_fmt(before[k]) for k in others)}; "
                f"after: right {_fmt(after[context])}, "
                f"wrong {', '.join(_fmt(after[k]) for k in others)}")
    with matplotlib.rc_context(STYLE):
        figure = new_figure(12, 12)
        rows = figure.subplots(3, 1, sharex=True, height_ratios=(1, 3, 3))
        _draw_context_signals(rows[0], trace)
        ax = rows[1]
        out_bins = np.arange(first, first + outputs.shape[1])
        for o in range(target.shape[0]):
            colour = output_colour(o)
            ax.plot(np.arange(target.shape[1]), target[o], color=colour, linestyle="--",
                    linewidth=0.7, label="target" if o == 0 else None)
            ax.plot(out_bins, outputs[o], color=colour, linestyle="-", linewidth=0.8,
                    label="output" if o == 0 else None)
        ax.set_ylabel("output")
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, handlelength=2.0,
                  borderaxespad=0.1)
        if kind == "turnoff":
            t, m = block["turnoff_bin"], block["turnoff_margin"]
            for row in rows:
                row.axvspan(t - m + 0.5, t + m + 0.5, color=MARGIN_COLOUR, linewidth=0, zorder=0)
                row.axvline(t + 0.5, color="0.4", linestyle=":", linewidth=0.6, zorder=0.5)
        draw_events(rows[2], part["spikes"][context], part["bursts"][context],
                    block["raster_neurons"], markersize=1.0, markeredgewidth=0.4,
                    legend=True, markerscale=4)
        set_time_axis(rows[2], artifact["config"]["T"])
        rows[0].set_title(f"{artifact['figure']}, seed {artifact['seed']}, teacher off: {what}",
                          wrap=True)
    return figure


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3g}"


def plot_fig2_recall(artifact: Mapping[str, Any]) -> dict[str, Figure]:
    """Figure 2, full-context test: one three-row figure (12 x 12 cm) per context.

    Rows: the context signals of the trial (context 0 black, context 1 red);
    the outputs with the teacher off (solid) over the context's own target
    (dashed), aligned bin for bin; the raster of the first neurons (those
    recorded, 100 by default), plain spikes orange, bursts blue.  The title
    gives the MSE against the right and the wrong target.

    Parameters
    ----------
    artifact : mapping
        A valid artifact with ``context_tests``.

    Returns
    -------
    dict of str to matplotlib.figure.Figure
        ``{"_context-0": figure, "_context-1": figure, ...}``; :func:`lttb.plotting.draw.draw_all`
        appends the key to the file name.
    """
    return {f"_context-{c}": _fig2_context_figure(artifact, c, "recall")
            for c in range(len(artifact["targets"]))}


def plot_fig2_turnoff(artifact: Mapping[str, Any]) -> dict[str, Figure]:
    """Figure 2, turn-off test: one three-row figure (12 x 12 cm) per context.

    As :func:`plot_fig2_recall` for the trial in which the context is on up
    to ``turnoff_bin`` and every context is off after it (dotted line); the
    margin left out of the before/after MSEs is shaded.  The title gives the
    before and after MSE against the right and the wrong target.

    Parameters
    ----------
    artifact : mapping
        A valid artifact with ``context_tests``.

    Returns
    -------
    dict of str to matplotlib.figure.Figure
        ``{"_context-0": figure, ...}``.
    """
    return {f"_context-{c}": _fig2_context_figure(artifact, c, "turnoff")
            for c in range(len(artifact["targets"]))}


def _bar_stats(scores: list[dict], key: str) -> tuple[float, float, np.ndarray]:
    values = np.array([s[key] for s in scores if s[key] is not None], dtype=np.float64)
    mean = float(values.mean()) if values.size else np.nan
    sd = float(values.std(ddof=1)) if values.size > 1 else np.nan
    return mean, sd, values


def plot_fig2_bars(artifacts: Sequence[Mapping[str, Any]]) -> Figure:
    """Figure 2 across seeds: bars of mean +- 1 s.d. of the context-test MSEs.

    Left, the full-context test: MSE against the right target (on-diagonal)
    and the wrong target (off-diagonal).  Right, the turn-off test: before
    and after the turn-off, each against the right and the wrong target.
    Each seed's value (a mean over contexts, see
    :func:`lttb.experiments.fig2.results.context_scores`) is a dot; the s.d. is the sample
    standard deviation (``ddof=1``), not drawn for a single seed.

    Parameters
    ----------
    artifacts : sequence of mapping
        Valid artifacts; those without ``context_tests`` are ignored (at
        least one must have them).

    Returns
    -------
    matplotlib.figure.Figure
    """
    group = [a for a in artifacts if "context_tests" in a]
    if not group:
        raise ValueError("plot_fig2_bars needs at least one artifact with context_tests")
    scores = [context_scores(a) for a in group]
    n = len(group)
    width = 0.38
    with matplotlib.rc_context(STYLE):
        figure = new_figure(12, 6)
        left, right = figure.subplots(1, 2, width_ratios=(1, 1.6), sharey=True)
        panels = (
            (left, [("full context", "on_diagonal", "off_diagonal")]),
            (right, [("before turn-off", "before_right", "before_wrong"),
                     ("after turn-off", "after_right", "after_wrong")]),
        )
        for ax, groups in panels:
            for g, (label, right_key, wrong_key) in enumerate(groups):
                for offset, key, colour, name in ((-width / 2, right_key, RIGHT_COLOUR,
                                                   "right target (on-diagonal)"),
                                                  (width / 2, wrong_key, WRONG_COLOUR,
                                                   "wrong target (off-diagonal)")):
                    mean, sd, values = _bar_stats(scores, key)
                    x = g + offset
                    ax.bar(x, mean, width=width * 0.92, color=colour, linewidth=0,
                           label=name if g == 0 else None)
                    if np.isfinite(sd):
                        ax.errorbar(x, mean, yerr=sd, color="black", capsize=2,
                                    linewidth=0.6, capthick=0.6)
                    ax.plot(np.full(values.size, x), values, linestyle="none", marker="o",
                            markersize=1.8, markerfacecolor="white", markeredgecolor="black",
                            markeredgewidth=0.4)
            ax.set_xticks(range(len(groups)), [label for label, _, _ in groups])
            ax.set_xlim(-0.6, len(groups) - 0.4)
        left.set_ylabel("MSE (teacher off)")
        left.set_ylim(bottom=0)
        figure.legend(*left.get_legend_handles_labels(), loc="outside lower center", ncols=2)
        figure.suptitle(f"{group[0]['figure']}: mean ± 1 s.d. over {n} seed"
                        f"{'s' if n != 1 else ''}")
    return figure


#: Per-seed figures: file-name part -> function of one artifact.
SEED_PLOTS = {
    "recall": plot_fig2_recall,
    "turnoff": plot_fig2_turnoff,
    "training": plot_training,
}
#: Across-seed figures: file-name part -> function of the figure's artifacts.
ACROSS_PLOTS = {
    "across_seeds": plot_across_seeds,
    "context_mse": plot_fig2_bars,
}
