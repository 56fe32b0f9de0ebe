"""Deprecated: the names of ``lttb.reference`` (0.1.0) moved to ``lttb.model.oracle``, ``lttb.model.network``.

Each name still imports from here, with a :class:`DeprecationWarning` naming
its new place (see :mod:`lttb._compat`).
"""

from ._compat import forward

__getattr__, __dir__ = forward(__name__, {
    "ReferenceNetwork": "lttb.model.network:ReferenceNetwork",
    "sigmoid": "lttb.model.oracle:sigmoid",
    "outer_mse": "lttb.model.oracle:outer_mse",
    "pin": "lttb.model.oracle:pin",
    "H0": "lttb.model.oracle:H0",
    "H1": "lttb.model.oracle:H1",
})
