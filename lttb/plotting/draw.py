"""Draw every figure of a set of artifacts, each figure's plots from the catalog.

Per-seed figures can be drawn by an executor's workers
(:mod:`lttb.run.executors`, the one that ran the seeds): a worker renders a
seed's figures to bytes and this process writes the files, atomically, so
the workers need no access to the output directory.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..artifacts import write_bytes_atomic
from ..experiments.catalog import plots_of
from . import latest, render

__all__ = ["render_seed", "draw_seed", "draw_across", "draw_all"]


def render_seed(artifact: Mapping[str, Any]) -> dict[str, bytes]:
    """The per-seed figures of one artifact (its figure's ``SEED_PLOTS``) as file contents.

    Returns
    -------
    dict
        File name -> contents.  Files are named
        ``<figure>_<kind>_seed-NNNN.<fmt>``, or
        ``<figure>_<kind><key>_seed-NNNN.<fmt>`` for each figure of a plot
        function that returns a dict of them (e.g. ``fig2_recall_context-0``).
    """
    name = artifact["figure"]
    files: dict[str, bytes] = {}
    for kind, plot in plots_of(name).SEED_PLOTS.items():
        figure = plot(artifact)
        parts = figure.items() if isinstance(figure, Mapping) else [("", figure)]
        for key, part in parts:
            stem = f"{name}_{kind}{key}_seed-{artifact['seed']:04d}"
            for fmt, data in render(part, name=stem, created=artifact.get("created")).items():
                files[f"{stem}.{fmt}"] = data
    return files


def _write(files: Mapping[str, bytes], figures_dir: Path) -> list[Path]:
    written = []
    for filename, data in files.items():
        written.append(write_bytes_atomic(figures_dir / filename, data))
    return written


def draw_seed(artifact: Mapping[str, Any], figures_dir: str | os.PathLike) -> list[Path]:
    """Draw the per-seed figures of one artifact into `figures_dir` (see :func:`render_seed`)."""
    return _write(render_seed(artifact), Path(figures_dir))


def draw_across(name: str, group: Sequence[Mapping[str, Any]],
                figures_dir: str | os.PathLike) -> list[Path]:
    """The across-seed figures of one figure's artifacts (``ACROSS_PLOTS``).

    Files are named ``<figure>_<kind>.<fmt>``.
    """
    files = {}
    for kind, plot in plots_of(name).ACROSS_PLOTS.items():
        created = latest(a.get("created") for a in group)
        for fmt, data in render(plot(group), name=f"{name}_{kind}", created=created).items():
            files[f"{name}_{kind}.{fmt}"] = data
    return _write(files, Path(figures_dir))


def draw_all(artifacts: Sequence[Mapping[str, Any]], figures_dir: str | os.PathLike,
             jobs: int = 1, *, backend=None, across: bool = True) -> list[Path]:
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
        Without `backend`: local worker processes that render the per-seed
        figures (1: in this process).
    backend : lttb.run.executors.Backend, optional
        The executor whose workers render the per-seed figures (e.g. the one
        that ran the seeds).  The files are the same either way.
    across : bool
        Also draw the across-seed figures (which assume that the artifacts
        of one figure come from one configuration).

    Returns
    -------
    list of pathlib.Path
        Every file written.

    Raises
    ------
    RuntimeError
        If a worker fails to render a seed's figures.
    """
    figures_dir = Path(figures_dir)
    figures_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    ordered = sorted(artifacts, key=lambda a: (a["figure"], a["seed"]))
    if backend is None and jobs > 1 and len(ordered) > 1:
        from ..run.executors import LocalBackend

        with LocalBackend(jobs) as local:
            return draw_all(artifacts, figures_dir, backend=local, across=across)
    if backend is not None and len(ordered) > 1:
        tasks = {index: (artifact,) for index, artifact in enumerate(ordered)}
        rendered: dict[int, dict[str, bytes]] = {}
        for outcome in backend.run(render_seed, tasks, retries=1):
            if outcome.error is not None:
                seed = ordered[outcome.key]["seed"]
                raise RuntimeError(f"drawing the figures of seed {seed} failed: "
                                   f"{outcome.error}")
            rendered[outcome.key] = outcome.value
        for index in range(len(ordered)):
            written += _write(rendered[index], figures_dir)
    else:
        for artifact in ordered:
            written += draw_seed(artifact, figures_dir)
    if not across:
        return written
    by_figure: dict[str, list[Mapping[str, Any]]] = {}
    for artifact in ordered:
        by_figure.setdefault(artifact["figure"], []).append(artifact)
    for name, group in by_figure.items():
        written += draw_across(name, group, figures_dir)
    return written
