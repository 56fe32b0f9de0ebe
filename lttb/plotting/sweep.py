"""The sweep figure: final outer MSE against each swept key, from a sweep summary."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..config import format_value
from ..run.sweep import DEFAULT_METRIC
from . import STYLE, log_y_where_positive, save_figure

__all__ = ["plot_sweep", "draw_sweep"]

_LINE_COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple",
                 "tab:brown", "tab:pink", "tab:gray", "tab:olive", "tab:cyan")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def _numeric(values: Sequence[Any]) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def plot_sweep(summary: Mapping[str, Any]):
    """The sweep's value against each swept key, mean +- 1 s.d. over seeds.

    The value is the summary's ``metric`` (Figure 1's final outer MSE, on
    a logarithmic y axis; Figure 3's reward over the last epochs, on a
    linear one).  One panel per swept key; in each, one line per
    combination of the other swept keys' values.  An x axis is
    logarithmic when its values are positive and span a factor of 8 or
    more, categorical when they are not numbers.

    Parameters
    ----------
    summary : mapping
        From :func:`summarize_sweep`.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the summary has no swept key (a single point).
    """
    swept = list(summary["swept"])
    if not swept:
        raise ValueError("nothing varies between the points of this sweep")
    rows = summary["points"]
    metric = summary.get("metric") or DEFAULT_METRIC
    log_y = metric["scale"] == "log"
    cm = 1 / 2.54
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(7.5 * cm * len(swept), 6.5 * cm), layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.subplots(1, len(swept), squeeze=False)[0]
        for ax, key in zip(axes, swept):
            others = [k for k in swept if k != key]
            values = summary["grid"][key]
            numeric = _numeric(values)
            position = ({json.dumps(v): float(v) for v in values} if numeric
                        else {json.dumps(v): float(i) for i, v in enumerate(values)})
            lines: dict[str, list] = {}
            for row in rows:
                label = ", ".join(f"{k} = {format_value(row['point'][k])}" for k in others)
                lines.setdefault(label, []).append(row)
            spots = sorted(position.values())
            log_x = numeric and spots[0] > 0 and spots[-1] / spots[0] >= 8
            # Lines are shifted sideways a little so that equal values do not
            # hide each other's error bars.
            span = (math.log(spots[-1] / spots[0]) if log_x else spots[-1] - spots[0]) or 1.0
            for index, (label, members) in enumerate(lines.items()):
                members = sorted(members, key=lambda r: position[json.dumps(r["point"][key])])
                x = np.array([position[json.dumps(r["point"][key])] for r in members])
                shift = (index - (len(lines) - 1) / 2) * 0.015 * span
                x = x * math.exp(shift) if log_x else x + shift
                mean = np.array([np.nan if r["mean"] is None else r["mean"] for r in members])
                sd = np.array([0.0 if r["sd"] is None else r["sd"] for r in members])
                # On a log axis a bar reaching zero cannot be drawn: clip it at
                # a fraction of the mean rather than dropping it.
                lower = np.minimum(sd, mean * 0.95) if log_y else sd
                ax.errorbar(x, mean, yerr=np.vstack([lower, sd]),
                            color=_LINE_COLOURS[index % len(_LINE_COLOURS)],
                            marker=_MARKERS[index % len(_MARKERS)], markersize=3,
                            capsize=2, elinewidth=0.6, label=label or None)
            if log_x:
                ax.set_xscale("log")
            ax.set_xticks(spots)
            ax.set_xticklabels([format_value(v) for v in values])
            ax.minorticks_off()
            if log_y:
                log_y_where_positive(ax, [r["mean"] for r in rows if r["mean"] is not None],
                                     f"no finite {metric['label']}: every run diverged")
            ax.set_xlabel(key)
            ax.set_ylabel(metric["label"])
            if others:
                ax.legend(loc="best")
        seeds = sorted({n for row in rows for n in [row["n"]]})
        seed_text = (f"{seeds[0]} seeds" if len(seeds) == 1
                     else f"{seeds[0]}-{seeds[-1]} seeds")
        figure.suptitle(f"{summary['figure']} sweep: mean ± s.d. over {seed_text} per point")
    return figure


def draw_sweep(summary: Mapping[str, Any], figures_dir: str | os.PathLike,
               created: str | None = None) -> list[Path]:
    """Draw :func:`plot_sweep` as ``<figure>_sweep.{pdf,eps,png}`` in `figures_dir`.

    Parameters
    ----------
    summary : mapping
    figures_dir : path-like
        Created if missing.
    created : str, optional
        ISO 8601 time of the newest artifact drawn, which the PDF and EPS
        files state (see :func:`lttb.plotting.render`).

    Returns
    -------
    list of pathlib.Path
        The files written (none if nothing varies between points).
    """
    if not summary["swept"]:
        return []
    figures_dir = Path(figures_dir)
    figures_dir.mkdir(parents=True, exist_ok=True)
    return save_figure(plot_sweep(summary), figures_dir / f"{summary['figure']}_sweep",
                       created=created)
