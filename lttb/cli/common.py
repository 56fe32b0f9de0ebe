"""What every subcommand of ``lttb-reproduce`` shares: exit statuses, argument
types, the configuration options, loading a configuration, and checks of the
output directory.

Every input is checked before anything is written: a bad option, seed list,
configuration file or override, or an output directory that cannot be
written, ends the command with one message on standard error and exit
status 2 (:class:`UsageError`).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..config import ConfigError, load_config, parse_override
from ..experiments.catalog import Experiment
from ..run.limits import RunTooLarge, check_run, memory_limit, parse_size
from ..run.planning import available_cpus

__all__ = [
    "PROG",
    "EXIT_OK",
    "EXIT_FAILED",
    "EXIT_USAGE",
    "EXIT_INTERRUPTED",
    "DEFAULT_RESULTS",
    "DEFAULT_SEEDS",
    "UsageError",
    "Parser",
    "int_at_least",
    "positive_int",
    "non_negative_int",
    "seed_list",
    "count_seeds",
    "seeds_of",
    "memory_size",
    "check_memory",
    "add_run_options",
    "overrides_of",
    "config_problem",
    "load_for",
    "out_dir",
    "check_writable_dir",
    "say",
    "format_mse",
]

PROG = "lttb-reproduce"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
DEFAULT_RESULTS = Path("lttb-results")
DEFAULT_SEEDS = 10


class UsageError(Exception):
    """Bad command-line input; reported with exit status 2."""


class Parser(argparse.ArgumentParser):
    """An argument parser that raises :class:`UsageError` instead of exiting."""

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


positive_int = int_at_least(1, "a positive integer")
non_negative_int = int_at_least(0, "a non-negative integer")


def seed_list(text: str) -> list[int]:
    """An argparse type: distinct non-negative seeds, comma-separated."""
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


def count_seeds(args: argparse.Namespace) -> int:
    """How many seeds ``--seeds N`` / ``--seed-list`` ask for, without listing them."""
    if args.seed_list is not None:
        return len(args.seed_list)
    return args.seeds if args.seeds is not None else DEFAULT_SEEDS


def seeds_of(args: argparse.Namespace) -> list[int]:
    """The seeds of ``--seeds N`` / ``--seed-list`` (default 0..9).

    Check their number first (:func:`check_memory`): ``--seeds`` may ask for
    more than can be listed.
    """
    if args.seed_list is not None:
        return args.seed_list
    return list(range(count_seeds(args)))


def memory_size(text: str) -> int:
    """An argparse type: a memory size such as ``64G`` (see :func:`lttb.run.limits.parse_size`)."""
    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def check_memory(args: argparse.Namespace, n_tasks: int, cfg: dict[str, Any], *,
                 unit: str) -> None:
    """Refuse (:class:`UsageError`) a run that cannot fit in memory, before any work.

    Local workers (and those of ``--scheduler local:N``) count on this
    machine; a remote cluster's workers do not.
    """
    scheduler = getattr(args, "scheduler", None)
    if scheduler is None or scheduler.strip().startswith("local"):
        count = scheduler.partition(":")[2] if scheduler else ""
        workers = int(count) if count.isdigit() else (args.jobs or available_cpus())
    else:
        workers = 0
    try:
        check_run(n_tasks, cfg, min(workers, n_tasks), memory_limit(args.max_memory),
                  unit=unit)
    except RunTooLarge as exc:
        raise UsageError(str(exc)) from None


def add_run_options(parser: argparse.ArgumentParser, *, base: str, where: str,
                    unit: str, option_keys: Mapping[str, str] | None = None) -> None:
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
    option_keys : mapping, optional
        The keys ``--epochs`` and ``--iters-per-epoch`` set, for a figure
        with a configuration of its own (its ``OPTION_KEYS``); such a
        figure's ``--config`` also takes one of its preset names.
    """
    keys = dict(option_keys or {"epochs": "epochs", "iters_per_epoch": "iters_per_epoch"})
    parser.add_argument("--config", metavar="FILE",
                        help=(f"a preset name or a " if option_keys else "") +
                             f"JSON configuration file (keys to change; \"base\" preset, "
                             f"default {base})")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        dest="overrides",
                        help=f"override one configuration key{where} (repeatable)")
    parser.add_argument("--epochs", type=int, metavar="E",
                        help=f"number of epochs (configuration key {keys['epochs']})")
    parser.add_argument("--iters-per-epoch", type=int, metavar="K",
                        help=f"training iterations per epoch (configuration key "
                             f"{keys['iters_per_epoch']})")
    parser.add_argument("--resume", action="store_true",
                        help=f"keep {unit} whose valid artifact with the same configuration "
                             f"exists in --out; run the others, from their last checkpoint "
                             f"where the figure writes them (fig3)")
    parser.add_argument("--no-figures", action="store_true",
                        help="write artifacts and summaries only (draw later with replot)")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bars and no report on success")
    parser.add_argument("--max-memory", type=memory_size, metavar="SIZE",
                        help="memory the run may use, e.g. 64G (default: what this machine "
                             "allows; a run estimated to need more is refused before it "
                             "starts)")


# --------------------------------------------------------------------------- configuration

def overrides_of(args: argparse.Namespace, config: Any = None) -> dict[str, Any]:
    """The configuration overrides of ``--set``, ``--epochs`` and ``--iters-per-epoch``.

    `config` is a figure's own configuration module
    (:attr:`lttb.experiments.catalog.Experiment.config`): its ``parse_key``
    reads ``--set`` and its ``OPTION_KEYS`` say which keys the options set;
    ``None`` for :mod:`lttb.config`.

    Raises
    ------
    UsageError
        Listing every malformed, repeated or invalid override.
    """
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
            overrides[key] = (parse_override if config is None else config.parse_key)(key, text)
        except ConfigError as exc:
            problems.append(f"--set {exc}")
    for option, attribute in (("--epochs", "epochs"), ("--iters-per-epoch", "iters_per_epoch")):
        value = getattr(args, attribute)
        key = attribute if config is None else config.OPTION_KEYS[attribute]
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


def config_problem(prefix: str, exc: ConfigError) -> UsageError:
    """A :class:`UsageError` listing the lines of a :class:`ConfigError` after `prefix`."""
    lines = str(exc).splitlines()
    if len(lines) == 1:
        return UsageError(f"{prefix}: {lines[0]}")
    return UsageError(f"{prefix}:\n  " + "\n  ".join(lines))


def load_for(args: argparse.Namespace, spec: Experiment,
             sizes: dict[str, Any] | None = None) -> dict[str, Any]:
    """The validated configuration of a figure command: preset, ``--config``, overrides.

    The figure's own check (``check_config`` of its protocol) runs too, so a
    configuration the protocol cannot run is refused before anything is
    written.  `sizes` (set by data files, e.g. ``T`` and ``O``) override the
    preset, ``--config`` and ``--set`` (check them first:
    :func:`lttb.cli.datafiles.check_sizes`).
    """
    overrides = overrides_of(args)
    if sizes:
        overrides.update(sizes)
    # A Path is always read as a file, never mistaken for a preset name.
    source: Any = Path(args.config) if args.config is not None else spec.preset
    try:
        # A --config file without "base" starts from this figure's preset.
        cfg = load_config(source, default_base=spec.preset, **overrides)
        check = spec.check
        if check is not None:
            check(cfg)
        return cfg
    except ConfigError as exc:
        raise config_problem("invalid configuration", exc) from None


# --------------------------------------------------------------------------- output directory

def _probe_writable(directory: Path) -> str | None:
    # os.access says nothing useful for root or on read-only mounts: try it.
    try:
        fd, probe = tempfile.mkstemp(prefix=".lttb-write-test-", dir=directory)
    except OSError as exc:
        return exc.strerror or str(exc)
    os.close(fd)
    os.unlink(probe)
    return None


def out_dir(text: str | None, default: Path, option: str = "--out") -> Path:
    """The output directory of `option` (`default` when not given).

    Raises
    ------
    UsageError
        For an empty name, which would otherwise mean the current directory.
    """
    if text is None:
        return default
    if not text.strip():
        raise UsageError(f"{option} is empty (give a directory name, e.g. {option} results)")
    return Path(text)


def _check_name_lengths(path: Path, ancestor: Path, option: str) -> None:
    # A name the file system cannot hold fails only when the directory is
    # created, after the checks; say so now.
    try:
        name_max = os.pathconf(ancestor, "PC_NAME_MAX")
        path_max = os.pathconf(ancestor, "PC_PATH_MAX")
    except (AttributeError, OSError, ValueError):  # not on every OS
        name_max, path_max = 255, 4096
    for part in path.absolute().parts:
        if len(os.fsencode(part)) > name_max:
            raise UsageError(f"{option} {str(path)[:80]!r}: the name {part[:40]!r}... is longer than "
                             f"the {name_max} bytes a file name may have here")
    # Room for the longest name written inside (a temporary artifact name).
    if len(os.fsencode(str(path.absolute()))) + 64 > path_max:
        raise UsageError(f"{option} {str(path)!r} is too long a path (at most about "
                         f"{path_max - 64} bytes here)")


def check_writable_dir(path: Path, option: str) -> None:
    """Fail (:class:`UsageError`) unless `path` is, or can be created as, a writable directory."""
    try:
        _check_writable_dir(path, option)
    except OSError as exc:  # e.g. a name too long to even look up
        raise UsageError(f"{option} {str(path)[:80]!r}: {exc.strerror or exc}") from None


def _check_writable_dir(path: Path, option: str) -> None:
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
    if ancestor.is_dir():
        _check_name_lengths(path, ancestor, option)
    if not ancestor.is_dir():
        raise UsageError(f"{option} {str(path)!r} cannot be created: "
                         f"{str(ancestor)!r} is not a directory")
    reason = _probe_writable(ancestor)
    if reason:
        raise UsageError(f"{option} {str(path)!r} cannot be created in {str(ancestor)!r} "
                         f"({reason})")


# --------------------------------------------------------------------------- messages

def say(quiet: bool, message: str) -> None:
    """Print `message` unless `quiet`."""
    if not quiet:
        print(message, flush=True)


def format_mse(value: float | None) -> str:
    """An MSE for a report: four significant digits, or ``n/a``."""
    return "n/a" if value is None else f"{value:.4g}"
