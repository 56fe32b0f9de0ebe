"""Names of lttb 0.1.0 that moved: each old module forwards them with a warning.

Version 0.1.0 had one flat package (``lttb.network``, ``lttb.fig2``,
``lttb.sweep``...); the package now has three wings (:mod:`lttb.model`,
:mod:`lttb.experiments`, and the machinery :mod:`lttb.run`, :mod:`lttb.cli`,
:mod:`lttb.plotting`).  Every name 0.1.0 documented still imports from its old
path, with a :class:`DeprecationWarning` naming the new one.  The targets are
named as strings and imported on first use, so an old module costs nothing
until a name of it is used.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping

__all__ = ["forward"]


def forward(old: str, table: Mapping[str, str]) -> tuple[Callable, Callable]:
    """A module ``__getattr__`` and ``__dir__`` forwarding moved names.

    Parameters
    ----------
    old : str
        The old module's name, e.g. ``"lttb.protocol"``.
    table : mapping
        Old name -> ``"new.module:name"``.

    Returns
    -------
    (__getattr__, __dir__) : tuple of callables
        For the old module's namespace (PEP 562).
    """
    def __getattr__(name: str):
        try:
            target = table[name]
        except KeyError:
            raise AttributeError(f"module {old!r} has no attribute {name!r}") from None
        module, _, attribute = target.partition(":")
        warnings.warn(f"{old}.{name} is deprecated and will be removed; use "
                      f"{module}.{attribute}", DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module(module), attribute)

    def __dir__() -> list[str]:
        return sorted(table)

    return __getattr__, __dir__
