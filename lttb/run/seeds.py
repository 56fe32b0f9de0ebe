"""Run the seeds of a figure: a one-point plan through the one task loop.

:func:`run_seeds` is the Python entry point of what ``lttb-reproduce fig1``
does with its seeds: each seed in a worker process (or on Dask), its
artifact written atomically as soon as it is done.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .executors import Backend, InProcessBackend, LocalBackend
from .loop import import_problem, run_tasks
from .sweep import plan_figure

__all__ = ["SeedReport", "RunReport", "run_seeds"]


@dataclass
class SeedReport:
    """What :func:`run_seeds` did, by seed.

    Attributes
    ----------
    completed : list of int
        Seeds run and written in this call.
    skipped : list of int
        Seeds whose valid artifact was kept (``skip``).
    failed : dict of int to str
        Seeds that did not finish, with the reason.
    interrupted : bool
        True after a ``KeyboardInterrupt`` (the report is then attached to
        the re-raised exception as ``exc.report``).
    paths : dict of int to pathlib.Path
        Artifact file of every completed or skipped seed.
    """

    completed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    interrupted: bool = False
    paths: dict[int, Path] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every seed has its artifact."""
        return not self.failed and not self.interrupted

    @classmethod
    def of(cls, report) -> "SeedReport":
        """The report of a one-point run (:class:`lttb.run.loop.RunReport`), by seed."""
        return cls(completed=[t.seed for t in report.completed],
                   skipped=[t.seed for t in report.skipped],
                   failed={t.seed: why for t, why in report.failed.items()},
                   interrupted=report.interrupted,
                   paths={t.seed: path for t, path in report.paths.items()})


#: The name of :class:`SeedReport` in 0.1.0.
RunReport = SeedReport


def run_seeds(figure: str, cfg: Mapping[str, Any], seeds: Sequence[int],
              out_dir: str | os.PathLike, *, jobs: int | None = None,
              threads: int | None = None, skip: Sequence[int] = (), quiet: bool = False,
              protocol: Callable | None = None, task: Callable | None = None,
              backend: Backend | None = None, retries: int = 2,
              data: Mapping[str, Any] | None = None,
              networks: bool = False) -> SeedReport:
    """Run seeds of a figure and write one artifact per seed into `out_dir`.

    Parameters
    ----------
    figure : str
        Figure name, recorded in every artifact.
    cfg : mapping
        Complete, validated configuration (schedule included).
    seeds : sequence of int
        Seeds of the run (non-negative, distinct).
    out_dir : path-like
        Existing directory for the artifacts.
    jobs, threads : int, optional
        Local worker processes and threads per seed (see
        :class:`lttb.run.executors.LocalBackend`); ignored with `backend`.
        With ``jobs=1`` a protocol that worker processes cannot import (one
        defined in a notebook cell) runs in this process instead.
    skip : sequence of int
        Seeds already done; their artifacts are left untouched.
    quiet : bool
        No progress bars.
    protocol : callable, optional
        ``protocol(cfg, seed, progress=...)``, importable by name (or
        anything with ``jobs=1``); default the protocol of `figure` in the
        catalog.
    task : callable, optional
        Worker entry point with the signature of :func:`lttb.run.tasks.seed_task`,
        importable by name (tests substitute a faulty one).
    backend : Backend, optional
        Where the seeds run (default: local worker processes).
    retries : int
        Extra attempts of a seed whose worker died.
    data : mapping, optional
        Name -> 2-D array given to the protocol of every seed as keyword
        arguments, e.g. ``{"targets": T x O}`` for the ``trajectory``
        figure; every artifact records their SHA-256 (``data_sha256``).
    networks : bool
        Also write each seed's trained network beside its artifact,
        ``seed-NNNN.npz`` (:func:`lttb.load_network` reads it), as
        ``lttb-reproduce`` does unless given ``--no-networks``.

    Returns
    -------
    SeedReport

    Raises
    ------
    lttb.run.loop.NotImportableError
        Before any seed runs, when local worker processes could not import
        `protocol` or `task` (defined in a notebook cell) and ``jobs`` is
        not 1; the message says what to do.
    KeyboardInterrupt
        After stopping the workers; the finished artifacts are kept and the
        exception carries the :class:`SeedReport` as ``report``.
    """
    from ..model.engines import openmp_enabled

    plan = plan_figure(figure, cfg, seeds, data=data)
    skip_set = set(skip)
    kept = [t for t in plan.tasks if t.seed in skip_set]
    own = backend is None
    if own:
        if jobs == 1 and any(f is not None and import_problem(f) is not None
                             for f in (protocol, task)):
            # One worker would only run the seeds one after the other anyway;
            # here they need no import by name.
            backend = InProcessBackend()
        else:
            backend = LocalBackend(jobs, threads=threads, openmp=openmp_enabled())
    try:
        report = run_tasks(plan, out_dir, backend, skip=kept, quiet=quiet, retries=retries,
                           protocol=protocol, task=task, networks=networks)
    except KeyboardInterrupt as exc:
        inner = getattr(exc, "report", None)
        if inner is not None:
            exc.report = SeedReport.of(inner)
        raise
    finally:
        if own:
            backend.close()
    return SeedReport.of(report)
