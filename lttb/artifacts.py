"""Seed artifacts and run summaries: building, validating, writing and reading.

An artifact is one JSON file per seed (``seed-0003.json``) that holds all a
figure needs, so that figures can be redrawn without simulating.  Its layout
is ``schemas/artifact.schema.json`` (JSON Schema, Draft 2020-12), checked on
write and on read, together with shape checks against the artifact's own
configuration.

Files are written atomically: a temporary file in the same directory, then
:func:`os.replace`, so an interrupted run never leaves a half-written
artifact under the final name.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import math
import os
import platform as _platform
import re
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from jsonschema import Draft202012Validator

from ._resources import list_presets, read_schema
from ._version import __version__
from .config import ConfigError, load_config, validate_config
from .fig2 import context_tests_problems, summarize_context_tests
from .protocol import mean_sd, schedule_of
from .protocol import nested_shape as _shape

__all__ = [
    "SCHEMA_VERSION",
    "SCHEMA_NAME",
    "SUMMARY_NAME",
    "VOLATILE_KEYS",
    "ArtifactError",
    "artifact_name",
    "build_artifact",
    "validate_artifact",
    "write_artifact",
    "read_artifact",
    "find_artifacts",
    "same_run",
    "summarize",
    "validate_summary",
    "write_summary",
    "write_json_atomic",
    "temporary_sibling",
]

#: Version of the artifact layout written by this package; every version from
#: 1 up to it is read (2 added ``context_tests``, the Figure 2 tests).
SCHEMA_VERSION = 2
SCHEMA_NAME = "artifact.schema.json"
SUMMARY_NAME = "summary.json"
SUMMARY_SCHEMA_NAME = "summary.schema.json"
#: Keys that legitimately differ between two runs of the same seed and config.
VOLATILE_KEYS = frozenset({"created", "wall_seconds", "platform"})

_ARTIFACT_RE = re.compile(r"^seed-(\d+)\.json$")
_ARTIFACT_GLOB = "seed-*.json"


class ArtifactError(ValueError):
    """A file that is not a valid artifact (or an artifact that cannot be written).

    Parameters
    ----------
    reason : str
        What is wrong, in one line.
    path : path-like, optional
        The file concerned.

    Attributes
    ----------
    reason : str
    path : pathlib.Path or None
    """

    def __init__(self, reason: str, path: str | os.PathLike | None = None) -> None:
        self.reason = reason
        self.path = None if path is None else Path(path)
        super().__init__(reason if path is None else f"{self.path.name}: {reason}")

    def __reduce__(self):
        return (type(self), (self.reason, self.path))


# --------------------------------------------------------------------------- naming

def artifact_name(seed: int) -> str:
    """File name of a seed's artifact, e.g. ``seed-0003.json``."""
    return f"seed-{int(seed):04d}.json"


def find_artifacts(directory: str | os.PathLike) -> list[Path]:
    """Artifact files of a directory (``seed-<digits>.json``), by seed.

    Parameters
    ----------
    directory : path-like

    Returns
    -------
    list of pathlib.Path
        Sorted by seed number; temporary files of interrupted writes (hidden,
        ``.tmp``) never match.
    """
    found = []
    for path in Path(directory).glob(_ARTIFACT_GLOB):
        match = _ARTIFACT_RE.match(path.name)
        if match and path.is_file():
            found.append((int(match.group(1)), path.name, path))
    return [path for _, _, path in sorted(found)]


# --------------------------------------------------------------------------- building

def platform_info() -> dict[str, str]:
    """Interpreter, OS and NumPy versions; deliberately no host name or path.

    Also how the core ran (which tell how to read ``wall_seconds``, not the
    results, which they do not change): ``threads``, the threads of each
    trial (:func:`lttb.network.default_threads` of the process that ran the
    seed), and ``kernels``, the SIMD path of the compiled core.
    """
    from . import _core
    from .network import default_threads

    return {
        "python": _platform.python_version(),
        "implementation": _platform.python_implementation(),
        "system": _platform.system(),
        "release": _platform.release(),
        "machine": _platform.machine(),
        "numpy": np.__version__,
        "threads": str(default_threads() if _core.openmp_enabled() else 1),
        "kernels": _core.kernels_in_use(),
    }


def _utc_now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def build_artifact(figure: str, cfg: Mapping[str, Any], result: Mapping[str, Any],
                   wall_seconds: float) -> dict[str, Any]:
    """Assemble a seed's artifact from a protocol result.

    Parameters
    ----------
    figure : str
        Name of the figure protocol, e.g. ``"fig1"``.
    cfg : mapping
        The complete configuration the seed ran with.
    result : mapping
        What :func:`lttb.protocol.run_schedule` returned.
    wall_seconds : float
        Wall-clock time of the protocol.

    Returns
    -------
    dict
        The artifact, keys in a fixed order, validated.

    Raises
    ------
    ArtifactError
        If the result does not make a valid artifact.
    """
    artifact = {
        "schema_version": SCHEMA_VERSION,
        "lttb_version": __version__,
        "created": _utc_now(),
        "platform": platform_info(),
        "figure": str(figure),
        "seed": int(result["seed"]),
        "config": dict(cfg),
        "schedule": dict(result["schedule"]),
        "wall_seconds": float(wall_seconds),
    }
    for key in ("targets", "contexts", "context_trace", "output_first_bin", "outputs",
                "test_iterations", "outer_mse", "inner_error", "full_test_mse",
                "final_outer_mse", "raster_context", "spikes", "bursts"):
        artifact[key] = result[key]
    if "context_tests" in result:  # Figure 2 (schema version 2)
        artifact["context_tests"] = result["context_tests"]
    validate_artifact(artifact)
    return artifact


# --------------------------------------------------------------------------- validation

@functools.lru_cache(maxsize=None)
def _validator(name: str = SCHEMA_NAME) -> Draft202012Validator:
    schema = read_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _where(error) -> str:
    path = "/".join(str(part) for part in error.absolute_path)
    return path or "top level"




def _complete_config(artifact: Mapping[str, Any]) -> dict[str, Any]:
    """The artifact's configuration, with keys added to lttb since it was written.

    A configuration key introduced later is taken from the preset of the
    artifact's figure (or ``fig1``), so that old artifacts stay readable;
    unknown keys are still reported by :func:`validate_config`.
    """
    config = dict(artifact["config"])
    preset = artifact["figure"] if artifact["figure"] in list_presets() else "fig1"
    defaults = load_config(preset)
    for key, value in defaults.items():
        config.setdefault(key, value)
    return config


def _consistency_problems(artifact: Mapping[str, Any]) -> list[str]:
    """Cross-field rules a JSON schema cannot express (shapes from the config)."""
    try:
        cfg = validate_config(_complete_config(artifact))
    except ConfigError as exc:
        return ["config: " + "; ".join(str(exc).splitlines())]
    problems = []
    if artifact["schedule"] != schedule_of(cfg):
        problems.append("schedule does not follow from the config")
    n_ctx, O, T, N = cfg["n_contexts"], cfg["O"], cfg["T"], cfg["N"]
    n_tests = artifact["schedule"]["n_tests"]
    width = T - 3
    expected = {
        "targets": (n_ctx, O, T),
        "context_trace": (n_ctx, n_ctx, T),
        "outputs/teacher_on": (n_ctx, O, width),
        "outputs/teacher_off": (n_ctx, O, width),
        "full_test_mse/teacher_on": (n_ctx, n_ctx),
        "full_test_mse/teacher_off": (n_ctx, n_ctx),
        "outer_mse": (n_tests, n_ctx) if n_tests else (0,),
        "inner_error": (n_tests,),
        "test_iterations": (n_tests,),
        "contexts": (n_ctx,),
    }
    for where, shape in expected.items():
        value = artifact
        for part in where.split("/"):
            value = value[part]
        got = _shape(value)
        if got != shape:
            problems.append(f"{where}: shape {got if got is not None else 'ragged'}, "
                            f"expected {shape} for its config")
    every = artifact["schedule"]["test_every"]
    if artifact["test_iterations"] != [every * (i + 1) for i in range(n_tests)]:
        problems.append("test_iterations do not follow the schedule")
    if not 0 <= artifact["raster_context"] < n_ctx:
        problems.append(f"raster_context {artifact['raster_context']} out of range")
    for key in ("spikes", "bursts"):
        bad = [pair for pair in artifact[key] if pair[0] >= N or pair[1] >= T]
        if bad:
            problems.append(f"{key}: [neuron, bin] {bad[0]} outside {N} neurons x {T} bins")
    problems += context_tests_problems(artifact, cfg)
    return problems


def validate_artifact(artifact: Any, path: str | os.PathLike | None = None) -> None:
    """Check an artifact against the schema and its own configuration.

    Parameters
    ----------
    artifact : object
        A parsed artifact.
    path : path-like, optional
        Where it came from, for messages.

    Raises
    ------
    ArtifactError
        With the first problem found: a ``schema_version`` newer than this
        package supports, a schema violation (with its location), an invalid
        configuration, or a shape that does not match the configuration.
    """
    if not isinstance(artifact, dict):
        raise ArtifactError(f"not an artifact: the top level is a JSON "
                            f"{type(artifact).__name__}, not an object", path)
    version = artifact.get("schema_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        raise ArtifactError(f"schema_version {version} is newer than this lttb "
                            f"({__version__}) can read (up to {SCHEMA_VERSION}); "
                            f"upgrade lttb", path)
    errors = sorted(_validator().iter_errors(artifact), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ArtifactError(f"does not match the artifact schema at {_where(first)}: "
                            f"{_short(first.message)}{more}", path)
    problems = _consistency_problems(artifact)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ArtifactError(f"inconsistent with its config: {problems[0]}{more}", path)


def _short(message: str, limit: int = 160) -> str:
    # jsonschema quotes the whole offending instance, which for an array of a
    # thousand numbers is a wall of text.
    return message if len(message) <= limit else message[:limit - 3] + "..."


# --------------------------------------------------------------------------- JSON I/O

def _dumps(data: Mapping[str, Any]) -> str:
    """One top-level key per line, values compact.

    ``json`` writes floats with ``repr``, the shortest text that reads back
    to the same double, so nothing is rounded.  ``allow_nan=False`` turns a
    stray NaN into an error rather than invalid JSON.
    """
    lines = [f"  {json.dumps(key)}: "
             f"{json.dumps(value, separators=(',', ':'), allow_nan=False)}"
             for key, value in data.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def temporary_sibling(path: str | os.PathLike) -> Path:
    """A fresh hidden name beside `path` for writing it atomically.

    The name starts with a dot and ends in ``.tmp``, so it never looks like
    an artifact; it is unique per process and call.
    """
    path = Path(path)
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def write_json_atomic(path: str | os.PathLike, data: Mapping[str, Any]) -> Path:
    """Write JSON to `path` so that the file is either complete or absent.

    The text goes to a hidden temporary file in the same directory (same
    file system, so the rename is atomic), is flushed to disk, and replaces
    `path` with :func:`os.replace`.  On any failure, including
    ``KeyboardInterrupt``, the temporary file is removed.

    Parameters
    ----------
    path : path-like
    data : mapping

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    text = _dumps(data)
    tmp = temporary_sibling(path)
    try:
        # Mode "x" (not mkstemp) so the file gets the usual permissions.
        with open(tmp, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def write_artifact(directory: str | os.PathLike, artifact: Mapping[str, Any]) -> Path:
    """Validate an artifact and write it atomically as ``seed-NNNN.json``.

    Parameters
    ----------
    directory : path-like
        Existing output directory.
    artifact : mapping

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ArtifactError
        If the artifact is invalid; nothing is written then.
    """
    artifact = dict(artifact)
    validate_artifact(artifact)
    return write_json_atomic(Path(directory) / artifact_name(artifact["seed"]), artifact)


def read_artifact(path: str | os.PathLike) -> dict[str, Any]:
    """Read and validate one artifact.

    Parameters
    ----------
    path : path-like

    Returns
    -------
    dict

    Raises
    ------
    ArtifactError
        If the file cannot be read, is not JSON (e.g. truncated), has a newer
        ``schema_version``, or is not a valid artifact; ``str()`` starts with
        the file name and gives the reason.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ArtifactError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path) from None
    except OSError as exc:
        raise ArtifactError(f"cannot be read ({exc.strerror or exc})", path) from None
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        hint = " (truncated?)" if _cut_short(text, exc.pos) else ""
        raise ArtifactError(f"not valid JSON{hint}: {exc.msg} at line {exc.lineno}, "
                            f"column {exc.colno}", path) from None
    except ValueError as exc:
        raise ArtifactError(f"not valid JSON: {exc}", path) from None
    validate_artifact(data, path)
    match = _ARTIFACT_RE.match(path.name)
    if match and int(match.group(1)) != data["seed"]:
        raise ArtifactError(f"holds seed {data['seed']}, not the seed of its file name", path)
    return data


def _cut_short(text: str, pos: int) -> bool:
    """Whether a JSON error at `pos` looks like the end of a truncated file.

    The parser reports an unfinished number, literal or string at the start
    of that token (``[1.`` fails at the dot), not at the end of the text, so
    the error need not be at the end: it is enough that nothing structural
    follows it.
    """
    rest = text[pos:].rstrip()
    return not any(char in rest[1:] for char in ",:]}\n")


def _refuse_constant(name: str):
    # Python's json reads NaN/Infinity, which are not JSON; an artifact must
    # not contain them.
    raise ValueError(f"{name} is not a JSON value")


# --------------------------------------------------------------------------- comparing

def same_run(artifact: Mapping[str, Any], figure: str, cfg: Mapping[str, Any]) -> list[str]:
    """How an existing artifact differs from the run about to be made.

    Parameters
    ----------
    artifact : mapping
        A valid artifact.
    figure : str
    cfg : mapping
        The complete configuration of the new run.

    Returns
    -------
    list of str
        Empty when the artifact was made by the same figure protocol, with the
        same configuration and schedule; otherwise what differs (configuration
        keys are named).
    """
    differences = []
    if artifact["figure"] != figure:
        differences.append(f"figure {artifact['figure']!r} instead of {figure!r}")
    old = artifact["config"]
    keys = [key for key in dict.fromkeys([*cfg, *old]) if old.get(key) != cfg.get(key)]
    if keys:
        differences.append("config keys " + ", ".join(keys))
    if artifact["schedule"] != schedule_of(cfg):
        differences.append("schedule")
    return differences


def comparable(artifact: Mapping[str, Any]) -> dict[str, Any]:
    """The artifact without the keys that legitimately vary between runs."""
    return {key: value for key, value in artifact.items() if key not in VOLATILE_KEYS}


# --------------------------------------------------------------------------- summary

def _finite(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def summarize(artifacts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Final outer MSE of each seed, with their mean and standard deviation.

    Parameters
    ----------
    artifacts : iterable of mapping
        Valid artifacts.

    Returns
    -------
    dict
        ``schema_version``, ``lttb_version``, ``created``, ``figure_names`` (the
        figure names present), ``seeds``, ``final_outer_mse`` (one entry per
        seed: ``seed``, ``final_outer_mse``, ``wall_seconds``, ``file``),
        ``mean``, ``sd`` (sample standard deviation, ``ddof=1``; ``null`` for
        fewer than two seeds), ``n`` and ``total_wall_seconds``.  Seeds whose
        final MSE is ``null`` are listed but left out of the statistics.
        When some artifacts hold Figure 2 tests, also ``context_tests``
        (see :func:`lttb.fig2.summarize_context_tests`).
    """
    items = sorted(artifacts, key=lambda a: (a["figure"], a["seed"]))
    per_seed = [{"seed": a["seed"], "final_outer_mse": _finite(a["final_outer_mse"]),
                 "wall_seconds": a["wall_seconds"], "file": artifact_name(a["seed"])}
                for a in items]
    mean, sd, n = mean_sd(p["final_outer_mse"] for p in per_seed)
    summary = {
        "schema_version": SCHEMA_VERSION,
        "lttb_version": __version__,
        "created": _utc_now(),
        "figure_names": sorted({a["figure"] for a in items}),
        "seeds": [a["seed"] for a in items],
        "final_outer_mse": per_seed,
        "mean": mean,
        "sd": sd,
        "n": n,
        "total_wall_seconds": float(sum(a["wall_seconds"] for a in items)),
    }
    context = summarize_context_tests(items)
    if context is not None:
        summary["context_tests"] = context
    return summary


def validate_summary(summary: Any) -> None:
    """Check a summary against ``schemas/summary.schema.json``.

    Parameters
    ----------
    summary : object
        What :func:`summarize` returned (or a parsed ``summary.json``).

    Raises
    ------
    ArtifactError
        With the first schema violation and its location.
    """
    errors = sorted(_validator(SUMMARY_SCHEMA_NAME).iter_errors(summary),
                    key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ArtifactError(f"does not match the summary schema at {_where(first)}: "
                            f"{_short(first.message)}{more}")


def write_summary(directory: str | os.PathLike, artifacts: Iterable[Mapping[str, Any]]) -> Path:
    """Write ``summary.json`` (see :func:`summarize`) atomically into `directory`.

    Parameters
    ----------
    directory : path-like
        Existing output directory.
    artifacts : iterable of mapping
        Valid artifacts.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ArtifactError
        If the summary does not match its schema; nothing is written then.
    """
    summary = summarize(artifacts)
    validate_summary(summary)
    return write_json_atomic(Path(directory) / SUMMARY_NAME, summary)
