"""The configuration of one scan value: the figure's flat preset and the value.

The SI figures' configurations are Figure 1's kind (flat, validated by
:func:`lttb.load_config`), so artifacts keep ``N`` and ``sigma_targ`` at the
top level; only the scanned key comes from the variant.  A figure's
``config.py`` binds a :class:`ScanConfig` to its preset and key and exports
its methods as the module functions the command line expects (``load``,
``parse_key``, ``OPTION_KEYS``, ``sizing``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...config import ConfigError, load_config, parse_override
from .scan import parse_variant

__all__ = ["ScanConfig", "OPTION_KEYS"]

#: What ``--epochs`` and ``--iters-per-epoch`` set: the flat keys themselves.
OPTION_KEYS = {"epochs": "epochs", "iters_per_epoch": "iters_per_epoch"}


@dataclass(frozen=True)
class ScanConfig:
    """The configurations of a figure that scans one key.

    Attributes
    ----------
    figure : str
        The figure (for messages).
    preset : str
        Its preset; a configuration file without ``"base"`` starts from it.
    key : str
        The scanned key.
    """

    figure: str
    preset: str
    key: str

    def load(self, source: str | os.PathLike, variant: str,
             overrides: Mapping[str, Any]) -> dict[str, Any]:
        """The validated configuration of one variant (scan value).

        Parameters
        ----------
        source : str or path-like
            A preset name or a configuration file (``--config``).
        variant : str
            ``KEY=VALUE`` of the scan.
        overrides : mapping
            ``--set``, ``--epochs``, ``--iters-per-epoch``.

        Raises
        ------
        ConfigError
            Naming the key: the scanned key among the overrides, or an
            invalid value.
        """
        if self.key in overrides:
            raise ConfigError([(self.key, f"is scanned by {self.figure} (one value per "
                                          f"variant): choose values with --variant "
                                          f"{self.key}=VALUE, not --set")])
        value = parse_variant(variant, self.key)
        return load_config(source, default_base=self.preset, **{**overrides, self.key: value})

    def parse_key(self, key: str, text: str) -> Any:
        """A ``--set`` value, typed by the configuration schema."""
        return parse_override(key, text)

    @staticmethod
    def sizing(cfg: Mapping[str, Any]) -> dict[str, Any]:
        """The configuration the memory estimate reads (the flat one itself)."""
        return dict(cfg)
