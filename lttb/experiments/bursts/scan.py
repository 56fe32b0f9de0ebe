"""A scan over one configuration key, as the task variants of a figure.

No model here: a figure's ``__init__`` builds its ``VARIANTS`` from this, and
its configuration and results modules read the variant names back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from statistics import mean
from typing import Any

from ...config import ConfigError, format_value, parse_override

__all__ = ["variant_name", "parse_variant", "scan_variants", "published_means"]


def variant_name(key: str, value: Any) -> str:
    """The variant (and folder) name of one scan value, e.g. ``sigma_targ=10``."""
    return f"{key}={format_value(value)}"


def parse_variant(variant: str, key: str) -> Any:
    """The value of `key` a variant name holds (typed as the configuration types it).

    Raises
    ------
    ConfigError
        Naming the variant when it is not ``KEY=VALUE`` of this `key`.
    """
    name, sep, text = str(variant).partition("=")
    if not sep or name != key:
        raise ConfigError([("variant", f"expected {key}=VALUE (got {variant!r})")])
    return parse_override(key, text)


def scan_variants(key: str, values: Sequence[Any], seeds: int,
                  seeds_at: Mapping[Any, int] | None = None, help_text: str = "") -> dict:
    """The ``VARIANTS`` declaration of a scan: one variant per value of `key`.

    Parameters
    ----------
    key : str
        The configuration key scanned.
    values : sequence
        Its values, in the order the figure shows them.
    seeds : int
        Seeds per value when the command is given neither ``--seeds`` nor
        ``--seed-list`` (as published).
    seeds_at : mapping, optional
        Value -> another default number of seeds for that value.
    help_text : str
        What ``--variant`` says in ``--help``.

    Returns
    -------
    dict
        ``choices`` (``KEY=VALUE`` names), ``all``, ``help``, ``key`` and
        ``seeds`` (variant name -> its default number of seeds).
    """
    seeds_at = dict(seeds_at or {})
    names = [variant_name(key, v) for v in values]
    return {
        "choices": tuple(names),
        "all": "all",
        "help": help_text or f"one value of the scan over {key}",
        "key": key,
        "seeds": {variant_name(key, v): int(seeds_at.get(v, seeds)) for v in values},
    }


def published_means(key: str, runs: Mapping[Any, tuple[list, list]]) -> dict[str, dict]:
    """The authors' means per variant, from their runs per scan value.

    Parameters
    ----------
    key : str
        The scanned configuration key.
    runs : mapping
        Scan value -> (last ``dist_B`` of each run, ``number_B`` of each run
        or ``None`` where the run's file has none).

    Returns
    -------
    dict
        Variant name (``KEY=VALUE``) -> ``final_dist_B`` (mean over the
        runs), ``number_B`` (mean over the runs that have it) and ``runs``.
    """
    def means(dist: list, counts: list) -> dict:
        have = [c for c in counts if c is not None]
        return {"final_dist_B": float(mean(dist)), "number_B": float(mean(have)),
                "runs": len(dist)}
    return {variant_name(key, value): means(*pair) for value, pair in runs.items()}
