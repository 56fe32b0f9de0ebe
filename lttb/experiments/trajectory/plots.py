"""The figures of a trajectory of one's own: Figure 1's, drawn from artifacts alone."""

from __future__ import annotations

from ..fig1.plots import ACROSS_PLOTS, SEED_PLOTS

__all__ = ["SEED_PLOTS", "ACROSS_PLOTS"]
