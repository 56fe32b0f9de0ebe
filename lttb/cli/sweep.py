"""``lttb-reproduce sweep``: a figure protocol over a grid of configuration values.

``lttb-reproduce sweep fig1 --grid N=125,250,500 --grid sigma_targ=10,100
--seeds 5`` runs every (grid point, seed) as an independent task, on local
worker processes (default, ``--jobs``) or on a Dask cluster
(``--scheduler tcp://host:8786`` or ``--scheduler local:4``), writes one
artifact per task, ``sweep-summary.json`` and ``figures/<figure>_sweep.*``
(final outer MSE against each swept key).  ``lttb-reproduce replot OUT``
redraws the summary and the figure from the artifacts.

Every input is checked before anything runs or is written (exit status 2):
the grid's keys and values against the configuration schema (each point's
whole configuration is validated), the seeds, the output directory, the
scheduler (and that Dask is installed when one is asked for).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from .. import artifacts as _artifacts
from ..config import ConfigError, format_value
from ..experiments.catalog import experiment
from ..plotting.sweep import draw_sweep
from ..run.executors import BackendError, import_distributed, make_backend, parse_scheduler
from ..run.sweep import (collect_sweep, parse_grid, plan_sweep, plan_sweep_resume, run_sweep,
                         summarize_sweep, write_sweep_summary)
from .common import (DEFAULT_RESULTS, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, PROG,
                     UsageError, check_writable_dir, config_problem, format_mse,
                     overrides_of, say, seeds_of)

__all__ = ["run_sweep_command", "replot_sweep"]


def _point_text(point: dict[str, Any]) -> str:
    return " ".join(f"{key}={format_value(value)}" for key, value in point.items())


def _report(summary: dict[str, Any], out: Path, quiet: bool) -> None:
    if quiet:
        return
    rows = summary["points"]
    labels = [(_point_text(row["point"]) or row["dir"]) for row in rows]
    width = max((len(label) for label in labels), default=0)
    print("final outer MSE (teacher off), mean ± s.d. over seeds:", flush=True)
    for label, row in zip(labels, rows):
        mean = format_mse(row["mean"])
        spread = "" if row["sd"] is None else f" ± {row['sd']:.4g}"
        print(f"  {label:<{width}}  {mean}{spread}  ({row['n']} seed"
              f"{'s' if row['n'] != 1 else ''})", flush=True)
    if summary["best"] is not None:
        print(f"best {_point_text(summary['best']['point']) or summary['best']['dir']}, "
              f"worst {_point_text(summary['worst']['point']) or summary['worst']['dir']}; "
              f"results in {out}", flush=True)


def _write_results(points: dict[str, list[dict]], out: Path, draw: bool,
                   quiet: bool) -> int:
    """Point summaries, the sweep summary and (optionally) the sweep figure."""
    summary = summarize_sweep(points)
    try:
        for name, group in points.items():
            _artifacts.write_summary(out / name, group)
        write_sweep_summary(out, summary)
        if draw:
            written = draw_sweep(summary, out / "figures")
            if written:
                say(quiet, f"{len(written)} figure files in {out / 'figures'}")
            else:
                say(quiet, "no sweep figure: nothing varies between the points")
    except OSError as exc:
        print(f"{PROG}: error: cannot write results in {out}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    _report(summary, out, quiet)
    return EXIT_OK


# --------------------------------------------------------------------------- commands

def run_sweep_command(args: argparse.Namespace) -> int:
    """Run ``lttb-reproduce sweep`` (arguments parsed by :func:`lttb.cli.parser.build_parser`).

    Returns
    -------
    int
        Exit status: 0 success, 1 some task failed, 2 bad input (nothing
        run or written), 130 interrupted.
    """
    spec = experiment(args.sweep_figure)
    seeds = seeds_of(args)
    overrides = overrides_of(args)
    try:
        grid = parse_grid(args.grid)
    except ConfigError as exc:
        raise config_problem("invalid --grid", exc) from None
    source: Any = Path(args.config) if args.config is not None else spec.preset
    try:
        sweep = plan_sweep(spec.name, grid, seeds, source=source, overrides=overrides,
                           default_base=spec.preset, check=spec.check)
    except ConfigError as exc:
        raise config_problem("invalid grid or configuration", exc) from None
    if args.scheduler is not None:
        try:
            parse_scheduler(args.scheduler)
            import_distributed()
        except BackendError as exc:
            raise UsageError(f"--scheduler: {exc}") from None

    out = Path(args.out) if args.out is not None else DEFAULT_RESULTS / f"sweep-{spec.name}"
    check_writable_dir(out, "--out")
    skip = []
    if args.resume and out.is_dir():
        keep, redo, conflicts = plan_sweep_resume(out, sweep)
        if conflicts:
            lines = [f"{task.relpath}: {why}" for task, why in conflicts.items()]
            raise UsageError(f"--resume: {out} holds results of another configuration "
                             f"(use another --out, or remove them):\n  " + "\n  ".join(lines))
        for task, why in redo.items():
            print(f"{PROG}: {task.relpath} cannot be kept ({why}); running it again",
                  file=sys.stderr)
        skip = keep
        if keep:
            say(args.quiet, f"resuming: keeping {len(keep)} of {len(sweep.tasks)} tasks")

    try:
        backend = make_backend(args.scheduler, jobs=args.jobs)
    except BackendError as exc:
        raise UsageError(str(exc) if args.scheduler is None
                         else f"--scheduler: {exc}") from None

    # Everything is checked: from here on files are written.
    with backend:
        n_todo = len(sweep.tasks) - len(skip)
        say(args.quiet, f"{len(sweep.points)} grid points x {len(seeds)} seeds = "
                              f"{len(sweep.tasks)} tasks ({n_todo} to run) on "
                              f"{backend.description}")
        link = getattr(backend, "dashboard_link", None)
        if link:
            say(args.quiet, f"Dask dashboard: {link}")
        out.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        try:
            report = run_sweep(sweep, out, backend, skip=skip, quiet=args.quiet,
                               retries=args.retries, protocol=spec.protocol)
        except KeyboardInterrupt as exc:
            report = getattr(exc, "report", None)
            kept = len(report.completed) + len(report.skipped) if report else 0
            print(f"\n{PROG}: interrupted; {kept} of {len(sweep.tasks)} tasks finished and "
                  f"kept in {out}; run the same command with --resume to complete it",
                  file=sys.stderr)
            return EXIT_INTERRUPTED
        wall = time.perf_counter() - start
    if report.failed:
        for task, why in sorted(report.failed.items(), key=lambda item: item[0].key):
            print(f"{PROG}: {task.relpath} failed: {why}", file=sys.stderr)
        done = len(report.completed) + len(report.skipped)
        print(f"{PROG}: {done} of {len(sweep.tasks)} tasks finished and kept in {out}; run "
              f"the same command with --resume to complete it", file=sys.stderr)
        return EXIT_FAILED
    points: dict[str, list[dict]] = {}
    for task in sweep.tasks:
        points.setdefault(task.dirname, []).append(_artifacts.read_artifact(report.paths[task]))
    say(args.quiet, f"{len(report.completed)} tasks run in {wall:.1f} s")
    return _write_results(points, out, not args.no_figures, args.quiet)


def replot_sweep(directory: Path, quiet: bool) -> int:
    """Redraw a sweep directory's summaries and figure from its artifacts.

    Parameters
    ----------
    directory : pathlib.Path
        A sweep's ``--out`` (see :func:`lttb.run.sweep.is_sweep_dir`).
    quiet : bool

    Returns
    -------
    int
        0, or 1 if a file was skipped (it is named on standard error with
        the reason) or the results could not be written.
    """
    points, skipped = collect_sweep(directory)
    for path, why in skipped:
        print(f"{PROG}: skipped {path.relative_to(directory).as_posix()}: {why}",
              file=sys.stderr)
    status = EXIT_OK
    if points:
        status = _write_results(points, directory, True, quiet)
    if skipped:
        drawn = sum(len(group) for group in points.values())
        print(f"{PROG}: {len(skipped)} files skipped; {drawn} artifacts used", file=sys.stderr)
        return EXIT_FAILED
    return status
