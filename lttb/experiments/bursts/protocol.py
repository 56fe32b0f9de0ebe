"""What one (scan value, seed) of the SI figures computes (SI.md sections 1-3).

The SI script's protocol, entirely from the configuration (presets ``si1``,
``si2``): one context, no context gains, 75 % of the target weights dropped
(``p_sparse_cont``), a read-out of the predicted bursts (``readout:
"recurrent"``) with a learned bias, no pinning of ``J``; a warm-up trial
(teacher on, initial weights, no plasticity), then ``epochs x
iters_per_epoch`` training iterations at the configuration's rates
(``lr_decay`` 1: constant) and no tests (``test_every`` 0).  After every
iteration the burst metrics of its trial are recorded
(:meth:`lttb.model.Network.burst_metrics`); nothing is tested at the end,
as in the original.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...config import ConfigError
from ...model.training import Progress, run_schedule
from .scan import variant_name

__all__ = ["run", "check_config"]


def check_config(cfg: Mapping[str, Any]) -> None:
    """Refuse a configuration the burst protocol cannot measure.

    Raises
    ------
    ConfigError
        Naming ``n_contexts`` when it is not 1: the metrics compare each
        trial with the one before it, which must be of the same target.
    """
    if cfg["n_contexts"] != 1:
        raise ConfigError([("n_contexts", f"must be 1 for the burst protocol (each trial "
                                          f"is compared with the previous one of the same "
                                          f"target; got {cfg['n_contexts']})")])


def run(cfg: Mapping[str, Any], seed: int, progress: Progress | None = None, *,
        key: str) -> dict[str, Any]:
    """Train one network with the SI protocol and record its burst metrics.

    Parameters
    ----------
    cfg : mapping
        A validated configuration (preset ``si1`` or ``si2``, one scan value).
    seed : int
        Non-negative seed (:func:`lttb.model.training.run_schedule`).
    progress : callable, optional
        As for :func:`lttb.model.training.run_schedule` (the MSE is always
        ``None``: there are no tests).
    key : str
        The scanned key; the result's ``variant`` is ``KEY=VALUE``.

    Returns
    -------
    dict
        ``seed``, ``schedule``, ``variant``, ``self_dist_B``,
        ``self_dist_B_rec``, ``dist_B`` (one value per iteration),
        ``number_B``, ``number_B_rec`` (last iteration), and
        ``diverged_at`` for a run whose weights stopped being finite.
    """
    check_config(cfg)
    result = run_schedule(cfg, seed, progress, bursts=True, final_test=False)
    result["variant"] = variant_name(key, cfg[key])
    return result
