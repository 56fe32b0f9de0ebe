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

from . import cli as _cli
from .cli import (DEFAULT_RESULTS, DEFAULT_SEEDS, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK,
                  FIGURES, PROG, UsageError)
from .config import ConfigError

__all__ = ["add_sweep_parser", "run_sweep_command", "replot_sweep", "DEFAULT_RETRIES"]

#: Extra attempts per task (a lost worker locally; an exception on Dask).
DEFAULT_RETRIES = 2


def _figure_name(text: str) -> str:
    if text not in FIGURES:
        raise argparse.ArgumentTypeError(f"unknown figure {text!r} (available figures: "
                                         f"{', '.join(FIGURES)})")
    return text


_non_negative_int = _cli.int_at_least(0, "a non-negative integer")


def add_sweep_parser(subparsers) -> None:
    """Add the ``sweep`` subcommand to the parser of ``lttb-reproduce``."""
    parser = subparsers.add_parser(
        "sweep", help="run a figure over a grid of configuration values and many seeds",
        description="Run the protocol of FIGURE for every point of a grid of configuration "
                    "values and every seed, each (point, seed) an independent task on local "
                    "worker processes or a Dask cluster. Writes OUT/<point>/seed-NNNN.json, "
                    "sweep-summary.json and figures/FIGURE_sweep.{pdf,eps,png} (final outer "
                    "MSE against each swept key, mean ± s.d. over seeds). Swept N sets "
                    "Ne = round(0.8 N) and Ni = N - Ne unless Ne or Ni is given.",
    )
    parser.add_argument("sweep_figure", type=_figure_name, metavar="FIGURE",
                        help=f"figure protocol ({', '.join(FIGURES)})")
    parser.add_argument("--grid", action="append", required=True, metavar="KEY=V1,V2,...",
                        help="values of one configuration key (repeatable: the grid is "
                             "every combination)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--seeds", type=_cli._positive_int, metavar="N",
                       help=f"run seeds 0..N-1 at every point (default {DEFAULT_SEEDS})")
    which.add_argument("--seed-list", type=_cli._seed_list, metavar="LIST",
                       help="run these seeds at every point, comma-separated, e.g. 3,7")
    parser.add_argument("--out", metavar="DIR",
                        help=f"output directory (default "
                             f"./{DEFAULT_RESULTS.as_posix()}/sweep-FIGURE)")
    parser.add_argument("--jobs", type=_cli._positive_int, metavar="J",
                        help="local worker processes (default: the number of CPUs), or the "
                             "workers of --scheduler local")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run the tasks with Dask: tcp://host:8786 joins a running "
                             "scheduler, local:N starts a local cluster of N single-threaded "
                             "worker processes (needs: pip install \"lttb[dask]\")")
    parser.add_argument("--retries", type=_non_negative_int, default=DEFAULT_RETRIES,
                        metavar="R",
                        help=f"extra attempts of a task whose local worker died, or that "
                             f"raised on Dask (default {DEFAULT_RETRIES}); Dask itself reruns "
                             f"the tasks of a lost worker")
    _cli.add_run_options(parser, base="the figure's preset", where=" at every point",
                         unit="tasks")


# --------------------------------------------------------------------------- helpers

def _config_problem(prefix: str, exc: ConfigError) -> UsageError:
    lines = str(exc).splitlines()
    if len(lines) == 1:
        return UsageError(f"{prefix}: {lines[0]}")
    return UsageError(f"{prefix}:\n  " + "\n  ".join(lines))


def _point_text(point: dict[str, Any]) -> str:
    from .sweep import _value_text

    return " ".join(f"{key}={_value_text(value)}" for key, value in point.items())


def _report(summary: dict[str, Any], out: Path, quiet: bool) -> None:
    if quiet:
        return
    rows = summary["points"]
    labels = [(_point_text(row["point"]) or row["dir"]) for row in rows]
    width = max((len(label) for label in labels), default=0)
    print("final outer MSE (teacher off), mean ± s.d. over seeds:", flush=True)
    for label, row in zip(labels, rows):
        mean = _cli._format_mse(row["mean"])
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
    from . import artifacts as _artifacts
    from .sweep import draw_sweep, summarize_sweep, write_sweep_summary

    summary = summarize_sweep(points)
    try:
        for name, group in points.items():
            _artifacts.write_summary(out / name, group)
        write_sweep_summary(out, summary)
        if draw:
            written = draw_sweep(summary, out / "figures")
            if written:
                _cli._say(quiet, f"{len(written)} figure files in {out / 'figures'}")
            else:
                _cli._say(quiet, "no sweep figure: nothing varies between the points")
    except OSError as exc:
        print(f"{PROG}: error: cannot write results in {out}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    _report(summary, out, quiet)
    return EXIT_OK


# --------------------------------------------------------------------------- commands

def run_sweep_command(args: argparse.Namespace) -> int:
    """Run ``lttb-reproduce sweep`` (arguments parsed by :func:`add_sweep_parser`).

    Returns
    -------
    int
        Exit status: 0 success, 1 some task failed, 2 bad input (nothing
        run or written), 130 interrupted.
    """
    from . import artifacts as _artifacts
    from .backends import BackendError, import_distributed, make_backend, parse_scheduler
    from .sweep import parse_grid, plan_sweep, plan_sweep_resume, run_sweep

    spec = FIGURES[args.sweep_figure]
    if args.seed_list is not None:
        seeds = args.seed_list
    else:
        seeds = list(range(args.seeds if args.seeds is not None else DEFAULT_SEEDS))
    overrides = _cli._overrides(args)
    try:
        grid = parse_grid(args.grid)
    except ConfigError as exc:
        raise _config_problem("invalid --grid", exc) from None
    source: Any = Path(args.config) if args.config is not None else spec.preset
    try:
        sweep = plan_sweep(spec.name, grid, seeds, source=source, overrides=overrides,
                           default_base=spec.preset, check=getattr(spec, "check", None))
    except ConfigError as exc:
        raise _config_problem("invalid grid or configuration", exc) from None
    if args.scheduler is not None:
        try:
            parse_scheduler(args.scheduler)
            import_distributed()
        except BackendError as exc:
            raise UsageError(f"--scheduler: {exc}") from None

    out = Path(args.out) if args.out is not None else DEFAULT_RESULTS / f"sweep-{spec.name}"
    _cli._check_writable_dir(out, "--out")
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
            _cli._say(args.quiet, f"resuming: keeping {len(keep)} of {len(sweep.tasks)} tasks")

    try:
        backend = make_backend(args.scheduler, jobs=args.jobs)
    except BackendError as exc:
        raise UsageError(str(exc) if args.scheduler is None
                         else f"--scheduler: {exc}") from None

    # Everything is checked: from here on files are written.
    with backend:
        n_todo = len(sweep.tasks) - len(skip)
        _cli._say(args.quiet, f"{len(sweep.points)} grid points x {len(seeds)} seeds = "
                              f"{len(sweep.tasks)} tasks ({n_todo} to run) on "
                              f"{backend.description}")
        link = getattr(backend, "dashboard_link", None)
        if link:
            _cli._say(args.quiet, f"Dask dashboard: {link}")
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
    _cli._say(args.quiet, f"{len(report.completed)} tasks run in {wall:.1f} s")
    return _write_results(points, out, not args.no_figures, args.quiet)


def replot_sweep(directory: Path, quiet: bool) -> int:
    """Redraw a sweep directory's summaries and figure from its artifacts.

    Parameters
    ----------
    directory : pathlib.Path
        A sweep's ``--out`` (see :func:`lttb.sweep.is_sweep_dir`).
    quiet : bool

    Returns
    -------
    int
        0, or 1 if a file was skipped (it is named on standard error with
        the reason) or the results could not be written.
    """
    from .sweep import collect_sweep

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
