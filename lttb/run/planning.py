"""Planning a run: CPUs, worker processes and threads, and what a resumed run keeps."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import artifacts as _artifacts
from .._version import __version__

__all__ = ["available_cpus", "plan_workers", "limit_blas_threads", "BLAS_THREAD_VARIABLES",
           "plan_resume"]


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one).

    ``os.cpu_count`` counts the machine's CPUs, which overstates what a job
    confined to a few of them (a batch-system allocation, a container) can use.
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


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


def plan_workers(n_tasks: int, jobs: int | None = None, threads: int | None = None,
                 *, openmp: bool = True) -> tuple[int, int]:
    """Worker processes and threads per task for a run of ``n_tasks`` tasks.

    One task per process, at most ``jobs`` (default :func:`available_cpus`)
    processes and never more than the tasks; the threads of each task share
    out the CPUs the processes leave (``threads`` overrides).  A build
    without OpenMP (``openmp`` false, see
    :func:`lttb.model.engines.openmp_enabled`) uses one thread.

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
    workers = max(1, min(jobs or cpus, n_tasks))
    if threads is None:
        threads = max(1, cpus // workers)
    if not openmp:
        threads = 1
    return workers, threads


def plan_resume(out_dir: str | os.PathLike, figure: str, cfg: Mapping[str, Any],
                seeds: Sequence[int], *, data_sha256: Mapping[str, str] | None = None
                ) -> tuple[list[int], list[int], dict[int, str], dict[int, str]]:
    """Decide which seeds a resumed run can keep.

    Parameters
    ----------
    out_dir : path-like
        Output directory (may not exist yet).
    figure : str
    cfg : mapping
        Complete configuration of the run.
    seeds : sequence of int
    data_sha256 : mapping, optional
        Digests of the run's data files (:attr:`lttb.run.sweep.Sweep.data_sha256`):
        an artifact made from other files is a conflict, as one of another
        configuration is.

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
        differences = _artifacts.same_run(artifact, figure, cfg, data_sha256)
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
