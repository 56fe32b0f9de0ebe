"""What one (variant, seed) of Figure 3 computes: the joint protocol of FIG3.md 5.1-5.3.

Per run: draw the training set and both networks; evaluate before training
(epoch 0); then for every epoch train the low network for
``iters_per_epoch`` iterations over all examples, short-test it, decay its
rates; the same for the high network; and evaluate (``n_tests`` closed-loop
episodes at fresh random positions).  After the last epoch one example
episode is kept for the figure's trajectory and output panels.

Randomness (FIG3.md 5.3, a fix of the unseeded original): one
:class:`numpy.random.Generator` per purpose, spawned from
``SeedSequence(seed)`` in this order: training set, low network, high
network, evaluation positions, example episode.  None of them depends on
the variant, so the apical and basal runs of a seed share the training set,
the evaluation positions (a paired comparison) and the draws of their
initial weights.  Every array can also be given explicitly, for replay.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import time
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..._version import __version__
from ...artifacts import write_bytes_atomic
from ...model import EnvParams, Example, Network, closed_loop, one_hot_contexts
from ...model.environment import expert, high_targets, positions_from_angles
from ...model.state import draw_initial_state
from .config import CONTEXT_COMPARTMENT, schedule_of, validate_fig3_config

__all__ = ["run", "check_config", "draw_training_set", "draw_networks", "env_params",
           "make_examples", "initial_rates", "evaluate", "STREAMS", "CHECKPOINT_VERSION",
           "write_checkpoint", "read_checkpoint", "high_network_key"]

#: The generators spawned from ``SeedSequence(seed)``, in spawn order.
STREAMS = ("training_set", "low", "high", "evaluation", "example")

Progress = Callable[[int, int, "float | None"], None]


def check_config(cfg: Mapping[str, Any]) -> None:
    """Raise :class:`lttb.ConfigError` unless `cfg` is a valid Figure 3 configuration."""
    validate_fig3_config(cfg)


def _generators(seed: int) -> dict[str, np.random.Generator]:
    children = np.random.SeedSequence(int(seed)).spawn(len(STREAMS))
    return {name: np.random.default_rng(child) for name, child in zip(STREAMS, children)}


def env_params(cfg: Mapping[str, Any]) -> EnvParams:
    """The :class:`lttb.model.EnvParams` of a configuration's ``env`` section."""
    env = cfg["env"]
    return EnvParams(dt=env["dt"], dx=env["dx"], r_lock=env["r_lock"], r_targ=env["r_targ"],
                     res=env["res"], extent=env["extent"], max_T=env["max_T"])


def draw_training_set(cfg: Mapping[str, Any], rng: np.random.Generator
                      ) -> tuple[np.ndarray, np.ndarray]:
    """The training episodes (FIG3.md section 2).

    Button angles on the grid ``2 pi k / n_examples``, food angles drawn
    uniformly in ``[0, 2 pi)`` from `rng`.

    Returns
    -------
    buttons, foods : numpy.ndarray, shape (n_examples, 2)
    """
    n = cfg["task"]["n_examples"]
    theta = 2.0 * np.pi * np.arange(n) / n
    phi = rng.uniform(0.0, 2.0 * np.pi, size=n)
    pairs = [positions_from_angles(t, p, cfg["env"]["button_distance"],
                                   cfg["env"]["food_distance"]) for t, p in zip(theta, phi)]
    return (np.array([b for b, _ in pairs]).reshape(n, 2),
            np.array([g for _, g in pairs]).reshape(n, 2))


def _mask_contexts(state: dict[str, np.ndarray], cfg: Mapping[str, Any],
                   compartment: str | None) -> dict[str, np.ndarray]:
    """FIG3.md 3.2: the halves of the excitatory neurons get one context each."""
    for name in ("j_apical_cont", "j_basal_cont"):
        if compartment is None or not name.startswith(f"j_{compartment}"):
            state[name] = np.zeros_like(state[name])
    if compartment is not None:
        ne = cfg["Ne"]
        half = ne // 2
        weights = state[f"j_{compartment}_cont"]
        weights[:half, 1] = 0.0
        weights[half:, 0] = 0.0
        weights[ne:, :] = 0.0
    return state


def draw_networks(cfg: Mapping[str, Any], low_rng: np.random.Generator,
                  high_rng: np.random.Generator) -> tuple[dict, dict]:
    """Initial states of the low and the high network (MODEL.md section 2, FIG3.md 3.2).

    The low network's context weights act on the variant's compartment
    (apical-distal for ``apical`` and ``apical_recurrent``, soma for
    ``basal``), masked into halves;
    the high network's are zero.

    Returns
    -------
    low, high : dict of numpy.ndarray
        ``J, w, j_in, j_targ, Jout, Bias, j_basal_cont, j_apical_cont``.
    """
    keep = ("J", "w", "j_in", "j_targ", "Jout", "Bias", "j_basal_cont", "j_apical_cont")
    low = draw_initial_state(cfg["low"], low_rng)
    high = draw_initial_state(cfg["high"], high_rng)
    low = _mask_contexts({k: low[k] for k in keep}, cfg["low"],
                         CONTEXT_COMPARTMENT[cfg["variant"]])
    high = _mask_contexts({k: high[k] for k in keep}, cfg["high"], None)
    return low, high


def make_examples(cfg: Mapping[str, Any], buttons: np.ndarray, foods: np.ndarray
                  ) -> tuple[list[Example], list[Example]]:
    """The training examples of both networks (FIG3.md 2 and 3.4).

    Both get the expert's observations as input; the low network its
    velocities as target and the context "button" up to bin ``tb``, "food"
    after (the switch one bin after the target's, as published); the high
    network the target "button" then "food" and no context.
    """
    env = env_params(cfg)
    tb, tf = cfg["task"]["tb"], cfg["task"]["tf"]
    T = tb + tf
    low_context = one_hot_contexts(np.where(np.arange(T) <= tb, 0, 1), 2)
    high_context = np.zeros((1, T))
    Z = high_targets(tb, tf)
    low, high = [], []
    for b, g in zip(buttons, foods):
        demo = expert(b, g, env, tb, tf)
        low.append(Example(demo.inputs, demo.velocities, low_context))
        high.append(Example(demo.inputs, Z, high_context))
    return low, high


def initial_rates(cfg: Mapping[str, Any]) -> dict[str, list[float]]:
    """The learning rates each network starts with (FIG3.md 5.1).

    Returns
    -------
    dict
        ``{"low": [eta, eta_out, eta_bias], "high": [...]}``; the protocol
        multiplies ``eta`` and ``eta_out`` by ``schedule.lr_decay`` after
        every epoch (``eta_bias`` is not decayed).
    """
    return {name: [cfg[name]["eta"], cfg[name]["eta_out"], cfg[name]["eta_bias"]]
            for name in ("low", "high")}


def evaluate(cfg: Mapping[str, Any], high: Network, low: Network,
             angles: np.ndarray) -> dict[str, Any]:
    """Closed-loop tests at the given angles and their means (FIG3.md 5.2).

    Parameters
    ----------
    angles : numpy.ndarray, shape (n, 2)
        Button and food angle of each test.

    Returns
    -------
    dict
        ``R_mean``, ``button_rate``, ``food_rate``, ``btn_dist_mean``,
        ``targ_dist_mean`` and ``tests`` (per test: ``alpha``, ``beta``,
        ``R``, ``min_btn_dist``, ``min_food_dist``, ``t_button``,
        ``t_food``, ``n_steps``, as lists).
    """
    env = env_params(cfg)
    tests: dict[str, list] = {k: [] for k in ("alpha", "beta", "R", "min_btn_dist",
                                              "min_food_dist", "t_button", "t_food",
                                              "n_steps")}
    for alpha, beta in angles:
        button, food = positions_from_angles(alpha, beta, cfg["env"]["button_distance"],
                                             cfg["env"]["food_distance"])
        episode = closed_loop(high, low, button, food, env=env,
                              readout_lag=cfg["task"]["readout_lag"])
        tests["alpha"].append(float(alpha))
        tests["beta"].append(float(beta))
        for key in ("R", "min_btn_dist", "min_food_dist"):
            tests[key].append(float(getattr(episode, key)))
        for key in ("t_button", "t_food", "n_steps"):
            tests[key].append(int(getattr(episode, key)))
    R = np.array(tests["R"])
    return {"R_mean": float(R.mean()), "button_rate": float(np.mean(R > 0)),
            "food_rate": float(np.mean(R == 1.0)),
            "btn_dist_mean": float(np.mean(tests["min_btn_dist"])),
            "targ_dist_mean": float(np.mean(tests["min_food_dist"])), "tests": tests}


def _example_episode(cfg, high, low, rng) -> dict[str, Any]:
    """Draw episodes until one succeeds (at most ``task.example_tries``); keep the last."""
    env = env_params(cfg)
    for attempt in range(1, cfg["task"]["example_tries"] + 1):
        alpha, beta = rng.uniform(0.0, 2.0 * np.pi, size=2)
        button, food = positions_from_angles(alpha, beta, cfg["env"]["button_distance"],
                                             cfg["env"]["food_distance"])
        episode = closed_loop(high, low, button, food, env=env,
                              readout_lag=cfg["task"]["readout_lag"])
        if episode.R == 1.0:
            break
    return {"alpha": float(alpha), "beta": float(beta), "tries": attempt,
            "success": bool(episode.R == 1.0),
            "button": episode.button.tolist(), "food": episode.food.tolist(),
            "R": float(episode.R), "t_button": int(episode.t_button),
            "t_food": int(episode.t_food), "n_steps": int(episode.n_steps),
            "positions": episode.positions.tolist(), "actions": episode.actions.tolist(),
            "contexts": episode.contexts.astype(int).tolist(),
            "high_outputs": episode.high_outputs.tolist()}


_CURVES = ("R_mean", "button_rate", "food_rate", "btn_dist_mean", "targ_dist_mean")
_WEIGHTS = ("J", "w", "j_in", "j_targ", "Jout", "Bias", "j_basal_cont", "j_apical_cont")
#: Layout version of a checkpoint file.
CHECKPOINT_VERSION = 1


def write_checkpoint(path: str | os.PathLike, *, cfg: Mapping[str, Any], seed: int,
                     epoch: int, low: Network, high: Network, rates: Mapping[str, list],
                     out: Mapping[str, Any], evaluation_state: Mapping[str, Any],
                     wall_seconds: float = 0.0) -> Path:
    """Write a run's state after `epoch` atomically (a ``.npz`` file).

    It holds both networks' weights, the learning rates, everything
    recorded so far and the state of the evaluation generator: all that
    the rest of the run depends on, so that :func:`run` resumed from it
    computes what an uninterrupted run does, bit for bit; and the wall time
    spent so far, which a resumed task adds to its own.
    """
    header = {"checkpoint_version": CHECKPOINT_VERSION, "config": cfg, "seed": int(seed),
              "epoch": int(epoch), "rates": {k: list(v) for k, v in rates.items()},
              "out": out, "evaluation_state": evaluation_state,
              "wall_seconds": float(wall_seconds)}
    arrays = {f"{name}__{key}": getattr(net, key) for name, net in (("low", low),
                                                                    ("high", high))
              for key in _WEIGHTS}
    buffer = io.BytesIO()
    np.savez(buffer, header=np.array(json.dumps(header)), **arrays)
    return write_bytes_atomic(path, buffer.getvalue())


def read_checkpoint(path: str | os.PathLike, cfg: Mapping[str, Any], seed: int
                    ) -> dict[str, Any] | None:
    """The state of a checkpoint of this run, or ``None`` (no file, or another run's).

    Returns
    -------
    dict or None
        ``epoch``, ``rates``, ``out``, ``evaluation_state``,
        ``wall_seconds`` (spent before the checkpoint; 0 when not recorded),
        and ``low`` and ``high``: the weights by name.
    """
    path = Path(path)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            header = json.loads(str(data["header"]))
            weights = {name: {key: np.array(data[f"{name}__{key}"]) for key in _WEIGHTS}
                       for name in ("low", "high")}
    except (OSError, ValueError, KeyError):
        return None
    if (header.get("checkpoint_version") != CHECKPOINT_VERSION
            or header.get("config") != json.loads(json.dumps(cfg))
            or header.get("seed") != int(seed)):
        return None
    return {**{k: header[k] for k in ("epoch", "rates", "out", "evaluation_state")},
            "wall_seconds": float(header.get("wall_seconds", 0.0)), **weights}


def high_network_key(cfg: Mapping[str, Any], high: Network,
                     examples: list[Example]) -> str:
    """What the high network's training depends on, as a SHA-256 digest.

    The high network of a seed is trained the same way in both variants
    (same configuration, initial weights and examples: FIG3.md 5.3), so
    the apical and the basal task of a seed can share its per-epoch states
    (the ``scratch`` argument of :func:`run`).  The digest covers
    everything its training reads: the ``high`` and ``schedule`` sections,
    the initial weights, every example, the engine and the lttb version.
    """
    digest = hashlib.sha256()
    schedule = {k: cfg["schedule"][k] for k in ("iters_per_epoch", "lr_decay")}
    digest.update(json.dumps([cfg["high"], schedule, high.engine, __version__],
                             sort_keys=True).encode())
    for key in _WEIGHTS:
        array = np.ascontiguousarray(getattr(high, key), dtype=np.float64)
        digest.update(repr(array.shape).encode() + array.tobytes())
    for example in examples:
        for array in (example.inputs, example.target, example.context_trace):
            array = np.ascontiguousarray(array, dtype=np.float64)
            digest.update(repr(array.shape).encode() + array.tobytes())
    return digest.hexdigest()[:32]


class _SharedHigh:
    """The high network's state after each epoch, shared by the tasks of a run.

    A file per epoch in the run's scratch directory: the first task to
    train an epoch writes it (atomically), the next one with the same key
    loads it instead of training; that reader removes it, as no third task
    needs it.  Only a speed-up: a missing, unreadable or unwritable file
    means training as usual, with the same result.
    """

    def __init__(self, directory: str | os.PathLike | None, key: str) -> None:
        self.directory = None if directory is None else Path(directory)
        self.key = key

    def _path(self, epoch: int) -> Path:
        return self.directory / f"fig3-high-{self.key}-epoch-{epoch:04d}.npz"

    def take(self, epoch: int) -> tuple[dict[str, np.ndarray], list[float]] | None:
        if self.directory is None:
            return None
        path = self._path(epoch)
        try:
            with np.load(path, allow_pickle=False) as data:
                weights = {key: np.array(data[key]) for key in _WEIGHTS}
                errors = np.array(data["errors"]).tolist()
        except (OSError, ValueError, KeyError):
            return None
        path.unlink(missing_ok=True)
        return weights, errors

    def put(self, epoch: int, high: Network, errors: list[float]) -> None:
        if self.directory is None:
            return
        buffer = io.BytesIO()
        np.savez(buffer, errors=np.array(errors, dtype=np.float64),
                 **{key: getattr(high, key) for key in _WEIGHTS})
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(self._path(epoch), buffer.getvalue())
        except OSError:
            self.directory = None  # e.g. a remote worker without the run's folder


def run(cfg: Mapping[str, Any], seed: int, progress: Progress | None = None, *,
        buttons=None, foods=None, test_angles=None, low_state=None, high_state=None,
        engine: str | None = None,
        checkpoint: str | os.PathLike | None = None,
        scratch: str | os.PathLike | None = None) -> dict[str, Any]:
    """Train both networks of one variant jointly and evaluate them every epoch.

    Parameters
    ----------
    cfg : mapping
        A Figure 3 configuration (:func:`lttb.experiments.fig3.config.load_fig3_config`).
    seed : int
        Non-negative seed of every generator (see the module's docstring).
    progress : callable, optional
        ``progress(iteration, n_iterations, mean low-network short-test
        MSE)`` after every epoch (iterations of each network).
    buttons, foods : array_like, shape (n_examples, 2), optional
        The training set, instead of the drawn one (both or neither).
    test_angles : array_like, shape (epochs + 1, n_tests, 2), optional
        Button and food angles of every evaluation test.
    low_state, high_state : mapping, optional
        Initial arrays of a network (as :meth:`lttb.model.Network.from_arrays`
        takes them), used as given instead of the drawn ones.
    engine : str, optional
        ``"core"`` (default) or ``"oracle"``.
    checkpoint : path-like, optional
        A file to write the run's state to every ``schedule.checkpoint_every``
        epochs before the last (:func:`write_checkpoint`, atomically).  When
        it already holds a checkpoint of this configuration and seed, the run
        continues from it, with the same result as an uninterrupted run.
        A checkpoint that cannot be written is skipped with a warning.
    scratch : path-like, optional
        A directory shared with the run's other tasks: the high network's
        state after each epoch is left there for the other variant of the
        seed, or taken from there when that one trained it first
        (:func:`high_network_key`).  The result is the same with or without.
        A run continued from a checkpoint also returns
        ``resumed_wall_seconds``: the wall time spent before it.

    Returns
    -------
    dict
        ``seed``, ``variant``, ``schedule``, ``buttons``, ``foods``, the
        per-epoch curves ``R_mean``, ``button_rate``, ``food_rate``,
        ``btn_dist_mean``, ``targ_dist_mean`` (length ``epochs + 1``, index
        = epoch), ``ERRORS_low`` and ``ERRORS_high`` (``epochs + 1`` lists of
        ``n_examples`` short-test MSEs), ``tests`` (one record per
        evaluation) and ``example`` (an episode after training).
    """
    started = time.perf_counter()
    cfg = validate_fig3_config(cfg)
    schedule = schedule_of(cfg)
    epochs, n_tests = schedule["epochs"], schedule["n_tests"]
    rngs = _generators(seed)
    drawn_buttons, drawn_foods = draw_training_set(cfg, rngs["training_set"])
    if (buttons is None) != (foods is None):
        raise ValueError("give both buttons and foods, or neither")
    if buttons is not None:
        buttons = np.array(buttons, dtype=np.float64).reshape(-1, 2)
        foods = np.array(foods, dtype=np.float64).reshape(-1, 2)
        if len(buttons) != schedule["n_examples"] or len(foods) != len(buttons):
            raise ValueError(f"buttons and foods need {schedule['n_examples']} rows each")
    else:
        buttons, foods = drawn_buttons, drawn_foods
    drawn_low, drawn_high = draw_networks(cfg, rngs["low"], rngs["high"])
    low = Network.from_arrays(cfg["low"], **dict(low_state or drawn_low), engine=engine)
    high = Network.from_arrays(cfg["high"], **dict(high_state or drawn_high), engine=engine)
    if test_angles is not None:
        test_angles = np.array(test_angles, dtype=np.float64)
        if test_angles.shape != (epochs + 1, n_tests, 2):
            raise ValueError(f"test_angles must have shape {(epochs + 1, n_tests, 2)}, "
                             f"got {test_angles.shape}")
    low_examples, high_examples = make_examples(cfg, buttons, foods)
    shared = _SharedHigh(scratch, high_network_key(cfg, high, high_examples)
                         if scratch is not None else "")

    out: dict[str, Any] = {k: [] for k in (*_CURVES, "ERRORS_low", "ERRORS_high", "tests")}

    def record(epoch: int) -> None:
        angles = (test_angles[epoch] if test_angles is not None
                  else rngs["evaluation"].uniform(0.0, 2.0 * np.pi, size=(n_tests, 2)))
        result = evaluate(cfg, high, low, angles)
        for key in _CURVES:
            out[key].append(result[key])
        out["tests"].append(result["tests"])

    rates = initial_rates(cfg)
    saved = None if checkpoint is None else read_checkpoint(checkpoint, cfg, seed)
    if saved is not None:
        low = Network.from_arrays(cfg["low"], **saved["low"], engine=engine)
        high = Network.from_arrays(cfg["high"], **saved["high"], engine=engine)
        rates, out, start = saved["rates"], saved["out"], saved["epoch"] + 1
        rngs["evaluation"].bit_generator.state = saved["evaluation_state"]
        before = saved["wall_seconds"]
    else:
        out["ERRORS_low"].append(low.short_test(low_examples).tolist())
        out["ERRORS_high"].append(high.short_test(high_examples).tolist())
        record(0)
        start, before = 1, 0.0
    every = schedule["checkpoint_every"]
    for epoch in range(start, epochs + 1):
        for name, net, examples in (("low", low, low_examples), ("high", high, high_examples)):
            eta, eta_out, eta_bias = rates[name]
            taken = shared.take(epoch) if name == "high" else None
            if taken is not None:
                high = Network.from_arrays(cfg["high"], **taken[0], engine=engine)
                errors = taken[1]
            else:
                for _ in range(schedule["iters_per_epoch"]):
                    net.train_iteration(eta, eta_out, eta_bias, examples=examples)
                errors = net.short_test(examples).tolist()
                if name == "high":
                    shared.put(epoch, net, errors)
            out[f"ERRORS_{name}"].append(errors)
            rates[name][0] *= schedule["lr_decay"]
            rates[name][1] *= schedule["lr_decay"]
        record(epoch)
        if checkpoint is not None and epoch % every == 0 and epoch < epochs:
            try:
                write_checkpoint(checkpoint, cfg=cfg, seed=seed, epoch=epoch, low=low,
                                 high=high, rates=rates, out=out,
                                 evaluation_state=rngs["evaluation"].bit_generator.state,
                                 wall_seconds=before + time.perf_counter() - started)
            except OSError as exc:
                warnings.warn(f"cannot write the checkpoint {checkpoint}: {exc}; the run "
                              f"goes on without", RuntimeWarning, stacklevel=2)
                checkpoint = None
        if progress is not None:
            progress(epoch * schedule["iters_per_epoch"], schedule["n_iterations"],
                     float(np.mean(out["ERRORS_low"][-1])))
    result = {"seed": int(seed), "variant": cfg["variant"], "schedule": schedule,
              "buttons": buttons.tolist(), "foods": foods.tolist(), **out,
              "example": _example_episode(cfg, high, low, rngs["example"])}
    if saved is not None:
        result["resumed_wall_seconds"] = before
    return result
