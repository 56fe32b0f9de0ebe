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

import os
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
from .tasks import QueueProgress, seed_task

__all__ = ["RunReport", "check_result", "run_tasks"]


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
                 data: Mapping[str, Any] | None = None) -> None:
        self.todo, self.protocol, self.figure, self.queue = todo, protocol, figure, queue
        self.data = dict(data or {})

    def __getitem__(self, key):
        item = self.todo[key]
        progress = None if self.queue is None else QueueProgress(self.queue, key)
        arguments = (self.protocol, self.figure, dict(item.cfg), item.seed, progress)
        # Data arrays (small: bins x columns) go with every task, so that any
        # worker, local or Dask, has them; a plan without data keeps the
        # five arguments of a task entry point that takes none.
        return arguments + (self.data,) if self.data else arguments

    def __iter__(self):
        return iter(self.todo)

    def __len__(self) -> int:
        return len(self.todo)


def run_tasks(plan: Sweep, out_dir: str | os.PathLike, backend, *,
              skip: Iterable[SweepTask] = (), quiet: bool = False, retries: int = 2,
              protocol: Callable | None = None, task: Callable | None = None) -> RunReport:
    """Run the tasks of a plan on an executor and write one artifact per task.

    Parameters
    ----------
    plan : Sweep
        From :func:`lttb.run.sweep.plan_sweep` or :func:`lttb.run.sweep.plan_figure`.
    out_dir : path-like
        Existing output directory; point directories are created in it.
        Artifacts go to ``OUT/<point>/seed-NNNN.json`` (``OUT/seed-NNNN.json``
        for a figure run).
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

    Returns
    -------
    RunReport

    Raises
    ------
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
        return report

    slots = backend.workers_for(len(todo))
    what = "seeds" if plan.points == [{}] else "tasks"
    bars = RunBars({key: item.label for key, item in todo.items()},
                   {key: _artifacts.schedule_for(plan.figure, item.cfg)["n_iterations"]
                    for key, item in todo.items()},
                   slots, quiet, what=what)
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
        arguments = _Arguments(todo, protocol, plan.figure, queue, plan.data)
        digests = plan.data_sha256
        priorities = {key: _cost(plan.figure, item) for key, item in todo.items()}
        tick = None if queue is None else (lambda: drain(queue, bars))
        outcomes = backend.run(task, arguments, retries=retries, priorities=priorities,
                               tick=tick)
        try:
            for outcome in outcomes:
                if tick is not None:
                    tick()
                item = todo[outcome.key]
                reason = outcome.error
                if reason is None:
                    reason = check_result(item, plan.figure, outcome.value, digests)
                if reason is None:
                    try:
                        directory = out_dir / item.dirname
                        directory.mkdir(exist_ok=True)
                        path = _artifacts.write_artifact(directory, outcome.value)
                    except (OSError, _artifacts.ArtifactError) as exc:
                        reason = f"cannot write {item.relpath}: {exc}"
                if reason is None:
                    report.completed.append(item)
                    report.paths[item] = path
                    bars.finish(outcome.key, outcome.value.get("final_outer_mse"))
                else:
                    report.failed[item] = reason
                    bars.fail(outcome.key, f"{item.relpath} failed: {reason}")
        finally:
            outcomes.close()
    except KeyboardInterrupt as exc:
        report.interrupted = True
        exc.report = report
        raise
    finally:
        bars.close()
        if manager is not None:
            manager.shutdown()
    return report


#: The name a sweep's run had in 0.1.0.
run_sweep = run_tasks
