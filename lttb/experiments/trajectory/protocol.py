"""What one seed of a trajectory of one's own computes: Figure 1's protocol on it.

The arrays come as the files hold them, one row per bin (``T x O`` targets,
``T x I`` inputs); the network takes them one row per output or input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ...model.training import Progress, run_schedule
from ...stats import floats
from .results import check_config

__all__ = ["run", "check_config"]


def run(cfg: Mapping[str, Any], seed: int, progress: Progress | None = None, *,
        targets: Any, inputs: Any = None, return_network: bool = False) -> dict[str, Any]:
    """Train one network on `targets` with the schedule of `cfg`, then run the full test.

    Parameters
    ----------
    cfg : mapping
        A validated configuration with ``n_contexts`` 1 and ``T``, ``O``
        (and ``I`` with `inputs`) the sizes of the arrays.
    seed : int
        Non-negative seed (see :func:`lttb.model.training.run_schedule`);
        every drawn array is the one the seed gives in ``fig1`` with the
        same sizes.
    progress : callable, optional
        ``progress(iteration, n_iterations, latest_outer_mse)``.
    targets : array_like, shape (T, O)
        The trajectory, one row per bin, used as given.
    inputs : array_like, shape (T, I), optional
        The input of every bin, in place of the clock.
    return_network : bool
        Also hand back the trained network under ``"network"`` (see
        :func:`lttb.model.training.run_schedule`).

    Returns
    -------
    dict
        The result of :func:`lttb.model.training.run_schedule` (its
        ``targets`` are `targets`, ``1 x O x T``), and ``inputs`` (``I x
        T``) when given.
    """
    check_config(cfg)
    own_targets = np.asarray(targets, dtype=np.float64).T[None]
    own_inputs = None if inputs is None else np.asarray(inputs, dtype=np.float64).T
    result = run_schedule(cfg, seed, progress, targets=own_targets, inputs=own_inputs,
                          return_network=return_network)
    if own_inputs is not None:
        result["inputs"] = floats(own_inputs)
    return result
