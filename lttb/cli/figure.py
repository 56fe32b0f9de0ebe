"""``lttb-reproduce FIGURE``: the seeds of one figure, their artifacts, summary and figures."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import artifacts as _artifacts
from ..experiments.catalog import Experiment
from ..model.engines import openmp_enabled
from ..run.planning import plan_resume
from ..run.seeds import run_seeds
from .common import (DEFAULT_RESULTS, EXIT_FAILED, EXIT_INTERRUPTED, PROG, UsageError,
                     check_writable_dir, load_for, say, seeds_of)
from .report import finish

__all__ = ["run_figure"]


def run_figure(args: argparse.Namespace) -> int:
    """Run ``lttb-reproduce FIGURE`` (``args.figure`` is its catalog entry).

    Returns
    -------
    int
        Exit status: 0 success, 1 some seed failed, 130 interrupted.

    Raises
    ------
    UsageError
        Bad input, before anything is written (exit status 2).
    """
    spec: Experiment = args.figure
    seeds = seeds_of(args)
    cfg = load_for(args, spec)
    out = Path(args.out) if args.out is not None else DEFAULT_RESULTS / spec.name
    check_writable_dir(out, "--out")

    skip: list[int] = []
    if args.resume and out.is_dir():
        keep, _todo, redo, conflicts = plan_resume(out, spec.name, cfg, seeds)
        if conflicts:
            lines = [f"{_artifacts.artifact_name(s)}: {why}" for s, why in conflicts.items()]
            raise UsageError(f"--resume: {out} holds results of another configuration "
                             f"(use another --out, or remove them):\n  " + "\n  ".join(lines))
        for seed, why in redo.items():
            print(f"{PROG}: {_artifacts.artifact_name(seed)} cannot be kept ({why}); "
                  f"running seed {seed} again", file=sys.stderr)
        skip = keep
        if keep:
            say(args.quiet, f"resuming: keeping seed{'s' if len(keep) > 1 else ''} "
                             f"{', '.join(map(str, keep))}")

    if args.threads is not None and args.threads > 1 and not openmp_enabled():
        print(f"{PROG}: this build of lttb has no OpenMP (see the README, Install); "
              f"--threads {args.threads} is ignored and each seed runs on one thread",
              file=sys.stderr)

    # Everything is checked: from here on files are written.
    out.mkdir(parents=True, exist_ok=True)
    try:
        report = run_seeds(spec.name, cfg, seeds, out, jobs=args.jobs, threads=args.threads,
                           skip=skip, quiet=args.quiet, protocol=spec.protocol)
    except KeyboardInterrupt as exc:
        report = getattr(exc, "report", None)
        kept = sorted([*report.completed, *report.skipped]) if report else []
        print(f"\n{PROG}: interrupted; {len(kept)} of {len(seeds)} seeds finished and kept in "
              f"{out}; run the same command with --resume to complete it", file=sys.stderr)
        return EXIT_INTERRUPTED
    if report.failed:
        for seed, why in sorted(report.failed.items()):
            print(f"{PROG}: seed {seed} failed: {why}", file=sys.stderr)
        done = len(report.completed) + len(report.skipped)
        print(f"{PROG}: {done} of {len(seeds)} seeds finished and kept in {out}; run the "
              f"same command with --resume to complete it", file=sys.stderr)
        return EXIT_FAILED
    artifacts = [_artifacts.read_artifact(report.paths[seed]) for seed in seeds]
    return finish(artifacts, out, not args.no_figures, args.quiet, args.jobs)
