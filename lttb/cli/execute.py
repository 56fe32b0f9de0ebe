"""Running a plan from the command line: the executor, resume, the run, its report.

The figure commands and ``sweep`` run their tasks the same way: one plan
(:mod:`lttb.run.sweep`), one executor (``--jobs`` local workers or
``--scheduler`` Dask, ``--retries``), one task loop
(:func:`lttb.run.loop.run_tasks`).  Only their wording differs: a figure
speaks of seeds, a sweep of tasks.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import artifacts as _artifacts
from ..run.executors import (Backend, BackendError, import_distributed, make_backend,
                             parse_scheduler)
from ..run.loop import RunReport, run_tasks
from ..run.sweep import Sweep, SweepTask, foreign_artifacts, plan_sweep_resume
from .common import PROG, UsageError, say

__all__ = ["check_scheduler", "resume_plan", "open_backend", "execute", "is_figure_plan",
           "wants_networks", "saves_networks"]


def wants_networks(args: argparse.Namespace) -> bool:
    """Whether the run writes trained networks beside its artifacts (no ``--no-networks``)."""
    return not getattr(args, "no_networks", False)


def saves_networks(plan: Sweep) -> bool:
    """Whether the plan's protocol can hand back a trained network to save.

    A figure whose protocol has no ``return_network`` (e.g. Figure 3, with
    two networks per task) writes no network file, and its kept tasks need
    none.
    """
    from ..experiments.catalog import experiment
    from ..run.tasks import accepts_keyword

    return accepts_keyword(experiment(plan.figure).protocol, "return_network")


def is_figure_plan(plan: Sweep) -> bool:
    """True for a figure run (one point, artifacts directly in the output)."""
    return plan.points == [{}]


def _name(plan: Sweep, task: SweepTask) -> str:
    return f"seed {task.seed}" if is_figure_plan(plan) else task.relpath


def check_scheduler(args: argparse.Namespace) -> None:
    """Refuse a bad ``--scheduler`` (or a missing Dask) before anything is written."""
    if args.scheduler is None:
        return
    try:
        parse_scheduler(args.scheduler)
        import_distributed()
    except BackendError as exc:
        raise UsageError(f"--scheduler: {exc}") from None


def resume_plan(plan: Sweep, out: Path, args: argparse.Namespace) -> list[SweepTask]:
    """The tasks a ``--resume`` keeps (none without it), after saying so.

    Without ``--resume``, the run may rewrite its own artifacts but not mix
    with others: an `out` holding artifacts of another figure, configuration
    or schedule (or, for a sweep, of points not in its grid) is refused.

    Raises
    ------
    UsageError
        When `out` holds artifacts of another configuration (with
        ``--resume``: valid ones, for the tasks of this run).
    """
    if not out.is_dir():
        return []
    if not args.resume:
        foreign = foreign_artifacts(out, plan)
        if foreign:
            lines = [f"{relpath}: {why}" for relpath, why in foreign.items()]
            raise UsageError(f"--out {out} holds results of another configuration, which this "
                             f"run would mix with its own (use another --out, remove them, or "
                             f"--resume to keep what matches):\n  " + "\n  ".join(lines))
        return []
    keep, redo, conflicts = plan_sweep_resume(out, plan)
    if wants_networks(args) and saves_networks(plan):
        # A kept task must have its network too: one written with
        # --no-networks (or before lttb saved them) runs again.
        for task in list(keep):
            name = _artifacts.network_name(task.seed)
            if not (out / task.dirname / name).is_file():
                keep.remove(task)
                redo[task] = f"its network {name} is missing"
    if conflicts:
        lines = [f"{task.relpath}: {why}" for task, why in conflicts.items()]
        raise UsageError(f"--resume: {out} holds results of another configuration "
                         f"(use another --out, or remove them):\n  " + "\n  ".join(lines))
    for task, why in redo.items():
        again = f"seed {task.seed}" if is_figure_plan(plan) else "it"
        print(f"{PROG}: {task.relpath} cannot be kept ({why}); running {again} again",
              file=sys.stderr)
    if keep:
        if is_figure_plan(plan):
            seeds = sorted(task.seed for task in keep)
            say(args.quiet, f"resuming: keeping seed{'s' if len(seeds) > 1 else ''} "
                            f"{', '.join(map(str, seeds))}")
        else:
            say(args.quiet, f"resuming: keeping {len(keep)} of {len(plan.tasks)} tasks")
    return keep


def open_backend(args: argparse.Namespace, *, threads: int | None = None,
                 openmp: bool = True) -> Backend:
    """The executor of ``--jobs`` / ``--scheduler`` (raises :class:`UsageError`)."""
    try:
        return make_backend(args.scheduler, jobs=args.jobs, threads=threads, openmp=openmp)
    except BackendError as exc:
        raise UsageError(str(exc) if args.scheduler is None
                         else f"--scheduler: {exc}") from None


def execute(plan: Sweep, out: Path, backend: Backend, args: argparse.Namespace,
            skip: list[SweepTask]) -> tuple[RunReport | None, int | None]:
    """Run a plan's tasks into `out` and report failures as the command does.

    Returns
    -------
    (report, status)
        The report and ``None`` when every task has its artifact; otherwise
        the exit status to end with (1 some task failed, 130 interrupted),
        the reasons printed on standard error.
    """
    from .common import EXIT_FAILED, EXIT_INTERRUPTED

    unit = "seeds" if is_figure_plan(plan) else "tasks"
    out.mkdir(parents=True, exist_ok=True)
    try:
        report = run_tasks(plan, out, backend, skip=skip, quiet=args.quiet,
                           retries=args.retries, networks=wants_networks(args),
                           resume=bool(getattr(args, "resume", False)))
    except KeyboardInterrupt as exc:
        report = getattr(exc, "report", None)
        kept = len(report.completed) + len(report.skipped) if report else 0
        saved = sum(1 for _ in out.rglob("seed-*.checkpoint.npz"))
        started = (f" ({saved} unfinished task{'s' if saved > 1 else ''} will continue from "
                   f"{'their' if saved > 1 else 'its'} last checkpoint)" if saved else "")
        print(f"\n{PROG}: interrupted; {kept} of {len(plan.tasks)} {unit} finished and kept "
              f"in {out}; run the same command with --resume to complete it{started}",
              file=sys.stderr)
        return None, EXIT_INTERRUPTED
    if report.failed:
        for task, why in sorted(report.failed.items(), key=lambda item: item[0].key):
            print(f"{PROG}: {_name(plan, task)} failed: {why}", file=sys.stderr)
        done = len(report.completed) + len(report.skipped)
        print(f"{PROG}: {done} of {len(plan.tasks)} {unit} finished and kept in {out}; run "
              f"the same command with --resume to complete it", file=sys.stderr)
        return report, EXIT_FAILED
    return report, None
