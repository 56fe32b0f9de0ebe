"""Figure 3 (part 3): configuration, dotted keys, presets and the joint protocol (smoke preset)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lttb import ConfigError
from lttb.experiments.fig3 import protocol
from lttb.experiments.fig3.config import (PRESETS, VARIANT_LOW, flatten, load_fig3_config,
                                          parse_dotted, schedule_of, validate_fig3_config)
from lttb.model import Network


@pytest.fixture(scope="module")
def smoke_runs():
    """Both variants of seed 3 on the smoke preset."""
    return {v: protocol.run(load_fig3_config(v, "smoke"), 3) for v in ("apical", "basal")}


# --------------------------------------------------------------------------- configuration

def test_presets_and_variants():
    published = load_fig3_config("apical")
    assert published["schedule"]["epochs"] == 100 and published["task"]["n_examples"] == 120
    assert published["low"]["readout"] == "target" and published["low"]["eta"] == 0.0
    assert load_fig3_config("apical", "reduced")["schedule"]["epochs"] == 20
    basal = load_fig3_config("basal", "smoke")
    assert basal["low"]["readout"] == "recurrent" and basal["low"]["eta"] == 0.5
    assert basal["low"]["sigma_basal_cont"] == 50.0 and basal["low"]["sigma_apical_cont"] == 0.0
    assert (basal["low"]["N"], basal["low"]["Ne"], basal["low"]["Ni"]) == (100, 80, 20)
    assert basal["high"]["eta_bias"] == 0.0002 and basal["high"]["pin"] is False
    assert set(VARIANT_LOW) == {"apical", "basal", "apical_recurrent"}
    assert set(PRESETS) >= {"published", "smoke"}
    assert validate_fig3_config(basal) == basal


def test_dotted_overrides_derive_sizes_and_parse_types():
    cfg = load_fig3_config("apical", "smoke",
                           overrides={"low.N": parse_dotted("low.N", "200"),
                                      "low.eta_out": parse_dotted("low.eta_out", "0.04"),
                                      "env.r_lock": parse_dotted("env.r_lock", "0.2"),
                                      "task.n_tests": parse_dotted("task.n_tests", "3")})
    assert (cfg["low"]["N"], cfg["low"]["Ne"], cfg["low"]["Ni"]) == (200, 160, 40)
    assert cfg["low"]["eta_out"] == 0.04 and cfg["env"]["r_lock"] == 0.2
    assert cfg["task"]["n_tests"] == 3 and cfg["high"]["N"] == 100
    # The variant's keys come before the overrides.
    assert load_fig3_config("basal", "smoke", overrides={"low.eta": 0.1})["low"]["eta"] == 0.1


def test_config_file_nested_or_dotted(tmp_path):
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"base": "smoke", "low": {"eta_out": 0.02},
                                "schedule.epochs": 3}))
    cfg = load_fig3_config("apical", "published", config_file=path)
    assert cfg["low"]["eta_out"] == 0.02 and cfg["schedule"]["epochs"] == 3
    assert cfg["low"]["N"] == 100


@pytest.mark.parametrize("overrides, key", [
    ({"low.nope": 1}, "low.nope"),
    ({"env.nope": 1}, "env.nope"),
    ({"nope.x": 1}, "nope.x"),
    ({"low.epochs": 3}, "low.epochs"),
    ({"low.eta": "a"}, "low.eta"),
    ({"schedule.epochs": 0}, "schedule.epochs"),
    ({"env.r_lock": -1.0}, "env.r_lock"),
    ({"env.res": 10}, "low.I"),
    ({"low.N": 101}, "low.Ne"),
    ({"task.tb": 30}, "low.T"),
    ({"task.readout_lag": 1}, "task.readout_lag"),
])
def test_bad_values_name_their_key(overrides, key):
    with pytest.raises(ConfigError) as info:
        load_fig3_config("apical", "smoke", overrides=overrides)
    assert key in [k for k, _ in info.value.errors]


def test_bad_variant_preset_and_unparsable_text():
    with pytest.raises(ConfigError, match="variant"):
        load_fig3_config("sideways")
    with pytest.raises(ConfigError, match="preset"):
        load_fig3_config("apical", "huge")
    with pytest.raises(ConfigError, match="low.N"):
        parse_dotted("low.N", "many")
    with pytest.raises(ConfigError, match="env.res"):
        parse_dotted("env.res", "2.5")
    with pytest.raises(ConfigError, match="low.test_every"):
        parse_dotted("low.test_every", "2")


def test_flatten_roundtrip():
    cfg = load_fig3_config("apical", "smoke")
    flat = flatten(cfg)
    assert flat["variant"] == "apical" and flat["low.N"] == 100 and flat["env.max_T"] == 300


# --------------------------------------------------------------------------- protocol

def test_draws_shared_between_variants_and_masks():
    rng = protocol._generators(5)
    apical, basal = (load_fig3_config(v, "smoke") for v in ("apical", "basal"))
    b1, f1 = protocol.draw_training_set(apical, protocol._generators(5)["training_set"])
    b2, f2 = protocol.draw_training_set(basal, rng["training_set"])
    assert np.array_equal(b1, b2) and np.array_equal(f1, f2)
    n = apical["task"]["n_examples"]
    assert np.allclose(b1, np.c_[np.cos(2 * np.pi * np.arange(n) / n),
                                 np.sin(2 * np.pi * np.arange(n) / n)])
    assert np.allclose(np.linalg.norm(f1 - b1, axis=1), 1.0)
    g = protocol._generators(5)
    low, high = protocol.draw_networks(apical, g["low"], g["high"])
    half, ne = 40, 80
    assert not low["j_basal_cont"].any() and not high["j_apical_cont"].any()
    assert not high["j_basal_cont"].any()
    apic = low["j_apical_cont"]
    assert not apic[:half, 1].any() and not apic[half:, 0].any() and not apic[ne:].any()
    assert apic[:half, 0].all() and apic[half:ne, 1].all()
    g = protocol._generators(5)
    low_b, _ = protocol.draw_networks(basal, g["low"], g["high"])
    basal_cont = low_b["j_basal_cont"]
    assert not low_b["j_apical_cont"].any()
    assert np.array_equal(basal_cont != 0, apic != 0)


def test_joint_run_records_the_authors_curves(smoke_runs):
    cfg = load_fig3_config("apical", "smoke")
    schedule = schedule_of(cfg)
    for variant, result in smoke_runs.items():
        assert result["variant"] == variant and result["schedule"] == schedule
        for key in ("R_mean", "button_rate", "food_rate", "btn_dist_mean", "targ_dist_mean"):
            assert len(result[key]) == schedule["epochs"] + 1
        for key in ("ERRORS_low", "ERRORS_high"):
            assert np.shape(result[key]) == (schedule["epochs"] + 1, 12)
        # Before training the high network's MSE is exactly 0.25 (FIG3.md 3.5).
        assert np.allclose(result["ERRORS_high"][0], 0.25)
        assert len(result["tests"]) == schedule["epochs"] + 1
        first = result["tests"][0]
        assert len(first["R"]) == 5 and np.isclose(np.mean(first["R"]), result["R_mean"][0])
        example = result["example"]
        assert 1 <= example["tries"] <= cfg["task"]["example_tries"]
        assert len(example["positions"]) == example["n_steps"] == len(example["contexts"])
    # Basal before training: the agent never moves (button distance exactly 1);
    # apical: the context-driven target bursts move it.
    assert smoke_runs["basal"]["btn_dist_mean"][0] == 1.0
    assert smoke_runs["apical"]["btn_dist_mean"][0] < 1.0
    # A paired comparison: the same training set and test positions.
    a, b = smoke_runs["apical"], smoke_runs["basal"]
    assert a["buttons"] == b["buttons"] and a["foods"] == b["foods"]
    assert all(x["alpha"] == y["alpha"] and x["beta"] == y["beta"]
               for x, y in zip(a["tests"], b["tests"]))


def test_run_is_reproducible_and_replays_given_arrays(smoke_runs):
    cfg = load_fig3_config("apical", "smoke")
    again = protocol.run(cfg, 3)
    assert again == smoke_runs["apical"]
    g = protocol._generators(3)
    buttons, foods = protocol.draw_training_set(cfg, g["training_set"])
    low, high = protocol.draw_networks(cfg, g["low"], g["high"])
    angles = [[[t["alpha"][i], t["beta"][i]] for i in range(5)]
              for t in smoke_runs["apical"]["tests"]]
    replay = protocol.run(cfg, 99, buttons=buttons, foods=foods, test_angles=angles,
                          low_state=low, high_state=high)
    for key in ("R_mean", "ERRORS_low", "ERRORS_high", "tests", "buttons"):
        assert replay[key] == smoke_runs["apical"][key]
    with pytest.raises(ValueError, match="test_angles"):
        protocol.run(cfg, 3, test_angles=np.zeros((2, 5, 2)))
    with pytest.raises(ValueError, match="both"):
        protocol.run(cfg, 3, buttons=buttons)


def test_learning_rates_decay_per_epoch(monkeypatch):
    cfg = load_fig3_config("basal", "smoke", overrides={"schedule.lr_decay": 0.5})
    seen = []
    original = Network.train_iteration

    def spy(self, eta=None, eta_out=None, eta_bias=None, **kwargs):
        seen.append((self.config["n_contexts"], eta, eta_out, eta_bias))
        return original(self, eta, eta_out, eta_bias, **kwargs)

    monkeypatch.setattr(Network, "train_iteration", spy)
    protocol.run(cfg, 0)
    low = [s[1:] for s in seen if s[0] == 2]
    high = [s[1:] for s in seen if s[0] == 1]
    # 2 epochs x 2 iterations per network; the rates halve after each epoch.
    assert low == [(0.5, 0.05, 0.0)] * 2 + [(0.25, 0.025, 0.0)] * 2
    assert high == [(0.2, 0.01, 0.0002)] * 2 + [(0.1, 0.005, 0.0002)] * 2


@pytest.mark.parametrize("variant", ["apical", "basal"])
def test_checkpoint_resume_is_bit_identical(tmp_path, variant, interrupt_fig3):
    cfg = load_fig3_config(variant, "smoke", overrides={"schedule.epochs": 3,
                                                        "schedule.checkpoint_every": 1})
    whole = protocol.run(cfg, 4)
    path = tmp_path / "state.npz"
    interrupt_fig3(cfg, 4, path, after_epoch=2)
    saved = protocol.read_checkpoint(path, cfg, 4)
    assert saved["epoch"] == 2 and len(saved["out"]["R_mean"]) == 3
    assert protocol.read_checkpoint(path, cfg, 5) is None
    other = load_fig3_config(variant, "smoke", overrides={"schedule.epochs": 4})
    assert protocol.read_checkpoint(path, other, 4) is None
    resumed = protocol.run(cfg, 4, checkpoint=path)
    # The time spent before the checkpoint comes back, for the artifact's wall time.
    assert resumed.pop("resumed_wall_seconds") == saved["wall_seconds"] > 0
    assert json.dumps(resumed) == json.dumps(whole)
    # A run with a checkpoint file computes what one without does.
    assert json.dumps(protocol.run(cfg, 4, checkpoint=tmp_path / "new.npz")) == json.dumps(whole)


def test_variants_share_the_high_network_through_scratch(tmp_path):
    """The basal task of a seed takes the apical task's high network, with the same result."""
    scratch = tmp_path / "scratch"
    apical = load_fig3_config("apical", "smoke")
    basal = load_fig3_config("basal", "smoke")
    alone = protocol.run(basal, 6)
    with_apical = protocol.run(apical, 6, scratch=scratch)
    assert json.dumps(with_apical) == json.dumps(protocol.run(apical, 6))
    left = sorted(p.name for p in scratch.iterdir())
    assert len(left) == apical["schedule"]["epochs"]
    # Proof the file is read, not ignored: a marked error shows in the basal run.
    import numpy as np
    first = scratch / left[0]
    with np.load(first) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["errors"] = arrays["errors"] + 1000.0
    np.savez(first, **arrays)
    shared = protocol.run(basal, 6, scratch=scratch)
    assert list(scratch.iterdir()) == []  # the second user removes what it took
    assert shared["ERRORS_high"][1] == [e + 1000.0 for e in alone["ERRORS_high"][1]]
    shared["ERRORS_high"][1] = alone["ERRORS_high"][1]
    assert json.dumps(shared) == json.dumps(alone)
    # Another seed has another key: nothing is taken from a different run.
    protocol.run(apical, 7, scratch=scratch)
    assert json.dumps(protocol.run(basal, 6, scratch=scratch)) == json.dumps(alone)
