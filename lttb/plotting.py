"""Figures drawn from artifacts only (spec section 8).

Every function here takes artifact dicts (as written by
:mod:`lttb.artifacts`), never live networks, so any figure can be redrawn
from the files of a finished run.  Figures are built with the
object-oriented Matplotlib API on an Agg canvas: no pyplot state and no
change to the user's backend.  Each is saved as PDF, EPS and PNG (300 dpi).
"""

from __future__ import annotations

import os
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .artifacts import temporary_sibling

__all__ = [
    "FORMATS",
    "STYLE",
    "SEED_PLOTS",
    "ACROSS_PLOTS",
    "plot_panel",
    "plot_three_rows",
    "plot_training",
    "plot_across_seeds",
    "plot_fig2_recall",
    "plot_fig2_turnoff",
    "plot_fig2_bars",
    "save_figure",
    "draw_all",
]

CM = 1 / 2.54
#: File formats of every figure; PNG at :data:`PNG_DPI`.
FORMATS = ("pdf", "eps", "png")
PNG_DPI = 300
#: Neurons shown in the raster: 0 up to (not including) this one.
RASTER_NEURONS = 50
SPIKE_COLOUR = "tab:orange"
BURST_COLOUR = "tab:blue"
# Output colours avoid the raster's orange and blue so the two rows never
# suggest a link between an output and a kind of event.
OUTPUT_COLOURS = ("tab:green", "tab:purple", "tab:red", "tab:brown", "tab:pink",
                  "tab:olive", "tab:cyan", "tab:gray")
CONTEXT_COLOURS = ("black", "tab:gray", "tab:olive", "tab:cyan")

#: Matplotlib settings of every figure: 7-pt text, no top/right spines.
STYLE = {
    "font.size": 7,
    "axes.titlesize": 7,
    "axes.labelsize": 7,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.major.size": 2.5,
    "ytick.major.size": 2.5,
    "lines.linewidth": 0.8,
    "legend.frameon": False,
}


def _array(values: Any) -> np.ndarray:
    # Artifacts write non-finite numbers as null; NumPy turns None into NaN.
    return np.array(values, dtype=np.float64)


def _new_figure(width_cm: float, height_cm: float, **kwargs: Any) -> Figure:
    figure = Figure(figsize=(width_cm * CM, height_cm * CM), layout="constrained", **kwargs)
    FigureCanvasAgg(figure)
    figure.get_layout_engine().set(w_pad=1 / 72, h_pad=1 / 72, hspace=0.02, wspace=0.02)
    return figure


def _output_colour(index: int) -> str:
    return OUTPUT_COLOURS[index % len(OUTPUT_COLOURS)]


# --------------------------------------------------------------------------- rows

def _draw_trajectories(ax, artifact: Mapping[str, Any], context: int, *,
                       legend: bool = False) -> None:
    """Outputs (solid) over targets (dashed), aligned in time, one colour per output."""
    target = _array(artifact["targets"][context])
    outputs = _array(artifact["outputs"]["teacher_on"][context])
    first = artifact["output_first_bin"]
    # Output column c belongs to bin c + first; plotting both against their
    # own bins removes the original's one-bin shift.
    out_bins = np.arange(first, first + outputs.shape[1])
    target_bins = np.arange(target.shape[1])
    for o in range(target.shape[0]):
        colour = _output_colour(o)
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
    for key, colour, label in (("spikes", SPIKE_COLOUR, "spike"),
                               ("bursts", BURST_COLOUR, "burst")):
        events = np.array(artifact[key], dtype=np.int64).reshape(-1, 2)
        events = events[events[:, 0] < shown]
        ax.plot(events[:, 1], events[:, 0], linestyle="none", marker="|",
                markersize=1.6, markeredgewidth=0.5, color=colour, label=label)
    ax.set_ylim(shown - 0.5, -0.5)
    ax.set_ylabel("neuron")
    if legend:
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, markerscale=3,
                  handlelength=1.0, borderaxespad=0.1)


def _draw_context(ax, artifact: Mapping[str, Any], context: int) -> None:
    trace = _array(artifact["context_trace"][context])
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
    ax.set_xlim(0, artifact["config"]["T"])
    ax.set_xlabel("time (bins)")


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
        figure = _new_figure(6, 6)
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
        figure = _new_figure(12, 12)
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
        figure = _new_figure(9, 9)
        top, bottom = figure.subplots(2, 1, sharex=True)
        iterations = np.array(artifact["test_iterations"], dtype=np.int64)
        outer = _array(artifact["outer_mse"]).reshape(len(iterations), -1)
        for c in range(outer.shape[1]):
            top.plot(iterations, outer[:, c], color=CONTEXT_COLOURS[c % len(CONTEXT_COLOURS)],
                     label=f"context {c}")
        if outer.shape[1] > 1:
            top.legend(loc="upper right")
        top.set_yscale("log")
        top.set_ylabel("outer MSE")
        top.set_title(f"{artifact['figure']}, seed {artifact['seed']}")
        bottom.plot(iterations, _array(artifact["inner_error"]), color="black")
        bottom.set_yscale("log")
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
        curves = np.array([np.nanmean(_array(a["outer_mse"]).reshape(len(iterations), -1),
                                      axis=1) if len(iterations) else np.zeros(0)
                           for a in group])
        mean = np.nanmean(curves, axis=0) if len(iterations) else np.zeros(0)
        sd = np.nanstd(curves, axis=0, ddof=1) if n > 1 and len(iterations) else None
    with matplotlib.rc_context(STYLE):
        figure = _new_figure(8, 6)
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
        ax.set_yscale("log")
        ax.set_xlim(0, group[0]["schedule"]["n_iterations"])
        ax.set_xlabel("training iteration")
        ax.set_ylabel("outer MSE")
        ax.set_title(f"{group[0]['figure']}: {n} seed{'s' if n != 1 else ''}")
    return figure


# --------------------------------------------------------------------------- Figure 2

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


def _draw_events(ax, spikes: Any, bursts: Any, neurons: int) -> None:
    """Raster of neurons 0..neurons-1, top down: plain spikes orange, bursts blue."""
    for events, colour, label in ((spikes, SPIKE_COLOUR, "spike"), (bursts, BURST_COLOUR, "burst")):
        events = np.array(events, dtype=np.int64).reshape(-1, 2)
        events = events[events[:, 0] < neurons]
        ax.plot(events[:, 1], events[:, 0], linestyle="none", marker="|",
                markersize=1.0, markeredgewidth=0.4, color=colour, label=label)
    ax.set_ylim(neurons - 0.5, -0.5)
    ax.set_ylabel("neuron")
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, markerscale=4,
              handlelength=1.0, borderaxespad=0.1)


def _fig2_context_figure(artifact: Mapping[str, Any], context: int, kind: str) -> Figure:
    """Three rows for one context of Figure 2: signals, trajectories, raster."""
    block = artifact["context_tests"]
    target = _array(artifact["targets"][context])
    first = artifact["output_first_bin"]
    n_ctx = len(artifact["targets"])
    others = [k for k in range(n_ctx) if k != context]
    if kind == "recall":
        trace = _array(artifact["context_trace"][context])
        outputs = _array(artifact["outputs"]["teacher_off"][context])
        part = block["full_context"]
        mse = artifact["full_test_mse"]["teacher_off"][context]
        what = (f"context {context} on throughout; MSE right target {_fmt(mse[context])}, "
                f"wrong {', '.join(_fmt(mse[k]) for k in others)}")
    else:
        part = block["turnoff"]
        trace = _array(part["context_trace"][context])
        outputs = _array(part["outputs"][context])
        before, after = part["mse_before"][context], part["mse_after"][context]
        what = (f"context {context} off after bin {block['turnoff_bin']}; MSE before: right "
                f"{_fmt(before[context])}, wrong {', '.join(_fmt(before[k]) for k in others)}; "
                f"after: right {_fmt(after[context])}, "
                f"wrong {', '.join(_fmt(after[k]) for k in others)}")
    with matplotlib.rc_context(STYLE):
        figure = _new_figure(12, 12)
        rows = figure.subplots(3, 1, sharex=True, height_ratios=(1, 3, 3))
        _draw_context_signals(rows[0], trace)
        ax = rows[1]
        out_bins = np.arange(first, first + outputs.shape[1])
        for o in range(target.shape[0]):
            colour = _output_colour(o)
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
        _draw_events(rows[2], part["spikes"][context], part["bursts"][context],
                     block["raster_neurons"])
        _set_time_axis(rows[2], artifact)
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
        ``{"_context-0": figure, "_context-1": figure, ...}``; :func:`draw_all`
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
    :func:`lttb.fig2.context_scores`) is a dot; the s.d. is the sample
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
    from .fig2 import context_scores

    group = [a for a in artifacts if "context_tests" in a]
    if not group:
        raise ValueError("plot_fig2_bars needs at least one artifact with context_tests")
    scores = [context_scores(a) for a in group]
    n = len(group)
    width = 0.38
    with matplotlib.rc_context(STYLE):
        figure = _new_figure(12, 6)
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


# --------------------------------------------------------------------------- saving

def save_figure(figure: Figure, stem: str | os.PathLike,
                formats: Iterable[str] = FORMATS) -> list[Path]:
    """Save a figure in every format, each file replaced atomically.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
    stem : path-like
        Path without suffix, e.g. ``out/figures/fig1_panel_seed-0000``.
    formats : iterable of str
        Default PDF, EPS and PNG.

    Returns
    -------
    list of pathlib.Path
    """
    stem = Path(stem)
    written = []
    with matplotlib.rc_context(STYLE):
        for fmt in formats:
            target = stem.with_name(f"{stem.name}.{fmt}")
            options: dict[str, Any] = {"format": fmt}
            if fmt == "png":
                options["dpi"] = PNG_DPI
            else:
                # No creation date: re-drawing unchanged data gives identical
                # PDF/EPS files, which keeps committed figures stable.
                options["metadata"] = {"CreationDate": None}
            tmp = temporary_sibling(target)
            try:
                figure.savefig(tmp, **options)
                os.replace(tmp, target)
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise
            written.append(target)
    return written


#: Per-seed figures of each figure protocol: file-name part -> function.
#: A new protocol (e.g. ``fig2``) adds its entry; unknown names use ``fig1``'s.
SEED_PLOTS = {
    "fig1": {
        "panel": plot_panel,
        "three_rows": plot_three_rows,
        "training": plot_training,
    },
    "fig2": {
        "recall": plot_fig2_recall,
        "turnoff": plot_fig2_turnoff,
        "training": plot_training,
    },
}
#: Across-seed figures of a protocol besides the outer-MSE curve:
#: file-name part -> function of the protocol's artifacts.
ACROSS_PLOTS = {
    "fig2": {"context_mse": plot_fig2_bars},
}


def _draw_seed(artifact: Mapping[str, Any], figures_dir: Path) -> list[Path]:
    """The per-seed figures of one artifact (see :func:`draw_all`)."""
    name = artifact["figure"]
    written: list[Path] = []
    for kind, plot in SEED_PLOTS.get(name, SEED_PLOTS["fig1"]).items():
        figure = plot(artifact)
        parts = figure.items() if isinstance(figure, Mapping) else [("", figure)]
        for key, part in parts:
            written += save_figure(
                part, figures_dir / f"{name}_{kind}{key}_seed-{artifact['seed']:04d}")
    return written


def draw_all(artifacts: Sequence[Mapping[str, Any]], figures_dir: str | os.PathLike,
             jobs: int = 1) -> list[Path]:
    """Draw every figure of a set of artifacts.

    Per seed, the figures of :data:`SEED_PLOTS` for its protocol; per figure
    protocol present, the across-seeds outer-MSE figure and those of
    :data:`ACROSS_PLOTS`.  Files are named ``<figure>_<kind>_seed-NNNN.<fmt>``
    (``<figure>_<kind><key>_seed-NNNN.<fmt>`` for each figure of a plot
    function that returns a dict of them, e.g. ``fig2_recall_context-0``),
    ``<figure>_across_seeds.<fmt>`` and ``<figure>_<kind>.<fmt>``.

    Parameters
    ----------
    artifacts : sequence of mapping
        Valid artifacts.
    figures_dir : path-like
        Created if missing.
    jobs : int
        Processes that draw the per-seed figures (1: in this process).  The
        files are the same either way.

    Returns
    -------
    list of pathlib.Path
        Every file written.
    """
    figures_dir = Path(figures_dir)
    figures_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    ordered = sorted(artifacts, key=lambda a: (a["figure"], a["seed"]))
    if jobs > 1 and len(ordered) > 1:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        with ProcessPoolExecutor(max_workers=min(jobs, len(ordered)),
                                 mp_context=get_context("spawn")) as pool:
            for paths in pool.map(_draw_seed, ordered, [figures_dir] * len(ordered)):
                written += paths
    else:
        for artifact in ordered:
            written += _draw_seed(artifact, figures_dir)
    by_figure: dict[str, list[Mapping[str, Any]]] = {}
    for artifact in ordered:
        by_figure.setdefault(artifact["figure"], []).append(artifact)
    for name, group in by_figure.items():
        written += save_figure(plot_across_seeds(group), figures_dir / f"{name}_across_seeds")
        for kind, plot in ACROSS_PLOTS.get(name, {}).items():
            written += save_figure(plot(group), figures_dir / f"{name}_{kind}")
    return written
