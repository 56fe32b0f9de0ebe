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
import math
import time
from pathlib import Path
from typing import Any

from .. import artifacts as _artifacts
from ..config import ConfigError, load_config
from ..experiments.catalog import experiment
from ..model.engines import openmp_enabled
from ..run.sweep import parse_grid, plan_sweep
from .common import (DEFAULT_RESULTS, check_memory, check_writable_dir, config_problem,
                     count_seeds, out_dir, overrides_of, say, seeds_of, UsageError)
from .execute import check_scheduler, execute, open_backend, resume_plan
from .report import write_sweep_results

__all__ = ["run_sweep_command"]


# --------------------------------------------------------------------------- commands

#: Configuration keys that size a network's memory.
_SIZE_KEYS = ("N", "T", "I", "O", "n_contexts", "epochs", "iters_per_epoch")


def _largest_point(source: Any, base: str, overrides: dict[str, Any],
                   grid: dict[str, list[Any]]) -> dict[str, Any] | None:
    """The configuration with every swept size at its largest (for the memory check).

    ``None`` when it is not a valid configuration; the point-by-point check
    of the plan then says why.
    """
    largest = dict(overrides)
    for key in _SIZE_KEYS:
        values = [v for v in grid.get(key, []) if isinstance(v, int) and not isinstance(v, bool)]
        if values:
            largest[key] = max(values)
    try:
        return load_config(source, default_base=base, **largest)
    except ConfigError:
        return None


def _variant_grid(spec, grid: dict[str, list[Any]], overrides: dict[str, Any]
                  ) -> dict[str, list[Any]]:
    """The grid of a figure with task variants: ``variant`` first, every variant by default.

    ``--grid variant=apical`` (or ``--set variant=apical``) picks variants;
    without either, every grid point is run for each variant of the
    figure's default group (Figure 3: apical and basal), as its own command
    does.
    """
    choices = list(spec.variants["choices"])
    if "variant" in overrides and "variant" not in grid:
        grid = {"variant": [overrides.pop("variant")], **grid}
    chosen = grid.pop("variant", list(spec.variants.get("group", choices)))
    wrong = [v for v in chosen if v not in choices]
    if wrong:
        raise ConfigError([("variant", f"must be one of {', '.join(choices)} "
                                       f"(got {', '.join(repr(v) for v in wrong)})")])
    return {"variant": chosen, **grid}


def _variant_loader(config, source: Any):
    """``load(keys) -> cfg`` of :func:`lttb.run.sweep.plan_sweep` for a figure's own config."""
    def load(keys: dict[str, Any]) -> dict[str, Any]:
        keys = dict(keys)
        return config.load(source, keys.pop("variant"), keys)
    return load


def _largest_variant_point(config, load, overrides: dict[str, Any],
                           grid: dict[str, list[Any]]) -> dict[str, Any] | None:
    """The largest network of a variant figure's grid (for the memory check), or ``None``."""
    largest = dict(overrides)
    for key, values in grid.items():
        numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
        if key.rpartition(".")[2] in _SIZE_KEYS and numbers:
            largest[key] = max(numbers)
    try:
        return config.sizing(load({**largest, "variant": grid["variant"][0]}))
    except ConfigError:
        return None


def run_sweep_command(args: argparse.Namespace) -> int:
    """Run ``lttb-reproduce sweep`` (arguments parsed by :func:`lttb.cli.parser.build_parser`).

    Returns
    -------
    int
        Exit status: 0 success, 1 some task failed, 2 bad input (nothing
        run or written), 130 interrupted.
    """
    spec = experiment(args.sweep_figure)
    if spec.data_files:
        # A sweep has no options for files; the figure's own command has.
        raise UsageError(f"sweep {spec.name}: this figure reads files "
                         f"({', '.join('--' + name for name in spec.data_files)}), which sweep "
                         f"does not take; run 'lttb-reproduce {spec.name}' with --set instead")
    config = spec.config if spec.variants else None
    overrides = overrides_of(args, config)
    try:
        grid = parse_grid(args.grid, None if config is None else config.parse_key)
        if spec.variants:
            grid = _variant_grid(spec, grid, overrides)
    except ConfigError as exc:
        raise config_problem("invalid --grid", exc) from None
    load = None
    if config is not None:
        # --config names a preset of the figure's own (fig3's "reduced") or a file.
        source: Any = args.config if args.config is not None else spec.preset
        load = _variant_loader(config, source)
    else:
        source = Path(args.config) if args.config is not None else spec.preset
    check_scheduler(args)
    # The grid's size is known before its points are listed and checked one
    # by one, which for a huge grid would take longer than refusing it.
    n_points = math.prod(len(values) for values in grid.values())
    largest = (_largest_point(source, spec.preset, overrides, grid) if config is None
               else _largest_variant_point(config, load, overrides, grid))
    if largest is not None:
        check_memory(args, n_points * count_seeds(args), largest, unit="tasks")
    seeds = seeds_of(args)
    try:
        sweep = plan_sweep(spec.name, grid, seeds, source=source, overrides=overrides,
                           default_base=spec.preset, check=spec.check, load=load)
    except ConfigError as exc:
        raise config_problem("invalid grid or configuration", exc) from None
    out = out_dir(args.out, DEFAULT_RESULTS / f"sweep-{spec.name}")
    check_writable_dir(out, "--out")
    skip = resume_plan(sweep, out, args)
    backend = open_backend(args, openmp=openmp_enabled())

    # Everything is checked: from here on files are written.
    with backend:
        n_todo = len(sweep.tasks) - len(skip)
        say(args.quiet, f"{len(sweep.points)} grid points x {len(seeds)} seeds = "
                        f"{len(sweep.tasks)} tasks ({n_todo} to run) on "
                        f"{backend.description}")
        link = getattr(backend, "dashboard_link", None)
        if link:
            say(args.quiet, f"Dask dashboard: {link}")
        start = time.perf_counter()
        report, status = execute(sweep, out, backend, args, skip)
        if status is not None:
            return status
        wall = time.perf_counter() - start
    points: dict[str, list[dict]] = {}
    for task in sweep.tasks:
        points.setdefault(task.dirname, []).append(_artifacts.read_artifact(report.paths[task]))
    say(args.quiet, f"{len(report.completed)} tasks run in {wall:.1f} s")
    return write_sweep_results(points, out, not args.no_figures, args.quiet)
