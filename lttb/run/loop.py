"""The one task loop: every run, a figure's seeds or a sweep's grid, goes through here.

A run is a plan (:class:`lttb.run.sweep.Sweep`: a figure run is a sweep of
one point, see :func:`lttb.run.sweep.plan_figure`) executed by an executor
(:mod:`lttb.run.executors`: local worker processes or Dask).  The executor's
workers only compute; this process checks each returned artifact and writes
it atomically under its final name, so an artifact is complete or absent, a
task that ran twice (a retry after a lost worker) just replaces its file with
the same content, and a dead worker costs only its own task.
"""

from __future__ import annotations

import functools
import os
import pickle
import shutil
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.managers import SyncManager
from pathlib import Path
from typing import Any

from .. import artifacts as _artifacts
from .._version import __version__
from ..experiments.catalog import experiment
from .executors import START_METHOD, init_helper
from .progress import RunBars, drain
from .sweep import Sweep, SweepTask
from .tasks import QueueProgress, SeedResult, accepts_keyword, seed_task

#: The directory of ``--out`` that a run's tasks share while it runs.
SCRATCH = ".scratch"

__all__ = ["SCRATCH", "seed_chunks", "RunReport", "check_result", "run_tasks", "NotImportableError",
           "import_problem"]


class NotImportableError(ValueError):
    """A protocol or task that the worker processes could not import by name."""


def import_problem(function: Callable) -> str | None:
    """Why spawned worker processes could not get `function` by name, if they could not.

    Local workers are fresh interpreters: they receive a function as its
    module and name and import it.  A function defined in ``__main__`` of a
    notebook, an interactive session or ``python -c`` has no file they could
    import, and a lambda or a function defined inside another has no name to
    import at all.
    """
    inner = function
    while isinstance(inner, functools.partial):
        inner = inner.func
    name = getattr(inner, "__qualname__", None) or repr(inner)
    if getattr(inner, "__module__", None) == "__main__":
        main = sys.modules.get("__main__")
        if getattr(main, "__file__", None) is None:
            return (f"{name} is defined in __main__ (a notebook cell, an interactive "
                    f"session or python -c), which worker processes cannot import")
        return None  # a script: spawned workers import it again as __mp_main__
    try:
        pickle.dumps(function)
    except Exception as exc:  # pickle raises several types for this
        return f"{name} cannot be sent to worker processes by name ({exc})"
    return None


@dataclass
class RunReport:
    """What :func:`run_tasks` did.

    Attributes
    ----------
    completed : list of SweepTask
        Tasks run and written in this call.
    skipped : list of SweepTask
        Tasks whose artifact was kept (resume).
    failed : dict
        Task -> reason, for tasks without an artifact.
    interrupted : bool
        True after a ``KeyboardInterrupt`` (the report is then attached to
        the re-raised exception as ``exc.report``).
    paths : dict
        Task -> artifact path, for completed and skipped tasks.
    """

    completed: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    failed: dict = field(default_factory=dict)
    interrupted: bool = False
    paths: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every task has its artifact."""
        return not self.failed and not self.interrupted


def check_result(task: SweepTask, figure: str, artifact: Any,
                 data_sha256: Mapping[str, str] | None = None) -> str | None:
    """Why a returned artifact is not the one `task` should have made, if so."""
    if not isinstance(artifact, dict):
        return f"the task returned {type(artifact).__name__}, not an artifact"
    try:
        _artifacts.validate_artifact(artifact)
    except _artifacts.ArtifactError as exc:
        return f"invalid artifact: {exc.reason}"
    if artifact["seed"] != task.seed:
        return f"the artifact holds seed {artifact['seed']}, not {task.seed}"
    if artifact["lttb_version"] != __version__:
        return (f"the worker runs lttb {artifact['lttb_version']}, this is lttb "
                f"{__version__}")
    differences = _artifacts.same_run(artifact, figure, task.cfg, data_sha256)
    if differences:
        return "the artifact is not of this task: " + "; ".join(differences)
    return None


def _cost(figure: str, item: SweepTask) -> float:
    """A task's priority: its figure's own estimate, or :attr:`SweepTask.cost`."""
    own = _artifacts.task_cost(figure, item.cfg)
    return item.cost if own is None else own


class _Arguments(Mapping):
    """Task key -> the arguments of its worker call, made when the executor asks.

    Executors take tasks one by one, so a long run never holds the argument
    tuples (each with its configuration) of every task at once.
    """

    def __init__(self, todo: dict, protocol: Callable, figure: str, queue,
                 data: Mapping[str, Any] | None = None,
                 checkpoints: Mapping[Any, Path] | None = None,
                 scratch: Path | None = None) -> None:
        self.todo, self.protocol, self.figure, self.queue = todo, protocol, figure, queue
        self.data = dict(data or {})
        self.checkpoints, self.scratch = checkpoints, scratch

    def __getitem__(self, key):
        item = self.todo[key]
        progress = None if self.queue is None else QueueProgress(self.queue, key)
        arguments = (self.protocol, self.figure, dict(item.cfg), item.seed, progress)
        # Data arrays (small: bins x columns) go with every task, so that any
        # worker, local or Dask, has them; a plan without data keeps the
        # five arguments of a task entry point that takes none.
        if self.checkpoints is not None:
            return arguments + (self.data, str(self.checkpoints[key]),
                                None if self.scratch is None else str(self.scratch))
        return arguments + (self.data,) if self.data else arguments

    def __iter__(self):
        return iter(self.todo)

    def __len__(self) -> int:
        return len(self.todo)


def seed_chunks(todo: Mapping[Any, SweepTask], slots: int) -> dict[Any, SweepTask]:
    """The tasks in the order that lets the tasks of a seed share work.

    Seeds are taken `slots` at a time (as many as run at once); within such
    a chunk, every point's tasks in plan order.  With two variants and two
    workers: apical seeds 0 and 1, then basal 0 and 1, then apical 2 and 3,
    and so on.  A task never runs beside another task of its own seed, so
    the one that comes later finds the work the earlier one left in the
    scratch directory; and seeds are completed a chunk at a time, so an
    interrupted run leaves whole seeds and little scratch behind.

    Parameters
    ----------
    todo : mapping
        Task key -> task, in plan order.
    slots : int
        Tasks that run at once.

    Returns
    -------
    dict
        The same tasks, reordered.
    """
    seeds = list(dict.fromkeys(item.seed for item in todo.values()))
    points = list(dict.fromkeys(item.dirname for item in todo.values()))
    size = max(1, int(slots))
    ordered: dict[Any, SweepTask] = {}
    for start in range(0, len(seeds), size):
        chunk = set(seeds[start:start + size])
        for point in points:
            for key, item in todo.items():
                if item.dirname == point and item.seed in chunk:
                    ordered[key] = item
    return ordered


def run_tasks(plan: Sweep, out_dir: str | os.PathLike, backend, *,
              skip: Iterable[SweepTask] = (), quiet: bool = False, retries: int = 2,
              protocol: Callable | None = None, task: Callable | None = None,
              networks: bool = False, checkpoints: bool = True,
              resume: bool = False) -> RunReport:
    """Run the tasks of a plan on an executor and write one artifact per task.

    Parameters
    ----------
    plan : Sweep
        From :func:`lttb.run.sweep.plan_sweep` or :func:`lttb.run.sweep.plan_figure`.
    out_dir : path-like
        Existing output directory; point directories are created in it.
        Artifacts go to ``OUT/<point>/seed-NNNN.json`` (``OUT/seed-NNNN.json``
        for a figure run), trained networks beside them as ``seed-NNNN.npz``.
    backend : lttb.run.executors.Backend
        Where the tasks run.
    skip : iterable of SweepTask
        Tasks already done (see :func:`lttb.run.sweep.plan_sweep_resume`).
    quiet : bool
        No progress bars.
    retries : int
        Extra attempts per task (see :meth:`lttb.run.executors.Backend.run`).
    protocol : callable, optional
        ``protocol(cfg, seed, progress=None) -> dict``, importable by name;
        default the protocol of the plan's figure in the catalog.
    task : callable, optional
        Worker entry point with the signature of :func:`lttb.run.tasks.seed_task`
        (default), importable by name.
    networks : bool
        Also write each task's trained network, ``seed-NNNN.npz`` beside its
        artifact (asked of the task as ``network=True``; see
        :func:`lttb.run.tasks.seed_task`).  Without, a network file left
        beside a rewritten artifact is removed: a network beside an artifact
        is always that artifact's.
    checkpoints : bool
        Let a protocol that checkpoints (one with a ``checkpoint`` keyword,
        like Figure 3's) keep its running state in
        ``seed-NNNN.checkpoint.npz`` beside its artifact-to-be; the file is
        removed once the artifact is written.  Such a protocol also gets
        the run's scratch directory ``OUT/.scratch`` (its ``scratch``
        keyword), for work its tasks share; it is removed when every task
        has its artifact.
    resume : bool
        Continue each task from its checkpoint, if it left one, and keep
        the scratch directory.  Without, the checkpoints of the tasks to
        run and the scratch directory are removed first: a fresh run starts
        from the beginning.

    Returns
    -------
    RunReport

    Raises
    ------
    NotImportableError
        Before any task starts, when `backend` imports functions by name
        (local worker processes) and `protocol` or `task` cannot be
        imported there; the message says what to do.
    KeyboardInterrupt
        After stopping the tasks; finished artifacts are kept and the
        exception carries the report as ``report``.
    """
    task = seed_task if task is None else task
    if protocol is None:
        protocol = experiment(plan.figure).protocol
    out_dir = Path(out_dir)
    report = RunReport()
    skip_keys = {t.key for t in skip}
    todo: dict[tuple[str, int], SweepTask] = {}
    for item in plan.tasks:
        if item.key in skip_keys:
            report.skipped.append(item)
            report.paths[item] = out_dir / item.relpath
        else:
            todo[item.key] = item
    if not todo:
        # A resumed run that had nothing left to do leaves no scratch behind.
        shutil.rmtree(out_dir / SCRATCH, ignore_errors=True)
        return report
    if getattr(backend, "imports_by_name", False):
        for what, function in (("protocol", protocol), ("task", task)):
            problem = import_problem(function)
            if problem is not None:
                raise NotImportableError(
                    f"the {what} {problem}. Define it in a module (a .py file beside "
                    f"the notebook) and import it from there, or run in this process: "
                    f"jobs=1 with run_seeds, or a Dask scheduler (which sends functions "
                    f"by value)")
    function = task
    if networks and accepts_keyword(task, "network"):
        function = functools.partial(task, network=True)
    saves = scratch = None
    if (checkpoints and accepts_keyword(protocol, "checkpoint")
            and accepts_keyword(task, "checkpoint")):
        saves = {key: out_dir / item.dirname / _artifacts.checkpoint_name(item.seed)
                 for key, item in todo.items()}
        for path in saves.values():
            path.parent.mkdir(parents=True, exist_ok=True)
            if not resume:
                path.unlink(missing_ok=True)
        # Only tasks of one seed at different points (Figure 3's variants) have
        # work to share.
        if (len(plan.points) > 1 and accepts_keyword(protocol, "scratch")
                and accepts_keyword(task, "scratch")):
            scratch = out_dir / SCRATCH
            if not resume:
                shutil.rmtree(scratch, ignore_errors=True)

    slots = backend.workers_for(len(todo))
    if scratch is not None:
        todo = seed_chunks(todo, slots)
    what = "seeds" if plan.points == [{}] else "tasks"
    bars = RunBars({key: item.label for key, item in todo.items()},
                   {key: _artifacts.schedule_for(plan.figure, item.cfg)["n_iterations"]
                    for key, item in todo.items()},
                   slots, quiet, what=what,
                   value_label=getattr(_artifacts.results_of(plan.figure), "PROGRESS_LABEL",
                                       "outer MSE"))
    manager = queue = None
    try:
        if not quiet:
            # Kept results count towards the best and worst MSE shown.
            for item in report.skipped:
                try:
                    bars.record(_artifacts.read_artifact(report.paths[item]).get("final_outer_mse"))
                except _artifacts.ArtifactError:
                    pass
            if backend.reports_progress:
                # Per-iteration progress only matters when it is shown: a quiet
                # run needs no manager process and no messages.
                manager = SyncManager(ctx=get_context(START_METHOD))
                manager.start(init_helper, (os.getpid(),))
                queue = manager.Queue()
        arguments = _Arguments(todo, protocol, plan.figure, queue, plan.data, saves, scratch)
        digests = plan.data_sha256
        priorities = {key: _cost(plan.figure, item) for key, item in todo.items()}
        tick = None if queue is None else (lambda: drain(queue, bars))
        outcomes = backend.run(function, arguments, retries=retries, priorities=priorities,
                               tick=tick)
        try:
            for outcome in outcomes:
                if tick is not None:
                    tick()
                item = todo[outcome.key]
                reason = outcome.error
                artifact, network = outcome.value, None
                if isinstance(artifact, SeedResult):
                    artifact, network = artifact.artifact, artifact.network
                if reason is None:
                    reason = check_result(item, plan.figure, artifact, digests)
                if reason is None:
                    try:
                        path = _write(out_dir / item.dirname, artifact, network)
                    except (OSError, _artifacts.ArtifactError) as exc:
                        reason = f"cannot write {item.relpath}: {exc}"
                if reason is None:
                    if saves is not None:
                        # The artifact holds all the checkpoint could restore.
                        saves[outcome.key].unlink(missing_ok=True)
                    report.completed.append(item)
                    report.paths[item] = path
                    bars.finish(outcome.key, artifact.get("final_outer_mse"))
                else:
                    report.failed[item] = reason
                    bars.fail(outcome.key, f"{item.relpath} failed: {reason}")
        finally:
            outcomes.close()
        if scratch is not None and report.ok:
            shutil.rmtree(scratch, ignore_errors=True)
    except KeyboardInterrupt as exc:
        report.interrupted = True
        exc.report = report
        raise
    finally:
        bars.close()
        if manager is not None:
            manager.shutdown()
    return report


def _write(directory: Path, artifact: dict, network: bytes | None) -> Path:
    """Write a task's network (if any), then its artifact, each atomically.

    The network goes first: an artifact whose network file is missing was
    written without one, which ``--resume`` can tell.  A network file left by
    an earlier run of the task is removed when this one brings none.
    """
    directory.mkdir(exist_ok=True)
    beside = directory / _artifacts.network_name(artifact["seed"])
    if network is not None:
        _artifacts.write_bytes_atomic(beside, network)
    else:
        beside.unlink(missing_ok=True)
    return _artifacts.write_artifact(directory, artifact)


#: The name a sweep's run had in 0.1.0.
run_sweep = run_tasks
