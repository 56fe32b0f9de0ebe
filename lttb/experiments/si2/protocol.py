"""What one (N, seed) of si2 computes (see :mod:`lttb.experiments.bursts.protocol`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...model.training import Progress
from ..bursts import protocol as _bursts
from . import SCAN_KEY

__all__ = ["run", "check_config"]

check_config = _bursts.check_config


def run(cfg: Mapping[str, Any], seed: int, progress: Progress | None = None) -> dict[str, Any]:
    """One run of the SI protocol at the configuration's N (module level: pickled by name).

    See :func:`lttb.experiments.bursts.protocol.run`.
    """
    return _bursts.run(cfg, seed, progress, key=SCAN_KEY)
