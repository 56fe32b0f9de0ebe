"""The catalog of experiments: figure name -> the package that defines it.

The command line, the artifacts, replot and sweeps find every figure here.
Modules are named as strings and imported only when needed, so that reading
the catalog (``lttb-reproduce --help``, replot) never loads a protocol, and
with it the model and the compiled engine; figure folders never import this
module.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

__all__ = ["CATALOG", "Experiment", "experiment", "experiments", "names", "results_of",
           "plots_of"]

#: Figure name -> its package.  A new figure is one more line here.
CATALOG: dict[str, str] = {
    "fig1": "lttb.experiments.fig1",
    "fig2": "lttb.experiments.fig2",
    "trajectory": "lttb.experiments.trajectory",
    "fig3": "lttb.experiments.fig3",
    "si1": "lttb.experiments.si1",
    "si2": "lttb.experiments.si2",
}

#: The figure whose results and plots an artifact of an unknown figure uses.
FALLBACK = "fig1"


@dataclass(frozen=True)
class Experiment:
    """One figure of the catalog.

    Attributes
    ----------
    name : str
        Subcommand, artifact ``figure`` field, preset name and default
        output folder.
    package : str
        Dotted name of its folder.
    """

    name: str
    package: str

    def _module(self, part: str) -> ModuleType:
        return importlib.import_module(f"{self.package}.{part}")

    @property
    def summary(self) -> str:
        """One line for ``--help``."""
        return importlib.import_module(self.package).SUMMARY

    @property
    def data_files(self) -> dict[str, dict]:
        """Files the figure's command reads besides the configuration.

        ``DATA_FILES`` of the package, or empty: option name (``--NAME
        FILE``) -> ``required`` (bool), ``columns`` (the configuration key
        its number of columns sets; its rows, one per bin, set ``T``) and
        ``help``.  Their arrays reach the protocol as keyword arguments of
        the same names (see :mod:`lttb.experiments.trajectory`).
        """
        return dict(getattr(importlib.import_module(self.package), "DATA_FILES", {}))

    @property
    def variants(self) -> dict[str, Any]:
        """The figure's task variants, or empty.

        ``VARIANTS`` of the package: ``choices`` (variant names),
        ``all`` (the word that selects the group of variants, the default),
        ``group`` (the variants that word runs; every choice when absent),
        ``help`` and optionally ``seeds`` (variant -> its default number of
        runs, e.g. fewer at the largest network of a scan).  The command
        then takes ``--variant`` and runs one task per
        (variant, seed), each variant's artifacts in a folder of its name;
        the configuration module (:attr:`config`) builds each variant's
        configuration (see :mod:`lttb.experiments.fig3`).
        """
        return dict(getattr(importlib.import_module(self.package), "VARIANTS", {}))

    @property
    def config(self) -> ModuleType | None:
        """The figure's own configuration module (``CONFIG`` of the package), or ``None``.

        For a configuration that is not Figure 1's kind; it gives the command
        line ``load(source, variant, overrides)``, ``parse_key(key, text)``,
        ``OPTION_KEYS`` (what ``--epochs`` and ``--iters-per-epoch`` set) and
        ``sizing(cfg)`` (a network configuration for the memory estimate).
        Its ``results`` module gives ``validate_config``, ``schedule_of``,
        ``task_cost`` and ``report``.  ``None``: :mod:`lttb.config`.
        """
        name = getattr(importlib.import_module(self.package), "CONFIG", None)
        return None if name is None else importlib.import_module(name)

    @property
    def min_bins(self) -> int:
        """Fewest rows (bins) a data file may have (``MIN_BINS`` of the package, or 4)."""
        return int(getattr(importlib.import_module(self.package), "MIN_BINS", 4))

    @property
    def preset(self) -> str:
        """Configuration preset the figure starts from.

        The package's ``PRESET`` (its own ``preset.json`` is named after the
        folder), so that a catalog line may also reuse another figure's
        folder under a new name.
        """
        return getattr(importlib.import_module(self.package), "PRESET", self.name)

    @property
    def protocol(self) -> Callable[..., dict]:
        """``run(cfg, seed, progress=None) -> dict``: what one seed computes."""
        return self._module("protocol").run

    @property
    def check(self) -> Callable[[dict], None] | None:
        """``check_config(cfg)`` of the protocol, or ``None``.

        Raises :class:`lttb.ConfigError` (naming the keys) when a valid
        configuration cannot run this protocol.
        """
        return getattr(self._module("protocol"), "check_config", None)

    @property
    def results(self) -> ModuleType:
        """The figure's ``results`` module (no model inside)."""
        return self._module("results")

    @property
    def plots(self) -> ModuleType:
        """The figure's ``plots`` module (no model inside)."""
        return self._module("plots")


def names() -> list[str]:
    """The figures of the catalog, in catalog order."""
    return list(CATALOG)


def experiment(name: str) -> Experiment:
    """The catalog entry `name`.

    Raises
    ------
    KeyError
        Naming the available figures.
    """
    try:
        return Experiment(name, CATALOG[name])
    except KeyError:
        raise KeyError(f"unknown figure {name!r} (available figures: "
                       f"{', '.join(CATALOG)})") from None


def _known(name: str) -> str:
    return name if name in CATALOG else FALLBACK


def results_of(name: str) -> ModuleType:
    """The results module of figure `name` (Figure 1's for an unknown name)."""
    return experiment(_known(name)).results


def plots_of(name: str) -> ModuleType:
    """The plots module of figure `name` (Figure 1's for an unknown name)."""
    return experiment(_known(name)).plots


def experiments() -> Mapping[str, Experiment]:
    """Every catalog entry by name."""
    return {name: experiment(name) for name in CATALOG}

