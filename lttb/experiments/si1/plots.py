"""Figures of si1, from artifacts alone (see :mod:`lttb.experiments.bursts.plots`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.figure import Figure

from ..bursts.plots import plot_convergence
from . import SCAN_KEY
from .paper import PAPER

__all__ = ["plot_si1", "SEED_PLOTS", "ACROSS_PLOTS"]


def plot_si1(artifacts: Sequence[Mapping[str, Any]]) -> Figure:
    """S1: convergence of the bursts over the target strength (N = 500), beside the authors' numbers of bursts."""
    return plot_convergence(artifacts, key=SCAN_KEY, normalise=True, paper=PAPER,
                            title="S1: convergence of the bursts over the target strength (N = 500)")


#: Per-run figures: none (the supplementary notebook draws only across runs).
SEED_PLOTS: dict = {}
#: Across-run figures: file-name part -> function of the figure's artifacts.
ACROSS_PLOTS = {"convergence": plot_si1}
