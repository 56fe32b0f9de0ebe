"""The Figure 2 protocol: two contexts, context-selected recall and the turn-off test.

The paper's Figure 2 stores two 3-D trajectories in one network; a context
signal on the apical dendrites chooses which one is recalled.  After the
training schedule of the configuration (:func:`lttb.model.training.run_schedule`,
preset ``fig2``), every context ``c`` is tested with the teacher off
(apical factor 0):

- *full context*: context ``c`` on for the whole trial; its outputs are
  compared with target ``c`` (on-diagonal MSE) and with the other targets
  (off-diagonal MSE).  These are the teacher-off outputs and MSE matrix of
  :func:`lttb.model.training.full_test`; this module adds their rasters.
- *turn-off*: context ``c`` on for bins ``<= turnoff_bin``, then every
  context off.  With ``t = turnoff_bin`` and ``m = turnoff_margin`` the
  "before" window compares target bins ``1 .. t-m`` with output columns
  ``0 .. t-m-1`` and the "after" window target bins ``t+m+1 .. T-3`` with
  output columns ``t+m .. T-4`` (output column ``j`` is bin ``j + 1``), each
  against the right and the wrong targets.

Every MSE here is the outer MSE of spec section 6: the population variance
of all entries of ``target - output`` in the window.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ...model.network import Network
from ...model.training import Progress, raster_events, run_schedule
from ...stats import finite_or_none, floats
from .results import check_config, turnoff_windows, window_mse

__all__ = ["APICAL_FACTOR", "RASTER_NEURONS", "check_config", "context_tests", "run"]

#: Apical factor of every Figure 2 test: the teacher is off.
APICAL_FACTOR = 0.0
#: Neurons 0 .. RASTER_NEURONS-1 are recorded in the per-context rasters.
RASTER_NEURONS = 100


# --------------------------------------------------------------------------- the tests

def _raster(trial, neurons: int) -> tuple[list, list]:
    return raster_events(np.asarray(trial.S_soma)[:neurons], np.asarray(trial.S_wind)[:neurons])


def context_tests(net: Network) -> dict[str, Any]:
    """The Figure 2 tests of a trained network, teacher off.

    Parameters
    ----------
    net : Network
        A trained network with at least two contexts and a configuration
        that passes :func:`check_config`; the tests do not change it.

    Returns
    -------
    dict
        ``{"context_tests": block}``; the block holds ``apical_factor``,
        ``turnoff_bin``, ``turnoff_margin``, ``windows``
        (:func:`turnoff_windows`), ``raster_neurons``, ``full_context``
        (per-context ``spikes`` and ``bursts`` of neurons below
        ``raster_neurons``) and ``turnoff`` (per-context ``outputs``
        O x (T-3), ``context_trace``, ``mse_before`` and ``mse_after`` --
        row ``c`` the trial of context ``c``, column ``k`` target ``k`` --
        ``spikes`` and ``bursts``).  The full-context outputs and MSE matrix
        are the ``teacher_off`` entries of :func:`lttb.model.training.full_test`.
    """
    cfg = net.config
    check_config(cfg)
    targets = net.targets
    n_ctx, T = targets.shape[0], int(cfg["T"])
    t_off, margin = int(cfg["turnoff_bin"]), int(cfg["turnoff_margin"])
    windows = turnoff_windows(T, t_off, margin)
    neurons = min(RASTER_NEURONS, int(cfg["N"]))
    full = {"spikes": [], "bursts": []}
    turnoff: dict[str, list] = {"outputs": [], "context_trace": [], "mse_before": [],
                                "mse_after": [], "spikes": [], "bursts": []}
    for c in range(n_ctx):
        trial = net.run_trial(c, apical_factor=APICAL_FACTOR)
        spikes, bursts = _raster(trial, neurons)
        full["spikes"].append(spikes)
        full["bursts"].append(bursts)

        trial = net.run_trial(c, apical_factor=APICAL_FACTOR, context_off_after=t_off)
        turnoff["outputs"].append(floats(trial.outputs))
        turnoff["context_trace"].append(floats(trial.context_trace))
        for key, window in (("mse_before", windows["before"]), ("mse_after", windows["after"])):
            turnoff[key].append([finite_or_none(window_mse(targets[k], trial.outputs, window))
                                 for k in range(n_ctx)])
        spikes, bursts = _raster(trial, neurons)
        turnoff["spikes"].append(spikes)
        turnoff["bursts"].append(bursts)
    return {"context_tests": {
        "apical_factor": APICAL_FACTOR,
        "turnoff_bin": t_off,
        "turnoff_margin": margin,
        "windows": windows,
        "raster_neurons": neurons,
        "full_context": full,
        "turnoff": turnoff,
    }}


def run(cfg: Mapping[str, Any], seed: int, progress: Progress | None = None, *,
             network_cls: type = Network, return_network: bool = False) -> dict[str, Any]:
    """One seed of Figure 2: the training schedule, the full test, the context tests.

    Parameters
    ----------
    cfg : mapping
        A validated configuration (preset ``fig2`` or derived from it) that
        passes :func:`check_config`.
    seed : int
        Non-negative seed (see :func:`lttb.model.training.run_schedule`).
    progress : callable, optional
        As for :func:`lttb.model.training.run_schedule`.
    network_cls : type
        :class:`lttb.model.Network` or a class with the same API.
    return_network : bool
        Add the trained network under ``"network"`` (to be saved).

    Returns
    -------
    dict
        The result of :func:`lttb.model.training.run_schedule` plus
        ``context_tests`` (see :func:`context_tests`).

    Raises
    ------
    ConfigError
        Before any simulation, if the configuration cannot run the tests.
    """
    check_config(cfg)
    return run_schedule(cfg, seed, progress, network_cls=network_cls, extra_tests=context_tests,
                        return_network=return_network)
