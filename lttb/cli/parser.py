"""The argument parser of ``lttb-reproduce``: one subcommand per figure of the
catalog, ``replot`` and ``sweep``.

Building it reads the catalog only (names and one-line summaries), never a
protocol, so ``lttb-reproduce --help`` loads neither the model nor the
compiled engine.
"""

from __future__ import annotations

import argparse
import sys

from .._version import __version__
from ..experiments.catalog import Experiment, experiments, names
from .common import (DEFAULT_RESULTS, DEFAULT_SEEDS, PROG, Parser, add_run_options,
                     non_negative_int, positive_int, seed_list)
from .datafiles import add_data_options

__all__ = ["build_parser", "add_sweep_parser", "REPLOT", "SWEEP", "DEFAULT_RETRIES"]

REPLOT = "replot"
SWEEP = "sweep"
#: Extra attempts per task (a lost worker locally; an exception on Dask).
DEFAULT_RETRIES = 2


#: What ``--version`` prints after the version: how to cite (CITATION.cff says the same).
CITATION = (
    "Please cite the paper that introduced the model:\n"
    "  C. Capone, C. Lupo, P. Muratore, P. S. Paolucci, \"Burst-dependent plasticity and\n"
    "  dendritic amplification support target-based learning and hierarchical imitation\n"
    "  learning\", Proceedings of the 39th International Conference on Machine Learning\n"
    "  (ICML 2022), PMLR 162. arXiv:2201.11717.\n"
    "BibTeX and the package's own citation metadata: CITATION.cff in the source\n"
    "distribution and the documentation's \"Citing and licences\" page."
)


class _VersionAction(argparse.Action):
    """``--version``: the version, then how to cite, printed verbatim.

    argparse's own version action re-wraps its text into one paragraph.
    """

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="show the version and how to cite, then exit"):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        # On standard output, as argparse prints a version.
        parser._print_message(f"{PROG} {__version__} (distribution lttb-snn)\n\n{CITATION}\n",
                              sys.stdout)
        parser.exit()


def _add_executor_options(parser: argparse.ArgumentParser, unit: str) -> None:
    """``--scheduler`` and ``--retries``: where the tasks run, and how often a lost one reruns."""
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help=f"run the {unit}s with Dask: tcp://host:8786 joins a running "
                             f"scheduler, local:N starts a local cluster of N single-threaded "
                             f"worker processes (needs: pip install \"lttb-snn[dask]\")")
    parser.add_argument("--retries", type=non_negative_int, default=DEFAULT_RETRIES,
                        metavar="R",
                        help=f"extra attempts of a {unit} whose local worker died, or that "
                             f"raised on Dask (default {DEFAULT_RETRIES}); Dask itself reruns "
                             f"the {unit}s of a lost worker")


def _add_networks_option(parser: argparse.ArgumentParser) -> None:
    """``--no-networks``: leave out the trained networks written beside the artifacts."""
    parser.add_argument("--no-networks", action="store_true",
                        help="do not write each seed's trained network beside its artifact "
                             "(seed-NNNN.npz, read by lttb.load_network)")


def _add_figure_parser(subparsers, spec: Experiment) -> None:
    parser = subparsers.add_parser(
        spec.name, help=spec.summary,
        description=f"Reproduce {spec.summary}. Runs the training schedule of "
                    f"the configuration for each seed in a worker process (or on a Dask "
                    f"cluster), then writes seed-NNNN.json artifacts, summary.json and "
                    f"figures/ in --out.",
    )
    which = parser.add_mutually_exclusive_group()
    published = spec.variants.get("seeds")
    if published:
        runs = ", ".join(f"{count} at {name}" for name, count in published.items())
        default = f"per variant, as published: {runs}"
    else:
        default = str(DEFAULT_SEEDS)
    every = " of every variant" if spec.variants else ""
    which.add_argument("--seeds", type=positive_int, metavar="N",
                       help=f"run seeds 0..N-1{every} (default {default})")
    which.add_argument("--seed-list", type=seed_list, metavar="LIST",
                       help="run these seeds, comma-separated, e.g. 3,7")
    parser.add_argument("--jobs", type=positive_int, metavar="J",
                        help="worker processes, one seed each (default: the number of CPUs), "
                             "or the workers of --scheduler local")
    parser.add_argument("--threads", type=positive_int, metavar="T",
                        help="threads per seed (default: the CPUs the worker processes "
                             "leave free, e.g. 2 for one seed on 2 CPUs); results do not "
                             "depend on it")
    _add_executor_options(parser, "seed")
    parser.add_argument("--out", metavar="DIR",
                        help=f"output directory (default ./{DEFAULT_RESULTS.as_posix()}/{spec.name})")
    own = spec.config if spec.variants else None
    add_run_options(parser, base=spec.preset, where="", unit="seeds",
                    option_keys=None if own is None else own.OPTION_KEYS)
    add_data_options(parser, spec)
    _add_networks_option(parser)
    variants = spec.variants
    if variants:
        everything = variants.get("all", "all")
        parser.add_argument("--variant", choices=[*variants["choices"], everything],
                            default=everything,
                            help=f"{variants.get('help', 'task variant')} (default "
                                 f"{everything}: one task per variant and seed, each "
                                 f"variant's artifacts in its own folder of --out)")
    parser.set_defaults(figure=spec)


def _add_replot_parser(subparsers) -> None:
    replot = subparsers.add_parser(
        REPLOT, help="redraw every figure from the artifacts of a results directory",
        description="Redraw every figure (and summary.json) from the seed-NNNN.json artifacts "
                    "in DIR, without simulating. Files that are not valid artifacts are "
                    "reported and skipped (exit status 1). For the --out of a sweep, "
                    "redraws sweep-summary.json, the point summaries and the sweep figure.",
    )
    replot.add_argument("dir", metavar="DIR", help="a results directory (the --out of a run)")
    replot.add_argument("--jobs", type=positive_int, metavar="J",
                        help="processes drawing the figures (default: the number of CPUs)")
    replot.add_argument("--quiet", action="store_true", help="no report on success")


def _figure_name(text: str) -> str:
    if text not in names():
        raise argparse.ArgumentTypeError(f"unknown figure {text!r} (available figures: "
                                         f"{', '.join(names())})")
    return text


def add_sweep_parser(subparsers) -> None:
    """Add the ``sweep`` subcommand to the parser of ``lttb-reproduce``."""
    parser = subparsers.add_parser(
        SWEEP, help="run a figure over a grid of configuration values and many seeds",
        description="Run the protocol of FIGURE for every point of a grid of configuration "
                    "values and every seed, each (point, seed) an independent task on local "
                    "worker processes or a Dask cluster. Writes OUT/<point>/seed-NNNN.json, "
                    "sweep-summary.json and figures/FIGURE_sweep.{pdf,eps,png} (final outer "
                    "MSE against each swept key, mean ± s.d. over seeds). Swept N sets "
                    "Ne = round(0.8 N) and Ni = N - Ne unless Ne or Ni is given.",
    )
    parser.add_argument("sweep_figure", type=_figure_name, metavar="FIGURE",
                        help=f"figure protocol ({', '.join(names())})")
    parser.add_argument("--grid", action="append", required=True, metavar="KEY=V1,V2,...",
                        help="values of one configuration key (repeatable: the grid is "
                             "every combination)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--seeds", type=positive_int, metavar="N",
                       help=f"run seeds 0..N-1 at every point (default {DEFAULT_SEEDS})")
    which.add_argument("--seed-list", type=seed_list, metavar="LIST",
                       help="run these seeds at every point, comma-separated, e.g. 3,7")
    parser.add_argument("--out", metavar="DIR",
                        help=f"output directory (default "
                             f"./{DEFAULT_RESULTS.as_posix()}/sweep-FIGURE)")
    parser.add_argument("--jobs", type=positive_int, metavar="J",
                        help="local worker processes (default: the number of CPUs), or the "
                             "workers of --scheduler local")
    _add_executor_options(parser, "task")
    add_run_options(parser, base="the figure's preset", where=" at every point",
                    unit="tasks")
    _add_networks_option(parser)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``lttb-reproduce``."""
    parser = Parser(
        prog=PROG,
        description="Reproduce the figures of Capone et al., 'Burst-dependent plasticity and "
                    "dendritic amplification support target-based learning and hierarchical "
                    "imitation learning' (ICML 2022, arXiv:2201.11717).",
    )
    parser.add_argument("--version", action=_VersionAction)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for spec in experiments().values():
        _add_figure_parser(subparsers, spec)
    _add_replot_parser(subparsers)
    add_sweep_parser(subparsers)
    return parser
