"""Figure 3's configuration: two networks, an environment, a task and a schedule.

A Figure 3 configuration is a nested :class:`dict` (``schemas/fig3-config.schema.json``)::

    {"variant": "apical" | "basal",
     "env":      {"r_lock", "r_targ", "dt", "dx", "res", "extent",
                  "button_distance", "food_distance", "max_T"},
     "task":     {"n_examples", "tb", "tf", "n_tests", "readout_lag", "example_tries"},
     "schedule": {"epochs", "iters_per_epoch", "lr_decay", "checkpoint_every"},
     "low":      a complete network configuration (every key of config.schema.json),
     "high":     a complete network configuration}

Every value has a *dotted key*: ``env.r_lock``, ``schedule.epochs``,
``low.eta``, ``high.N``; ``--set`` takes them, a configuration file may give
them nested (``{"low": {"eta_out": 0.04}}``) or dotted.  ``low`` and
``high`` are checked by :func:`lttb.config.validate_config` exactly as a
Figure 1 configuration is, and ``low.N`` (``high.N``) alone derives
``Ne``/``Ni`` as ``N`` does (:func:`lttb.config.derive_sizes`).  The
network keys of Figure 1's schedule (``epochs``, ``iters_per_epoch``,
``test_every``, ``lr_decay``, ``turnoff_bin``, ``turnoff_margin``) are not
used by Figure 3 and cannot be set: its schedule is ``schedule.*``.

Sources, applied in this order by :func:`load_fig3_config`:

1. the preset (:data:`PRESETS`: ``published``, ``reduced``, ``smoke``), its
   network keys common to both variants;
2. the variant's low-network keys (:data:`VARIANT_LOW`, FIG3.md 3.1);
3. a configuration file's keys, then the overrides.

No model here: the results and plots modules may use it.
"""

from __future__ import annotations

import copy
import functools
import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from ... import jsonio
from ...config import (ConfigError, derive_sizes, load_config, parse_override,
                       validate_config)
from ..._resources import read_schema

__all__ = ["SCHEMA_NAME", "SECTIONS", "NETWORKS", "VARIANTS", "PUBLISHED_VARIANTS",
           "CONTEXT_COMPARTMENT",
           "VARIANT_LOW", "PRESETS",
           "UNUSED_NETWORK_KEYS", "load_fig3_config", "validate_fig3_config",
           "parse_dotted", "flatten", "schedule_of", "OPTION_KEYS", "parse_key", "load",
           "sizing", "task_cost"]

SCHEMA_NAME = "fig3-config.schema.json"
#: Sections of plain values, checked by the Figure 3 schema.
SECTIONS = ("env", "task", "schedule")
#: Sections that are network configurations.
NETWORKS = ("low", "high")
#: The variants of the joint protocol, in the order runs are planned.
VARIANTS = ("apical", "basal", "apical_recurrent")
#: The variants of the published data (``--variant both``).
PUBLISHED_VARIANTS = ("apical", "basal")
#: Where each variant's low network receives its context.
CONTEXT_COMPARTMENT = {"apical": "apical", "basal": "basal", "apical_recurrent": "apical"}

#: Low-network keys of each variant (FIG3.md section 0 and 3.1): the settings
#: that made the published data.
VARIANT_LOW: dict[str, dict[str, Any]] = {
    "apical": {"sigma_targ": 0.0, "sigma_apical_cont": 50.0, "sigma_basal_cont": 0.0,
               "eta": 0.0, "readout": "target"},
    "basal": {"sigma_targ": 100.0, "sigma_apical_cont": 0.0, "sigma_basal_cont": 50.0,
              "eta": 0.5, "readout": "recurrent"},
    # Not the published data: the authors' committed notebook, whose last
    # edit gave the apical run the basal read-out and recurrent plasticity
    # (FIG3.md section 0); the target gain stays the apical one.
    "apical_recurrent": {"sigma_targ": 0.0, "sigma_apical_cont": 50.0, "sigma_basal_cont": 0.0,
                         "eta": 0.5, "readout": "recurrent"},
}

#: Network keys of Figure 1's schedule that Figure 3 does not use.
UNUSED_NETWORK_KEYS = ("epochs", "iters_per_epoch", "test_every", "lr_decay", "turnoff_bin",
                       "turnoff_margin")

_NETWORK_COMMON = {"N": 500, "Ne": 400, "Ni": 100, "I": 80, "O": 2, "T": 120,
                   "sigma_in": 20.0, "pin": False, "p_sparse_cont": 0.0}
_PUBLISHED = {
    "env": {"r_lock": 0.15, "r_targ": 0.15, "dt": 0.001, "dx": 0.1, "res": 20, "extent": 1.0,
            "button_distance": 1.0, "food_distance": 1.0, "max_T": 1500},
    "task": {"n_examples": 120, "tb": 60, "tf": 60, "n_tests": 50, "readout_lag": 2,
             "example_tries": 5},
    "schedule": {"epochs": 100, "iters_per_epoch": 10, "lr_decay": 0.95,
                 "checkpoint_every": 10},
    "low": {**_NETWORK_COMMON, "n_contexts": 2, "eta_out": 0.05, "eta_bias": 0.0,
            **VARIANT_LOW["apical"]},
    "high": {**_NETWORK_COMMON, "n_contexts": 1, "sigma_targ": 100.0,
             "sigma_apical_cont": 0.0, "sigma_basal_cont": 0.0, "eta": 0.2, "eta_out": 0.01,
             "eta_bias": 0.0002, "readout": "recurrent"},
}

#: Presets by name, as dotted keys over the published setting.
PRESETS: dict[str, dict[str, Any]] = {
    "published": {},
    "reduced": {"schedule.epochs": 20},
    "smoke": {"low.N": 100, "high.N": 100, "task.n_examples": 12, "schedule.epochs": 2,
              "schedule.iters_per_epoch": 2, "task.n_tests": 5, "env.max_T": 300,
              "schedule.checkpoint_every": 1},
}


@functools.lru_cache(maxsize=1)
def _schema() -> tuple[dict[str, Any], Draft202012Validator]:
    schema = read_schema(SCHEMA_NAME)
    return schema, Draft202012Validator(schema)


def _section_schema(section: str) -> dict[str, Any]:
    return _schema()[0]["properties"][section]["properties"]


def flatten(cfg: Mapping[str, Any]) -> dict[str, Any]:
    """Nested configuration -> ``{dotted key: value}`` (``variant`` stays as it is)."""
    out: dict[str, Any] = {}
    for key, value in cfg.items():
        if isinstance(value, Mapping):
            for name, item in value.items():
                out[f"{key}.{name}"] = item
        else:
            out[key] = value
    return out


def _split(key: str) -> tuple[str, str | None]:
    section, dot, name = str(key).partition(".")
    return (section, name) if dot else (section, None)


def _key_problem(key: str) -> str | None:
    """Why `key` is not a settable dotted key, or ``None``."""
    section, name = _split(key)
    if name is None:
        return None if section == "variant" else (
            f"unknown key {key!r} (keys are variant, env.*, task.*, schedule.*, low.*, high.*)")
    if section in SECTIONS:
        if name not in _section_schema(section):
            return (f"unknown key {key!r} (the {section} keys: "
                    f"{', '.join(_section_schema(section))})")
        return None
    if section in NETWORKS:
        if name in UNUSED_NETWORK_KEYS:
            return ("not used by Figure 3 (its schedule is schedule.epochs, "
                    "schedule.iters_per_epoch, schedule.lr_decay)")
        return None  # unknown network keys are reported by validate_config
    return f"unknown key {key!r} (keys are variant, env.*, task.*, schedule.*, low.*, high.*)"


def parse_dotted(key: str, text: str) -> Any:
    """Turn the text of ``--set key=value`` into a typed value.

    Parameters
    ----------
    key : str
        A dotted key (``low.eta``, ``env.res``) or ``variant``.
    text : str
        The value as typed.

    Returns
    -------
    int, float, bool or str

    Raises
    ------
    ConfigError
        Naming the key: an unknown key, or a value that is not of its type.
    """
    problem = _key_problem(key)
    if problem is not None:
        raise ConfigError([(key, problem)])
    section, name = _split(key)
    if name is None:
        return text.strip()
    if section in NETWORKS:
        try:
            return parse_override(name, text)
        except ConfigError as exc:
            raise ConfigError([(f"{section}.{k}" if k else None, m)
                               for k, m in exc.errors]) from None
    kind = _section_schema(section)[name].get("type")
    stripped = text.strip()
    try:
        if kind == "integer":
            number = float(stripped)
            if not (math.isfinite(number) and number.is_integer()):
                raise ValueError
            return int(number)
        number = float(stripped)
    except ValueError:
        raise ConfigError([(key, f"cannot parse {text!r} as "
                                 f"{'an integer' if kind == 'integer' else 'a number'}")]
                          ) from None
    if not math.isfinite(number):
        raise ConfigError([(key, f"must be a finite number (got {text!r})")])
    return number


def _with_derived_sizes(dotted: Mapping[str, Any]) -> dict[str, Any]:
    """``low.N`` (``high.N``) without ``Ne``/``Ni``: add them as :func:`derive_sizes` does."""
    out = dict(dotted)
    for net in NETWORKS:
        sizes = {name: out[f"{net}.{name}"] for name in ("N", "Ne", "Ni")
                 if f"{net}.{name}" in out}
        for name, value in derive_sizes(sizes).items():
            out[f"{net}.{name}"] = value
    return out


def _apply(cfg: dict[str, Any], dotted: Mapping[str, Any]) -> list[tuple[str, str]]:
    errors = []
    for key, value in dotted.items():
        problem = _key_problem(key)
        if problem is not None:
            errors.append((key, problem))
            continue
        section, name = _split(key)
        if name is None:
            cfg[section] = value
        else:
            cfg[section][name] = value
    return errors


def _describe(error) -> str:
    rule, got = error.validator_value, error.instance
    if error.validator == "type":
        return f"must be {'an integer' if rule == 'integer' else 'a ' + str(rule)} (got {got!r})"
    if error.validator in ("minimum", "exclusiveMinimum"):
        sign = ">=" if error.validator == "minimum" else ">"
        return f"must be {sign} {rule} (got {got!r})"
    if error.validator == "enum":
        return f"must be one of {', '.join(repr(c) for c in rule)} (got {got!r})"
    return error.message


def validate_fig3_config(cfg: Mapping[str, Any]) -> dict[str, Any]:
    """Check a complete Figure 3 configuration; report every problem at once.

    The sections ``env``, ``task`` and ``schedule`` and ``variant`` against
    the Figure 3 schema, ``low`` and ``high`` with
    :func:`lttb.config.validate_config`, then the rules between them:
    ``I = 4 env.res`` and ``T = task.tb + task.tf`` for both networks, two
    outputs each, two low contexts and one high context, and an even
    ``low.Ne`` (its two halves get the two contexts).

    Parameters
    ----------
    cfg : mapping
        A nested configuration.

    Returns
    -------
    dict
        A fresh nested configuration, network sections typed and ordered
        as :func:`lttb.config.validate_config` returns them.

    Raises
    ------
    ConfigError
        Every problem, each naming its dotted key.
    """
    if not isinstance(cfg, Mapping):
        raise ConfigError("a Figure 3 configuration must be a mapping")
    cfg = copy.deepcopy(dict(cfg))
    schema, validator = _schema()
    errors: list[tuple[str | None, str]] = []
    for error in validator.iter_errors(cfg):
        path = [str(p) for p in error.absolute_path]
        if error.validator == "additionalProperties":
            extra = [k for k in error.instance if k not in error.schema.get("properties", {})]
            prefix = ".".join(path)
            errors.extend(((f"{prefix}.{k}" if prefix else k), "unknown key") for k in extra)
        elif error.validator == "required":
            errors.append((".".join(path) or None, error.message))
        else:
            errors.append((".".join(path) or None, _describe(error)))
    for section in SECTIONS:
        for name, value in (cfg.get(section) or {}).items() if isinstance(
                cfg.get(section), Mapping) else ():
            if isinstance(value, float) and not math.isfinite(value):
                errors.append((f"{section}.{name}", f"must be a finite number (got {value!r})"))
    nets: dict[str, dict[str, Any]] = {}
    for net in NETWORKS:
        if not isinstance(cfg.get(net), Mapping):
            continue
        try:
            nets[net] = validate_config(cfg[net])
        except ConfigError as exc:
            errors.extend((f"{net}.{k}" if k else None, m) for k, m in exc.errors)
    if errors:
        raise ConfigError(errors)
    env, task = cfg["env"], cfg["task"]
    for section in SECTIONS:
        for name, spec in _section_schema(section).items():
            kind = spec.get("type")
            value = cfg[section][name]
            cfg[section][name] = int(value) if kind == "integer" else (
                float(value) if kind == "number" else value)
    n_inputs, bins = 4 * int(env["res"]), int(task["tb"]) + int(task["tf"])
    for net, net_cfg in nets.items():
        if net_cfg["I"] != n_inputs:
            errors.append((f"{net}.I", f"must be 4 x env.res = {n_inputs} "
                                       f"(got {net_cfg['I']})"))
        if net_cfg["T"] != bins:
            errors.append((f"{net}.T", f"must be task.tb + task.tf = {bins} "
                                       f"(got {net_cfg['T']})"))
        if net_cfg["O"] != 2:
            errors.append((f"{net}.O", f"must be 2 (got {net_cfg['O']})"))
    if nets["low"]["n_contexts"] != 2:
        errors.append(("low.n_contexts", f"must be 2 (got {nets['low']['n_contexts']})"))
    if nets["high"]["n_contexts"] != 1:
        errors.append(("high.n_contexts", f"must be 1 (got {nets['high']['n_contexts']})"))
    if nets["low"]["Ne"] % 2:
        errors.append(("low.Ne", f"must be even: its halves get the two contexts "
                                 f"(got {nets['low']['Ne']})"))
    if errors:
        raise ConfigError(errors)
    return {"variant": cfg["variant"], "env": cfg["env"], "task": cfg["task"],
            "schedule": cfg["schedule"], "low": nets["low"], "high": nets["high"]}


def _read_file(path: Path) -> tuple[str | None, dict[str, Any]]:
    source = f"config file {str(path)!r}"
    try:
        data = jsonio.loads(jsonio.read_text(path))
    except FileNotFoundError:
        raise ConfigError(f"{source}: no such file") from None
    except (jsonio.InputError, OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{source}: cannot be read ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: top level must be a JSON object")
    base = data.pop("base", None)
    if base is not None and base not in PRESETS:
        raise ConfigError([("base", f"unknown Figure 3 preset {base!r} in {source} "
                                    f"(presets: {', '.join(PRESETS)})")])
    return base, flatten(data)


def load_fig3_config(variant: str = "apical", preset: str = "published", *,
                     config_file: str | os.PathLike | None = None,
                     overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Build and validate the configuration of one Figure 3 run.

    Parameters
    ----------
    variant : {"apical", "basal"}
        Which low network (FIG3.md section 0).
    preset : {"published", "reduced", "smoke"}
        The starting point (:data:`PRESETS`); a configuration file's
        ``"base"`` replaces it.
    config_file : path-like, optional
        A JSON object of sections (``{"low": {"eta_out": 0.04}}``) and/or
        dotted keys, and an optional ``"base"`` preset.
    overrides : mapping, optional
        Dotted key -> value, applied last (``--set``).

    Returns
    -------
    dict
        The validated nested configuration (:func:`validate_fig3_config`).

    Raises
    ------
    ConfigError
        An unknown variant, preset or key, or an invalid value; every
        problem at once, each naming its dotted key.
    """
    if variant not in VARIANTS:
        raise ConfigError([("variant", f"must be one of {', '.join(VARIANTS)} "
                                       f"(got {variant!r})")])
    file_keys: dict[str, Any] = {}
    if config_file is not None:
        base, file_keys = _read_file(Path(config_file))
        preset = base or preset
    if preset not in PRESETS:
        raise ConfigError(f"unknown Figure 3 preset {preset!r} (presets: {', '.join(PRESETS)})")
    base_net = {k: v for k, v in load_config("fig1").items()}
    cfg: dict[str, Any] = copy.deepcopy(_PUBLISHED)
    cfg["low"] = {**base_net, **cfg["low"]}
    cfg["high"] = {**base_net, **cfg["high"]}
    errors = _apply(cfg, _with_derived_sizes(PRESETS[preset]))
    cfg["variant"] = variant
    cfg["low"].update(VARIANT_LOW[variant])
    errors += _apply(cfg, _with_derived_sizes(file_keys))
    errors += _apply(cfg, _with_derived_sizes(dict(overrides or {})))
    if errors:
        raise ConfigError(errors)
    return validate_fig3_config(cfg)


def schedule_of(cfg: Mapping[str, Any]) -> dict[str, Any]:
    """The joint-training schedule of a validated configuration.

    Returns
    -------
    dict
        ``epochs``, ``iters_per_epoch``, ``lr_decay``, ``checkpoint_every``,
        ``n_examples``, ``n_tests`` (closed-loop tests per evaluation) and
        ``n_evaluations`` (``epochs + 1``: epoch 0 is before training) and
        ``n_iterations`` (``epochs x iters_per_epoch``: training iterations
        of each network, what progress counts).
    """
    schedule = dict(cfg["schedule"])
    return {"epochs": int(schedule["epochs"]),
            "iters_per_epoch": int(schedule["iters_per_epoch"]),
            "lr_decay": float(schedule["lr_decay"]),
            "checkpoint_every": int(schedule["checkpoint_every"]),
            "n_examples": int(cfg["task"]["n_examples"]),
            "n_tests": int(cfg["task"]["n_tests"]),
            "n_evaluations": int(schedule["epochs"]) + 1,
            "n_iterations": int(schedule["epochs"]) * int(schedule["iters_per_epoch"])}


# --------------------------------------------------------------------------- command line
# The interface a figure's own configuration module gives the command line
# (CONFIG of the figure's package; see lttb.experiments.catalog.Experiment.config).

#: What ``--epochs`` and ``--iters-per-epoch`` set.
OPTION_KEYS = {"epochs": "schedule.epochs", "iters_per_epoch": "schedule.iters_per_epoch"}

#: ``--set KEY=VALUE`` -> typed value (raises ConfigError naming the key).
parse_key = parse_dotted


def load(source: str | os.PathLike, variant: str,
         overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The configuration of one variant from a preset name or a file, and overrides.

    Parameters
    ----------
    source : str or path-like
        A preset name (:data:`PRESETS`) or a configuration file (a
        :class:`pathlib.Path` is always read as a file).
    variant : str
    overrides : mapping, optional
        Dotted key -> value.
    """
    if isinstance(source, str) and source in PRESETS:
        # A preset name is always the preset, as lttb.load_config takes it.
        return load_fig3_config(variant, source, overrides=overrides)
    return load_fig3_config(variant, config_file=source, overrides=overrides)


def sizing(cfg: Mapping[str, Any]) -> dict[str, Any]:
    """The larger network's configuration, for the memory estimate of a task."""
    return dict(max((cfg["low"], cfg["high"]), key=lambda net: (net["N"], net["T"])))


def task_cost(cfg: Mapping[str, Any]) -> float:
    """Rough relative run time of a task (recurrent synapses x bins x trials, both networks)."""
    schedule = schedule_of(cfg)
    trials = (schedule["n_iterations"] + schedule["epochs"] + 1) * schedule["n_examples"]
    steps = sum(float(cfg[net]["N"]) ** 2 * cfg[net]["T"] for net in NETWORKS) * trials
    loop = (float(cfg["low"]["N"]) ** 2 + float(cfg["high"]["N"]) ** 2) * cfg["env"]["max_T"]
    return steps + loop * schedule["n_tests"] * schedule["n_evaluations"]
