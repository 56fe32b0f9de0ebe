"""Figures of si2, from artifacts alone (see :mod:`lttb.experiments.bursts.plots`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.figure import Figure

from ..bursts.plots import plot_convergence
from . import SCAN_KEY
from .paper import PAPER

__all__ = ["plot_si2", "SEED_PLOTS", "ACROSS_PLOTS"]


def plot_si2(artifacts: Sequence[Mapping[str, Any]]) -> Figure:
    """S2: convergence of the bursts over the network size (sigma_targ = 10), beside the authors' numbers of bursts."""
    return plot_convergence(artifacts, key=SCAN_KEY, normalise=False, paper=PAPER,
                            title="S2: convergence of the bursts over the network size (sigma_targ = 10)")


#: Per-run figures: none (the supplementary notebook draws only across runs).
SEED_PLOTS: dict = {}
#: Across-run figures: file-name part -> function of the figure's artifacts.
ACROSS_PLOTS = {"convergence": plot_si2}
