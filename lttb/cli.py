"""Command line: ``lttb-reproduce``.

``lttb-reproduce fig1 --seeds 10`` trains ten networks with the Figure 1
protocol, one worker process per seed, and writes one artifact per seed,
``summary.json`` and the figures; ``lttb-reproduce fig2`` does the same for
Figure 2 (two contexts, then the context tests of :mod:`lttb.fig2`);
``lttb-reproduce replot DIR`` redraws the figures from the artifacts of a
directory without simulating.  ``lttb-reproduce sweep fig1 --grid N=125,250``
runs a figure over a grid of configuration values (:mod:`lttb.sweep_cli`).

Every input is checked before anything is written: a bad option, seed list,
configuration file or override, or an output directory that cannot be
written, ends the command with one message on standard error and exit
status 2.  Exit status 1 means that the command ran but some seed failed or
some file could not be used; 130 that it was interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import _core
from ._version import __version__
from .config import ConfigError, load_config, parse_override
from .fig2 import check_config as check_fig2_config
from .fig2 import run_fig2
from .protocol import run_schedule

__all__ = ["FigurePreset", "FIGURES", "main", "build_parser"]

PROG = "lttb-reproduce"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
DEFAULT_RESULTS = Path("lttb-results")
DEFAULT_SEEDS = 10


@dataclass(frozen=True)
class FigurePreset:
    """A figure the command can reproduce: one subcommand each.

    Attributes
    ----------
    name : str
        Subcommand, artifact ``figure`` field and default output folder.
    preset : str
        Configuration preset the run starts from.
    protocol : callable
        ``protocol(cfg, seed, progress=None) -> dict`` run for each seed in a
        worker process; must be a module-level function.
    summary : str
        One line for ``--help``.
    check : callable or None
        ``check(cfg)`` raising :class:`lttb.ConfigError` (naming the keys)
        when a valid configuration cannot run this protocol; called before
        anything is written.
    """

    name: str
    preset: str
    protocol: Callable[..., dict]
    summary: str
    check: Callable[[dict], None] | None = None


#: Figure name -> how to make it.  A new figure is one more entry here (and,
#: if its panels differ, one in :data:`lttb.plotting.SEED_PLOTS`).
FIGURES: dict[str, FigurePreset] = {
    "fig1": FigurePreset(
        name="fig1",
        preset="fig1",
        protocol=run_schedule,
        summary="the paper's Figure 1: a network learns a 3-D trajectory",
    ),
    "fig2": FigurePreset(
        name="fig2",
        preset="fig2",
        protocol=run_fig2,
        summary="the paper's Figure 2: a context signal selects one of two learned trajectories",
        check=check_fig2_config,
    ),
}
REPLOT = "replot"
SWEEP = "sweep"


class UsageError(Exception):
    """Bad command-line input; reported with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # noqa: D102 - argparse hook
        # argparse would print the whole usage and call sys.exit; main()
        # returns a status instead and prints a single line.
        raise UsageError(message)


# --------------------------------------------------------------------------- argument types

def int_at_least(minimum: int, what: str):
    """An argparse type: an integer >= ``minimum``, else "must be <what>"."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {what} (got {text!r})") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be {what} (got {text!r})")
        return value
    return parse


_positive_int = int_at_least(1, "a positive integer")


def _seed_list(text: str) -> list[int]:
    seeds = []
    for part in text.split(","):
        part = part.strip()
        try:
            seed = int(part)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected comma-separated non-negative integers, e.g. 3,7 (got {text!r})"
            ) from None
        if seed < 0:
            raise argparse.ArgumentTypeError(f"seeds must be >= 0 (got {seed})")
        if seed in seeds:
            raise argparse.ArgumentTypeError(f"seed {seed} is listed twice")
        seeds.append(seed)
    return seeds


def _add_figure_parser(subparsers, spec: FigurePreset) -> None:
    parser = subparsers.add_parser(
        spec.name, help=spec.summary,
        description=f"Reproduce {spec.summary}. Runs the training schedule of "
                    f"the configuration for each seed in its own process, then writes "
                    f"seed-NNNN.json artifacts, summary.json and figures/ in --out.",
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--seeds", type=_positive_int, metavar="N",
                       help=f"run seeds 0..N-1 (default {DEFAULT_SEEDS})")
    which.add_argument("--seed-list", type=_seed_list, metavar="LIST",
                       help="run these seeds, comma-separated, e.g. 3,7")
    parser.add_argument("--jobs", type=_positive_int, metavar="J",
                        help="worker processes, one seed each (default: the number of CPUs)")
    parser.add_argument("--threads", type=_positive_int, metavar="T",
                        help="threads per seed (default: the CPUs the worker processes "
                             "leave free, e.g. 2 for one seed on 2 CPUs); results do not "
                             "depend on it")
    parser.add_argument("--out", metavar="DIR",
                        help=f"output directory (default ./{DEFAULT_RESULTS.as_posix()}/{spec.name})")
    add_run_options(parser, base=spec.preset, where="", unit="seeds")
    parser.set_defaults(figure=spec)


def add_run_options(parser: argparse.ArgumentParser, *, base: str, where: str,
                    unit: str) -> None:
    """The configuration and run options shared by the figure and sweep commands.

    Parameters
    ----------
    parser : argparse.ArgumentParser
    base : str
        What a configuration file without "base" starts from (for the help).
    where : str
        Where a ``--set`` applies, e.g. ``" at every point"`` (for the help).
    unit : str
        What ``--resume`` keeps, e.g. ``"seeds"`` (for the help).
    """
    parser.add_argument("--config", metavar="FILE",
                        help=f"JSON configuration file (keys to change; \"base\" preset, "
                             f"default {base})")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        dest="overrides",
                        help=f"override one configuration key{where} (repeatable)")
    parser.add_argument("--epochs", type=int, metavar="E",
                        help="number of epochs (configuration key epochs)")
    parser.add_argument("--iters-per-epoch", type=int, metavar="K",
                        help="training iterations per epoch (configuration key iters_per_epoch)")
    parser.add_argument("--resume", action="store_true",
                        help=f"keep {unit} whose valid artifact with the same configuration "
                             f"exists in --out; run the others")
    parser.add_argument("--no-figures", action="store_true",
                        help="write artifacts and summaries only (draw later with replot)")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bars and no report on success")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``lttb-reproduce``."""
    parser = _Parser(
        prog=PROG,
        description="Reproduce the figures of Capone et al., 'Burst-dependent plasticity and "
                    "dendritic amplification support target-based learning and hierarchical "
                    "imitation learning' (ICML 2022, arXiv:2201.11717).",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for spec in FIGURES.values():
        _add_figure_parser(subparsers, spec)
    replot = subparsers.add_parser(
        REPLOT, help="redraw every figure from the artifacts of a results directory",
        description="Redraw every figure (and summary.json) from the seed-NNNN.json artifacts "
                    "in DIR, without simulating. Files that are not valid artifacts are "
                    "reported and skipped (exit status 1). For the --out of a sweep, "
                    "redraws sweep-summary.json, the point summaries and the sweep figure.",
    )
    replot.add_argument("dir", metavar="DIR", help="a results directory (the --out of a run)")
    replot.add_argument("--jobs", type=_positive_int, metavar="J",
                        help="processes drawing the figures (default: the number of CPUs)")
    replot.add_argument("--quiet", action="store_true", help="no report on success")
    from .sweep_cli import add_sweep_parser
    add_sweep_parser(subparsers)
    return parser


# --------------------------------------------------------------------------- checks

def _check_command(argv: Sequence[str]) -> None:
    """Name an unknown figure clearly (argparse only says 'invalid choice')."""
    commands = [*FIGURES, REPLOT, SWEEP]
    for arg in argv:
        if arg in ("-h", "--help", "--version"):
            return
        if arg.startswith("-"):
            continue
        if arg not in commands:
            raise UsageError(f"unknown figure or command {arg!r} "
                             f"(available figures: {', '.join(FIGURES)}; or '{REPLOT} DIR', "
                             f"'{SWEEP} FIGURE --grid KEY=V1,V2')")
        return


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    problems = []
    for item in args.overrides:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            problems.append(f"--set expects KEY=VALUE (got {item!r})")
            continue
        if key in overrides:
            problems.append(f"--set {key} is given more than once")
            continue
        try:
            overrides[key] = parse_override(key, text)
        except ConfigError as exc:
            problems.append(f"--set {exc}")
    for option, key in (("--epochs", "epochs"), ("--iters-per-epoch", "iters_per_epoch")):
        value = getattr(args, key)
        if value is None:
            continue
        if key in overrides:
            problems.append(f"{key} is given by both {option} and --set")
        else:
            overrides[key] = value
    if problems:
        raise UsageError("\n  ".join(["invalid option value:", *problems])
                         if len(problems) > 1 else problems[0])
    return overrides


def _load(args: argparse.Namespace, spec: FigurePreset) -> dict[str, Any]:
    overrides = _overrides(args)
    # A Path is always read as a file, never mistaken for a preset name.
    source: Any = Path(args.config) if args.config is not None else spec.preset
    try:
        # A --config file without "base" starts from this figure's preset.
        cfg = load_config(source, default_base=spec.preset, **overrides)
        if spec.check is not None:
            spec.check(cfg)
        return cfg
    except ConfigError as exc:
        lines = str(exc).splitlines()
        if len(lines) == 1:
            raise UsageError(f"invalid configuration: {lines[0]}") from None
        raise UsageError("invalid configuration:\n  " + "\n  ".join(lines)) from None


def _probe_writable(directory: Path) -> str | None:
    # os.access says nothing useful for root or on read-only mounts: try it.
    try:
        fd, probe = tempfile.mkstemp(prefix=".lttb-write-test-", dir=directory)
    except OSError as exc:
        return exc.strerror or str(exc)
    os.close(fd)
    os.unlink(probe)
    return None


def _check_writable_dir(path: Path, option: str) -> None:
    """Fail unless `path` is, or can be created as, a writable directory."""
    if path.exists():
        if not path.is_dir():
            raise UsageError(f"{option} {str(path)!r} exists and is not a directory")
        reason = _probe_writable(path)
        if reason:
            raise UsageError(f"{option} {str(path)!r} is not writable ({reason})")
        figures = path / "figures"
        if figures.exists() and not figures.is_dir():
            raise UsageError(f"{option} {str(path)!r}: 'figures' exists and is not a directory")
        if figures.is_dir():
            reason = _probe_writable(figures)
            if reason:
                raise UsageError(f"{option} {str(figures)!r} is not writable ({reason})")
        return
    ancestor = path.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise UsageError(f"{option} {str(path)!r} cannot be created: "
                         f"{str(ancestor)!r} is not a directory")
    reason = _probe_writable(ancestor)
    if reason:
        raise UsageError(f"{option} {str(path)!r} cannot be created in {str(ancestor)!r} "
                         f"({reason})")


# --------------------------------------------------------------------------- commands

def _say(quiet: bool, message: str) -> None:
    if not quiet:
        print(message, flush=True)


def _format_mse(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"


def _report_summary(summary: dict[str, Any], out: Path, quiet: bool) -> None:
    per_seed = ", ".join(f"seed {item['seed']}: {_format_mse(item['final_outer_mse'])}"
                         for item in summary["final_outer_mse"])
    _say(quiet, f"final outer MSE (teacher off): {per_seed}")
    spread = "" if summary["sd"] is None else f" ± {summary['sd']:.4g} (s.d.)"
    _say(quiet, f"mean {_format_mse(summary['mean'])}{spread} over {summary['n']} "
                f"seed{'s' if summary['n'] != 1 else ''}; results in {out}")
    context = summary.get("context_tests")
    if context is not None:
        def stat(key: str) -> str:
            item = context[key]
            sd = "" if item["sd"] is None else f" ± {item['sd']:.4g}"
            return f"{_format_mse(item['mean'])}{sd}"
        _say(quiet, f"context tests (teacher off, mean ± s.d.): full context on-diagonal "
                    f"{stat('on_diagonal')}, off-diagonal {stat('off_diagonal')}; turn-off "
                    f"before: right {stat('before_right')}, wrong {stat('before_wrong')}; "
                    f"after: right {stat('after_right')}, wrong {stat('after_wrong')}")


def _finish(artifacts: list[dict[str, Any]], out: Path, draw: bool, quiet: bool,
            jobs: int | None = None) -> int:
    from . import artifacts as _artifacts

    try:
        summary_path = _artifacts.write_summary(out, artifacts)
        if draw:
            from .plotting import draw_all
            from .runner import available_cpus
            written = draw_all(artifacts, out / "figures", jobs=jobs or available_cpus())
            _say(quiet, f"{len(written)} figure files in {out / 'figures'}")
    except OSError as exc:
        print(f"{PROG}: error: cannot write results in {out}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    _report_summary(_artifacts.summarize(artifacts), summary_path.parent, quiet)
    return EXIT_OK


def _run_figure(args: argparse.Namespace) -> int:
    from . import artifacts as _artifacts
    from .runner import plan_resume, run_seeds

    spec: FigurePreset = args.figure
    if args.seed_list is not None:
        seeds = args.seed_list
    else:
        seeds = list(range(args.seeds if args.seeds is not None else DEFAULT_SEEDS))
    cfg = _load(args, spec)
    out = Path(args.out) if args.out is not None else DEFAULT_RESULTS / spec.name
    _check_writable_dir(out, "--out")

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
            _say(args.quiet, f"resuming: keeping seed{'s' if len(keep) > 1 else ''} "
                             f"{', '.join(map(str, keep))}")

    if args.threads is not None and args.threads > 1 and not _core.openmp_enabled():
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
    return _finish(artifacts, out, not args.no_figures, args.quiet, args.jobs)


def _replot(args: argparse.Namespace) -> int:
    from . import artifacts as _artifacts

    directory = Path(args.dir)
    if not directory.is_dir():
        raise UsageError(f"{REPLOT}: {str(directory)!r} is not a directory")
    files = _artifacts.find_artifacts(directory)
    if not files:
        from .sweep import is_sweep_dir
        if is_sweep_dir(directory):
            from .sweep_cli import replot_sweep
            _check_writable_dir(directory, REPLOT)
            return replot_sweep(directory, args.quiet)
        raise UsageError(f"{REPLOT}: no artifacts (seed-NNNN.json) in {str(directory)!r}")
    _check_writable_dir(directory, REPLOT)
    valid, skipped = [], 0
    for path in files:
        try:
            valid.append(_artifacts.read_artifact(path))
        except _artifacts.ArtifactError as exc:
            skipped += 1
            print(f"{PROG}: skipped {path.name}: {exc.reason}", file=sys.stderr)
    if valid:
        status = _finish(valid, directory, True, args.quiet, args.jobs)
        if status != EXIT_OK:
            return status
    if skipped:
        print(f"{PROG}: {skipped} of {len(files)} files skipped; "
              f"{len(valid)} drawn", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``lttb-reproduce``.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (default ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0 success, 1 some seed failed or some artifact was
        skipped, 2 bad input (nothing written), 130 interrupted.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        _check_command(argv)
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:  # --help and --version
            return int(exc.code or 0)
        if args.command == REPLOT:
            return _replot(args)
        if args.command == SWEEP:
            from .sweep_cli import run_sweep_command
            return run_sweep_command(args)
        return _run_figure(args)
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        # Outside the seed runs (e.g. while drawing): artifacts on disk are
        # complete files, figures can be redrawn with replot.
        print(f"\n{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
