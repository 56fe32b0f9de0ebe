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
import os
import platform as _platform
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from jsonschema import Draft202012Validator

from . import jsonio
from ._resources import list_presets, read_schema
from ._version import __version__
from .config import ConfigError, load_config, schedule_of, validate_config
from .experiments.catalog import names as figure_names
from .experiments.catalog import results_of

__all__ = [
    "SCHEMA_VERSION",
    "SCHEMA_NAME",
    "SUMMARY_NAME",
    "VOLATILE_KEYS",
    "ArtifactError",
    "artifact_name",
    "network_name",
    "build_artifact",
    "validate_artifact",
    "write_artifact",
    "read_artifact",
    "read_header",
    "find_artifacts",
    "same_run",
    "comparable",
    "utc_now",
    "platform_info",
    "summarize",
    "validate_summary",
    "write_summary",
    "write_json_atomic",
    "write_bytes_atomic",
    "temporary_sibling",
]

#: Version of the artifact layout written by this package; every version from
#: 1 up to it is read (2 added ``context_tests``, the Figure 2 tests; 3 added
#: ``diverged_at``).  ``data_sha256`` and ``inputs``, written only by the
#: ``trajectory`` figure, came within version 3: no artifact of an earlier
#: figure changes, and an older lttb, which cannot read them, does not know
#: that figure either.
SCHEMA_VERSION = 3
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


def network_name(seed: int) -> str:
    """File name of a seed's trained network, beside its artifact: ``seed-NNNN.npz``."""
    return f"seed-{int(seed):04d}.npz"


def checkpoint_name(seed: int) -> str:
    """File name of a running task's checkpoint, beside its artifact-to-be.

    ``seed-NNNN.checkpoint.npz``: written by a protocol that checkpoints
    (Figure 3) while its task runs, removed once the artifact is written.
    """
    return f"seed-{int(seed):04d}.checkpoint.npz"


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

def platform_info(runtime: Mapping[str, str] | None = None) -> dict[str, str]:
    """Interpreter, OS and NumPy versions; deliberately no host name or path.

    Parameters
    ----------
    runtime : mapping, optional
        How the engine ran, e.g. :func:`lttb.model.engines.runtime_info`:
        ``threads`` (threads per trial) and ``kernels`` (SIMD path of the
        compiled core).  They tell how to read ``wall_seconds``, not the
        results, which they do not change.
    """
    info = {
        "python": _platform.python_version(),
        "implementation": _platform.python_implementation(),
        "system": _platform.system(),
        "release": _platform.release(),
        "machine": _platform.machine(),
        "numpy": np.__version__,
    }
    info.update({str(k): str(v) for k, v in (runtime or {}).items()})
    return info


def utc_now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def build_artifact(figure: str, cfg: Mapping[str, Any], result: Mapping[str, Any],
                   wall_seconds: float, *, runtime: Mapping[str, str] | None = None,
                   data_sha256: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Assemble a seed's artifact from a protocol result.

    Parameters
    ----------
    figure : str
        Name of the figure protocol, e.g. ``"fig1"``; its ``results`` module
        (:mod:`lttb.experiments.catalog`) names the keys kept from `result`.
    cfg : mapping
        The complete configuration the seed ran with.
    result : mapping
        What the figure's protocol returned.
    wall_seconds : float
        Wall-clock time of the protocol.
    runtime : mapping, optional
        How the engine ran (see :func:`platform_info`).
    data_sha256 : mapping, optional
        Name -> SHA-256 of each data array the protocol was given (the files
        of ``lttb-reproduce trajectory``, :func:`lttb.arrays_io.array_sha256`);
        recorded as ``data_sha256`` after ``config``.

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
        "created": utc_now(),
        "platform": platform_info(runtime),
        "figure": str(figure),
        "seed": int(result["seed"]),
        "config": dict(cfg),
    }
    if data_sha256:
        artifact["data_sha256"] = dict(data_sha256)
    artifact |= {
        "schedule": dict(result["schedule"]),
        "wall_seconds": float(wall_seconds),
    }
    for key in results_of(str(figure)).RESULT_KEYS:
        if key in result:
            artifact[key] = result[key]
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


def _config_rules(figure: str) -> tuple[Callable[[Mapping[str, Any]], dict[str, Any]],
                                         Callable[[Mapping[str, Any]], dict[str, Any]]]:
    """How an artifact of `figure` checks its configuration and derives its schedule.

    A figure whose configuration is not Figure 1's kind (Figure 3: two
    networks and an environment) says so in its ``results`` module with
    ``validate_config(config) -> cfg`` (raising :class:`ConfigError`) and
    ``schedule_of(cfg) -> dict``; the others use :mod:`lttb.config`'s, on the
    configuration completed with keys added since the artifact was written.
    """
    results = results_of(figure)
    own = getattr(results, "validate_config", None)
    if own is not None:
        return own, results.schedule_of
    return (lambda config: validate_config(_complete_config({"figure": figure,
                                                             "config": config})),
            schedule_of)


def schedule_for(figure: str, cfg: Mapping[str, Any]) -> dict[str, Any]:
    """The schedule a configuration of `figure` asks for (its own ``schedule_of``, if any)."""
    return _config_rules(figure)[1](cfg)


def task_cost(figure: str, cfg: Mapping[str, Any]) -> float | None:
    """Rough relative run time of a task of `figure` (its ``task_cost``), or ``None``."""
    own = getattr(results_of(figure), "task_cost", None)
    return None if own is None else float(own(cfg))


def _consistency_problems(artifact: Mapping[str, Any]) -> list[str]:
    """Cross-field rules a JSON schema cannot express: the common ones, then the figure's."""
    validate, schedule = _config_rules(artifact["figure"])
    try:
        cfg = validate(artifact["config"])
    except ConfigError as exc:
        return ["config: " + "; ".join(str(exc).splitlines())]
    problems = []
    if artifact["schedule"] != schedule(cfg):
        problems.append("schedule does not follow from the config")
    return problems + results_of(artifact["figure"]).problems(artifact, cfg)


def _raise_schema_errors(validator, instance: Any, what: str,
                         path: str | os.PathLike | None = None) -> None:
    """Raise :class:`ArtifactError` with the first violation of `validator`'s schema, if any."""
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ArtifactError(f"does not match the {what} schema at {_where(first)}: "
                            f"{_short(first.message)}{more}", path)


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
    _raise_schema_errors(_validator(), artifact, "artifact", path)
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


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write `data` to `path` so that the file is either complete or absent.

    The bytes go to a hidden temporary file in the same directory (same file
    system, so the rename is atomic), are flushed to disk, and replace `path`
    with :func:`os.replace`.  On any failure, including ``KeyboardInterrupt``,
    the temporary file is removed.

    Parameters
    ----------
    path : path-like
    data : bytes

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    tmp = temporary_sibling(path)
    try:
        # Mode "x" (not mkstemp) so the file gets the usual permissions.
        with open(tmp, "xb") as handle:
            handle.write(data)
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


def write_json_atomic(path: str | os.PathLike, data: Mapping[str, Any]) -> Path:
    """Write JSON to `path` so that the file is either complete or absent.

    One top-level key per line (see :func:`write_bytes_atomic` for how).

    Parameters
    ----------
    path : path-like
    data : mapping

    Returns
    -------
    pathlib.Path
    """
    return write_bytes_atomic(path, _dumps(data).encode("utf-8"))


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
        # Artifacts may be large (no size limit), never deep.
        text = jsonio.read_text(path, max_bytes=None)
    except jsonio.InputError as exc:
        raise ArtifactError(str(exc), path) from None
    except OSError as exc:
        raise ArtifactError(f"cannot be read ({exc.strerror or exc})", path) from None
    try:
        data = jsonio.loads(text, parse_constant=_refuse_constant)
    except jsonio.InputError as exc:
        raise ArtifactError(str(exc), path) from None
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


def read_header(path: str | os.PathLike) -> dict[str, Any]:
    """The ``figure``, ``config``, ``schedule`` (and ``data_sha256``) of an artifact, cheaply.

    For comparing many artifacts with a run cheaply; :func:`read_artifact`
    is the one that vouches for a file.

    Raises
    ------
    ArtifactError
        If the file is not JSON or lacks these keys.
    """
    path = Path(path)
    try:
        data = jsonio.loads(jsonio.read_text(path, max_bytes=None),
                            parse_constant=_refuse_constant)
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"cannot be read as JSON ({exc})", path) from None
    if not (isinstance(data, dict) and isinstance(data.get("figure"), str)
            and isinstance(data.get("config"), dict) and isinstance(data.get("schedule"), dict)):
        raise ArtifactError("has no figure, config and schedule", path)
    header = {key: data[key] for key in ("figure", "config", "schedule")}
    if "data_sha256" in data:
        header["data_sha256"] = data["data_sha256"]
    return header


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

def same_run(artifact: Mapping[str, Any], figure: str, cfg: Mapping[str, Any],
             data_sha256: Mapping[str, str] | None = None) -> list[str]:
    """How an existing artifact differs from the run about to be made.

    Parameters
    ----------
    artifact : mapping
        A valid artifact.
    figure : str
    cfg : mapping
        The complete configuration of the new run.
    data_sha256 : mapping, optional
        Digests of the new run's data arrays (its files), by name.

    Returns
    -------
    list of str
        Empty when the artifact was made by the same figure protocol, with the
        same configuration, schedule and data files; otherwise what differs
        (configuration keys and data files are named).
    """
    differences = []
    if artifact["figure"] != figure:
        differences.append(f"figure {artifact['figure']!r} instead of {figure!r}")
    old = artifact["config"]
    keys = [key for key in dict.fromkeys([*cfg, *old]) if old.get(key) != cfg.get(key)]
    if keys:
        differences.append("config keys " + ", ".join(keys))
    if artifact["schedule"] != _config_rules(figure)[1](cfg):
        differences.append("schedule")
    # A changed file is a changed run, as a changed configuration is.
    old_data, new_data = artifact.get("data_sha256") or {}, dict(data_sha256 or {})
    names = [name for name in dict.fromkeys([*new_data, *old_data])
             if old_data.get(name) != new_data.get(name)]
    if names:
        differences.append("data files " + ", ".join(f"--{name}" for name in names))
    return differences


def comparable(artifact: Mapping[str, Any]) -> dict[str, Any]:
    """The artifact without the keys that legitimately vary between runs."""
    return {key: value for key, value in artifact.items() if key not in VOLATILE_KEYS}


# --------------------------------------------------------------------------- summary

def summarize(artifacts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The summary of a set of seeds (``summary.json``).

    Parameters
    ----------
    artifacts : iterable of mapping
        Valid artifacts.

    Returns
    -------
    dict
        ``schema_version``, ``lttb_version``, ``created``, ``figure_names`` (the
        figure names present), ``seeds``, then what each figure present adds
        (its ``results.summarize`` of all the artifacts, in catalog order:
        Figure 1's ``final_outer_mse`` per seed, ``mean``, ``sd``, ``n``;
        Figure 2 adds ``context_tests``), and ``total_wall_seconds``.
    """
    items = sorted(artifacts, key=lambda a: (a["figure"], a["seed"]))
    present = {a["figure"] for a in items}
    summary: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "lttb_version": __version__,
        "created": utc_now(),
        "figure_names": sorted(present),
        "seeds": [a["seed"] for a in items],
    }
    known = [name for name in figure_names() if name in present]
    for name in known or ([sorted(present)[0]] if present else ["fig1"]):
        summary.update(results_of(name).summarize(items))
    summary["total_wall_seconds"] = float(sum(a["wall_seconds"] for a in items))
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
    _raise_schema_errors(_validator(SUMMARY_SCHEMA_NAME), summary, "summary")


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
