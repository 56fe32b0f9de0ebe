"""Figures of the SI scans, drawn from artifacts alone (no model).

One across-run figure per scan, as the supplementary notebook draws S1 and
S2 (SI.md sections 1 and 3), three panels:

- **a** the target-burst change ``sqrt(D(B*_n, B*_n-1))`` against the
  iteration, each run smoothed (Gaussian, s.d. 3 iterations), mean +- SEM
  over the runs of each scan value; for S1 divided by that value's mean
  number of bursts (``normalise``);
- **b** the distance between target and predicted bursts ``sqrt(D(B*_n,
  B_n))``, smoothed the same way, mean +- SEM, log axis;
- **c** the number of bursts (mean +- SEM, red, left axis) and the "final"
  ``sqrt(D(B*_n, B*_n-1))`` (the smoothed mean curve at array index -50, as
  the notebook reads it, +- SEM, blue, right axis) against the scan key.

The SEM is s.d. / sqrt(n) (ddof 0, as the notebook).  Where the artifacts'
summary carries the authors' published means (``PAPER`` of the figure),
panel c shows their number of bursts as open circles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from ...plotting import STYLE, new_figure, shade_band
from .results import FINAL_INDEX, curve_band, group_by_variant, sem, smoothed_sqrt

__all__ = ["plot_convergence", "SEED_PLOTS", "ACROSS_PLOTS"]

NUMBER_COLOUR = "tab:red"
FINAL_COLOUR = "tab:blue"
PAPER_COLOUR = "black"
_LABELS = {"sigma_targ": r"$\sigma_{targ}$", "N": "N"}
#: Label of the authors' points (their data: cosimolupo/LTTB, CC BY 4.0).
_CREDIT = "# bursts, authors' runs\n(Capone et al. 2022, CC BY 4.0)"


def _label(key: str) -> str:
    return _LABELS.get(key, key)


def _final(group: Sequence[Mapping[str, Any]]) -> tuple[float, float]:
    # Each run's smoothed sqrt(self_dist_B)[1:] at array index -50 (the
    # notebook's np.mean(Y[-50]) reads one element), mean and SEM over runs.
    values = []
    for artifact in group:
        curve = smoothed_sqrt(artifact, "self_dist_B", skip_first=True)
        if curve.size >= -FINAL_INDEX:
            values.append(float(curve[FINAL_INDEX]))
    if not values:
        return float("nan"), float("nan")
    spread = sem(values)
    return float(np.mean(values)), float("nan") if spread is None else spread


def plot_convergence(artifacts: Sequence[Mapping[str, Any]], *, key: str, normalise: bool,
                     paper: Mapping[str, Mapping[str, Any]] | None = None,
                     title: str = "") -> Figure:
    """The three panels of a supplementary figure (see the module docstring).

    Parameters
    ----------
    artifacts : sequence of mapping
        Valid artifacts of one scan (any number of values and runs).
    key : str
        The scanned key.
    normalise : bool
        Divide panel a by each value's mean ``number_B`` (S1), or not (S2).
    paper : mapping, optional
        Variant -> the authors' means (``number_B``), drawn in panel c.
    title : str
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    groups = group_by_variant(artifacts, key)
    if not groups:
        raise ValueError("plot_convergence needs at least one artifact")
    cmap = colormaps["viridis"]
    colours = [cmap(i / max(len(groups) - 1, 1) * 0.9) for i in range(len(groups))]
    with matplotlib.rc_context(STYLE):
        figure = new_figure(18, 6)
        ax_a, ax_b, ax_c = figure.subplots(1, 3)
        values, numbers, number_sems, finals, final_sems = [], [], [], [], []
        for (value, group), colour in zip(groups, colours):
            counts = [a["number_B"] for a in group]
            z = float(np.mean(counts)) if normalise else 1.0
            it, mean, spread = curve_band(group, "self_dist_B", skip_first=True)
            if normalise and z > 0:
                mean, spread = mean / z, spread / z
            label = f"{_label(key)} = {value:g} (n = {len(group)})"
            ax_a.plot(it, mean, color=colour, label=label, zorder=3)
            shade_band(ax_a, it, mean - spread, mean + spread, colour)
            it, mean, spread = curve_band(group, "dist_B", skip_first=False)
            ax_b.plot(it, mean, color=colour, zorder=3)
            shade_band(ax_b, it, np.maximum(mean - spread, mean * 1e-3), mean + spread, colour)
            values.append(value)
            numbers.append(float(np.mean(counts)))
            number_sems.append(sem(counts) or 0.0)
            final, final_sem = _final(group)
            finals.append(final)
            final_sems.append(final_sem)
        ax_a.set_xlabel("iteration n")
        ax_a.set_ylabel(r"$\sqrt{D(B^*_n, B^*_{n-1})}$" + (" / # bursts" if normalise else ""))
        ax_a.set_title("a  change of the target bursts", loc="left")
        ax_a.legend(fontsize=5, handlelength=1.2)
        ax_b.set_yscale("log")
        ax_b.set_xlabel("iteration n")
        ax_b.set_ylabel(r"$\sqrt{D(B^*_n, B_n)}$")
        ax_b.set_title("b  target vs predicted bursts", loc="left")
        ax_c.errorbar(values, numbers, yerr=number_sems, color=NUMBER_COLOUR, marker="o",
                      markersize=2.5, capsize=2, label="# bursts (number_B)")
        if paper:
            known = [(v, paper[g[0]["variant"]]["number_B"]) for v, g in groups
                     if g[0]["variant"] in paper]
            if known:
                ax_c.plot(*zip(*known), linestyle="none", marker="o", markersize=4,
                          markerfacecolor="none", markeredgecolor=NUMBER_COLOUR,
                          label=_CREDIT)
        ax_c.set_xscale("log")
        # The scan's own values as ticks: a log axis over less than a decade
        # (S2: N 125 to 2000) would label its minor ticks on top of each other.
        ax_c.set_xticks(values, [f"{v:g}" for v in values])
        ax_c.xaxis.set_minor_locator(NullLocator())
        ax_c.set_xlabel(_label(key))
        ax_c.set_ylabel("# bursts", color=NUMBER_COLOUR)
        twin = ax_c.twinx()
        twin.spines["right"].set_visible(True)
        twin.errorbar(values, finals, yerr=final_sems, color=FINAL_COLOUR, marker="s",
                      markersize=2.5, capsize=2)
        twin.set_ylabel(r"final $\sqrt{D(B^*_n, B^*_{n-1})}$", color=FINAL_COLOUR)
        ax_c.set_title("c  bursts and final distance", loc="left")
        ax_c.legend(fontsize=5, loc="upper left")
        if title:
            figure.suptitle(title)
    return figure


#: Per-run figures: none (the notebook draws only across runs).
SEED_PLOTS: dict = {}
#: Across-run figures are bound to each figure's key in its plots module.
ACROSS_PLOTS: dict = {}
