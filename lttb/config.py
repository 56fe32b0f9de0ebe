"""Model configuration: presets, configuration files, overrides and validation.

A configuration is a plain :class:`dict` holding every key of
``schemas/config.schema.json`` (network sizes, time constants, weight scales,
learning rates, fixed constants, model variants and training schedule).

Sources, applied in this order by :func:`load_config`:

1. a preset shipped with the package (``"fig1"``, ``"fig2"``), or the preset
   named by the ``"base"`` key of a configuration file (default ``"fig1"``,
   or the ``default_base`` given to :func:`load_config`);
2. the other keys of that configuration file, if one is given;
3. keyword overrides.

At steps 2 and 3 :func:`derive_sizes` fills in ``Ne`` and ``Ni`` when only
``N`` is changed. The result is checked by :func:`validate_config`, which
reports every problem at once in a :class:`ConfigError`.
"""

from __future__ import annotations

import difflib
import functools
import json
import math
import numbers
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from jsonschema import Draft202012Validator

from . import jsonio
from ._resources import list_presets, preset_path, read_schema

__all__ = [
    "ConfigError",
    "load_config",
    "validate_config",
    "apply_overrides",
    "derive_sizes",
    "parse_override",
    "list_presets",
    "schedule_of",
    "format_value",
    "THREADS_VARIABLE",
]

SCHEMA_NAME = "config.schema.json"
#: Environment variable giving the number of threads a trial runs on by
#: default (:func:`lttb.model.engines.default_threads`); worker processes get
#: theirs through it.
THREADS_VARIABLE = "LTTB_NUM_THREADS"
DEFAULT_BASE = "fig1"
#: Fraction of excitatory neurons used by :func:`derive_sizes` (400 of 500 in the paper).
EXCITATORY_FRACTION = 0.8

_TYPE_WORDS = {
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "boolean": "a boolean",
    "object": "an object",
    "array": "an array",
    "null": "null",
}
_TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
_FALSE_WORDS = frozenset({"false", "no", "off", "0"})


class ConfigError(ValueError):
    """An invalid configuration, or one that could not be read.

    Parameters
    ----------
    errors : list of (str or None, str) or str
        The problems found, each a ``(key, message)`` pair. ``key`` is the
        configuration key concerned, or ``None`` for a problem that is not
        about one key (an unreadable file, an unknown preset name). A plain
        string is taken as a single problem without a key.

    Attributes
    ----------
    errors : list of (str or None, str)
        Every problem, in a stable order.

    Notes
    -----
    ``str(error)`` has one line per problem, ``"key: message"`` (or just the
    message when there is no key), e.g. ``"N: must be >= 1 (got 0)"``.
    """

    def __init__(self, errors: list[tuple[str | None, str]] | str) -> None:
        if isinstance(errors, str):
            errors = [(None, errors)]
        self.errors: list[tuple[str | None, str]] = [(key, str(msg)) for key, msg in errors]
        super().__init__(self._render())

    def _render(self) -> str:
        return "\n".join(msg if key is None else f"{key}: {msg}" for key, msg in self.errors)

    def __str__(self) -> str:
        return self._render()

    def __reduce__(self):
        # Rebuild from the structured errors so the exception survives pickling
        # (e.g. when raised inside a multiprocessing worker).
        return (type(self), (self.errors,))


# --------------------------------------------------------------------------- schema

@functools.lru_cache(maxsize=1)
def _schema_and_validator() -> tuple[dict[str, Any], Draft202012Validator]:
    schema = read_schema(SCHEMA_NAME)
    return schema, Draft202012Validator(schema)


def _properties() -> dict[str, Any]:
    return _schema_and_validator()[0]["properties"]


def _presets_text() -> str:
    return ", ".join(list_presets()) or "none"


def _unknown_key_message(key: Any) -> str:
    message = f"unknown key {key!r}"
    if isinstance(key, str):
        close = difflib.get_close_matches(key, list(_properties()), n=1)
        if close:
            message += f" (did you mean {close[0]!r}?)"
    return message


# --------------------------------------------------------------------------- validation

def _plain(value: Any) -> Any:
    # NumPy scalars (e.g. from a parameter sweep) are not ints/floats to
    # jsonschema; turn them into the equivalent Python objects first.
    if isinstance(value, np.generic):
        return value.item()
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _describe(error) -> str:
    """One jsonschema error about a single key, as a short rule statement."""
    kind, rule, got = error.validator, error.validator_value, error.instance
    if kind == "type":
        expected = rule if isinstance(rule, str) else " or ".join(rule)
        return f"must be {_TYPE_WORDS.get(expected, expected)} (got {got!r})"
    if kind == "minimum":
        return f"must be >= {rule} (got {got!r})"
    if kind == "exclusiveMinimum":
        return f"must be > {rule} (got {got!r})"
    if kind == "maximum":
        return f"must be <= {rule} (got {got!r})"
    if kind == "exclusiveMaximum":
        return f"must be < {rule} (got {got!r})"
    if kind == "enum":
        choices = ", ".join(repr(c) for c in rule)
        return f"must be one of {choices} (got {got!r})"
    return error.message


def _schema_errors(cfg: dict[str, Any]) -> list[tuple[str | None, str]]:
    schema, validator = _schema_and_validator()
    properties = schema["properties"]
    order = {key: i for i, key in enumerate(properties)}

    unknown = [(key, _unknown_key_message(key)) for key in cfg if key not in properties]
    missing = [(key, "missing (every key is required)") for key in schema.get("required", [])
               if key not in cfg]

    per_key: dict[str, list[tuple[str, str]]] = {}
    other: list[tuple[str | None, str]] = []
    for error in validator.iter_errors(cfg):
        if not error.path:
            # Root-level problems (unknown / missing keys) are listed above, one
            # line per key rather than one jsonschema message for all of them.
            if error.validator not in ("additionalProperties", "required"):
                other.append((None, error.message))
            continue
        key = str(error.path[0])
        per_key.setdefault(key, []).append((error.validator, _describe(error)))

    by_key: list[tuple[str | None, str]] = []
    for key in sorted(per_key, key=lambda k: order.get(k, len(order))):
        found = per_key[key]
        # A wrong type makes the bound/enum messages for the same value noise.
        typed = [msg for kind, msg in found if kind == "type"]
        by_key.extend((key, msg) for msg in (typed or [msg for _, msg in found]))

    # NaN passes every bound check (all comparisons are false), so numbers must
    # be checked for finiteness explicitly.
    for key in properties:
        value = cfg.get(key)
        if (key not in per_key and isinstance(value, float) and not math.isfinite(value)):
            by_key.append((key, f"must be a finite number (got {value!r})"))
    by_key.sort(key=lambda item: order.get(item[0], len(order)))
    return unknown + missing + by_key + other


def _cross_field_errors(cfg: dict[str, Any]) -> list[tuple[str | None, str]]:
    n, ne, ni = (_as_size(cfg.get(k)) for k in ("N", "Ne", "Ni"))
    if None not in (n, ne, ni) and ne + ni != n:
        return [("N", f"Ne + Ni must equal N ({ne} + {ni} != {n})")]
    return []


def _typed(cfg: dict[str, Any]) -> dict[str, Any]:
    """Fresh dict in schema order, integer keys as int and number keys as float."""
    out: dict[str, Any] = {}
    for key, spec in _properties().items():
        value = cfg[key]
        kind = spec.get("type")
        if kind == "integer":
            value = int(value)  # JSON Schema counts 500.0 as an integer
        elif kind == "number":
            value = float(value)
        out[key] = value
    return out


def validate_config(cfg: Mapping[str, Any]) -> dict[str, Any]:
    """Check a complete configuration against the schema and cross-field rules.

    Every violation is collected before raising: unknown keys, missing keys,
    wrong types (a boolean is not a number; integer keys need integers),
    bounds, non-finite numbers, and ``Ne + Ni == N``.

    Parameters
    ----------
    cfg : mapping
        A configuration holding every key of the schema. NumPy scalars are
        accepted and converted to Python numbers.

    Returns
    -------
    dict
        A new dict with the keys in schema order; integer-typed keys hold
        :class:`int` and number-typed keys :class:`float`.

    Raises
    ------
    ConfigError
        Listing every violation, each naming the key, the value and the rule.
    """
    if not isinstance(cfg, Mapping):
        raise ConfigError(f"a configuration must be a mapping of keys to values "
                          f"(got {type(cfg).__name__})")
    plain = {key: _plain(value) for key, value in cfg.items()}
    errors = _schema_errors(plain) + _cross_field_errors(plain)
    if errors:
        raise ConfigError(errors)
    return _typed(plain)


# --------------------------------------------------------------------------- overrides

def apply_overrides(cfg: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of `cfg` with the keys of `overrides` replaced or added.

    No validation is done here (unknown keys are reported by
    :func:`validate_config`), and :func:`derive_sizes` is not applied.

    Parameters
    ----------
    cfg : mapping
        The configuration to start from; it is not modified.
    overrides : mapping
        Keys and new values.

    Returns
    -------
    dict
        The merged configuration.
    """
    merged = dict(cfg)
    merged.update(overrides)
    return merged


def _as_size(value: Any) -> int | None:
    value = _plain(value)
    if _is_int(value):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def derive_sizes(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Fill in the excitatory/inhibitory split when only ``N`` is overridden.

    If `overrides` sets ``N`` (to a positive integer) and sets neither ``Ne``
    nor ``Ni``, then ``Ne = round(0.8 * N)`` and ``Ni = N - Ne`` are added, the
    split of both paper presets. Otherwise the overrides are returned unchanged
    (as a copy), so that an explicit ``Ne`` or ``Ni`` is never second-guessed
    and a bad ``N`` is left for :func:`validate_config` to report.

    Parameters
    ----------
    overrides : mapping
        Overridden keys and values.

    Returns
    -------
    dict
        A new dict: `overrides`, plus ``Ne`` and ``Ni`` when derived.

    Examples
    --------
    >>> derive_sizes({"N": 1000})
    {'N': 1000, 'Ne': 800, 'Ni': 200}
    >>> derive_sizes({"N": 1000, "Ne": 900})
    {'N': 1000, 'Ne': 900}
    """
    out = dict(overrides)
    if "N" in out and "Ne" not in out and "Ni" not in out:
        n = _as_size(out["N"])
        if n is not None and n >= 1:
            ne = round(EXCITATORY_FRACTION * n)
            out["Ne"] = ne
            out["Ni"] = n - ne
    return out


def parse_override(key: str, text: str) -> Any:
    """Turn the text of a command-line ``--set key=value`` into a typed value.

    The type comes from the schema: integer keys accept ``"1000"`` (and
    integral spellings such as ``"1e3"``), number keys any finite float,
    boolean keys ``true/false``, ``yes/no``, ``on/off``, ``1/0`` (any case),
    string keys the text as is. Bounds are not checked here; that is
    :func:`validate_config`'s job.

    Parameters
    ----------
    key : str
        A configuration key.
    text : str
        The value as typed on the command line.

    Returns
    -------
    int, float, bool or str
        The parsed value.

    Raises
    ------
    ConfigError
        If `key` is not a configuration key, or `text` cannot be read as the
        key's type.
    """
    properties = _properties()
    if key not in properties:
        raise ConfigError([(key, _unknown_key_message(key))])
    if not isinstance(text, str):
        raise ConfigError([(key, f"expected the value as text (got {text!r})")])
    kind = properties[key].get("type")
    stripped = text.strip()

    if kind == "integer":
        try:
            return int(stripped)
        except ValueError:
            pass
        try:
            number = float(stripped)
        except ValueError:
            number = math.nan
        if math.isfinite(number) and number.is_integer():
            return int(number)
        raise ConfigError([(key, f"cannot parse {text!r} as an integer")])
    if kind == "number":
        try:
            number = float(stripped)
        except ValueError:
            raise ConfigError([(key, f"cannot parse {text!r} as a number")]) from None
        if not math.isfinite(number):
            raise ConfigError([(key, f"must be a finite number (got {text!r})")])
        return number
    if kind == "boolean":
        word = stripped.lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
        raise ConfigError([(key, f"cannot parse {text!r} as a boolean "
                                 f"(use true/false, yes/no, on/off or 1/0)")])
    if kind == "string":
        return stripped
    raise ConfigError([(key, f"cannot parse a value of schema type {kind!r}")])


# --------------------------------------------------------------------------- loading

def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    if isinstance(value, numbers.Number):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return type(value).__name__


def _object_pairs_hook(source: str):
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj: dict[str, Any] = {}
        for key, value in pairs:
            # json silently keeps the last of repeated keys; in a parameter file
            # that hides an edit, so refuse it.
            if key in obj:
                raise ConfigError(f"{source}: duplicate key {key!r}")
            obj[key] = value
        return obj
    return hook


def _parse_json(text: str, source: str) -> Any:
    try:
        return jsonio.loads(text, object_pairs_hook=_object_pairs_hook(source))
    except jsonio.InputError as exc:
        raise ConfigError(f"{source}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{source}: not valid JSON: {exc.msg} "
                          f"(line {exc.lineno}, column {exc.colno})") from None


def _read_preset(name: str) -> dict[str, Any]:
    source = f"preset {name!r}"
    data = _parse_json(preset_path(name).read_text(encoding="utf-8"), source)
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: top level must be a JSON object (got {_json_type(data)})")
    return data


def _read_file(path: Path, default_base: str = DEFAULT_BASE) -> tuple[str, dict[str, Any]]:
    """Read a configuration file; return its base preset name and its own keys."""
    source = f"config file {str(path)!r}"
    try:
        text = jsonio.read_text(path)
    except FileNotFoundError:
        raise ConfigError(f"{source}: no such file") from None
    except jsonio.InputError as exc:
        raise ConfigError(f"{source}: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{source}: cannot be read ({exc.strerror or exc})") from None

    data = _parse_json(text, source)
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: top level must be a JSON object (got {_json_type(data)})")
    base = data.pop("base", default_base)
    if not isinstance(base, str):
        raise ConfigError([("base", f"must be a preset name (got {base!r}) in {source}")])
    if base not in list_presets():
        raise ConfigError([("base", f"unknown preset {base!r} in {source} "
                                    f"(available presets: {_presets_text()})")])
    return base, data


def _looks_like_path(name: str) -> bool:
    separators = {os.sep, "/"} | ({os.altsep} if os.altsep else set())
    return name.lower().endswith(".json") or any(sep in name for sep in separators)


def load_config(name_or_path: str | os.PathLike = DEFAULT_BASE, *,
                default_base: str = DEFAULT_BASE, **overrides: Any) -> dict[str, Any]:
    """Build and validate a configuration.

    Parameters
    ----------
    name_or_path : str or path-like, default "fig1"
        A preset name (see :func:`list_presets`) or the path of a JSON file.
        The file holds an object with any subset of configuration keys plus an
        optional ``"base"``: the preset supplying the other keys (default
        `default_base`). A string that names a preset is always taken as the
        preset.
    default_base : str, default "fig1"
        The preset a configuration file without a ``"base"`` key starts
        from (e.g. ``"fig2"`` when the file is given for Figure 2).
    **overrides
        Keys to replace, applied last.

    Returns
    -------
    dict
        A fresh, complete configuration with the keys in schema order (see
        :func:`validate_config`).

    Raises
    ------
    ConfigError
        If the name is neither a preset nor an existing file (the message
        lists the presets), if the file is missing, is not valid JSON (with
        line and column), is not a JSON object or names an unknown base, or if
        the resulting configuration is invalid (every violation is listed).

    Notes
    -----
    When the file or the overrides change ``N`` without ``Ne`` or ``Ni``, the
    split is derived with :func:`derive_sizes` (80 % excitatory). Overrides
    setting ``N`` together with ``Ne`` and/or ``Ni`` are taken literally and
    must satisfy ``Ne + Ni == N``.

    Examples
    --------
    >>> cfg = load_config("fig1", T=200, N=100)
    >>> cfg["Ne"], cfg["Ni"]
    (80, 20)
    """
    if not isinstance(default_base, str) or default_base not in list_presets():
        raise ConfigError(f"default_base: unknown preset {default_base!r} "
                          f"(available presets: {_presets_text()})")
    if isinstance(name_or_path, os.PathLike):
        base, file_keys = _read_file(Path(name_or_path), default_base)
    elif isinstance(name_or_path, str):
        if name_or_path in list_presets():
            base, file_keys = name_or_path, {}
        elif Path(name_or_path).exists() or _looks_like_path(name_or_path):
            base, file_keys = _read_file(Path(name_or_path), default_base)
        else:
            raise ConfigError(f"{name_or_path!r} is neither a preset nor an existing file "
                              f"(available presets: {_presets_text()})")
    else:
        raise ConfigError(f"expected a preset name or a file path "
                          f"(got {type(name_or_path).__name__})")

    cfg = _read_preset(base)
    cfg = apply_overrides(cfg, derive_sizes(file_keys))
    cfg = apply_overrides(cfg, derive_sizes(overrides))
    return validate_config(cfg)


def schedule_of(cfg: Mapping[str, Any]) -> dict[str, Any]:
    """The training schedule a configuration asks for.

    Parameters
    ----------
    cfg : mapping
        A validated configuration.

    Returns
    -------
    dict
        ``epochs``, ``iters_per_epoch``, ``test_every``, ``lr_decay`` (from
        the configuration), ``n_iterations`` (their product) and ``n_tests``
        (short tests: one after every ``test_every``-th iteration, counted
        over the whole run; none when ``test_every`` is 0).
    """
    epochs = int(cfg["epochs"])
    per_epoch = int(cfg["iters_per_epoch"])
    every = int(cfg["test_every"])
    total = epochs * per_epoch
    return {
        "epochs": epochs,
        "iters_per_epoch": per_epoch,
        "test_every": every,
        "lr_decay": float(cfg["lr_decay"]),
        "n_iterations": total,
        "n_tests": total // every if every > 0 else 0,
    }


def format_value(value: Any) -> str:
    """A configuration value as ``--set`` would take it: ``true``, ``10``, ``0.5``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)
