"""Draw every figure of a set of artifacts, each figure's plots from the catalog."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..experiments.catalog import plots_of
from . import save_figure

__all__ = ["draw_seed", "draw_across", "draw_all"]


def draw_seed(artifact: Mapping[str, Any], figures_dir: str | os.PathLike) -> list[Path]:
    """The per-seed figures of one artifact (its figure's ``SEED_PLOTS``).

    Files are named ``<figure>_<kind>_seed-NNNN.<fmt>``, or
    ``<figure>_<kind><key>_seed-NNNN.<fmt>`` for each figure of a plot
    function that returns a dict of them (e.g. ``fig2_recall_context-0``).
    """
    figures_dir = Path(figures_dir)
    name = artifact["figure"]
    written: list[Path] = []
    for kind, plot in plots_of(name).SEED_PLOTS.items():
        figure = plot(artifact)
        parts = figure.items() if isinstance(figure, Mapping) else [("", figure)]
        for key, part in parts:
            written += save_figure(
                part, figures_dir / f"{name}_{kind}{key}_seed-{artifact['seed']:04d}")
    return written


def draw_across(name: str, group: Sequence[Mapping[str, Any]],
                figures_dir: str | os.PathLike) -> list[Path]:
    """The across-seed figures of one figure's artifacts (``ACROSS_PLOTS``).

    Files are named ``<figure>_<kind>.<fmt>``.
    """
    written: list[Path] = []
    for kind, plot in plots_of(name).ACROSS_PLOTS.items():
        written += save_figure(plot(group), Path(figures_dir) / f"{name}_{kind}")
    return written


def draw_all(artifacts: Sequence[Mapping[str, Any]], figures_dir: str | os.PathLike,
             jobs: int = 1) -> list[Path]:
    """Draw every figure of a set of artifacts.

    Per seed, the figures of its figure's ``SEED_PLOTS``; per figure present,
    those of its ``ACROSS_PLOTS`` (see :mod:`lttb.experiments`).  An artifact
    of a figure the catalog does not know is drawn as Figure 1.

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
            for paths in pool.map(draw_seed, ordered, [figures_dir] * len(ordered)):
                written += paths
    else:
        for artifact in ordered:
            written += draw_seed(artifact, figures_dir)
    by_figure: dict[str, list[Mapping[str, Any]]] = {}
    for artifact in ordered:
        by_figure.setdefault(artifact["figure"], []).append(artifact)
    for name, group in by_figure.items():
        written += draw_across(name, group, figures_dir)
    return written
