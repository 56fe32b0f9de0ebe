"""``lttb-reproduce FIGURE``: the seeds of one figure, their artifacts, summary and figures.

A figure run is a sweep of one point (:func:`lttb.run.sweep.plan_figure`),
run by the same executor and task loop as a sweep (:mod:`lttb.cli.execute`);
the same executor then draws the figures.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .. import artifacts as _artifacts
from ..config import ConfigError
from ..experiments.catalog import Experiment
from ..model.engines import openmp_enabled
from ..run.sweep import plan_figure
from .common import (DEFAULT_RESULTS, PROG, check_memory, check_writable_dir, config_problem,
                     count_seeds, load_for, out_dir, overrides_of, say, seeds_of)
from .datafiles import check_sizes, read_data_files
from .execute import check_scheduler, execute, open_backend, resume_plan
from .report import finish

__all__ = ["run_figure", "load_variants", "seeds_per_variant"]


def load_variants(args: argparse.Namespace, spec: Experiment) -> dict[str, dict[str, Any]]:
    """The configuration of every variant ``--variant`` selects (a figure with variants).

    Each is built by the figure's configuration module from the preset or
    ``--config``, then ``--set``, ``--epochs`` and ``--iters-per-epoch``.

    Raises
    ------
    UsageError
        Naming every bad key or value (exit status 2, nothing written).
    """
    config = spec.config
    overrides = overrides_of(args, config)
    choices = list(spec.variants["choices"])
    # The word for "all" (fig3's "both") runs the figure's group of variants.
    group = list(spec.variants.get("group", choices))
    chosen = group if args.variant not in choices else [args.variant]
    # --config names a preset of the figure's own (e.g. fig3's "reduced") or a file.
    source: Any = args.config if args.config is not None else spec.preset
    out: dict[str, dict[str, Any]] = {}
    try:
        for variant in chosen:
            out[variant] = config.load(source, variant, overrides)
            if spec.check is not None:
                spec.check(out[variant])
    except ConfigError as exc:
        raise config_problem("invalid configuration", exc) from None
    return out


def seeds_per_variant(args: argparse.Namespace, spec: Experiment,
                      chosen: list[str]) -> dict[str, list[int]] | None:
    """Each variant's own default seeds, or ``None`` when every variant runs the same.

    A figure whose ``VARIANTS`` give ``seeds`` (variant -> number of runs, as
    published: the SI scans) runs seeds ``0 .. n-1`` of each variant unless
    ``--seeds`` or ``--seed-list`` is given, which then apply to every variant.
    """
    defaults = spec.variants.get("seeds")
    if not defaults or args.seeds is not None or args.seed_list is not None:
        return None
    return {name: list(range(int(defaults[name]))) for name in chosen}


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
    # Data files first: their sizes are part of the configuration.
    data, sizes = read_data_files(args, spec)
    variant_seeds = None
    if spec.variants:
        variants = load_variants(args, spec)
        cfg = None
        check_scheduler(args)
        largest = max((spec.config.sizing(c) for c in variants.values()),
                      key=lambda c: (c["N"], c["T"]))
        variant_seeds = seeds_per_variant(args, spec, list(variants))
        n_tasks = (sum(len(s) for s in variant_seeds.values()) if variant_seeds
                   else count_seeds(args) * len(variants))
        check_memory(args, n_tasks, largest, unit="tasks")
    else:
        variants = None
        check_sizes(overrides_of(args), sizes, args, spec)
        cfg = load_for(args, spec, sizes)
        check_scheduler(args)
        check_memory(args, count_seeds(args), cfg, unit="seeds")
    seeds = seeds_of(args)
    out = out_dir(args.out, DEFAULT_RESULTS / spec.name)
    check_writable_dir(out, "--out")
    plan = plan_figure(spec.name, cfg, seeds, data=data, variants=variants,
                       variant_seeds=variant_seeds)
    skip = resume_plan(plan, out, args)

    openmp = openmp_enabled()
    if args.threads is not None and args.threads > 1 and not openmp:
        print(f"{PROG}: this build of lttb has no OpenMP (see the README, Install); "
              f"--threads {args.threads} is ignored and each seed runs on one thread",
              file=sys.stderr)
    backend = open_backend(args, threads=args.threads, openmp=openmp)

    # Everything is checked: from here on files are written.
    with backend:
        if args.scheduler is not None:
            what = f"{len(plan.tasks)} tasks" if variants else f"{len(seeds)} seeds"
            say(args.quiet, f"{what} on {backend.description}")
            link = getattr(backend, "dashboard_link", None)
            if link:
                say(args.quiet, f"Dask dashboard: {link}")
        report, status = execute(plan, out, backend, args, skip)
        if status is not None:
            return status
        artifacts = [_artifacts.read_artifact(report.paths[task]) for task in plan.tasks]
        return finish(artifacts, out, not args.no_figures, args.quiet, backend=backend)
