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
import queue as queue_module
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.managers import SyncManager
from pathlib import Path
from typing import Any

from . import _core
from . import artifacts as _artifacts
from ._version import __version__
from .network import THREADS_VARIABLE
from .protocol import run_schedule, schedule_of

__all__ = ["RunReport", "plan_resume", "run_seeds", "seed_task", "START_METHOD"]

#: Start method of the worker processes.
START_METHOD = "spawn"
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


# --------------------------------------------------------------------------- worker side

class _QueueProgress:
    """Progress callback of a worker: forwards ``(seed, iteration, total, mse)``."""

    def __init__(self, queue, seed: int) -> None:
        self.queue = queue
        self.seed = seed

    def __call__(self, iteration: int, total: int, mse: float | None) -> None:
        try:
            self.queue.put_nowait((self.seed, iteration, total, mse))
        except Exception:
            # Progress is cosmetic: a gone manager must not kill the run.
            pass


def _ignore_sigint() -> None:
    # Ctrl-C reaches the whole process group; only the parent should react
    # (it stops the workers itself), so workers and the manager ignore it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _init_worker(threads: int) -> None:
    _ignore_sigint()
    # Every Network the worker builds runs its trials on this many threads.
    os.environ[THREADS_VARIABLE] = str(threads)


#: Environment variables that size the BLAS thread pools.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def limit_blas_threads(env) -> None:
    """Set the BLAS thread pools of worker processes to one thread, in ``env``.

    A worker's threads are its simulation's own (see :func:`plan_workers`);
    BLAS pools would only compete with them for the cores.  Spawned workers
    read these before importing NumPy; a value the user set is kept.  (The
    core asks OpenMP for its threads explicitly, so ``OMP_NUM_THREADS`` does
    not limit it.)
    """
    for variable in BLAS_THREAD_VARIABLES:
        env.setdefault(variable, "1")


def plan_workers(n_seeds: int, jobs: int | None = None,
                 threads: int | None = None) -> tuple[int, int]:
    """Worker processes and threads per seed for a run of ``n_seeds`` seeds.

    One seed per process, at most ``jobs`` (default :func:`available_cpus`)
    processes and never more than the seeds; the threads of each seed share
    out the CPUs the processes leave (``threads`` overrides).  A build
    without OpenMP uses one thread.

    Processes first, because separate processes share nothing: on 2 cores
    ten ``fig1`` seeds take 2 min 33 s as two processes of one thread and
    3 min 21 s as one process of two threads.  With an odd number of seeds
    the last one runs alone, and one process of two threads can finish
    sooner (``fig2``, five seeds: 4 min 8 s against 4 min 32 s).

    Returns
    -------
    (workers, threads) : tuple of int
    """
    cpus = available_cpus()
    workers = max(1, min(jobs or cpus, n_seeds))
    if threads is None:
        threads = max(1, cpus // workers)
    if not _core.openmp_enabled():
        threads = 1
    return workers, threads


def seed_task(protocol: Callable, figure: str, cfg: Mapping[str, Any], seed: int,
              queue=None) -> dict[str, Any]:
    """Run one seed's protocol and return its artifact (runs in a worker).

    Parameters
    ----------
    protocol : callable
        ``protocol(cfg, seed, progress=...) -> dict``, e.g.
        :func:`lttb.protocol.run_schedule`; must be importable by name.
    figure : str
        Figure name recorded in the artifact.
    cfg : mapping
        Complete configuration.
    seed : int
    queue : queue-like, optional
        Receives ``(seed, iteration, total, latest_mse)`` progress tuples.

    Returns
    -------
    dict
        The validated artifact (not yet written).
    """
    progress = _QueueProgress(queue, seed) if queue is not None else None
    start = time.perf_counter()
    result = protocol(dict(cfg), seed, progress=progress)
    wall = time.perf_counter() - start
    return _artifacts.build_artifact(figure, cfg, result, wall)


# --------------------------------------------------------------------------- resume

def plan_resume(out_dir: str | os.PathLike, figure: str, cfg: Mapping[str, Any],
                seeds: Sequence[int]) -> tuple[list[int], list[int], dict[int, str],
                                               dict[int, str]]:
    """Decide which seeds a resumed run can keep.

    Parameters
    ----------
    out_dir : path-like
        Output directory (may not exist yet).
    figure : str
    cfg : mapping
        Complete configuration of the run.
    seeds : sequence of int

    Returns
    -------
    keep : list of int
        Seeds whose artifact exists, is valid and was made by the same
        figure with the same configuration and schedule.
    todo : list of int
        Seeds to run.
    redo : dict of int to str
        Seeds in `todo` whose artifact exists but is invalid or was made by
        another lttb version, with the reason (it will be replaced).
    conflicts : dict of int to str
        Seeds whose valid artifact comes from another configuration, with
        what differs; a caller should refuse to overwrite those.
    """
    keep, todo, redo, conflicts = [], [], {}, {}
    for seed in seeds:
        path = Path(out_dir) / _artifacts.artifact_name(seed)
        if not path.exists():
            todo.append(seed)
            continue
        try:
            artifact = _artifacts.read_artifact(path)
        except _artifacts.ArtifactError as exc:
            todo.append(seed)
            redo[seed] = exc.reason
            continue
        differences = _artifacts.same_run(artifact, figure, cfg)
        if differences:
            conflicts[seed] = "; ".join(differences)
            todo.append(seed)
        elif artifact["lttb_version"] != __version__:
            # Another version of the code may give other numbers: mixing them
            # would break "a resumed run equals an uninterrupted one".
            todo.append(seed)
            redo[seed] = (f"made by lttb {artifact['lttb_version']}, "
                          f"this is lttb {__version__}")
        else:
            keep.append(seed)
    return keep, todo, redo, conflicts


# --------------------------------------------------------------------------- progress bars

class _Bars:
    """One tqdm bar per running seed plus an overall bar (or nothing when quiet)."""

    def __init__(self, n_seeds: int, n_iterations: int, slots: int, quiet: bool) -> None:
        self.quiet = quiet
        self.n_iterations = n_iterations
        self.bars: dict[int, Any] = {}
        self.free = list(range(1, slots + 1))
        self.done: set[int] = set()
        self.overall = None
        if not quiet:
            from tqdm.auto import tqdm
            self._tqdm = tqdm
            self.overall = tqdm(total=n_seeds * n_iterations, desc="all seeds", unit="it",
                                position=0, dynamic_ncols=True, file=sys.stderr)
            self.overall.set_postfix_str(f"seeds done 0/{n_seeds}")
            self.n_seeds = n_seeds
            self.seeds_done = 0

    def update(self, seed: int, iteration: int, total: int, mse: float | None) -> None:
        if self.quiet or seed in self.done:
            return
        bar = self.bars.get(seed)
        if bar is None:
            position = self.free.pop(0) if self.free else len(self.bars) + 1
            bar = self._tqdm(total=total, desc=f"seed {seed}", unit="it", position=position,
                             leave=False, dynamic_ncols=True, file=sys.stderr)
            bar.position_slot = position
            self.bars[seed] = bar
        step = iteration - bar.n
        if step > 0:
            bar.update(step)
            self.overall.update(step)
        if mse is not None:
            bar.set_postfix_str(f"outer MSE {mse:.4g}", refresh=False)

    def finish(self, seed: int) -> None:
        if self.quiet:
            return
        self.done.add(seed)
        bar = self.bars.pop(seed, None)
        missing = self.n_iterations - (bar.n if bar is not None else 0)
        if bar is not None:
            self.free.append(bar.position_slot)
            self.free.sort()
            bar.close()
        if missing > 0:
            self.overall.update(missing)
        self.seeds_done += 1
        self.overall.set_postfix_str(f"seeds done {self.seeds_done}/{self.n_seeds}")

    def abandon(self, seed: int) -> None:
        if self.quiet:
            return
        self.done.add(seed)
        bar = self.bars.pop(seed, None)
        if bar is not None:
            self.free.append(bar.position_slot)
            bar.close()

    def close(self) -> None:
        if self.quiet:
            return
        for bar in self.bars.values():
            bar.close()
        self.bars.clear()
        self.overall.close()

    def write(self, message: str) -> None:
        if self.quiet:
            return
        self._tqdm.write(message, file=sys.stderr)


def _drain(queue, bars: _Bars) -> None:
    while True:
        try:
            message = queue.get_nowait()
        except queue_module.Empty:
            return
        except (EOFError, OSError, BrokenPipeError):
            return
        bars.update(*message)


def _stop_workers(executor: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the running workers at once."""
    terminate = getattr(executor, "terminate_workers", None)  # Python >= 3.14
    if terminate is not None:
        terminate()
        return
    # Older Pythons have no public way to stop a running task; the pool keeps
    # its processes in a private mapping, which shutdown() clears, so it is
    # read first.
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one).

    ``os.cpu_count`` counts the machine's CPUs, which overstates what a job
    confined to a few of them (a batch-system allocation, a container) can use.
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


# --------------------------------------------------------------------------- main loop

def run_seeds(figure: str, cfg: Mapping[str, Any], seeds: Sequence[int],
              out_dir: str | os.PathLike, *, jobs: int | None = None,
              threads: int | None = None, skip: Sequence[int] = (), quiet: bool = False,
              protocol: Callable = run_schedule, task: Callable = seed_task) -> RunReport:
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
    protocol : callable
        ``protocol(cfg, seed, progress=...)``, importable by name.
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
    bars = _Bars(len(pending), n_iterations, jobs, quiet)
    try:
        if not quiet:
            # Progress only matters when it is shown: a quiet run needs no
            # manager process and no per-iteration messages.
            manager = SyncManager(ctx=context)
            manager.start(_ignore_sigint)
            queue = manager.Queue()
        executor = ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                       initializer=_init_worker, initargs=(threads,))
        futures = {executor.submit(task, protocol, figure, dict(cfg), seed, queue): seed
                   for seed in pending}
        remaining = set(futures)
        while remaining:
            done, remaining = wait(remaining, timeout=_POLL_SECONDS,
                                   return_when=FIRST_COMPLETED)
            if queue is not None:
                _drain(queue, bars)
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
            _stop_workers(executor)
        exc.report = report
        raise
    finally:
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        bars.close()
        if manager is not None:
            manager.shutdown()
    return report
