"""Results as arrays: the artifacts of a run read into NumPy, a table, spike trains.

:func:`load_results` reads a figure run's or a sweep's output directory (or
one artifact) into NumPy arrays, per seed, with a table of per-seed numbers;
:func:`export_spikes` writes the spike and burst trains to one ``.npz``;
:func:`neo_spike_trains` gives them as Neo ``SpikeTrain`` objects (the
``neo`` extra) for spike-train analysis libraries.

Machinery only: nothing here imports the model.  Reading is quick because
by default each artifact gets a structural check (the keys and shapes the
arrays below rely on) instead of the full schema validation of
:func:`lttb.artifacts.read_artifact`, which ``validate=True`` asks for and
``replot`` and ``--resume`` always use.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import artifacts as _artifacts
from . import jsonio
from ._version import __version__

__all__ = ["Results", "load_results", "read_arrays", "export_spikes", "neo_spike_trains",
           "SPIKES_FORMAT", "PANDAS_HINT", "NEO_HINT"]

PANDAS_HINT = 'pip install "lttb-snn[pandas]"'
NEO_HINT = 'pip install "lttb-snn[neo]"'
#: Value of the ``format`` entry of a spike file written by :func:`export_spikes`.
SPIKES_FORMAT = "lttb-spikes"

#: Top-level keys every artifact has, with the JSON type the arrays rely on.
_REQUIRED = {"schema_version": int, "figure": str, "seed": int, "config": dict,
             "schedule": dict, "targets": list, "outputs": dict, "test_iterations": list,
             "outer_mse": list, "inner_error": list, "full_test_mse": dict,
             "raster_context": int, "spikes": list, "bursts": list}
#: Keys that hold [neuron, bin] event lists wherever they appear.
_EVENTS = ("spikes", "bursts")


@dataclass
class Results:
    """A run's results as arrays (what :func:`load_results` returns).

    Attributes
    ----------
    figure : str
        The figure of the run.
    runs : dict
        One entry per artifact: key the seed (a figure run) or
        ``(point, seed)`` with the point's directory name (a sweep); value a
        dict of arrays (see :func:`read_arrays`).
    summary : dict of numpy.ndarray
        One element per run, in the order of `runs`: ``seed``,
        ``final_outer_mse`` (NaN for a null), ``wall_seconds``,
        ``diverged_at`` (-1 for a run that did not diverge), for a sweep
        ``point`` and one column per swept key, and the scalars of the
        figure's own tests (Figure 2: ``on_diagonal``, ``after_wrong``, ...).
    """

    figure: str
    runs: dict = field(default_factory=dict)
    summary: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.runs[key]

    def __iter__(self):
        return iter(self.runs)

    def __len__(self) -> int:
        return len(self.runs)

    def frame(self):
        """The summary as a :class:`pandas.DataFrame`, one row per run (needs pandas)."""
        pd = _import_optional("pandas", PANDAS_HINT, "a DataFrame")
        return pd.DataFrame(self.summary)


def _import_optional(name: str, hint: str, what: str):
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        raise ImportError(f"{what} needs {name}, an optional extra of lttb-snn: {hint}") from None


# --------------------------------------------------------------------------- reading

def _structural_problem(data: Any) -> str | None:
    """What an artifact lacks that the arrays need (a cheap check, not the schema)."""
    if not isinstance(data, dict):
        return f"not an artifact: the top level is a JSON {type(data).__name__}"
    for key, kind in _REQUIRED.items():
        if key not in data:
            return f"not an artifact: no {key!r}"
        value = data[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            return f"{key}: expected a JSON {kind.__name__}"
    if data["schema_version"] > _artifacts.SCHEMA_VERSION:
        return (f"schema_version {data['schema_version']} is newer than this lttb "
                f"({__version__}) can read (up to {_artifacts.SCHEMA_VERSION}); upgrade lttb")
    cfg = data["config"]
    for key in ("N", "T", "dt"):
        if not isinstance(cfg.get(key), (int, float)):
            return f"config: no {key!r}"
    return None


def _array(value: Any, key: str | None = None) -> Any:
    """Nested JSON lists as arrays: numbers as float64 (null -> NaN), events as int (k, 2)."""
    if isinstance(value, dict):
        return {k: _array(v, k) for k, v in value.items()}
    if not isinstance(value, list):
        return value
    if key in _EVENTS:
        if value and isinstance(value[0], list) and value[0] and isinstance(value[0][0], list):
            return [_array(v, key) for v in value]  # one raster per trial
        return np.asarray(value, dtype=np.int64).reshape(-1, 2)
    if value and all(isinstance(v, dict) for v in value):
        return [_array(v) for v in value]
    try:
        array = np.asarray(value)
    except ValueError:  # ragged
        return [_array(v) for v in value]
    if array.dtype == object:  # nulls among numbers
        array = np.array([np.nan if v is None else v for v in array.ravel()],
                         dtype=np.float64).reshape(array.shape)
    elif array.dtype.kind in "iu" and key not in ("test_iterations", "contexts"):
        array = array.astype(np.float64)  # a float curve that happens to be integral
    return array


def read_arrays(path: str | os.PathLike, *, validate: bool = False,
                dense: bool = False) -> dict[str, Any]:
    """One artifact as a dict of NumPy arrays.

    Parameters
    ----------
    path : path-like
        An artifact ``seed-NNNN.json``.
    validate : bool
        Full schema validation (:func:`lttb.artifacts.read_artifact`)
        instead of the structural check.
    dense : bool
        Also ``S_soma`` and ``S_burst``: the raster trial as (N, T) int8
        arrays (1 at every somatic spike; 1 at every burst).

    Returns
    -------
    dict
        The artifact's keys, lists turned into arrays: ``targets``
        (n_contexts, O, T), ``outputs`` (``teacher_on`` / ``teacher_off``:
        n_contexts x O x (T-3), column ``c`` is bin ``c + 1``),
        ``test_iterations``, ``outer_mse`` (n_tests, n_contexts),
        ``inner_error``, ``full_test_mse``, ``context_trace``, ``spikes``
        and ``bursts`` (int64 (k, 2): ``[neuron, bin]`` rows), a Figure 2
        ``context_tests`` likewise; ``config`` stays a dict.

    Raises
    ------
    lttb.artifacts.ArtifactError
        When the file cannot be read or lacks what the arrays need (with
        `validate`: is not a valid artifact).
    """
    return _arrays_of(_read(path, validate), dense)


def _read(path: str | os.PathLike, validate: bool) -> dict[str, Any]:
    """The parsed artifact, after the structural check (or the full one)."""
    path = Path(path)
    if validate:
        return _artifacts.read_artifact(path)
    try:
        data = json.loads(jsonio.read_text(path, max_bytes=None))
    except (OSError, ValueError) as exc:
        raise _artifacts.ArtifactError(f"cannot be read as JSON ({exc})", path) from None
    problem = _structural_problem(data)
    if problem is not None:
        raise _artifacts.ArtifactError(problem, path)
    return data


def _arrays_of(data: Mapping[str, Any], dense: bool) -> dict[str, Any]:
    config = data["config"]
    arrays = {key: _array(value, key) for key, value in data.items() if key != "config"}
    arrays["config"] = dict(config)
    if dense:
        arrays["S_soma"], arrays["S_burst"] = dense_raster(arrays["spikes"], arrays["bursts"],
                                                           config["N"], config["T"])
    return arrays


def dense_raster(spikes: np.ndarray, bursts: np.ndarray, N: int, T: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(N, T) int8 rasters from ``[neuron, bin]`` events: all somatic spikes, and bursts."""
    S_soma = np.zeros((N, T), dtype=np.int8)
    S_burst = np.zeros((N, T), dtype=np.int8)
    for events in (spikes, bursts):
        S_soma[events[:, 0], events[:, 1]] = 1
    S_burst[bursts[:, 0], bursts[:, 1]] = 1
    return S_soma, S_burst


def _summary_row(arrays: Mapping[str, Any]) -> dict[str, Any]:
    final = arrays.get("final_outer_mse")
    row = {"seed": int(arrays["seed"]),
           "final_outer_mse": np.nan if final is None else float(final),
           "wall_seconds": float(arrays.get("wall_seconds", np.nan)),
           "diverged_at": int(arrays.get("diverged_at", -1))}
    return row


def _figure_rows(figure: str, artifacts: list[dict]) -> list[dict]:
    """Per-seed scalars of the figure's own summary (``<section>.per_seed``), by seed."""
    from .experiments.catalog import results_of

    summary = results_of(figure).summarize(artifacts)
    rows: dict[int, dict] = {}
    for section in summary.values():
        if isinstance(section, dict) and isinstance(section.get("per_seed"), list):
            for entry in section["per_seed"]:
                row = rows.setdefault(entry["seed"], {})
                row.update({k: (np.nan if v is None else v) for k, v in entry.items()
                            if k != "seed" and isinstance(v, (int, float, type(None)))})
    return [rows.get(a["seed"], {}) for a in artifacts]


def _directories(root: Path) -> tuple[list[tuple[str, dict]], bool]:
    """The result directories under `root`: (name, point) pairs, and whether it is a sweep."""
    if _artifacts.find_artifacts(root):
        return [("", {})], False
    summary = root / "sweep-summary.json"
    points = {}
    if summary.is_file():
        try:
            for entry in json.loads(summary.read_text(encoding="utf-8")).get("points", []):
                points[entry["dir"]] = dict(entry["point"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            points = {}
    found = {p.name for p in root.iterdir() if p.is_dir() and _artifacts.find_artifacts(p)}
    # The grid's order (sweep-summary.json), then any other point by name.
    names = [n for n in points if n in found] + sorted(found - set(points))
    return [(name, points.get(name, {})) for name in names], True


def load_results(path: str | os.PathLike, *, validate: bool = False, dense: bool = False,
                 as_frame: bool = False):
    """Read a run's results as NumPy arrays: per seed, and a summary table.

    Parameters
    ----------
    path : path-like
        The ``--out`` of a figure run or of a sweep, or one artifact.
    validate : bool
        Validate every artifact against the schema (as ``replot`` does);
        by default a structural check only, which reads a Figure 1 artifact
        about ten times faster.
    dense : bool
        Add the dense rasters ``S_soma`` and ``S_burst`` to each run (see
        :func:`read_arrays`).
    as_frame : bool
        Return the summary as a :class:`pandas.DataFrame`, one row per seed
        (per point and seed for a sweep); needs pandas (the ``pandas`` extra).

    Returns
    -------
    Results or pandas.DataFrame

    Raises
    ------
    lttb.artifacts.ArtifactError
        When an artifact cannot be read (naming the file).
    FileNotFoundError
        When `path` holds no artifact.
    ImportError
        With `as_frame` and no pandas, naming the extra to install.
    """
    if as_frame:  # fail before reading anything
        _import_optional("pandas", PANDAS_HINT, "load_results(as_frame=True)")
    root = Path(path)
    if root.is_file():
        places, sweep, files = [("", {})], False, {"": [root]}
    elif root.is_dir():
        places, sweep = _directories(root)
        files = {name: _artifacts.find_artifacts(root / name) for name, _ in places}
    else:
        raise FileNotFoundError(f"{root}: no such file or directory")
    if not any(files.values()):
        raise FileNotFoundError(f"{root}: no seed-NNNN.json artifacts here or in its "
                                f"point directories")
    results = Results(figure="")
    rows: list[dict] = []
    swept = sorted({key for _, point in places for key in point})
    for name, point in places:
        raw = [_read(f, validate) for f in files[name]]
        if not raw:
            continue
        figure = raw[0]["figure"]
        results.figure = results.figure or figure
        extra = _figure_rows(figure, raw)
        runs = [_arrays_of(data, dense) for data in raw]
        del raw
        for run, more in zip(runs, extra):
            key = (name, int(run["seed"])) if sweep else int(run["seed"])
            run["point"] = dict(point)
            results.runs[key] = run
            row = _summary_row(run)
            if sweep:
                row["point"] = name
                row.update({k: point.get(k) for k in swept})
            row.update(more)
            rows.append(row)
    columns = list(dict.fromkeys(k for row in rows for k in row))
    results.summary = {c: np.asarray([row.get(c, np.nan) for row in rows]) for c in columns}
    return results.frame() if as_frame else results


# --------------------------------------------------------------------------- spikes

def _runs_of(source) -> dict[str, dict]:
    """Run name -> arrays, from an artifact, a results directory, Results or one run."""
    if isinstance(source, Results):
        results = source
    elif isinstance(source, Mapping) and "spikes" in source:
        return {_artifacts.artifact_name(source["seed"])[:-5]: source}
    else:
        results = load_results(source)
    named = {}
    for key, run in results.runs.items():
        if isinstance(key, tuple):
            named[f"{key[0]}/seed-{key[1]:04d}"] = run
        else:
            named[f"seed-{key:04d}"] = run
    return named


def _events(run: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All somatic spikes of the raster trial: neuron, bin, burst flag, sorted by neuron, bin."""
    spikes, bursts = run["spikes"], run["bursts"]
    events = np.concatenate([spikes, bursts]).reshape(-1, 2)
    burst = np.concatenate([np.zeros(len(spikes), bool), np.ones(len(bursts), bool)])
    order = np.lexsort((events[:, 1], events[:, 0]))
    return events[order, 0], events[order, 1], burst[order]


def export_spikes(source, path: str | os.PathLike) -> Path:
    """Write the spike and burst trains of a run's raster trials to one ``.npz``.

    Layout (read with ``numpy.load(path)``; no pickles): ``format``
    (``"lttb-spikes"``), ``format_version`` (1), ``lttb_version``, ``runs``
    (the run names, e.g. ``seed-0000`` or ``N=125/seed-0000``) and, for each
    run ``R``: ``R/neuron``, ``R/bin`` (int64) and ``R/burst`` (bool) of every
    somatic spike of the raster trial, sorted by neuron then bin;
    ``R/time`` in seconds (``bin * dt``); ``R/n_neurons``, ``R/n_bins``,
    ``R/dt``, ``R/seed`` and ``R/context``, the raster's context.

    Parameters
    ----------
    source : path-like, Results or dict
        An artifact, a results directory (figure run or sweep), what
        :func:`load_results` returned, or one run of it.
    path : path-like
        The file to write (atomically).

    Returns
    -------
    pathlib.Path
    """
    runs = _runs_of(source)
    arrays: dict[str, Any] = {"format": np.array(SPIKES_FORMAT),
                              "format_version": np.array(1),
                              "lttb_version": np.array(__version__),
                              "runs": np.array(list(runs), dtype=str)}
    for name, run in runs.items():
        cfg = run["config"]
        neuron, bins, burst = _events(run)
        arrays.update({f"{name}/neuron": neuron, f"{name}/bin": bins,
                       f"{name}/burst": burst, f"{name}/time": bins * float(cfg["dt"]),
                       f"{name}/n_neurons": np.array(cfg["N"]),
                       f"{name}/n_bins": np.array(cfg["T"]),
                       f"{name}/dt": np.array(float(cfg["dt"])),
                       f"{name}/seed": np.array(int(run["seed"])),
                       f"{name}/context": np.array(int(run["raster_context"]))})
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return _artifacts.write_bytes_atomic(path, buffer.getvalue())


def neo_spike_trains(source) -> dict[str, list]:
    """The raster trials as Neo ``SpikeTrain`` objects, one per neuron (needs neo).

    Each train holds the neuron's somatic spike times in seconds
    (``t_start`` 0, ``t_stop`` ``T * dt``), ``annotations`` ``neuron``,
    ``seed`` and ``context``, and the array annotation ``burst`` (bool, one
    per spike), so spike-train statistics (Elephant, ...) run on them
    directly.

    Parameters
    ----------
    source : path-like, Results or dict
        As for :func:`export_spikes`.

    Returns
    -------
    dict
        Run name -> list of ``neo.SpikeTrain`` (index = neuron).

    Raises
    ------
    ImportError
        Without neo, naming the extra to install.
    """
    neo = _import_optional("neo", NEO_HINT, "neo_spike_trains")
    import quantities as pq

    trains = {}
    for name, run in _runs_of(source).items():
        cfg = run["config"]
        dt, N, T = float(cfg["dt"]), int(cfg["N"]), int(cfg["T"])
        neuron, bins, burst = _events(run)
        starts = np.searchsorted(neuron, np.arange(N + 1))
        trains[name] = [
            neo.SpikeTrain(bins[starts[i]:starts[i + 1]] * dt * pq.s, t_start=0.0 * pq.s,
                           t_stop=T * dt * pq.s, name=f"neuron {i}",
                           array_annotations={"burst": burst[starts[i]:starts[i + 1]]},
                           neuron=i, seed=int(run["seed"]),
                           context=int(run["raster_context"]))
            for i in range(N)]
    return trains
