"""Supplementary figures S1, S2: the burst protocol, its artifacts, the command, figures."""

from __future__ import annotations

import copy
import json
import pathlib
import shutil

import numpy as np
import pytest

import lttb
from lttb import artifacts as A
from lttb.cli import main
from lttb.cli.figure import seeds_per_variant
from lttb.experiments.bursts import results as R
from lttb.experiments.catalog import experiment
from lttb.model.training import run_schedule
from lttb.run.sweep import plan_figure

SMOKE_FILE = pathlib.Path(__file__).parent / "data" / "si_smoke.json"
# si1 with a small network, short trials and 6 iterations: every value, one seed.
SI1 = ["si1", "--config", str(SMOKE_FILE), "--set", "N=40", "--jobs", "2", "--threads", "1",
       "--quiet"]


def files_in(directory):
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*"))


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("si1") / "out"
    assert main([*SI1, "--seed-list", "0,1", "--out", str(out)]) == 0
    return out


# --------------------------------------------------------------------------- protocol

def test_protocol_records_one_value_per_iteration_and_the_warm_up():
    cfg = lttb.load_config("si1", N=40, T=100, iters_per_epoch=5, sigma_targ=100.0)
    result = experiment("si1").protocol(cfg, 3)
    assert result["variant"] == "sigma_targ=100"
    for key in R.CURVES:
        assert len(result[key]) == 5 and all(v >= 0 for v in result[key])
    assert isinstance(result["number_B"], int) and result["number_B"] > 0
    # no tests and no final test: the SI protocol never tests
    assert result["test_iterations"] == [] and "final_outer_mse" not in result
    # the first self-distance compares with the warm-up trial (teacher on, no
    # plasticity): the same network replayed by hand gives the same value
    net = lttb.Network.from_seed(cfg, np.random.SeedSequence(3))
    net.run_trial(0, apical_factor=1.0, bursts=True)
    net.train_iteration(bursts=True)
    assert net.burst_metrics()["self_dist_B"] == result["self_dist_B"][0]
    artifact = A.build_artifact("si1", cfg, result, 1.0)
    assert artifact["config"]["sigma_targ"] == 100.0 and artifact["config"]["N"] == 40
    assert "outputs" not in artifact and "spikes" not in artifact


def test_presets_hold_the_si_protocol():
    for name in ("si1", "si2"):
        cfg = lttb.load_config(name)
        assert (cfg["N"], cfg["Ne"], cfg["sigma_targ"], cfg["n_contexts"]) == (500, 400, 10, 1)
        assert (cfg["readout"], cfg["pin"], cfg["p_sparse_cont"]) == ("recurrent", False, 0.75)
        assert (cfg["eta"], cfg["eta_out"], cfg["eta_bias"]) == (2.5, 0.0025, 2e-4)
        assert (cfg["epochs"], cfg["iters_per_epoch"], cfg["test_every"], cfg["lr_decay"]) == \
            (1, 1000, 0, 1.0)
        assert cfg["sigma_apical_cont"] == cfg["sigma_basal_cont"] == 0
    assert experiment("si1").variants["choices"] == tuple(
        f"sigma_targ={v}" for v in (10, 20, 50, 100, 250, 500, 1000))
    assert experiment("si2").variants["seeds"] == {"N=125": 5, "N=250": 5, "N=500": 5,
                                                   "N=1000": 5, "N=2000": 3}
    assert set(experiment("si1").variants["seeds"].values()) == {10}


def test_no_tests_schedule_for_figure_1():
    cfg = lttb.load_config("fig1", N=40, T=100, epochs=2, iters_per_epoch=3, test_every=0)
    result = run_schedule(cfg, 0)
    assert result["schedule"]["n_tests"] == 0
    assert result["test_iterations"] == result["outer_mse"] == result["inner_error"] == []
    A.validate_artifact(A.build_artifact("fig1", cfg, result, 1.0))


def test_problems_name_what_is_inconsistent():
    cfg = lttb.load_config("si1", N=40, T=100, iters_per_epoch=4)
    artifact = A.build_artifact("si1", cfg, experiment("si1").protocol(cfg, 0), 1.0)
    bad = copy.deepcopy(artifact)
    bad["dist_B"].pop()
    with pytest.raises(A.ArtifactError, match="dist_B: 3 values, expected 4"):
        A.validate_artifact(bad)
    bad = copy.deepcopy(artifact)
    bad["variant"] = "sigma_targ=20"
    with pytest.raises(A.ArtifactError, match="variant"):
        A.validate_artifact(bad)
    bad = copy.deepcopy(artifact)
    bad["number_B"] = -1
    with pytest.raises(A.ArtifactError, match="number_B"):
        A.validate_artifact(bad)


# --------------------------------------------------------------------------- seeds

def test_published_seeds_per_value_unless_seeds_are_given():
    spec = experiment("si2")
    names = list(spec.variants["choices"])

    class Args:
        seeds = seed_list = None
    per = seeds_per_variant(Args, spec, names)
    assert per["N=2000"] == [0, 1, 2] and per["N=125"] == [0, 1, 2, 3, 4]
    Args.seeds = 2
    assert seeds_per_variant(Args, spec, names) is None
    cfgs = {name: {"N": 1} for name in names}
    plan = plan_figure("si2", None, [0, 1], variants=cfgs, variant_seeds=per)
    assert len(plan.tasks) == 23
    assert [t.relpath for t in plan.tasks if t.dirname == "N=2000"] == [
        "N=2000/seed-0000.json", "N=2000/seed-0001.json", "N=2000/seed-0002.json"]


# --------------------------------------------------------------------------- command

def test_run_layout_summary_and_figures(run_dir):
    files = files_in(run_dir)
    names = experiment("si1").variants["choices"]
    for name in names:
        for seed in (0, 1):
            artifact = A.read_artifact(run_dir / name / f"seed-000{seed}.json")
            assert artifact["variant"] == name and artifact["figure"] == "si1"
            assert artifact["config"]["sigma_targ"] == R.parse_variant(name, "sigma_targ")
            assert len(artifact["dist_B"]) == 6
    for fmt in ("pdf", "eps", "png"):
        assert f"figures/si1_convergence.{fmt}" in files
    summary = json.loads((run_dir / "summary.json").read_text())
    A.validate_summary(summary)
    points = summary["bursts"]["points"]
    assert [p["variant"] for p in points] == list(names)
    assert all(p["number_B"]["n"] == 2 and "paper" in p for p in points)


def test_replot_and_resume(run_dir, tmp_path, capsys):
    work = tmp_path / "copy"
    shutil.copytree(run_dir, work)
    shutil.rmtree(work / "figures")
    (work / "summary.json").unlink()
    assert main(["replot", str(work), "--quiet"]) == 0
    assert (work / "figures" / "si1_convergence.png").is_file()
    before = (work / "sigma_targ=10" / "seed-0000.json").read_bytes()
    assert main([*SI1, "--seed-list", "0,1", "--out", str(work), "--resume",
                 "--no-figures"]) == 0
    assert (work / "sigma_targ=10" / "seed-0000.json").read_bytes() == before


def test_one_variant_and_its_own_folder(tmp_path):
    out = tmp_path / "one"
    assert main([*SI1, "--seeds", "1", "--variant", "sigma_targ=500", "--out", str(out),
                 "--no-figures"]) == 0
    assert files_in(out) == ["sigma_targ=500", "sigma_targ=500/seed-0000.json",
                             "summary.json"]


@pytest.mark.parametrize("argv, words", [
    (["si1", "--set", "sigma_targ=5"], ["sigma_targ", "--variant"]),
    (["si2", "--set", "N=100"], ["N", "scanned"]),
    (["si1", "--set", "n_contexts=2"], ["n_contexts", "must be 1"]),
    (["si1", "--set", "test_every=-1"], ["test_every"]),
    (["si1", "--variant", "sigma_targ=7"], ["--variant", "sigma_targ=7"]),
    (["si2", "--config", "no-such-file.json"], ["no-such-file.json"]),
])
def test_bad_input_exits_2_naming_it_and_writes_nothing(tmp_path, capsys, argv, words):
    out = tmp_path / "never"
    assert main([*argv, "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("error") == 1
    for word in words:
        assert word in err
    assert not out.exists()


# --------------------------------------------------------------------------- curves

def test_smoothing_and_bands():
    flat = R.smooth(np.full(30, 2.0))
    np.testing.assert_allclose(flat, 2.0)
    impulse = R.smooth(np.eye(1, 61, 30)[0])
    assert impulse.sum() == pytest.approx(1.0) and impulse.argmax() == 30
    # sigma 3: the kernel's s.d., measured on the smoothed impulse
    x = np.arange(61) - 30
    assert np.sqrt((impulse * x ** 2).sum()) == pytest.approx(3.0, rel=1e-3)
    runs = [{"self_dist_B": [4.0, 1.0, 1.0, 1.0], "seed": 0},
            {"self_dist_B": [9.0, 9.0, 9.0, 9.0], "seed": 1}]
    it, mean, sem = R.curve_band(runs, "self_dist_B", skip_first=True)
    assert list(it) == [2, 3, 4]
    np.testing.assert_allclose(mean, 2.0)
    np.testing.assert_allclose(sem, 1.0 / np.sqrt(2))
