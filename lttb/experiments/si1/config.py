"""The configuration of one scan value of si1 (see :mod:`lttb.experiments.bursts.config`)."""

from ..bursts.config import OPTION_KEYS, ScanConfig
from . import PRESET, SCAN_KEY

__all__ = ["load", "parse_key", "sizing", "OPTION_KEYS"]

_SCAN = ScanConfig(figure="si1", preset=PRESET, key=SCAN_KEY)
load = _SCAN.load
parse_key = _SCAN.parse_key
sizing = _SCAN.sizing
