"""Run the seeds of a figure protocol in parallel worker processes.

Each seed runs in its own worker process of a
:class:`concurrent.futures.ProcessPoolExecutor` (``spawn`` start method: the
same behaviour on every OS, and no inherited state from the parent).
Workers report progress through a :mod:`multiprocessing` manager queue; the
parent draws the tqdm bars and writes every artifact itself, atomically, as
soon as its seed is done.  A worker that dies or a Ctrl-C therefore never
leaves a partial artifact, and the seeds already finished are kept.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.managers import SyncManager
from pathlib import Path
from typing import Any

from .. import artifacts as _artifacts
from ..config import schedule_of
from ..experiments.catalog import experiment
from .executors import START_METHOD, stop_workers
from .planning import limit_blas_threads, plan_workers
from .progress import SeedBars, drain
from .tasks import ignore_sigint, init_worker, seed_task

__all__ = ["RunReport", "run_seeds"]

#: How often (s) the parent wakes up to draw progress while it waits.
_POLL_SECONDS = 0.1


@dataclass
class RunReport:
    """What :func:`run_seeds` did.

    Attributes
    ----------
    completed : list of int
        Seeds run and written in this call.
    skipped : list of int
        Seeds whose valid artifact was kept (``resume``).
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


def run_seeds(figure: str, cfg: Mapping[str, Any], seeds: Sequence[int],
              out_dir: str | os.PathLike, *, jobs: int | None = None,
              threads: int | None = None, skip: Sequence[int] = (), quiet: bool = False,
              protocol: Callable | None = None, task: Callable = seed_task) -> RunReport:
    """Run seeds in worker processes and write one artifact per seed.

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
    jobs : int, optional
        Worker processes (default :func:`available_cpus`); never more than
        the seeds to run.
    threads : int, optional
        Threads per seed (default: the CPUs left over by the workers; see
        :func:`plan_workers`).  Results do not depend on it.
    skip : sequence of int
        Seeds already done (see :func:`plan_resume`); their artifacts are
        left untouched.
    quiet : bool
        No progress bars.
    protocol : callable, optional
        ``protocol(cfg, seed, progress=...)``, importable by name; default
        the protocol of `figure` in the catalog.
    task : callable
        Worker entry point with the signature of :func:`seed_task`,
        importable by name (tests substitute a faulty one).

    Returns
    -------
    RunReport

    Raises
    ------
    KeyboardInterrupt
        After stopping the workers; the finished artifacts are kept and the
        exception carries the :class:`RunReport` as ``report``.
    """
    if protocol is None:
        protocol = experiment(figure).protocol
    out_dir = Path(out_dir)
    report = RunReport()
    skip_set = set(skip)
    for seed in seeds:
        if seed in skip_set:
            report.skipped.append(seed)
            report.paths[seed] = out_dir / _artifacts.artifact_name(seed)
    pending = [seed for seed in seeds if seed not in skip_set]
    if not pending:
        return report

    jobs, threads = plan_workers(len(pending), jobs, threads)
    n_iterations = schedule_of(cfg)["n_iterations"]
    context = get_context(START_METHOD)
    limit_blas_threads(os.environ)
    manager = executor = queue = None
    bars = SeedBars(len(pending), n_iterations, jobs, quiet)
    try:
        if not quiet:
            # Progress only matters when it is shown: a quiet run needs no
            # manager process and no per-iteration messages.
            manager = SyncManager(ctx=context)
            manager.start(ignore_sigint)
            queue = manager.Queue()
        executor = ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                       initializer=init_worker, initargs=(threads,))
        futures = {executor.submit(task, protocol, figure, dict(cfg), seed, queue): seed
                   for seed in pending}
        remaining = set(futures)
        while remaining:
            done, remaining = wait(remaining, timeout=_POLL_SECONDS,
                                   return_when=FIRST_COMPLETED)
            if queue is not None:
                drain(queue, bars)
            for future in sorted(done, key=futures.get):
                seed = futures[future]
                try:
                    artifact = future.result()
                    path = _artifacts.write_artifact(out_dir, artifact)
                except BrokenProcessPool:
                    report.failed[seed] = ("not finished: a worker process died (killed or "
                                           "crashed), which stops the whole pool")
                    bars.abandon(seed)
                except Exception as exc:  # one failing seed must not stop the others
                    report.failed[seed] = f"{type(exc).__name__}: {exc}"
                    bars.abandon(seed)
                else:
                    report.completed.append(seed)
                    report.paths[seed] = path
                    bars.finish(seed)
    except KeyboardInterrupt as exc:
        report.interrupted = True
        if executor is not None:
            stop_workers(executor)
        exc.report = report
        raise
    finally:
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        bars.close()
        if manager is not None:
            manager.shutdown()
    return report
