"""Figures of si2, from artifacts alone (see :mod:`lttb.experiments.bursts.plots`)."""

from ..bursts.plots import ACROSS_PLOTS, SEED_PLOTS  # noqa: F401

__all__ = ["SEED_PLOTS", "ACROSS_PLOTS"]
