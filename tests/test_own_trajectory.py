"""Issue 19, Python side: targets and inputs of one's own, given to the constructors
and to the training loop."""

from __future__ import annotations

import numpy as np
import pytest

from lttb import Network, load_config
from lttb.model import ReferenceNetwork, draw_initial_state
from lttb.model.state import STATE_ARRAYS, StateError, clock
from lttb.model.training import run_schedule

TINY = dict(N=40, Ne=32, Ni=8, T=60, epochs=1, iters_per_epoch=4, test_every=2)


def _trajectory(n_ctx, O, T, phase=0.0):
    time = np.arange(T) / T
    return np.stack([np.stack([1.7 * np.sin(2 * np.pi * (o + 1) * time + phase + c)
                               for o in range(O)]) for c in range(n_ctx)])


@pytest.mark.parametrize("given", ["targets", "inputs", "both"])
def test_given_arrays_change_no_other_draw(given):
    # p_sparse_cont > 0: the sparsification masks are drawn after the targets,
    # so a skipped target draw would shift them.
    cfg = load_config("fig2", N=40, Ne=32, Ni=8, T=50, p_sparse_cont=0.3)
    targets = _trajectory(cfg["n_contexts"], cfg["O"], cfg["T"])
    inputs = np.random.default_rng(5).normal(size=(cfg["I"], cfg["T"]))
    kwargs = {"targets": targets, "inputs": inputs}
    if given != "both":
        kwargs = {given: kwargs[given]}
    # The state names the inputs I_clock.
    given_state = {("I_clock" if k == "inputs" else k): v for k, v in kwargs.items()}
    plain = draw_initial_state(cfg, np.random.SeedSequence(3))
    own = draw_initial_state(cfg, np.random.SeedSequence(3), **kwargs)
    assert (plain["j_targ"] == 0).sum() > (plain["j_targ"][cfg["Ne"]:] == 0).sum()
    for name in STATE_ARRAYS:
        if name in given_state:
            np.testing.assert_array_equal(own[name], given_state[name])
        else:
            np.testing.assert_array_equal(own[name], plain[name], err_msg=name)
    net = Network.from_seed(cfg, np.random.SeedSequence(3), **kwargs)
    for name in STATE_ARRAYS:
        expected = given_state.get(name, plain[name])
        np.testing.assert_array_equal(getattr(net, name), expected, err_msg=name)


def test_targets_are_used_as_given_not_rescaled():
    cfg = load_config("fig1", **TINY)
    targets = 3.0 * _trajectory(1, cfg["O"], cfg["T"]) + 0.25
    net = Network.from_seed(cfg, 0, targets=targets)
    np.testing.assert_array_equal(net.targets, targets)
    example = net.example(0)
    np.testing.assert_array_equal(example.target, targets[0])


def test_inputs_replace_the_clock_in_context_trials():
    cfg = load_config("fig1", **TINY)
    inputs = np.random.default_rng(1).uniform(-1, 1, size=(cfg["I"], cfg["T"]))
    net = Network.from_seed(cfg, 2, inputs=inputs)
    np.testing.assert_array_equal(net.I_clock, inputs)
    clocked = Network.from_seed(cfg, 2)
    np.testing.assert_array_equal(clocked.I_clock, clock(cfg["I"], cfg["T"]))
    # Dense inputs drive the trial: the spikes differ from the clock's, and the
    # compiled engine agrees with the oracle spike for spike.
    a = net.run_trial(0, apical_factor=1.0)
    b = clocked.run_trial(0, apical_factor=1.0)
    assert not np.array_equal(a.S_soma, b.S_soma)
    oracle = ReferenceNetwork.from_seed(cfg, 2, inputs=inputs).run_trial(0, apical_factor=1.0)
    np.testing.assert_array_equal(a.S_soma, oracle.S_soma)
    np.testing.assert_allclose(a.outputs, oracle.outputs, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name, value, problem", [
    ("targets", np.zeros((1, 3, 59)), "shape (1, 3, 59)"),
    ("targets", np.zeros((3, 60)), "shape (3, 60)"),
    ("targets", np.full((1, 3, 60), np.nan), "NaN"),
    ("inputs", np.zeros((4, 60)), "shape (4, 60)"),
    ("inputs", np.array([["a"] * 60] * 5), "not a real number type"),
])
def test_given_arrays_are_checked(name, value, problem):
    cfg = load_config("fig1", **TINY)
    with pytest.raises(StateError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        Network.from_seed(cfg, 0, **{name: value})


def test_run_schedule_trains_on_given_arrays():
    cfg = load_config("fig1", **TINY)
    targets = _trajectory(1, cfg["O"], cfg["T"], phase=0.4)
    inputs = np.random.default_rng(7).normal(size=(cfg["I"], cfg["T"]))
    result = run_schedule(cfg, 4, targets=targets, inputs=inputs)
    np.testing.assert_array_equal(np.array(result["targets"]), targets)
    # The same as training the network by hand.
    net = Network.from_seed(cfg, np.random.SeedSequence(4), targets=targets, inputs=inputs)
    for _ in range(4):
        net.train_iteration()
    np.testing.assert_allclose(result["outer_mse"][-1], net.short_test(), rtol=1e-12)
    default = run_schedule(cfg, 4)
    assert default["targets"] != result["targets"]
