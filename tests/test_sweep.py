"""Tests of ``lttb-reproduce sweep``: grid validation, backends, faults, resume, replot."""

from __future__ import annotations

import functools
import importlib
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from lttb import artifacts as A
from lttb import load_config
from lttb.run.executors import (DASK_EXTRA_HINT, BackendError, LocalBackend, SchedulerSpec,
                           make_backend, parse_scheduler)
from lttb.cli import main
from lttb.config import ConfigError
from lttb.model.training import run_schedule
from lttb.run.loop import run_sweep
from lttb.run.sweep import (collect_sweep, is_sweep_dir, parse_grid, plan_sweep, point_dirname,
                            summarize_sweep)
from lttb.run.tasks import seed_task

HERE = Path(__file__).parent
SHORT = dict(T=120, epochs=1, iters_per_epoch=3)
SHORT_ARGS = ["--set", "T=120", "--epochs", "1", "--iters-per-epoch", "3"]
GRID_ARGS = ["--grid", "N=40,60", "--grid", "sigma_targ=10,100"]
SEEDS = [0, 1]
POINTS = ["N=40_sigma_targ=10", "N=40_sigma_targ=100", "N=60_sigma_targ=10",
          "N=60_sigma_targ=100"]


def sweep_cli(*args):
    return main(["sweep", "fig1", *GRID_ARGS, *SHORT_ARGS, "--seeds", "2", *args])


def tiny_sweep():
    return plan_sweep("fig1", {"N": [40, 60], "sigma_targ": [10.0, 100.0]}, SEEDS,
                      overrides=SHORT)


def artifacts_of(directory):
    """Relative path -> artifact without its volatile keys, for every artifact."""
    directory = Path(directory)
    return {path.relative_to(directory).as_posix(): A.comparable(A.read_artifact(path))
            for path in sorted(directory.glob("*/seed-*.json"))}


def summary_of(directory):
    summary = json.loads((Path(directory) / "sweep-summary.json").read_text())
    del summary["created"]
    for key in ("total_wall_seconds",):
        del summary[key]
    for row in summary["points"]:
        del row["wall_seconds"]
    return summary


def stray_temporaries(directory):
    return [p for p in Path(directory).rglob("*") if p.name.endswith(".tmp")]


def faults_module(monkeypatch):
    monkeypatch.syspath_prepend(str(HERE))
    return importlib.import_module("_lttb_sweep_faults")


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The tiny sweep on two local worker processes, shared read-only."""
    out = tmp_path_factory.mktemp("sweep") / "local"
    assert sweep_cli("--jobs", "2", "--out", str(out), "--quiet") == 0
    return out


# --------------------------------------------------------------------------- grid

def test_parse_grid_types_values_by_the_schema():
    grid = parse_grid(["N=125,250", "sigma_targ=10,1e2", "pin=true,false", "readout=total"])
    assert grid == {"N": [125, 250], "sigma_targ": [10.0, 100.0], "pin": [True, False],
                    "readout": ["total"]}
    assert type(grid["N"][0]) is int and type(grid["sigma_targ"][0]) is float


@pytest.mark.parametrize("items, words", [
    (["N"], ["KEY=V1,V2"]),
    (["Nn=1,2"], ["Nn", "unknown key", "'N'"]),
    (["N=1,x"], ["N", "'x'", "integer"]),
    (["sigma_targ=1,,2"], ["sigma_targ", "empty value"]),
    (["N=60,60"], ["N", "'60'", "listed twice"]),
    (["N=40", "N=60"], ["N", "more than one --grid"]),
])
def test_parse_grid_errors(items, words):
    with pytest.raises(ConfigError, match=re.escape(words[0])) as info:
        parse_grid(items)
    for word in words[1:]:
        assert word in str(info.value)


def test_dependent_sizes_follow_a_swept_n():
    sweep = plan_sweep("fig1", {"N": [40, 125]}, [0], overrides=SHORT)
    sizes = [(cfg["N"], cfg["Ne"], cfg["Ni"]) for cfg in sweep.configs.values()]
    assert sizes == [(40, 32, 8), (125, 100, 25)]
    assert [t.relpath for t in sweep.tasks] == ["N=40/seed-0000.json", "N=125/seed-0000.json"]


def test_point_directory_names_are_readable_stable_and_safe():
    assert point_dirname({"N": 125, "sigma_targ": 10.0}) == "N=125_sigma_targ=10"
    assert point_dirname({"eta": 0.5, "pin": False}) == "eta=0.5_pin=false"
    odd = point_dirname({"readout": "a/b c"})
    assert odd.startswith("readout=a~b~c-") and "/" not in odd
    assert odd == point_dirname({"readout": "a/b c"})
    assert odd != point_dirname({"readout": "a b/c"})


@pytest.mark.parametrize("args, words", [
    (["--grid", "N=0,60"], ["N", "(got 0)", "grid point N=0"]),
    (["--grid", "sigma_targ=-1,10"], ["sigma_targ", "(got -1.0)"]),
    (["--grid", "sigma_targ=abc"], ["sigma_targ", "'abc'"]),
    (["--grid", "Nn=40"], ["unknown key 'Nn'"]),
    (["--grid", "N=40", "--set", "N=60"], ["N", "both swept"]),
    (["--grid", "epochs=1,2", "--epochs", "1"], ["epochs", "both swept"]),
    (["--grid", "N=40,60", "--set", "Ne=30"], ["Ne + Ni must equal N"]),
    (["--grid", "N=40", "--seeds", "0"], ["--seeds"]),
    (["--grid", "N=40", "--scheduler", "local:0"], ["--scheduler", "local:0"]),
    (["--grid", "N=40", "--scheduler", "host:8786"], ["--scheduler", "tcp://"]),
])
def test_bad_sweep_input_exits_2_and_writes_nothing(tmp_path, capsys, args, words):
    out = tmp_path / "out"
    assert main(["sweep", "fig1", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lttb-reproduce: error:")
    for word in words:
        assert word in err
    assert not out.exists()


def test_unknown_figure_exits_2(tmp_path, capsys):
    assert main(["sweep", "fig9", "--grid", "N=40", "--out", str(tmp_path / "o")]) == 2
    assert "unknown figure 'fig9'" in capsys.readouterr().err


def test_missing_dask_names_the_extra(tmp_path, monkeypatch, capsys):
    # A None entry makes `import distributed` raise ImportError.
    monkeypatch.setitem(sys.modules, "distributed", None)
    out = tmp_path / "out"
    assert main(["sweep", "fig1", "--grid", "N=40,60", *SHORT_ARGS, "--out", str(out),
                 "--scheduler", "local:2"]) == 2
    assert DASK_EXTRA_HINT in capsys.readouterr().err
    assert DASK_EXTRA_HINT == 'pip install "lttb-snn[dask]"'
    assert not out.exists()


def test_scheduler_values():
    assert parse_scheduler("local:4") == SchedulerSpec(n_workers=4)
    assert parse_scheduler("local") == SchedulerSpec()
    assert parse_scheduler("tcp://10.0.0.5:8786") == SchedulerSpec(address="tcp://10.0.0.5:8786")
    assert isinstance(make_backend(None, jobs=3), LocalBackend)
    with pytest.raises(BackendError, match="contradicts"):
        make_backend("local:2", jobs=3)


# --------------------------------------------------------------------------- local backend

def test_sweep_writes_artifacts_summary_and_figure(reference):
    assert sorted(p.name for p in reference.iterdir() if p.is_dir()) == sorted(
        [*POINTS, "figures"])
    for point in POINTS:
        assert sorted(p.name for p in (reference / point).iterdir()) == [
            "seed-0000.json", "seed-0000.npz", "seed-0001.json", "seed-0001.npz",
            "summary.json"]
    assert sorted(p.name for p in (reference / "figures").iterdir()) == [
        "fig1_sweep.eps", "fig1_sweep.pdf", "fig1_sweep.png"]
    summary = json.loads((reference / "sweep-summary.json").read_text())
    assert summary["swept"] == ["N", "sigma_targ"]
    assert summary["grid"] == {"N": [40, 60], "sigma_targ": [10.0, 100.0]}
    assert [row["dir"] for row in summary["points"]] == POINTS
    for row in summary["points"]:
        assert row["seeds"] == SEEDS and row["n"] == 2 and row["sd"] is not None
        finals = [A.read_artifact(reference / row["dir"] / A.artifact_name(s))["final_outer_mse"]
                  for s in SEEDS]
        assert row["final_outer_mse"] == finals
        assert row["mean"] == pytest.approx(sum(finals) / 2, rel=1e-12)
    assert not stray_temporaries(reference)


def test_a_task_equals_the_fig1_run_of_its_seed(reference):
    # Same configuration and SeedSequence(seed) as `lttb-reproduce fig1`.
    cfg = load_config("fig1", N=60, sigma_targ=100.0, **SHORT)
    expected = A.comparable(seed_task(run_schedule, "fig1", cfg, 1))
    got = A.comparable(A.read_artifact(reference / "N=60_sigma_targ=100" / "seed-0001.json"))
    assert got == expected


def test_local_backend_retries_a_killed_worker(tmp_path, monkeypatch, reference):
    faults = faults_module(monkeypatch)
    marker = tmp_path / "killed"
    protocol = functools.partial(faults.kill_once, marker=str(marker), victim=(60, 1))
    out = tmp_path / "out"
    out.mkdir()
    report = run_sweep(tiny_sweep(), out, LocalBackend(2), quiet=True, protocol=protocol)
    assert marker.exists(), "the victim's worker was never killed"
    assert report.ok and len(report.completed) == 8
    assert artifacts_of(out) == artifacts_of(reference)
    assert not stray_temporaries(out)


def test_a_failing_task_keeps_the_others(tmp_path, monkeypatch):
    faults = faults_module(monkeypatch)
    protocol = functools.partial(faults.raise_for, victim=(40, 0))
    out = tmp_path / "out"
    out.mkdir()
    report = run_sweep(tiny_sweep(), out, LocalBackend(2), quiet=True, protocol=protocol,
                       retries=0)
    assert sorted(t.relpath for t in report.failed) == [
        "N=40_sigma_targ=10/seed-0000.json", "N=40_sigma_targ=100/seed-0000.json"]
    assert all("RuntimeError: injected failure" in why for why in report.failed.values())
    assert len(report.completed) == 6 and len(list(out.glob("*/seed-*.json"))) == 6


def test_resume_skips_finished_tasks_and_redoes_bad_ones(reference, tmp_path, capsys):
    out = tmp_path / "copy"
    shutil.copytree(reference, out)
    (out / "N=40_sigma_targ=10" / "seed-0001.json").unlink()
    broken = out / "N=60_sigma_targ=10" / "seed-0000.json"
    broken.write_text(broken.read_text()[:100])
    kept = {p: p.read_bytes() for p in out.glob("*/seed-*.json") if p != broken}
    assert sweep_cli("--jobs", "2", "--out", str(out), "--resume", "--no-figures") == 0
    captured = capsys.readouterr()
    assert "keeping 6 of 8 tasks" in captured.out
    assert "N=60_sigma_targ=10/seed-0000.json cannot be kept" in captured.err
    for path, content in kept.items():
        assert path.read_bytes() == content, f"{path} was rewritten"
    assert artifacts_of(out) == artifacts_of(reference)
    assert summary_of(out) == summary_of(reference)


def test_resume_refuses_another_configuration(reference, tmp_path, capsys):
    out = tmp_path / "copy"
    shutil.copytree(reference, out)
    assert main(["sweep", "fig1", *GRID_ARGS, "--set", "T=120", "--epochs", "1",
                 "--iters-per-epoch", "4", "--seeds", "2", "--out", str(out),
                 "--resume"]) == 2
    assert "another configuration" in capsys.readouterr().err


def test_rerun_without_resume_replaces_every_artifact_in_place(reference, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(reference, out)
    assert sweep_cli("--jobs", "2", "--out", str(out), "--quiet", "--no-figures") == 0
    assert artifacts_of(out) == artifacts_of(reference)
    assert len(list(out.rglob("seed-*.json"))) == 8
    assert not stray_temporaries(out)


def test_replot_redraws_the_sweep_from_artifacts(reference, tmp_path, capsys):
    out = tmp_path / "copy"
    shutil.copytree(reference, out)
    (out / "sweep-summary.json").unlink()
    shutil.rmtree(out / "figures")
    assert is_sweep_dir(out) and not is_sweep_dir(out / POINTS[0])
    assert main(["replot", str(out), "--quiet"]) == 0
    assert summary_of(out) == summary_of(reference)
    assert (out / "figures" / "fig1_sweep.pdf").is_file()

    (out / POINTS[0] / "seed-0001.json").write_text("{")
    assert main(["replot", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"skipped {POINTS[0]}/seed-0001.json" in err
    summary = json.loads((out / "sweep-summary.json").read_text())
    assert summary["points"][0]["seeds"] == [0]


def test_summary_leaves_out_sizes_that_follow_n(reference):
    points, skipped = collect_sweep(reference)
    assert not skipped
    summary = summarize_sweep(points)
    assert summary["swept"] == ["N", "sigma_targ"]  # not Ne, Ni
    assert summary["best"]["mean"] <= summary["worst"]["mean"]


# --------------------------------------------------------------------------- Dask

@pytest.fixture(scope="module")
def dask_cluster():
    """A running two-worker cluster to join by address, as on a real cluster."""
    distributed = pytest.importorskip("distributed")
    sys.path.insert(0, str(HERE))  # the workers must import the fault module
    try:
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=None)
    finally:
        sys.path.remove(str(HERE))
    try:
        yield cluster
    finally:
        cluster.close()


def test_dask_local_cluster_gives_the_numbers_of_the_local_backend(reference, tmp_path):
    pytest.importorskip("distributed")
    out = tmp_path / "dask"
    assert sweep_cli("--scheduler", "local:2", "--out", str(out), "--quiet") == 0
    assert artifacts_of(out) == artifacts_of(reference)
    assert summary_of(out) == summary_of(reference)
    assert (out / "figures" / "fig1_sweep.png").is_file()


def test_dask_survives_a_killed_worker(dask_cluster, reference, tmp_path, monkeypatch):
    from lttb.run.executors import DaskBackend

    faults = faults_module(monkeypatch)
    marker = tmp_path / "killed"
    protocol = functools.partial(faults.kill_once, marker=str(marker), victim=(60, 1))
    out = tmp_path / "out"
    out.mkdir()
    with DaskBackend(parse_scheduler(dask_cluster.scheduler_address)) as backend:
        report = run_sweep(tiny_sweep(), out, backend, quiet=True, protocol=protocol)
    assert marker.exists(), "the victim's worker was never killed"
    assert report.ok and len(report.completed) == 8
    # artifacts_of reads (and so validates) every artifact
    assert artifacts_of(out) == artifacts_of(reference)
    assert not stray_temporaries(out)
