"""Artifacts and summary of si2 (see :mod:`lttb.experiments.bursts.results`); no model."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..bursts import results as _bursts
from ..bursts.results import (RESULT_KEYS, report, schedule_of, task_cost,  # noqa: F401
                              validate_config)
from . import SCAN_KEY
from .paper import PAPER

__all__ = ["RESULT_KEYS", "PAPER", "problems", "summarize", "report", "validate_config",
           "schedule_of", "task_cost"]


def problems(artifact: Mapping[str, Any], cfg: Mapping[str, Any]) -> list[str]:
    """Checks the schema cannot express (see :func:`lttb.experiments.bursts.results.problems`)."""
    return _bursts.problems(artifact, cfg, SCAN_KEY)


def summarize(artifacts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Per N, the runs' end points beside the authors' (:data:`PAPER`)."""
    return _bursts.summarize(artifacts, SCAN_KEY, PAPER)
