"""What one seed of Figure 1 computes (MODEL.md sections 6 and 7)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...model.training import Progress, run_schedule

__all__ = ["run"]


def run(cfg: Mapping[str, Any], seed: int, progress: Progress | None = None, *,
        return_network: bool = False) -> dict[str, Any]:
    """Train one network with the schedule of `cfg`, then run the full test.

    Parameters
    ----------
    cfg : mapping
        A validated configuration (preset ``fig1`` or derived from it).
    seed : int
        Non-negative seed (see :func:`lttb.model.training.run_schedule`).
    progress : callable, optional
        ``progress(iteration, n_iterations, latest_outer_mse)``.
    return_network : bool
        Add the trained network under ``"network"`` (to be saved).

    Returns
    -------
    dict
        The result of :func:`lttb.model.training.run_schedule`; the keys an
        artifact keeps are :data:`lttb.experiments.fig1.results.RESULT_KEYS`.
    """
    return run_schedule(cfg, seed, progress, return_network=return_network)
