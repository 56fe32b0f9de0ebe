"""Parameter sweeps: every (grid point, seed) as an independent task.

A sweep runs a figure protocol (e.g. ``fig1``) for every point of a grid of
configuration values and every seed.  Each task is one seed of one point,
exactly the run ``lttb-reproduce fig1 --seed-list S --set key=value ...``
would make (same configuration, same ``numpy.random.SeedSequence(S)``), so
its artifact is the same whichever backend ran it.

Layout of a sweep directory::

    OUT/
      N=125_sigma_targ=10/          one directory per grid point
        seed-0000.json ...          one artifact per seed (lttb.artifacts)
        summary.json                the point's seeds, as for a fig1 run
      N=125_sigma_targ=100/
      ...
      sweep-summary.json            final outer MSE per point: seeds, mean, s.d.
      figures/fig1_sweep.{pdf,eps,png}

The summary and the figure are computed from the artifacts alone
(:func:`collect_sweep`, :func:`summarize_sweep`, and
:func:`lttb.plotting.sweep.plot_sweep`), so
``lttb-reproduce replot OUT`` redraws them without simulating.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import artifacts as _artifacts
from .._version import __version__
from ..arrays_io import array_sha256
from ..config import (ConfigError, format_value, load_config, parse_override,
                      schedule_of)
from ..stats import mean_sd
from .planning import plan_resume

__all__ = [
    "SWEEP_SUMMARY_NAME",
    "SWEEP_SUMMARY_VERSION",
    "SweepTask",
    "Sweep",
    "parse_grid",
    "grid_points",
    "point_dirname",
    "plan_sweep",
    "plan_figure",
    "plan_sweep_resume",
    "foreign_artifacts",
    "collect_sweep",
    "summarize_sweep",
    "sweep_metric",
    "DEFAULT_METRIC",
    "write_sweep_summary",
    "is_sweep_dir",
]

SWEEP_SUMMARY_NAME = "sweep-summary.json"
#: Version of the layout of ``sweep-summary.json``.
SWEEP_SUMMARY_VERSION = 1
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._+=-]")
_MAX_DIRNAME = 100


# --------------------------------------------------------------------------- grid

def parse_grid(items: Iterable[str],
               parse: Callable[[str, str], Any] | None = None) -> dict[str, list[Any]]:
    """Read ``--grid KEY=V1,V2,...`` options into typed value lists.

    Parameters
    ----------
    items : iterable of str
        One string per ``--grid`` option.
    parse : callable, optional
        ``parse(key, text) -> value``, raising :class:`ConfigError` naming
        the key: a figure's own key parser (Figure 3's dotted keys);
        default :func:`lttb.config.parse_override`.

    Returns
    -------
    dict
        Key -> list of values, typed by the configuration schema
        (:func:`lttb.config.parse_override`), in the order given.

    Raises
    ------
    ConfigError
        Listing every problem: a missing ``=``, an unknown key, a key given
        twice, an empty or unparsable value, a value repeated in one key.
        Bounds are checked later, on whole configurations (:func:`plan_sweep`).
    """
    grid: dict[str, list[Any]] = {}
    problems: list[tuple[str | None, str]] = []
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            problems.append((None, f"--grid expects KEY=V1,V2,... (got {item!r})"))
            continue
        if key in grid:
            problems.append((key, "given by more than one --grid"))
            continue
        values: list[Any] = []
        bad = False
        for part in text.split(","):
            if not part.strip():
                problems.append((key, f"empty value in --grid {item!r}"))
                bad = True
                break
            try:
                value = (parse or parse_override)(key, part)
            except ConfigError as exc:
                problems.extend(exc.errors)
                bad = True
                break
            if value in values:
                problems.append((key, f"value {part.strip()!r} is listed twice"))
                bad = True
                break
            values.append(value)
        if not bad:
            grid[key] = values
        elif key not in grid:
            grid[key] = []  # remembered, so that a repeated key is still reported
    if problems:
        raise ConfigError(problems)
    return grid


def grid_points(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the grid's values (the first key varies slowest).

    Parameters
    ----------
    grid : mapping
        Key -> values.

    Returns
    -------
    list of dict
    """
    keys = list(grid)
    return [dict(zip(keys, combo)) for combo in itertools.product(*(grid[k] for k in keys))]


def point_dirname(point: Mapping[str, Any]) -> str:
    """Directory name of a grid point, e.g. ``N=125_sigma_targ=10``.

    Readable and stable across runs, so that a rerun (``--resume``) finds
    the artifacts.  Characters that are not safe in file names on every OS
    are replaced, and a short hash of the point is then appended (also for
    very long names) to keep names distinct.

    Parameters
    ----------
    point : mapping
        Key -> value of one grid point.

    Returns
    -------
    str
    """
    raw = "_".join(f"{key}={format_value(value)}" for key, value in point.items())
    name = _SAFE_NAME.sub("~", raw)
    if name != raw or len(name) > _MAX_DIRNAME or not name:
        digest = hashlib.sha256(json.dumps(list(point.items()), sort_keys=False,
                                           default=str).encode()).hexdigest()[:8]
        name = f"{name[:_MAX_DIRNAME]}-{digest}"
    return name


# --------------------------------------------------------------------------- plan

@dataclass(frozen=True, eq=False)
class SweepTask:
    """One seed of one grid point.

    Attributes
    ----------
    point : dict
        The grid values of the point.
    dirname : str
        Its directory inside the sweep directory.
    seed : int
    cfg : dict
        The complete configuration of the point.
    """

    point: dict
    dirname: str
    seed: int
    cfg: dict

    @property
    def key(self) -> tuple[str, int]:
        """``(dirname, seed)``: unique within a sweep."""
        return (self.dirname, self.seed)

    # The dict fields are not hashable: a task is identified by its key.
    def __eq__(self, other: object) -> bool:
        return isinstance(other, SweepTask) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)

    @property
    def relpath(self) -> str:
        """Artifact path relative to the output directory."""
        name = _artifacts.artifact_name(self.seed)
        return f"{self.dirname}/{name}" if self.dirname else name

    @property
    def label(self) -> str:
        """``seed 3``, or ``N=125 seed 3`` for a grid point."""
        where = " ".join(f"{key}={format_value(value)}" for key, value in self.point.items())
        return f"{where} seed {self.seed}" if where else f"seed {self.seed}"

    @property
    def cost(self) -> float:
        """Rough relative run time (recurrent synapses x bins x trials)."""
        schedule = schedule_of(self.cfg)
        trials = (schedule["n_iterations"] + schedule["n_tests"] + 2) * self.cfg["n_contexts"]
        return float(self.cfg["N"]) ** 2 * self.cfg["T"] * trials


@dataclass
class Sweep:
    """A validated sweep: its grid, its points' configurations and its tasks.

    Attributes
    ----------
    figure : str
        Figure protocol of every task.
    grid : dict
        Key -> values, as given.
    seeds : list of int
    points : list of dict
        Grid points, in grid order.
    configs : dict
        Point directory name -> complete configuration.
    tasks : list of SweepTask
        Points in grid order, seeds within each point.
    data : dict
        Name -> array given to every task's protocol as a keyword argument
        (the files of ``lttb-reproduce trajectory``); empty for the papers'
        figures.  The arrays travel with each task to its worker, so they
        reach local processes and Dask workers alike.
    """

    figure: str
    grid: dict
    seeds: list
    points: list
    configs: dict
    tasks: list = field(default_factory=list)
    data: dict = field(default_factory=dict)

    @property
    def data_sha256(self) -> dict[str, str]:
        """Name -> SHA-256 of each data array (:func:`lttb.arrays_io.array_sha256`)."""
        return {name: array_sha256(array) for name, array in self.data.items()}


def plan_sweep(figure: str, grid: Mapping[str, Sequence[Any]], seeds: Sequence[int], *,
               source: str | os.PathLike = "fig1",
               overrides: Mapping[str, Any] | None = None,
               default_base: str = "fig1",
               check: Callable[[dict], None] | None = None,
               load: Callable[[dict], dict] | None = None) -> Sweep:
    """Build and validate the configuration of every grid point.

    Each point's configuration is ``load_config(source, **overrides,
    **point)``: the grid values are overrides applied with the others, so a
    swept ``N`` also sets ``Ne = round(0.8 N)`` and ``Ni = N - Ne`` unless
    ``Ne`` or ``Ni`` is itself overridden or swept.

    Parameters
    ----------
    figure : str
        Figure protocol name recorded in the artifacts.
    grid : mapping
        Key -> non-empty list of values (see :func:`parse_grid`).
    seeds : sequence of int
        Seeds run at every point.
    source : str or path-like
        Preset name or configuration file.
    overrides : mapping, optional
        Other keys to set (``--set``, ``--epochs``); must not repeat a grid key.
    default_base : str
        Preset a configuration file without ``"base"`` starts from (the
        figure's preset).
    check : callable, optional
        ``check(cfg)`` of the figure protocol, raising
        :class:`lttb.ConfigError` for a configuration it cannot run.
    load : callable, optional
        ``load(keys) -> cfg`` for a figure with its own configuration
        (Figure 3): `keys` holds the overrides and the point's values
        (``variant`` among them); instead of :func:`lttb.config.load_config`.

    Returns
    -------
    Sweep

    Raises
    ------
    ConfigError
        Every problem found, each naming the key (and, for an invalid
        point, the point): an empty grid, a key both swept and set, a value
        that makes an invalid configuration.
    """
    overrides = dict(overrides or {})
    problems: list[tuple[str | None, str]] = []
    if not grid:
        problems.append((None, "the grid is empty (give at least one --grid KEY=V1,V2)"))
    for key, values in grid.items():
        if not values:
            problems.append((key, "has no values"))
        if key in overrides:
            problems.append((key, "is both swept (--grid) and set (--set, --epochs, "
                                  "--iters-per-epoch)"))
    if problems:
        raise ConfigError(problems)

    points = grid_points(grid)
    configs: dict[str, dict] = {}
    seen: dict[tuple[str | None, str], None] = {}
    for point in points:
        try:
            if load is not None:
                cfg = load({**overrides, **point})
            else:
                cfg = load_config(source, default_base=default_base, **{**overrides, **point})
            if check is not None:
                check(cfg)
        except ConfigError as exc:
            where = ", ".join(f"{k}={format_value(v)}" for k, v in point.items())
            for key, message in exc.errors:
                # A bad value fails at every point that holds it: say it once,
                # naming the point where it was first seen.
                if key in grid:
                    seen.setdefault((key, f"{message} at grid point {where}"), None)
                else:
                    seen.setdefault((key, f"{message} (grid point {where})"), None)
            continue
        name = point_dirname(point)
        if name in configs:
            raise ConfigError([(None, f"two grid points share the directory name {name!r}")])
        configs[name] = cfg
    if seen:
        raise ConfigError(_one_per_value(list(seen)))
    tasks = [SweepTask(point=dict(point), dirname=point_dirname(point), seed=int(seed),
                       cfg=configs[point_dirname(point)])
             for point in points for seed in seeds]
    return Sweep(figure=figure, grid={k: list(v) for k, v in grid.items()},
                 seeds=[int(s) for s in seeds], points=points, configs=configs, tasks=tasks)


def plan_figure(figure: str, cfg: Mapping[str, Any] | None, seeds: Sequence[int],
                data: Mapping[str, Any] | None = None, *,
                variants: Mapping[str, Mapping[str, Any]] | None = None,
                variant_seeds: Mapping[str, Sequence[int]] | None = None) -> Sweep:
    """A figure run as a sweep of one point: its seeds, artifacts directly in the output.

    Parameters
    ----------
    figure : str
        Figure protocol name recorded in the artifacts.
    cfg : mapping
        The complete, validated configuration.
    seeds : sequence of int
    data : mapping, optional
        Name -> 2-D array passed to the protocol of every seed as a keyword
        argument (e.g. ``targets`` of the ``trajectory`` figure), and
        recorded in every artifact by its SHA-256.

    variants : mapping, optional
        Variant name -> its complete configuration, for a figure that
        declares task variants (:attr:`lttb.experiments.catalog.Experiment.variants`);
        `cfg` is then ignored.
    variant_seeds : mapping, optional
        Variant name -> its own seeds, instead of `seeds` (the SI scans run
        fewer seeds at their largest network, as published).

    Returns
    -------
    Sweep
        No grid, one point ``{}`` whose directory is the output directory
        itself, one task per seed; with `variants`, one point
        ``{"variant": name}`` per variant whose directory is its name, one
        task per (variant, seed).
    """
    if variants:
        names = list(variants)
        configs = {name: dict(variants[name]) for name in names}
        per = {name: list((variant_seeds or {}).get(name, seeds)) for name in names}
        tasks = [SweepTask(point={"variant": name}, dirname=name, seed=int(seed),
                           cfg=configs[name]) for name in names for seed in per[name]]
        every = sorted({int(seed) for name in names for seed in per[name]})
        return Sweep(figure=figure, grid={"variant": names}, seeds=every,
                     points=[{"variant": name} for name in names], configs=configs,
                     tasks=tasks)
    cfg = dict(cfg)
    tasks = [SweepTask(point={}, dirname="", seed=int(seed), cfg=cfg) for seed in seeds]
    arrays = {str(name): np.array(value, dtype=np.float64)
              for name, value in (data or {}).items()}
    return Sweep(figure=figure, grid={}, seeds=[int(s) for s in seeds], points=[{}],
                 configs={"": cfg}, tasks=tasks, data=arrays)


def _one_per_value(errors: list[tuple[str | None, str]]) -> list[tuple[str | None, str]]:
    """Keep the first message of each (key, rule) pair: one line per bad value."""
    kept, rules = [], set()
    for key, message in errors:
        rule = (key, message.split(" at grid point ")[0].split(" (grid point ")[0])
        if rule in rules:
            continue
        rules.add(rule)
        kept.append((key, message))
    return kept


def foreign_artifacts(out_dir: str | os.PathLike, plan: Sweep) -> dict[str, str]:
    """Artifacts in `out_dir` that a run of `plan` must not mix with, and why.

    An artifact is foreign when it was made by another figure, configuration
    or schedule than the plan's task of its place (a figure run: every
    ``seed-NNNN.json`` of `out_dir`; a sweep: those of its point
    directories), or when it lies in a point directory the plan does not
    have.  Files that are not readable artifacts are left to the checks of
    resume and replot.  Reads only what it compares, without the full
    validation, so that it stays cheap for many artifacts.

    Returns
    -------
    dict
        Path relative to `out_dir` -> what differs.
    """
    out_dir = Path(out_dir)
    found: dict[str, str] = {}
    if not out_dir.is_dir():
        return found
    if plan.points == [{}]:
        places = {"": plan.configs[""]}
    else:
        places = {child.name: plan.configs.get(child.name)
                  for child in sorted(out_dir.iterdir())
                  if child.is_dir() and _artifacts.find_artifacts(child)}
    digests = plan.data_sha256
    for dirname, cfg in places.items():
        for path in _artifacts.find_artifacts(out_dir / dirname):
            relpath = path.relative_to(out_dir).as_posix()
            try:
                data = _artifacts.read_header(path)
            except _artifacts.ArtifactError:
                continue
            if cfg is None:
                found[relpath] = "its point is not in this grid"
                continue
            differences = _artifacts.same_run(data, plan.figure, cfg, digests)
            if differences:
                found[relpath] = "; ".join(differences)
    return found


def plan_sweep_resume(out_dir: str | os.PathLike, sweep: Sweep
                      ) -> tuple[list[SweepTask], dict[SweepTask, str], dict[SweepTask, str]]:
    """Which tasks of a sweep already have a valid artifact in `out_dir`.

    Uses :func:`lttb.run.planning.plan_resume` point by point: an artifact is kept
    when it is valid and was made by the same lttb version, figure and
    configuration.

    Parameters
    ----------
    out_dir : path-like
    sweep : Sweep

    Returns
    -------
    keep : list of SweepTask
    redo : dict
        Task -> reason, for artifacts that exist but will be replaced.
    conflicts : dict
        Task -> what differs, for valid artifacts of another configuration.
    """
    keep: list[SweepTask] = []
    redo: dict[SweepTask, str] = {}
    conflicts: dict[SweepTask, str] = {}
    by_point: dict[str, list[SweepTask]] = {}
    for task in sweep.tasks:
        by_point.setdefault(task.dirname, []).append(task)
    for dirname, tasks in by_point.items():
        directory = Path(out_dir) / dirname
        if not directory.is_dir():
            continue
        by_seed = {task.seed: task for task in tasks}
        kept, _todo, redone, conflicting = plan_resume(directory, sweep.figure,
                                                       sweep.configs[dirname], list(by_seed),
                                                       data_sha256=sweep.data_sha256)
        keep.extend(by_seed[seed] for seed in kept)
        redo.update({by_seed[seed]: why for seed, why in redone.items()})
        conflicts.update({by_seed[seed]: why for seed, why in conflicting.items()})
    return keep, redo, conflicts


# --------------------------------------------------------------------------- collect

def is_sweep_dir(directory: str | os.PathLike) -> bool:
    """True if `directory` holds no artifact itself but a subdirectory does."""
    directory = Path(directory)
    if not directory.is_dir() or _artifacts.find_artifacts(directory):
        return False
    return any(child.is_dir() and _artifacts.find_artifacts(child)
               for child in directory.iterdir())


def collect_sweep(directory: str | os.PathLike
                  ) -> tuple[dict[str, list[dict]], list[tuple[Path, str]]]:
    """Read every artifact of a sweep directory's point directories.

    Parameters
    ----------
    directory : path-like

    Returns
    -------
    points : dict
        Point directory name -> its valid artifacts, by seed.
    skipped : list of (pathlib.Path, str)
        Files that are not valid artifacts, or whose configuration differs
        from the other artifacts of their directory, with the reason.
    """
    directory = Path(directory)
    points: dict[str, list[dict]] = {}
    skipped: list[tuple[Path, str]] = []
    for child in sorted(p for p in directory.iterdir() if p.is_dir()):
        valid = []
        for path in _artifacts.find_artifacts(child):
            try:
                valid.append((path, _artifacts.read_artifact(path)))
            except _artifacts.ArtifactError as exc:
                skipped.append((path, exc.reason))
        if not valid:
            continue
        # A point is one configuration: keep the majority's if files were mixed.
        signature = [_signature(artifact) for _, artifact in valid]
        common, _ = Counter(signature).most_common(1)[0]
        kept = []
        for (path, artifact), sig in zip(valid, signature):
            if sig == common:
                kept.append(artifact)
            else:
                skipped.append((path, "its configuration differs from the other artifacts "
                                      "of its directory"))
        points[child.name] = kept
    return points, skipped


def _signature(artifact: Mapping[str, Any]) -> str:
    return json.dumps([artifact["figure"], artifact["config"]], sort_keys=True)


def _dotted(cfg: Mapping[str, Any]) -> dict[str, Any]:
    """A configuration with its sections (Figure 3's ``low``, ``env``, ...) as dotted keys."""
    out: dict[str, Any] = {}
    for key, value in cfg.items():
        if isinstance(value, Mapping):
            out.update({f"{key}.{name}": item for name, item in value.items()})
        else:
            out[key] = value
    return out


def _determines(configs: Sequence[Mapping[str, Any]], key: str, other: str) -> bool:
    """Whether `key`'s value fixes `other`'s in every configuration."""
    seen: dict[str, str] = {}
    for cfg in configs:
        value, follows = json.dumps(cfg.get(key)), json.dumps(cfg.get(other))
        if seen.setdefault(value, follows) != follows:
            return False
    return True


def _swept_keys(configs: Sequence[Mapping[str, Any]]) -> list[str]:
    """Configuration keys (dotted in sections) that vary between points, each once.

    A key whose value follows from an earlier swept key's is left out:
    ``Ne`` and ``Ni`` when they follow ``N``, Figure 3's low-network
    settings that follow ``variant``.  On a product grid two swept keys
    never follow each other, so only such derived keys go.
    """
    if not configs:
        return []
    varying = [key for key in configs[0]
               if len({json.dumps(cfg.get(key)) for cfg in configs}) > 1]
    keys: list[str] = []
    for key in varying:
        if not any(_determines(configs, earlier, key) for earlier in keys):
            keys.append(key)
    return keys


#: What a sweep reports per point unless the figure's results module says
#: otherwise (``SWEEP_METRIC`` and ``sweep_value``): Figure 1's final outer MSE.
DEFAULT_METRIC = {"key": "final_outer_mse", "label": "final outer MSE (teacher off)",
                  "scale": "log", "better": "lower"}


def sweep_metric(figure: str | None) -> tuple[dict[str, str], Callable[[Mapping], Any]]:
    """The per-seed value a sweep of `figure` reports, and how to read it off an artifact.

    Returns
    -------
    metric : dict
        ``key`` (its name in the summary), ``label`` (for axes and
        reports), ``scale`` (``"log"`` or ``"linear"``) and ``better``
        (``"lower"`` or ``"higher"``).
    value : callable
        ``value(artifact) -> float or None``.
    """
    results = _artifacts.results_of(str(figure))  # Figure 1's for an unknown name
    metric = getattr(results, "SWEEP_METRIC", None)
    if metric is None:
        return dict(DEFAULT_METRIC), (lambda artifact: artifact.get("final_outer_mse"))
    return dict(metric), results.sweep_value


def summarize_sweep(points: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, Any]:
    """The figure's sweep value of every grid point, from its artifacts.

    The value is the figure's :func:`sweep_metric` (Figure 1's final outer
    MSE unless the figure's results module declares another, as Figure 3
    does with its reward over the last epochs).  The swept keys are the
    configuration keys whose values differ between points, dotted inside
    sections (``low.eta``); ``Ne`` and ``Ni`` are left out when they follow
    ``N``.

    Parameters
    ----------
    points : mapping
        Point directory name -> valid artifacts of that point (see
        :func:`collect_sweep`).

    Returns
    -------
    dict
        ``sweep_summary_version``, ``lttb_version``, ``created``, ``figure``
        (the most common figure name), ``metric`` (see :func:`sweep_metric`),
        ``swept`` (keys), ``grid`` (key -> sorted distinct values),
        ``points`` (one entry per point: ``dir``, ``point`` with the swept
        values, ``seeds``, the metric's value per seed under its ``key``
        (``final_outer_mse`` for Figure 1), ``mean``, ``sd`` (sample s.d.,
        ``ddof=1``; ``null`` below two seeds), ``n`` (seeds with a finite
        value), ``wall_seconds``), ``best`` and ``worst`` (the points with
        the best and worst mean) and
        ``total_wall_seconds``.
    """
    names = [a["figure"] for group in points.values() for a in group]
    figure = Counter(names).most_common(1)[0][0] if names else None
    entries = {name: sorted(group, key=lambda a: a["seed"]) for name, group in points.items()
               if group and group[0]["figure"] == figure}
    configs = {name: _dotted(group[0]["config"]) for name, group in entries.items()}
    swept = _swept_keys(list(configs.values()))
    metric, value_of = sweep_metric(figure)
    rows = []
    for name, group in entries.items():
        cfg = configs[name]
        finals = [value_of(a) for a in group]
        mean, sd, n = mean_sd(finals)
        rows.append({
            "dir": name,
            "point": {key: cfg[key] for key in swept},
            "seeds": [a["seed"] for a in group],
            metric["key"]: finals,
            "mean": mean,
            "sd": sd,
            "n": n,
            "wall_seconds": float(sum(a["wall_seconds"] for a in group)),
        })
    rows.sort(key=lambda row: [_sort_key(row["point"][key]) for key in swept] + [row["dir"]])
    grid = {key: sorted({json.dumps(row["point"][key]) for row in rows},
                        key=lambda text: _sort_key(json.loads(text))) for key in swept}
    grid = {key: [json.loads(text) for text in values] for key, values in grid.items()}
    ranked = [row for row in rows if row["mean"] is not None]
    sign = 1.0 if metric["better"] == "lower" else -1.0
    best = min(ranked, key=lambda row: sign * row["mean"]) if ranked else None
    worst = max(ranked, key=lambda row: sign * row["mean"]) if ranked else None
    brief = (lambda row: None if row is None else
             {"dir": row["dir"], "point": row["point"], "mean": row["mean"], "sd": row["sd"]})
    return {
        "sweep_summary_version": SWEEP_SUMMARY_VERSION,
        "lttb_version": __version__,
        "created": _artifacts.utc_now(),
        "figure": figure,
        "metric": metric,
        "swept": swept,
        "grid": grid,
        "points": rows,
        "best": brief(best),
        "worst": brief(worst),
        "total_wall_seconds": float(sum(row["wall_seconds"] for row in rows)),
    }


def _sort_key(value: Any) -> tuple:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, float(value), "")
    return (1, 0.0, str(value))


def write_sweep_summary(directory: str | os.PathLike, summary: Mapping[str, Any]) -> Path:
    """Write ``sweep-summary.json`` atomically into `directory`."""
    return _artifacts.write_json_atomic(Path(directory) / SWEEP_SUMMARY_NAME, summary)
