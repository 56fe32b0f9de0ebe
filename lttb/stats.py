"""Numbers as results hold them: finite floats or ``None``, nested lists, means.

Shared by the training loop (which turns arrays into JSON-ready data), the
experiments' result summaries and the artifact checks, none of which needs
the model to use them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = ["finite_or_none", "floats", "mean_sd", "mean_or_none", "nested_shape"]


def finite_or_none(value: Any) -> float | None:
    """``float(value)``, or ``None`` for ``None``, NaN and infinities (JSON has no NaN)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def floats(array: Any) -> list:
    """Nested lists of Python floats, non-finite entries as ``None``."""
    array = np.asarray(array, dtype=np.float64)
    if np.isfinite(array).all():
        return array.tolist()
    return _floats_slow(array)


def _floats_slow(array: np.ndarray):
    if array.ndim == 0:
        return finite_or_none(array)
    return [_floats_slow(row) for row in array]


def mean_sd(values: Iterable[Any]) -> tuple[float | None, float | None, int]:
    """Mean, sample s.d. (``ddof=1``) and count of the finite values given.

    ``None`` and non-finite values are left out; the mean is ``None`` without
    values, the s.d. with fewer than two.  Every across-seed statistic of a
    summary uses this.
    """
    kept = np.array([v for v in values if v is not None and math.isfinite(v)],
                    dtype=np.float64)
    mean = finite_or_none(kept.mean()) if kept.size else None
    sd = finite_or_none(kept.std(ddof=1)) if kept.size > 1 else None
    return mean, sd, int(kept.size)


def mean_or_none(values: Iterable[Any]) -> float | None:
    """Mean of the values, ``None`` if there are none or any is ``None``."""
    values = list(values)
    if not values or any(v is None for v in values):
        return None
    return finite_or_none(np.mean(np.asarray(values, dtype=np.float64)))


def nested_shape(value: Any) -> tuple[int, ...] | None:
    """Shape of a rectangular nested list (as results hold arrays), ``None`` if ragged."""
    shape = []
    level = value
    while isinstance(level, list):
        shape.append(len(level))
        if not level:
            break
        level = level[0]
    try:
        array = np.asarray(value, dtype=object)
    except ValueError:
        return None
    return tuple(shape) if array.shape == tuple(shape) else None
