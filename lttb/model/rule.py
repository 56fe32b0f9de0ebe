"""The learning rule's settings: learning rates and the sign constraints of ``J``.

The rule itself (MODEL.md section 5) runs inside each engine, bin by bin;
this module holds what the engines share: how a training iteration picks
its rates and whether it pins ``J``, and the pinning itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["training_settings", "pin_weights", "WEIGHT_BOUND"]

#: Excitatory-to-excitatory weights lie in [0, WEIGHT_BOUND], inhibitory-to-
#: excitatory ones in [-WEIGHT_BOUND, 0] when ``J`` is pinned.
WEIGHT_BOUND = 100.0


def training_settings(cfg: Mapping[str, Any], eta: float | None = None,
                      eta_out: float | None = None, eta_bias: float | None = None,
                      pin: bool | None = None) -> tuple[float, float, float, bool]:
    """Learning rates and pinning of a training iteration; ``None`` takes the config's.

    Parameters
    ----------
    cfg : mapping
        A validated configuration.
    eta, eta_out, eta_bias : float, optional
        Rates of ``J``, ``Jout`` and ``Bias``.
    pin : bool, optional
        Whether ``J`` keeps its sign constraints.

    Returns
    -------
    (eta, eta_out, eta_bias, pin) : tuple
    """
    return (cfg["eta"] if eta is None else eta,
            cfg["eta_out"] if eta_out is None else eta_out,
            cfg["eta_bias"] if eta_bias is None else eta_bias,
            cfg["pin"] if pin is None else pin)


def pin_weights(J: np.ndarray, Ne: int) -> np.ndarray:
    """Apply the sign constraints to ``J`` in place and return it.

    Rows of inhibitory neurons are zero, excitatory-to-excitatory weights in
    [0, 100], inhibitory-to-excitatory in [-100, 0], no self-connections.

    Parameters
    ----------
    J : numpy.ndarray, shape (N, N)
    Ne : int
        Number of excitatory neurons (the first ``Ne``).

    Returns
    -------
    numpy.ndarray
        `J` itself.
    """
    J[Ne:, :] = 0.0
    np.clip(J[:Ne, :Ne], 0.0, WEIGHT_BOUND, out=J[:Ne, :Ne])
    np.clip(J[:Ne, Ne:], -WEIGHT_BOUND, 0.0, out=J[:Ne, Ne:])
    np.fill_diagonal(J, 0.0)
    return J
