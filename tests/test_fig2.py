"""Tests of the Figure 2 protocol: sparsification, read-out switch, turn-off windows,
context tests, artifacts (schema version 2), figures and ``lttb-reproduce fig2``."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from lttb import artifacts as A
from lttb import load_config
from lttb.cli import main
from lttb.config import ConfigError
from lttb.experiments.fig2 import plots, protocol, results
from lttb.model import Network, ReferenceNetwork, draw_initial_state, pin_weights
from lttb.plotting.draw import draw_all

HERE = Path(__file__).parent
V1_SAMPLE = HERE / "test_artifacts" / "artifact-v1-seed-0000.json"
TINY = dict(N=60, Ne=48, Ni=12, T=120, epochs=2, iters_per_epoch=5, turnoff_bin=60,
            turnoff_margin=10)
TINY_ARGS = ["--set", "N=60", "--set", "T=120", "--set", "turnoff_bin=60",
             "--set", "turnoff_margin=10", "--epochs", "2", "--iters-per-epoch", "5"]


@pytest.fixture(scope="module")
def tiny_cfg():
    return load_config("fig2", **TINY)


@pytest.fixture(scope="module")
def result(tiny_cfg):
    return protocol.run(tiny_cfg, 0)


@pytest.fixture(scope="module")
def artifact(tiny_cfg, result):
    return A.build_artifact("fig2", tiny_cfg, result, wall_seconds=0.1)


# --------------------------------------------------------------------------- sparsification

def test_sparsification_drops_the_expected_fraction():
    cfg = load_config("fig2")
    assert cfg["p_sparse_cont"] == 0.75
    s = draw_initial_state(cfg, np.random.SeedSequence(12345))
    # Entries drawn from a continuous normal are never 0 by chance, so the
    # zeros are exactly the dropped entries.  Kept fraction 0.25; with
    # 2000-2400 entries its s.d. is about 0.009, the bound is 4-5 s.d.
    excitatory_targ = s["j_targ"][: cfg["Ne"]]
    for name, array in (("j_targ (excitatory rows)", excitatory_targ),
                        ("j_apical_cont", s["j_apical_cont"]),
                        ("j_basal_cont", s["j_basal_cont"])):
        kept = np.count_nonzero(array) / array.size
        assert abs(kept - 0.25) < 0.04, f"{name}: kept {kept:.3f}"
        # every context column is sparsified, not just one
        assert (np.count_nonzero(array, axis=0) > 0).all()
    assert not s["j_targ"][cfg["Ne"]:].any()


def test_sparsification_only_zeroes_entries_of_the_same_draw():
    dense_cfg = load_config("fig2", p_sparse_cont=0.0)
    sparse_cfg = load_config("fig2", p_sparse_cont=0.5)
    dense = draw_initial_state(dense_cfg, 7)
    sparse = draw_initial_state(sparse_cfg, 7)
    for name in ("j_targ", "j_apical_cont", "j_basal_cont"):
        kept = sparse[name] != 0
        np.testing.assert_array_equal(sparse[name][kept], dense[name][kept])
    excitatory = dense["j_targ"][: dense_cfg["Ne"]]
    assert np.count_nonzero(excitatory) == excitatory.size  # p = 0 drops nothing
    fraction = np.count_nonzero(sparse["j_apical_cont"]) / sparse["j_apical_cont"].size
    assert abs(fraction - 0.5) < 0.05
    for name in ("J", "w", "j_in", "Jout", "targets", "I_clock"):
        np.testing.assert_array_equal(sparse[name], dense[name])


# --------------------------------------------------------------------------- pinning

def test_fig2_preset_never_pins():
    """The Figure 2 notebook trains without any pinning (MODEL.md, Figure 2)."""
    assert load_config("fig2")["pin"] is False
    assert load_config("fig1")["pin"] is True


def test_unpinned_initial_state_is_the_raw_draw():
    """With ``pin`` off, ``J`` keeps its diagonal, its inhibitory rows and both signs."""
    settings = dict(N=60, Ne=48, Ni=12, T=120, sigma_Jrec=1.0)
    raw = draw_initial_state(load_config("fig2", **settings), 11)
    pinned = draw_initial_state(load_config("fig2", pin=True, **settings), 11)
    J, Ne = raw["J"], 48
    assert np.all(np.diag(J) != 0)
    assert np.count_nonzero(J[Ne:]) == J[Ne:].size
    assert (J[:Ne, :Ne] < 0).any() and (J[:Ne, Ne:] > 0).any()
    # Pinning is the only difference between the two draws.
    np.testing.assert_array_equal(pinned["J"], pin_weights(J.copy(), Ne))
    assert not np.array_equal(pinned["J"], J)
    for name in ("w", "j_in", "j_targ", "Jout", "Bias", "j_basal_cont", "j_apical_cont",
                 "I_clock", "targets"):
        np.testing.assert_array_equal(raw[name], pinned[name])


def test_unpinned_training_matches_the_oracle_on_a_raw_draw(tiny_cfg):
    """Core and oracle agree spike for spike when neither pins, diagonal included."""
    cfg = dict(tiny_cfg, sigma_Jrec=0.5)
    state = draw_initial_state(cfg, 3)
    assert np.all(np.diag(state["J"]) != 0)
    core = Network.from_arrays(cfg, **state)
    ref = ReferenceNetwork.from_arrays(cfg, **state)
    for _ in range(2):
        a, b = core.train_iteration(record=True), ref.train_iteration(record=True)
        np.testing.assert_array_equal(a.S_soma, b.S_soma)
        np.testing.assert_array_equal(a.S_wind, b.S_wind)
    np.testing.assert_allclose(core.J, ref.J, rtol=1e-12, atol=1e-12)
    # nothing pinned the learned J: the inhibitory rows learned too
    assert np.any(core.J[cfg["Ne"]:] != 0) and np.all(np.diag(core.J) != 0)


# --------------------------------------------------------------------------- read-out switch

@pytest.mark.parametrize("impl", [Network, ReferenceNetwork], ids=lambda c: c.__name__)
def test_readout_switch_changes_the_readout_only(impl, small_config):
    """The read-out feeds nothing back: spikes and J are the same, Jout, Bias, Y are not."""
    cfg_total, cfg_rec = small_config(readout="total"), small_config(readout="recurrent")
    state = draw_initial_state(cfg_total, 21)
    total = impl.from_arrays(cfg_total, **state)
    rec = impl.from_arrays(cfg_rec, **state)
    for _ in range(2):
        a, b = total.train_iteration(record=True), rec.train_iteration(record=True)
        np.testing.assert_array_equal(a.S_soma, b.S_soma)
        np.testing.assert_array_equal(a.S_wind, b.S_wind)
        np.testing.assert_array_equal(total.J, rec.J)
        assert total.inner_error() == rec.inner_error()
        assert not np.allclose(a.outputs, b.outputs)
    assert a.S_soma.sum() > 0 and a.S_wind.sum() > 0
    assert not np.allclose(total.Jout, rec.Jout)
    assert not np.allclose(total.Bias, rec.Bias)
    for context in range(cfg_total["n_contexts"]):
        a, b = total.run_trial(context, 1.0), rec.run_trial(context, 1.0)
        np.testing.assert_array_equal(a.S_soma, b.S_soma)
        assert not np.allclose(a.outputs, b.outputs)


def test_recurrent_readout_ignores_target_bursts(small_config):
    # With J = 0 nothing predicts the target: there are target bursts (teacher
    # on) but no recurrent ones, so the recurrent read-out is Bias alone.
    cfg_total = small_config(sigma_Jrec=0.0, readout="total")
    state = draw_initial_state(cfg_total, 3)
    state["Bias"] = np.array([0.25, -0.5])
    for readout in ("total", "recurrent"):
        cfg = small_config(sigma_Jrec=0.0, readout=readout)
        for impl in (Network, ReferenceNetwork):
            trial = impl.from_arrays(cfg, **state).run_trial(0, apical_factor=1.0)
            assert (trial.S_soma * trial.S_wind).sum() > 0
            constant = np.allclose(trial.outputs, state["Bias"][:, None], rtol=0, atol=0)
            assert constant == (readout == "recurrent"), (readout, impl.__name__)


# --------------------------------------------------------------------------- windows

def test_turnoff_windows_of_the_paper():
    w = results.turnoff_windows(1000, 500, 100)
    assert w == {"before": {"target_bins": [1, 400], "output_columns": [0, 399]},
                 "after": {"target_bins": [601, 997], "output_columns": [600, 996]}}


def test_window_mse_on_a_synthetic_output():
    rng = np.random.default_rng(0)
    T, t, m = 1000, 500, 100
    right, wrong = rng.normal(size=(2, 3, T))
    w = results.turnoff_windows(T, t, m)
    outputs = right[:, 1:T - 2].copy()  # column j is bin j + 1: a perfect read-out
    assert results.window_mse(right, outputs, w["before"]) == 0.0
    assert results.window_mse(right, outputs, w["after"]) == 0.0
    # Against the wrong target: the variance over exactly the window's entries.
    expected = np.var(wrong[:, 1:401] - right[:, 1:401])
    assert results.window_mse(wrong, outputs, w["before"]) == pytest.approx(expected, rel=1e-12)
    expected = np.var(wrong[:, 601:998] - right[:, 601:998])
    assert results.window_mse(wrong, outputs, w["after"]) == pytest.approx(expected, rel=1e-12)
    # The margin (columns 400..599) and nothing else is left out.
    spoiled = outputs.copy()
    spoiled[:, 400:600] = 99.0
    assert results.window_mse(right, spoiled, w["before"]) == 0.0
    assert results.window_mse(right, spoiled, w["after"]) == 0.0
    for column, window in ((0, "before"), (399, "before"), (600, "after"), (996, "after")):
        spoiled = outputs.copy()
        spoiled[0, column] += 1.0
        assert results.window_mse(right, spoiled, w[window]) > 0, column
    # A read-out shifted by one bin is not perfect.
    shifted = right[:, 0:T - 3]
    assert results.window_mse(right, shifted, w["before"]) > 0.01


@pytest.mark.parametrize("overrides, keys, fragment", [
    (dict(turnoff_bin=30, turnoff_margin=30), ["turnoff_bin"], "'before' window"),
    (dict(turnoff_bin=100, turnoff_margin=17), ["turnoff_bin"], "must be < T - 3"),
    (dict(turnoff_bin=500, turnoff_margin=100), ["turnoff_bin"], "got 500 + 100 = 600"),
    (dict(n_contexts=1, turnoff_bin=60, turnoff_margin=10), ["n_contexts"], "must be >= 2"),
])
def test_check_config_names_the_keys(overrides, keys, fragment):
    cfg = load_config("fig2", **dict(TINY, **overrides))
    with pytest.raises(ConfigError, match=re.escape(fragment)) as info:
        results.check_config(cfg)
    assert [key for key, _ in info.value.errors] == keys
    assert "turnoff_margin" in str(info.value) or keys == ["n_contexts"]
    with pytest.raises(ConfigError, match=re.escape(fragment)):
        protocol.run(cfg, 0)


@pytest.mark.parametrize("overrides", [
    {},
    dict(TINY, turnoff_bin=60, turnoff_margin=56),   # the 'after' window ends at T - 4
    dict(TINY, turnoff_bin=1, turnoff_margin=0),     # the 'before' window starts at bin 1
])
def test_check_config_accepts_the_preset_and_the_edge(overrides):
    cfg = load_config("fig2", **overrides)
    assert results.check_config(cfg) is None
    windows = results.turnoff_windows(cfg["T"], cfg["turnoff_bin"], cfg["turnoff_margin"])
    assert windows["before"]["target_bins"][0] >= 1
    assert windows["after"]["target_bins"][1] <= cfg["T"] - 3


# --------------------------------------------------------------------------- context tests

def test_context_tests_follow_the_protocol(tiny_cfg, result):
    block = result["context_tests"]
    T, t, m = tiny_cfg["T"], 60, 10
    assert block["apical_factor"] == 0.0 and block["turnoff_bin"] == t
    assert block["turnoff_margin"] == m
    assert block["windows"] == results.turnoff_windows(T, t, m)
    assert block["raster_neurons"] == min(100, tiny_cfg["N"])
    targets = np.array(result["targets"])
    for c in range(2):
        trace = np.array(block["turnoff"]["context_trace"][c])
        assert trace[c, :t + 1].all() and not trace[c, t + 1:].any()
        assert not trace[1 - c].any()
        outputs = np.array(block["turnoff"]["outputs"][c])
        assert outputs.shape == (tiny_cfg["O"], T - 3)
        for k in range(2):
            for key, window in (("mse_before", "before"), ("mse_after", "after")):
                assert block["turnoff"][key][c][k] == pytest.approx(
                    results.window_mse(targets[k], outputs, block["windows"][window]), rel=1e-12)


def test_context_test_rasters_match_the_trials(tiny_cfg):
    net = Network.from_seed(tiny_cfg, 4)
    for _ in range(3):
        net.train_iteration()
    block = protocol.context_tests(net)["context_tests"]
    for c in range(2):
        for part, off in (("full_context", None), ("turnoff", 60)):
            trial = net.run_trial(c, 0.0, context_off_after=off)
            soma, wind = trial.S_soma[:60] != 0, trial.S_wind[:60] != 0
            assert block[part]["spikes"][c] == np.argwhere(soma & ~wind).tolist()
            assert block[part]["bursts"][c] == np.argwhere(soma & wind).tolist()
        np.testing.assert_array_equal(net.run_trial(c, 0.0, context_off_after=60).outputs,
                                      block["turnoff"]["outputs"][c])


def test_raster_neurons_are_limited():
    cfg = load_config("fig2", **dict(TINY, N=130, Ne=104, Ni=26))
    net = Network.from_seed(cfg, 1)
    block = protocol.context_tests(net)["context_tests"]
    assert block["raster_neurons"] == 100
    for part in ("full_context", "turnoff"):
        for events in block[part]["spikes"] + block[part]["bursts"]:
            assert all(i < 100 for i, _ in events)


def test_scores_are_means_over_contexts():
    fake = {"full_test_mse": {"teacher_off": [[0.1, 0.5], [0.7, 0.3]]},
            "context_tests": {"turnoff": {"mse_before": [[1.0, 2.0], [4.0, 3.0]],
                                          "mse_after": [[5.0, None], [6.0, 7.0]]}}}
    scores = results.context_scores(fake)
    assert scores["on_diagonal"] == pytest.approx(0.2)
    assert scores["off_diagonal"] == pytest.approx(0.6)
    assert scores["before_right"] == 2.0 and scores["before_wrong"] == 3.0
    assert scores["after_right"] == 6.0 and scores["after_wrong"] is None


# --------------------------------------------------------------------------- artifacts

def test_fig2_artifact_is_current_and_reads_back(tmp_path, artifact):
    assert artifact["schema_version"] == A.SCHEMA_VERSION == 3
    path = A.write_artifact(tmp_path, artifact)
    assert A.read_artifact(path) == artifact
    assert list(artifact)[-1] == "context_tests"


def test_version_1_artifact_still_reads_and_cannot_hold_context_tests(tmp_path, artifact):
    old = A.read_artifact(V1_SAMPLE)
    assert old["schema_version"] == 1 and "context_tests" not in old
    bad = copy.deepcopy(old)
    bad["context_tests"] = artifact["context_tests"]
    path = tmp_path / "seed-0000.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(A.ArtifactError, match="does not match the artifact schema"):
        A.read_artifact(path)


@pytest.mark.parametrize("change, fragment", [
    (lambda a: a.pop("context_tests"), "'context_tests' is a required property"),
    (lambda a: a["context_tests"].pop("windows"), "'windows' is a required property"),
    (lambda a: a["context_tests"]["turnoff"]["mse_after"].pop(), "mse_after: shape"),
    (lambda a: a["context_tests"]["turnoff"]["outputs"][0][0].pop(), "turnoff/outputs: shape"),
    (lambda a: a["context_tests"].update(turnoff_bin=61), "turnoff_bin 61 differs"),
    (lambda a: a["context_tests"]["windows"]["after"].update(output_columns=[71, 116]),
     "windows do not follow"),
    (lambda a: a["context_tests"]["full_context"]["spikes"].pop(), "1 rasters"),
    (lambda a: a["context_tests"]["turnoff"]["bursts"][1].append([60, 3]),
     "outside 60 neurons"),
])
def test_bad_context_tests_are_reported(tmp_path, artifact, change, fragment):
    data = copy.deepcopy(artifact)
    change(data)
    path = tmp_path / "seed-0000.json"
    path.write_text(json.dumps(data))
    with pytest.raises(A.ArtifactError, match=re.escape(fragment)):
        A.read_artifact(path)


def test_summary_holds_the_context_scores(artifact):
    other = copy.deepcopy(artifact)
    other["seed"] = 1
    other["full_test_mse"]["teacher_off"] = [[0.1, 0.4], [0.6, 0.3]]
    summary = A.summarize([other, artifact])
    A.validate_summary(summary)
    context = summary["context_tests"]
    assert [p["seed"] for p in context["per_seed"]] == [0, 1]
    ours = results.context_scores(artifact)
    assert context["per_seed"][0] == {"seed": 0, **ours}
    assert context["on_diagonal"]["mean"] == pytest.approx((ours["on_diagonal"] + 0.2) / 2)
    assert context["off_diagonal"]["sd"] == pytest.approx(
        np.std([ours["off_diagonal"], 0.5], ddof=1))
    assert context["after_wrong"]["n"] == 2
    assert "context_tests" not in A.summarize([A.read_artifact(V1_SAMPLE)])


# --------------------------------------------------------------------------- figures

def test_context_figures(artifact):
    figures = plots.plot_fig2_recall(artifact)
    assert list(figures) == ["_context-0", "_context-1"]
    signals, trajectories, raster = figures["_context-1"].axes
    lines = signals.get_lines()
    assert [line.get_color() for line in lines] == ["black", "tab:red"]
    assert len([ln for ln in trajectories.get_lines() if ln.get_linestyle() == "--"]) == 3
    solid = [ln for ln in trajectories.get_lines() if ln.get_linestyle() == "-"]
    np.testing.assert_array_equal(solid[0].get_ydata(), artifact["outputs"]["teacher_off"][1][0])
    np.testing.assert_array_equal(solid[0].get_xdata(), np.arange(1, 118))
    spikes, bursts = raster.get_lines()
    assert (spikes.get_color(), bursts.get_color()) == ("tab:orange", "tab:blue")
    block = artifact["context_tests"]
    assert len(bursts.get_xdata()) == len(block["full_context"]["bursts"][1])
    assert raster.get_ylim() == (59.5, -0.5)

    turnoff = plots.plot_fig2_turnoff(artifact)["_context-0"]
    signals, trajectories, _ = turnoff.axes
    np.testing.assert_array_equal(signals.get_lines()[0].get_ydata(),
                                  0.9 * np.array(block["turnoff"]["context_trace"][0][0]))
    solid = [ln for ln in trajectories.get_lines() if ln.get_linestyle() == "-"]
    np.testing.assert_array_equal(solid[0].get_ydata(), block["turnoff"]["outputs"][0][0])
    assert "off after bin 60" in signals.get_title()


def test_bars_show_mean_and_sd(artifact):
    other = copy.deepcopy(artifact)
    other["seed"] = 1
    other["full_test_mse"]["teacher_off"] = [[0.1, 0.4], [0.6, 0.3]]
    figure = plots.plot_fig2_bars([artifact, other])
    left, right = figure.axes
    scores = [results.context_scores(a) for a in (artifact, other)]
    heights = [patch.get_height() for patch in left.patches]
    assert heights == pytest.approx([np.mean([s["on_diagonal"] for s in scores]),
                                     np.mean([s["off_diagonal"] for s in scores])])
    heights = [patch.get_height() for patch in right.patches]
    assert heights == pytest.approx([np.mean([s[k] for s in scores]) for k in
                                     ("before_right", "before_wrong", "after_right",
                                      "after_wrong")])
    error_bar = left.containers[1]  # bar, errorbar, bar, errorbar
    segment = error_bar.lines[2][0].get_segments()[0]
    sd = np.std([s["on_diagonal"] for s in scores], ddof=1)
    assert segment[1][1] - segment[0][1] == pytest.approx(2 * sd)
    with pytest.raises(ValueError, match="needs at least one artifact with context_tests"):
        plots.plot_fig2_bars([A.read_artifact(V1_SAMPLE)])


def test_draw_all_names_fig2(tmp_path, artifact, monkeypatch):
    # Names only: rendering every format is covered by the fig1 tests.
    stems = []
    monkeypatch.setattr("lttb.plotting.draw.render",
                        lambda figure, formats=None, name=None, created=None: stems.append(name) or {})
    draw_all([artifact], tmp_path)
    assert sorted(stems) == sorted([
        "fig2_recall_context-0_seed-0000", "fig2_recall_context-1_seed-0000",
        "fig2_turnoff_context-0_seed-0000", "fig2_turnoff_context-1_seed-0000",
        "fig2_training_seed-0000", "fig2_across_seeds", "fig2_context_mse"])


# --------------------------------------------------------------------------- config

def test_load_config_default_base(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"epochs": 1}))
    assert load_config(path)["n_contexts"] == 1
    cfg = load_config(path, default_base="fig2")
    assert cfg == load_config("fig2", epochs=1)
    path.write_text(json.dumps({"base": "fig1", "epochs": 1}))
    assert load_config(path, default_base="fig2") == load_config("fig1", epochs=1)
    assert load_config("fig1", default_base="fig2") == load_config("fig1")
    with pytest.raises(ConfigError, match="default_base: unknown preset 'fig9'"):
        load_config(path, default_base="fig9")


# --------------------------------------------------------------------------- command line

@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("fig2") / "results"
    assert main(["fig2", *TINY_ARGS, "--seeds", "2", "--jobs", "2", "--out", str(out),
                 "--quiet", "--no-figures"]) == 0
    return out


def test_cli_fig2_writes_artifacts_and_summary(cli_run, tiny_cfg):
    assert sorted(p.name for p in cli_run.iterdir()) == [
        "seed-0000.json", "seed-0000.npz", "seed-0001.json", "seed-0001.npz", "summary.json"]
    for seed in (0, 1):
        artifact = A.read_artifact(cli_run / f"seed-{seed:04d}.json")
        assert artifact["figure"] == "fig2" and artifact["config"] == tiny_cfg
        assert artifact["schema_version"] == 3
    assert A.comparable(A.read_artifact(cli_run / "seed-0000.json")) == A.comparable(
        A.build_artifact("fig2", tiny_cfg, protocol.run(tiny_cfg, 0), 0.0))
    summary = json.loads((cli_run / "summary.json").read_text())
    assert summary["figure_names"] == ["fig2"]
    assert summary["context_tests"]["on_diagonal"]["n"] == 2


def test_cli_fig2_resume_and_report(cli_run, tmp_path, capsys):
    copy_dir = tmp_path / "copy"
    shutil.copytree(cli_run, copy_dir)
    before = (copy_dir / "seed-0000.json").read_bytes()
    assert main(["fig2", *TINY_ARGS, "--seeds", "2", "--out", str(copy_dir), "--resume",
                 "--no-figures"]) == 0
    out = capsys.readouterr().out
    assert "resuming: keeping seeds 0, 1" in out
    assert "full context on-diagonal" in out and "after: right" in out
    assert (copy_dir / "seed-0000.json").read_bytes() == before


def test_cli_replot_fig2(cli_run, tmp_path, monkeypatch):
    copy_dir = tmp_path / "copy"
    shutil.copytree(cli_run, copy_dir)
    stems = []
    monkeypatch.setattr("lttb.plotting.draw.render",
                        lambda figure, formats=None, name=None, created=None: stems.append(name) or {})
    # --jobs 1: drawn in this process, where save_figure is replaced
    assert main(["replot", str(copy_dir), "--quiet", "--jobs", "1"]) == 0
    assert len(stems) == 2 * 5 + 2 and "fig2_context_mse" in stems


def test_cli_config_file_defaults_to_the_fig2_preset_and_out_dir(tmp_path, monkeypatch,
                                                                  tiny_cfg):
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "tiny.json"
    config.write_text(json.dumps(TINY))  # no "base"
    assert main(["fig2", "--config", str(config), "--seed-list", "3", "--jobs", "1",
                 "--quiet", "--no-figures"]) == 0
    artifact = A.read_artifact(tmp_path / "lttb-results" / "fig2" / "seed-0003.json")
    assert artifact["config"] == tiny_cfg
    assert artifact["config"]["readout"] == "recurrent" and artifact["config"]["n_contexts"] == 2


@pytest.mark.parametrize("extra, fragments", [
    ([], ["turnoff_bin: turnoff_bin + turnoff_margin must be < T - 3", "600"]),
    (["--set", "turnoff_bin=5"], ["turnoff_bin: turnoff_bin - turnoff_margin must be >= 1"]),
    (["--set", "turnoff_bin=60", "--set", "turnoff_margin=10", "--set", "n_contexts=1"],
     ["n_contexts: must be >= 2"]),
])
def test_cli_fig2_refuses_turnoff_windows_that_do_not_fit(tmp_path, monkeypatch, capsys,
                                                          extra, fragments):
    monkeypatch.chdir(tmp_path)
    argv = ["fig2", "--set", "N=60", "--set", "T=120", *extra, "--epochs", "1",
            "--iters-per-epoch", "1", "--quiet", "--no-figures", "--jobs", "1"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("lttb-reproduce: error: invalid "
                                                          "configuration")
    for fragment in fragments:
        assert fragment in captured.err
    assert list(tmp_path.iterdir()) == []  # not even the default --out


def test_help_lists_fig2(capsys):
    assert main(["--help"]) == 0
    assert "fig2" in capsys.readouterr().out


def computed(artifact):
    """Every computed field: not when, where, by which version or in which layout."""
    kept = A.comparable(artifact)
    for key in ("lttb_version", "schema_version"):
        kept.pop(key)
    return kept


def test_cli_fig2_with_pinning_reproduces_release_0_1_0(tmp_path):
    """``--set pin=true`` gives the numbers of 0.1.0, whose Figure 2 preset pinned ``J``.

    ``tests/test_fig2/pinned-0.1.0-seed-0000.json`` was written by lttb 0.1.0
    with this command (before the preset changed to ``pin: false``).
    """
    golden = A.read_artifact(HERE / "test_fig2" / "pinned-0.1.0-seed-0000.json")
    assert golden["lttb_version"] == "0.1.0" and golden["config"]["pin"] is True
    # Ten iterations per epoch: enough for pinning to change the outputs.
    args = [*TINY_ARGS, "--iters-per-epoch", "10", "--seeds", "1", "--quiet", "--no-figures"]
    pinned, unpinned = tmp_path / "pinned", tmp_path / "unpinned"
    assert main(["fig2", *args, "--set", "pin=true", "--out", str(pinned)]) == 0
    assert computed(A.read_artifact(pinned / "seed-0000.json")) == computed(golden)
    # The preset (pin off) learns something else from the same seed.
    assert main(["fig2", *args, "--out", str(unpinned)]) == 0
    other = A.read_artifact(unpinned / "seed-0000.json")
    assert other["config"] == dict(golden["config"], pin=False)
    assert other["targets"] == golden["targets"]
    assert other["outer_mse"] != golden["outer_mse"]


def test_cli_fig2_reproduces_the_golden_unpinned_run(tmp_path):
    """The Figure 2 preset's numbers do not move without a changelog entry.

    ``tests/test_fig2/unpinned-seed-0000.json`` was written by
    ``lttb-reproduce fig2`` with the unpinned preset (this command), before
    the package took its three-wing layout; every computed field must match
    (``created``, ``wall_seconds``, ``platform``, ``lttb_version`` and the layout
    version ``schema_version`` may not).
    """
    golden = A.read_artifact(HERE / "test_fig2" / "unpinned-seed-0000.json")
    out = tmp_path / "run"
    assert main(["fig2", *TINY_ARGS, "--iters-per-epoch", "10", "--seeds", "1", "--quiet",
                 "--no-figures", "--out", str(out)]) == 0
    assert computed(A.read_artifact(out / "seed-0000.json")) == computed(golden)
