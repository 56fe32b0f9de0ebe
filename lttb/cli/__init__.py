"""Command line: ``lttb-reproduce``.

``lttb-reproduce fig1 --seeds 10`` trains ten networks with the Figure 1
protocol, one worker process per seed, and writes one artifact per seed,
``summary.json`` and the figures; ``lttb-reproduce fig2`` does the same for
Figure 2 (two contexts, then the context tests of :mod:`lttb.experiments.fig2`);
``lttb-reproduce replot DIR`` redraws the figures from the artifacts of a
directory without simulating.  ``lttb-reproduce sweep fig1 --grid N=125,250``
runs a figure over a grid of configuration values (:mod:`lttb.cli.sweep`).
Every figure of :mod:`lttb.experiments.catalog` is a subcommand.

Every input is checked before anything is written: a bad option, seed list,
configuration file or override, or an output directory that cannot be
written, ends the command with one message on standard error and exit
status 2.  Exit status 1 means that the command ran but some seed failed or
some file could not be used; 130 that it was interrupted.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ..experiments.catalog import names
from .common import EXIT_INTERRUPTED, EXIT_USAGE, PROG, UsageError
from .parser import REPLOT, SWEEP, build_parser

__all__ = ["main", "build_parser"]


def _check_command(argv: Sequence[str]) -> None:
    """Name an unknown figure clearly (argparse only says 'invalid choice')."""
    commands = [*names(), REPLOT, SWEEP]
    for arg in argv:
        if arg in ("-h", "--help", "--version"):
            return
        if arg.startswith("-"):
            continue
        if arg not in commands:
            raise UsageError(f"unknown figure or command {arg!r} "
                             f"(available figures: {', '.join(names())}; or '{REPLOT} DIR', "
                             f"'{SWEEP} FIGURE --grid KEY=V1,V2')")
        return


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
        # Each command loads what it needs only when it runs: replot and
        # --help never load the model or the compiled engine.
        if args.command == REPLOT:
            from .replot import replot
            return replot(args)
        if args.command == SWEEP:
            from .sweep import run_sweep_command
            return run_sweep_command(args)
        from .figure import run_figure
        return run_figure(args)
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        # Outside the seed runs (e.g. while drawing): artifacts on disk are
        # complete files, figures can be redrawn with replot.
        print(f"\n{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def __getattr__(name: str):
    # 0.1.0 kept the figure table here; it is the experiment catalog now.
    if name in ("FIGURES", "FigurePreset"):
        import warnings

        from ..experiments import catalog

        new = ("lttb.experiments.catalog.experiments()" if name == "FIGURES"
               else "lttb.experiments.catalog.Experiment")
        warnings.warn(f"lttb.cli.{name} is deprecated; use {new}", DeprecationWarning,
                      stacklevel=2)
        return catalog.experiments() if name == "FIGURES" else catalog.Experiment
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
