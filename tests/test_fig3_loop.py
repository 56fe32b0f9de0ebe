"""Figure 3's closed loop on both engines, against the authors' code.

The closed-loop parts (``test{i}_*``) of ``tests/data/fig3/fig3_small_*.npz``
(computed with the authors' code, cosimolupo/LTTB, CC BY 4.0): the trained
networks of each vector, two episodes of up to 398 iterations with the high
network choosing the low network's context.  Step counts, contexts and the
low network's spikes identical; outputs, actions and positions within 1e-9;
core and oracle, and the core on every kernel path.
"""

import json
import pathlib

import numpy as np
import pytest

import lttb
from lttb import _core
from lttb.model import EnvParams, Network, ReferenceNetwork, closed_loop, draw_initial_state
from lttb.model.environment import positions_from_angles

DATA = pathlib.Path(__file__).parent / "data" / "fig3"
TOL = 1e-9
STATE = ("J", "w", "j_in", "j_targ", "Jout", "Bias", "j_basal_cont", "j_apical_cont")
IMPLEMENTATIONS = [Network, ReferenceNetwork]


def trained_pair(variant, impl):
    """The vector's networks after training, and its environment."""
    data = np.load(DATA / f"fig3_small_{variant}.npz")
    meta = json.loads(str(data["config"]))
    readouts = {"low": "target" if variant == "apical" else "recurrent", "high": "recurrent"}
    nets = {}
    for part in ("low", "high"):
        cfg = lttb.load_config("fig1", **meta[part], readout=readouts[part], pin=False)
        state = {k: data[f"init_{part}_{k}"] for k in STATE}
        for k in ("J", "Jout", "Bias"):
            state[k] = data[f"after_train_{part}_{k}"]
        nets[part] = impl.from_arrays(cfg, **state)
    return data, nets["high"], nets["low"], EnvParams(max_T=meta["max_T"])


@pytest.mark.parametrize("impl", IMPLEMENTATIONS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("variant", ["apical", "basal"])
def test_fig3_vectors_closed_loop(variant, impl):
    data, high, low, env = trained_pair(variant, impl)
    nets = {"high": high, "low": low}
    before = {(part, name): getattr(net, name) for part, net in nets.items()
              for name in ("J", "Jout", "Bias")}
    for i in range(2):
        key = f"test{i}_"
        r = closed_loop(high, low, data["test_buttons"][i], data["test_foods"][i], env=env,
                        record=True)
        assert r.n_steps == data[key + "n_steps"]
        np.testing.assert_array_equal(r.contexts_one_hot, data[key + "context"])
        np.testing.assert_array_equal(r.S_soma, data[key + "low_S_soma"])
        for got, name in ((r.high_outputs, "Y_high"), (r.actions, "action"),
                          (r.positions, "position"), (r.rewards, "reward")):
            np.testing.assert_allclose(got, data[key + name], rtol=0, atol=TOL, err_msg=name)
        assert r.R == data[key + "R"]
        assert r.min_btn_dist == pytest.approx(float(data[key + "min_btn_dist"]), abs=TOL)
        assert r.min_food_dist == pytest.approx(float(data[key + "min_food_dist"]), abs=TOL)
        assert (r.t_button, r.t_food) == (data[key + "t_reach_btn"], data[key + "t_reach_food"])
        # what makes the case a test: the agent moves, the context switches,
        # the low network spikes
        assert np.abs(r.actions).max() > 0.005
        assert 0 < r.contexts.sum() < r.n_steps
        assert r.S_soma.sum() > 0
    for (part, name), value in before.items():  # weights are fixed in a test
        np.testing.assert_array_equal(getattr(nets[part], name), value)


@pytest.mark.parametrize("variant", ["apical", "basal"])
def test_readout_lag_fix_core_matches_oracle(variant):
    runs = {}
    for impl in IMPLEMENTATIONS:
        data, high, low, env = trained_pair(variant, impl)
        runs[impl] = [closed_loop(high, low, data["test_buttons"][i], data["test_foods"][i],
                                  env=env, readout_lag=lag, record=True)
                      for lag in (0, 2) for i in range(2)]
    for a, b in zip(runs[Network], runs[ReferenceNetwork]):
        assert a.n_steps == b.n_steps and a.readout_lag == b.readout_lag
        np.testing.assert_array_equal(a.contexts, b.contexts)
        np.testing.assert_array_equal(a.S_soma, b.S_soma)
        np.testing.assert_array_equal(a.S_wind, b.S_wind)
        np.testing.assert_allclose(a.actions, b.actions, rtol=0, atol=TOL)
        np.testing.assert_allclose(a.positions, b.positions, rtol=0, atol=TOL)
    fixed, published = runs[Network][0], runs[Network][2]
    assert fixed.readout_lag == 0 and published.readout_lag == 2
    # the fix acts from the first bins: the action of iteration 0 reads bin 2
    assert not np.array_equal(fixed.actions, published.actions)
    assert np.any(fixed.actions[0] != 0) or np.any(fixed.actions[1] != 0)
    assert np.all(published.actions[:2] == 0)


def steering(impl, high_bias, speed=4.0, N=40):
    """Networks whose read-outs are their biases: the agent flies straight."""
    cfg = lttb.load_config("fig1", N=N, Ne=32, Ni=8, I=80, O=2, T=120, n_contexts=2,
                           sigma_Jrec=0.3, sigma_apical_cont=50.0, readout="target",
                           pin=False)
    low = draw_initial_state(cfg, 1)
    low["Jout"][:] = 0.0
    low["Bias"] = np.array([speed, 0.0])
    hcfg = lttb.load_config("fig1", N=N, Ne=32, Ni=8, I=80, O=2, T=120, n_contexts=1,
                            sigma_Jrec=0.3, readout="recurrent", pin=False)
    high = draw_initial_state(hcfg, 2)
    high["Jout"][:] = 0.0
    high["Bias"] = np.asarray(high_bias, dtype=float)
    return impl.from_arrays(hcfg, **high), impl.from_arrays(cfg, **low)


@pytest.mark.parametrize("lag", [2, 0])
@pytest.mark.parametrize("impl", IMPLEMENTATIONS, ids=lambda c: c.__name__)
def test_button_then_food_ends_the_episode(impl, lag):
    high, low = steering(impl, [1.0, 0.0])
    button, food = positions_from_angles(0.0, 0.0)  # (1, 0) then (2, 0)
    r = closed_loop(high, low, button, food, readout_lag=lag)
    # 0.04 a move: the environment unlocks after move 21 (at 0.88), the
    # loop sees it one iteration later; the food is within 0.15 after move
    # 46 (at 1.88), where the episode ends
    np.testing.assert_allclose(r.positions[:, 0], 0.04 * np.arange(1, r.n_steps + 1),
                               rtol=0, atol=1e-12)
    assert (r.t_button, r.t_food, r.n_steps) == (22, 46, 47)
    assert r.R == 1.0 and r.rewards[-1] == 1.0
    assert np.all(r.rewards[:21] == 0) and 0 < r.rewards[21] < 1
    assert np.all(r.contexts == 0)  # the high output 0 is larger: "button"
    assert r.min_food_dist < 0.15 and r.min_btn_dist < 1e-12
    assert r.S_soma is None


@pytest.mark.parametrize("impl", IMPLEMENTATIONS, ids=lambda c: c.__name__)
def test_missed_food_runs_to_the_end_and_ties_choose_food(impl):
    high, low = steering(impl, [0.5, 0.5])
    button, food = positions_from_angles(np.pi, 0.0)  # behind the agent
    env = EnvParams(max_T=60)
    r = closed_loop(high, low, button, food, env=env, record=True)
    assert r.n_steps == 58 and r.t_button == 60 and r.t_food == 60
    assert r.R == 0.0 and r.min_btn_dist == pytest.approx(1.04)  # after the first move
    assert np.all(r.contexts == 1)
    assert r.S_soma.shape == (low.config["N"], 60)


def test_closed_loop_is_bit_identical_on_kernel_paths():
    results = []
    try:
        for path in ("scalar", "default", "avx", "avx512"):
            _core.select_kernels(path)
            data, high, low, env = trained_pair("basal", Network)
            r = closed_loop(high, low, data["test_buttons"][0], data["test_foods"][0],
                            env=env, record=True)
            results.append((r.S_soma, r.actions, r.positions, r.high_outputs))
    finally:
        _core.select_kernels()
    for other in results[1:]:
        for x, y in zip(results[0], other):
            np.testing.assert_array_equal(x, y)


def test_closed_loop_checks_its_arguments():
    high, low = steering(Network, [1.0, 0.0])
    ref_high, ref_low = steering(ReferenceNetwork, [1.0, 0.0])
    b, g = positions_from_angles(0.0, 0.0)
    with pytest.raises(ValueError, match="same engine"):
        closed_loop(ref_high, low, b, g)
    with pytest.raises(ValueError, match="readout_lag"):
        closed_loop(high, low, b, g, readout_lag=1)
    with pytest.raises(ValueError, match="finite 2-vector"):
        closed_loop(high, low, [np.nan, 0.0], g)
    with pytest.raises(ValueError, match=r"4 res = 40"):
        closed_loop(high, low, b, g, env=EnvParams(res=10))
    with pytest.raises(ValueError, match="low.n_contexts"):
        closed_loop(low, high, b, g)
    with pytest.raises(TypeError, match="Network"):
        closed_loop(high, "low", b, g)
