"""Figure 3's environment and expert against the authors' code.

``tests/data/fig3/fig3_env_script.npz`` (computed with the authors' ``env.py``
and ``Figure_3.ipynb``, cosimolupo/LTTB, CC BY 4.0) drives the environment
with two scripted action sequences; both the pure functions of
:mod:`lttb.model.environment` and the compiled environment of the closed
loop (through :func:`lttb.model.engines.core_env_script`) must reproduce it.
"""

import pathlib

import numpy as np
import pytest

from lttb.model import environment as envmod
from lttb.model.engines import core_env_script
from lttb.model.environment import EnvParams

DATA = pathlib.Path(__file__).parent / "data" / "fig3"
TOL = 1e-12  # the arithmetic is the same up to the order of a few sums


@pytest.fixture(scope="module")
def script():
    return np.load(DATA / "fig3_env_script.npz")


def python_script(actions, button, food, env):
    result, trace = envmod.run_script(actions, button, food, env)
    return dict(trace, rewards=result.rewards, positions=result.positions,
                obs0=envmod.observe(np.zeros(2), button, food, env),
                t_button=result.t_button, t_food=result.t_food, R=result.R)


def compiled_script(actions, button, food, env):
    out = core_env_script(actions, button, food, env)
    out["t_button"] = env.max_T if out["t_button"] is None else out["t_button"]
    out["t_food"] = env.max_T if out["t_food"] is None else out["t_food"]
    out["R"] = max(0.0, out["rewards"].max())
    return out


@pytest.mark.parametrize("run", [python_script, compiled_script], ids=["python", "compiled"])
@pytest.mark.parametrize("name", ["A", "B"])
def test_scripted_episodes(script, name, run):
    env = EnvParams()
    got = run(script[f"{name}_actions"], script["button"], script["food"], env)
    n = len(script[f"{name}_position"])
    assert len(got["positions"]) == n
    np.testing.assert_allclose(got["obs0"], script[f"{name}_obs0"], rtol=0, atol=TOL)
    np.testing.assert_allclose(got["observations"], script[f"{name}_obs"], rtol=0, atol=TOL)
    np.testing.assert_allclose(got["positions"], script[f"{name}_position"], rtol=0, atol=TOL)
    np.testing.assert_allclose(got["rewards"], script[f"{name}_reward"], rtol=0, atol=TOL)
    for key in ("locked", "env_done", "done"):
        np.testing.assert_array_equal(got[key], script[f"{name}_{key}"], err_msg=key)
    assert got["t_button"] == script[f"{name}_t_reach_btn"]
    assert got["t_food"] == script[f"{name}_t_reach_food"]
    assert got["R"] == script[f"{name}_R"] == 1
    # the script unlocks, earns partial rewards and ends on the food
    assert script[f"{name}_locked"].any() and not script[f"{name}_locked"].all()
    assert 0 < script[f"{name}_reward"][~script[f"{name}_locked"]].min() < 1


def test_expert(script):
    demo = envmod.expert(script["button"], script["food"])
    np.testing.assert_allclose(demo.inputs, script["expert_inputs"], rtol=0, atol=TOL)
    np.testing.assert_allclose(demo.velocities, script["expert_velocities"], rtol=0, atol=TOL)
    # positions step by 1/58 of a segment (as published): the button at bin 59
    np.testing.assert_allclose(demo.positions[:, 59], script["button"], rtol=0, atol=1e-15)
    np.testing.assert_allclose(demo.positions[:, 119], script["food"], rtol=0, atol=1e-15)
    assert np.all(demo.velocities[:, [0, 60]] == 0)


@pytest.mark.parametrize("variant", ["apical", "basal"])
def test_training_set_of_the_network_vectors(variant):
    data = np.load(DATA / f"fig3_small_{variant}.npz")
    for k, (button, food) in enumerate(zip(data["buttons"], data["foods"])):
        demo = envmod.expert(button, food)
        np.testing.assert_allclose(demo.inputs, data["expert_inputs"][k], rtol=0, atol=TOL)
        np.testing.assert_allclose(demo.velocities, data["expert_velocities"][k], rtol=0,
                                   atol=TOL)
    np.testing.assert_array_equal(envmod.high_targets(), data["high_targets"])


def test_encoder_width_and_clipping():
    code = envmod.encode([0.0, 5.0])
    assert code.shape == (40,)
    # width 2/20, not the centre spacing 2/19 (as published)
    mu = -1 + 2 * np.arange(20) / 19
    np.testing.assert_allclose(code[:20], np.exp(-mu ** 2 / (2 * 0.1 ** 2)), rtol=0, atol=1e-15)
    # beyond the range the coordinate reads as the edge
    np.testing.assert_array_equal(code[20:], envmod.encode([0.0, 1.0])[20:])
    assert code[39] == 1.0


def test_step_is_pure_and_the_lock_stays_open():
    env = EnvParams()
    button, food = envmod.positions_from_angles(0.0, np.pi / 2)
    np.testing.assert_allclose(food, [1.0, 1.0], atol=1e-15)
    p = np.array([0.9, 0.0])
    opened = envmod.env_step(p, True, [0.0, 0.0], button, food, env)
    assert not opened.locked and opened.reward == pytest.approx(0.15 / np.hypot(0.1, 1.0))
    assert np.array_equal(p, [0.9, 0.0])  # nothing modified
    away = envmod.env_step(np.array([-5.0, 0.0]), False, [0.0, 0.0], button, food, env)
    assert not away.locked and away.reward > 0
    locked = envmod.env_step(np.array([1.0, 0.9]), True, [0.0, 0.0], button, food, env)
    assert locked.locked and locked.reward == 0 and not locked.env_done
    done = envmod.env_step(np.array([1.0, 0.9]), False, [0.0, 0.0], button, food, env)
    assert done.env_done and done.reward == 1.0
    assert envmod.reaches_button([0.9, 0.0], button, env)
    assert not envmod.reaches_button([0.8, 0.0], button, env)


def test_env_params_are_checked():
    with pytest.raises(ValueError, match="res"):
        EnvParams(res=1)
    with pytest.raises(ValueError, match="positive"):
        EnvParams(r_lock=0.0)
    with pytest.raises(ValueError, match="max_T"):
        EnvParams(max_T=3)
    assert EnvParams().n_inputs == 80
