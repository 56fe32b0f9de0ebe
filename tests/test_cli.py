"""Tests of ``lttb-reproduce``: runs, artifacts on disk, bad input, replot, interruption, resume."""

from __future__ import annotations

import functools
import importlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

import lttb
from lttb import artifacts as A
from lttb import load_config
from lttb._resources import read_schema
from lttb.cli import main
from lttb.experiments import catalog
from lttb.run.planning import plan_workers
from lttb.run.loop import RunReport
from lttb.run.seeds import run_seeds
from lttb.run.sweep import plan_figure

HERE = Path(__file__).parent
TINY = dict(N=60, Ne=48, Ni=12, T=120, epochs=2, iters_per_epoch=5)
TINY_ARGS = ["--set", "N=60", "--set", "Ne=48", "--set", "Ni=12", "--set", "T=120",
             "--epochs", "2", "--iters-per-epoch", "5"]
FIGURE_STEMS = ("panel", "three_rows", "training")


def subprocess_env():
    """Environment in which a child Python imports the same lttb as this one."""
    env = dict(os.environ)
    root = str(Path(lttb.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
    return env


def run(*args):
    return main(["fig1", *TINY_ARGS, *args])


def files_in(directory):
    return sorted(p.relative_to(directory).as_posix() for p in Path(directory).rglob("*"))


def stray_temporaries(directory):
    return [p for p in Path(directory).rglob("*") if p.name.endswith(".tmp")]


def load_all(directory):
    return {p.name: A.comparable(A.read_artifact(p)) for p in A.find_artifacts(directory)}


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    """Two seeds with figures, shared read-only by the tests that copy it."""
    out = tmp_path_factory.mktemp("run") / "results"
    assert run("--seeds", "2", "--jobs", "2", "--out", str(out), "--quiet") == 0
    return out


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory):
    """Seeds 0, 1, 2 without interruption (one worker), for the resume tests."""
    out = tmp_path_factory.mktemp("reference")
    assert run("--seed-list", "0,1,2", "--jobs", "1", "--out", str(out), "--quiet",
               "--no-figures") == 0
    return out


# --------------------------------------------------------------------------- basics

def test_version(capsys):
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    # The version first, then how to cite the paper.
    assert out.splitlines()[0] == f"lttb-reproduce {lttb.__version__} (distribution lttb-snn)"
    assert "arXiv:2201.11717" in out and "CITATION.cff" in out


def test_help_lists_figures(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "fig1" in out and "replot" in out


def test_figure_table_is_the_single_place_to_add_a_figure(tmp_path, monkeypatch, capsys):
    # One more line in the catalog is a new subcommand that runs its protocol
    # from its preset and names its artifacts after it.
    monkeypatch.setitem(catalog.CATALOG, "figx", "lttb.experiments.fig1")
    assert main(["--help"]) == 0
    assert "figx" in capsys.readouterr().out
    out = tmp_path / "out"
    assert main(["figx", *TINY_ARGS[:8], "--epochs", "1", "--iters-per-epoch", "1",
                 "--seed-list", "0", "--out", str(out), "--quiet", "--no-figures"]) == 0
    artifact = A.read_artifact(out / "seed-0000.json")
    assert artifact["figure"] == "figx"
    assert artifact["config"] == load_config("fig1", **dict(TINY, epochs=1, iters_per_epoch=1))


def test_python_dash_m(tmp_path):
    result = subprocess.run([sys.executable, "-m", "lttb", "--version"], capture_output=True,
                            text=True, cwd=tmp_path, env=subprocess_env(), timeout=120)
    assert result.returncode == 0
    assert lttb.__version__ in result.stdout


def test_console_script():
    script = shutil.which("lttb-reproduce")
    if script is None:
        pytest.skip("the lttb-reproduce console script is not installed on PATH")
    result = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and lttb.__version__ in result.stdout


# --------------------------------------------------------------------------- a full run

def test_run_writes_artifacts_summary_and_figures(finished_run):
    names = files_in(finished_run)
    # each seed's trained network is written beside its artifact by default
    expected = {"seed-0000.json", "seed-0001.json", "seed-0000.npz", "seed-0001.npz",
                "summary.json", "figures"}
    for seed in (0, 1):
        for stem in FIGURE_STEMS:
            expected |= {f"figures/fig1_{stem}_seed-{seed:04d}.{fmt}"
                         for fmt in ("pdf", "eps", "png")}
    expected |= {f"figures/fig1_across_seeds.{fmt}" for fmt in ("pdf", "eps", "png")}
    assert set(names) == expected
    for seed in (0, 1):
        artifact = A.read_artifact(finished_run / f"seed-{seed:04d}.json")
        assert artifact["seed"] == seed
        assert artifact["config"] == load_config("fig1", **TINY)
        assert artifact["schedule"]["n_iterations"] == 10


def test_summary_file(finished_run):
    summary = json.loads((finished_run / "summary.json").read_text())
    Draft202012Validator(read_schema(A.SUMMARY_SCHEMA_NAME)).validate(summary)
    assert summary["lttb_version"] == lttb.__version__
    finals = [A.read_artifact(finished_run / f"seed-{s:04d}.json")["final_outer_mse"]
              for s in (0, 1)]
    assert summary["seeds"] == [0, 1]
    assert [item["final_outer_mse"] for item in summary["final_outer_mse"]] == finals
    assert summary["mean"] == pytest.approx(sum(finals) / 2)
    assert summary["sd"] == pytest.approx(abs(finals[0] - finals[1]) / 2 ** 0.5)


def test_report_on_stdout(tmp_path, capsys):
    assert run("--seed-list", "4", "--out", str(tmp_path / "o"), "--no-figures") == 0
    out = capsys.readouterr().out
    assert "seed 4" in out and "final outer MSE" in out


def test_default_out_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("--seed-list", "3", "--quiet", "--no-figures") == 0
    assert (tmp_path / "lttb-results" / "fig1" / "seed-0003.json").is_file()


def test_config_file(tmp_path):
    config = tmp_path / "tiny.json"
    config.write_text(json.dumps(dict(TINY, base="fig1")))
    out = tmp_path / "o"
    assert main(["fig1", "--config", str(config), "--seed-list", "0", "--out", str(out),
                 "--quiet", "--no-figures"]) == 0
    assert A.read_artifact(out / "seed-0000.json")["config"] == load_config("fig1", **TINY)


def test_determinism_across_runs_and_job_counts(finished_run, reference_run):
    """Same seed and config: identical artifacts apart from time stamps, wall time, platform."""
    ours = load_all(finished_run)
    theirs = load_all(reference_run)
    for name in ("seed-0000.json", "seed-0001.json"):
        assert ours[name] == theirs[name]


def test_artifacts_record_the_threads_of_their_run(finished_run, reference_run):
    # --jobs 2 with two seeds and --jobs 1 with three: on a 2-CPU machine one
    # thread per seed, then two; the numbers above are the same either way.
    for directory, n_seeds, jobs in ((finished_run, 2, 2), (reference_run, 3, 1)):
        expected = str(plan_workers(n_seeds, jobs)[1])
        for path in A.find_artifacts(directory):
            platform = A.read_artifact(path)["platform"]
            assert platform["threads"] == expected
            assert platform["kernels"] in ("default", "scalar", "avx", "avx512")


def test_threads_without_openmp_are_ignored_with_a_notice(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(lttb._core, "openmp_enabled", lambda: False)
    out = tmp_path / "out"
    assert run("--seeds", "1", "--threads", "2", "--out", str(out), "--quiet",
               "--no-figures") == 0
    assert "no OpenMP" in capsys.readouterr().err
    # the plan (made in this process, which the patch reaches) gave the worker one thread
    assert A.read_artifact(out / "seed-0000.json")["platform"]["threads"] == "1"


# --------------------------------------------------------------------------- bad input

def bad_input_cases(tmp_path):
    not_json = tmp_path / "broken.json"
    not_json.write_text('{"N": 60,')
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    return [
        (["fig9"], "unknown figure or command 'fig9'"),
        ([], "COMMAND"),
        (["fig1", "--seeds", "0"], "--seeds: must be a positive integer"),
        (["fig1", "--seeds", "-3"], "--seeds"),
        (["fig1", "--seeds", "2", "--seed-list", "1"], "not allowed with"),
        (["fig1", "--seed-list", "1,1"], "seed 1 is listed twice"),
        (["fig1", "--seed-list", "a"], "comma-separated"),
        (["fig1", "--jobs", "0"], "--jobs: must be a positive integer"),
        (["fig1", "--set", "N"], "--set expects KEY=VALUE"),
        (["fig1", "--set", "bogus=1"], "bogus: unknown key"),
        (["fig1", "--set", "N=abc"], "N: cannot parse 'abc' as an integer"),
        (["fig1", "--set", "N=0"], "N: must be >= 1"),
        (["fig1", "--set", "T=100", "--set", "T=200"], "--set T is given more than once"),
        (["fig1", "--epochs", "0"], "epochs: must be >= 1"),
        (["fig1", "--epochs", "2", "--set", "epochs=3"], "epochs is given by both"),
        (["fig1", "--config", str(not_json)], "not valid JSON"),
        (["fig1", "--config", str(tmp_path / "missing.json")], "no such file"),
        (["fig1", "--out", str(a_file)], "exists and is not a directory"),
        (["fig1", "--out", str(a_file / "sub")], "is not a directory"),
        (["fig1", "--unknown-option"], "unrecognized arguments"),
        (["replot", str(tmp_path / "nowhere")], "is not a directory"),
        (["replot", str(tmp_path / "empty")], "no artifacts"),
    ]


CASE_COUNT = 22


@pytest.mark.parametrize("index", range(CASE_COUNT))
def test_bad_input_exits_2_and_writes_nothing(tmp_path, monkeypatch, capsys, index):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    tiny = tmp_path / "tiny.json"
    tiny.write_text(json.dumps(TINY))
    cases = bad_input_cases(tmp_path)
    assert len(cases) == CASE_COUNT
    argv, fragment = cases[index]
    before = files_in(tmp_path)
    if argv and argv[0] == "fig1":
        # If a check were missing, the run must at least stay tiny.
        argv = argv + ["--quiet", "--no-figures", "--jobs", "1"]
        if "--config" not in argv:
            argv += ["--config", str(tiny)]
        if "--out" not in argv:
            argv += ["--out", str(tmp_path / "out")]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("lttb-reproduce: error: ")
    assert fragment in captured.err
    assert "Traceback" not in captured.err
    assert files_in(tmp_path) == before


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs POSIX permissions that apply (not root)")
def test_unwritable_out_dir(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert run("--out", str(locked / "out"), "--quiet") == 2
        assert "cannot be created" in capsys.readouterr().err
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


# --------------------------------------------------------------------------- replot

def test_replot_redraws_everything(finished_run, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(finished_run, copy)
    shutil.rmtree(copy / "figures")
    assert main(["replot", str(copy), "--quiet"]) == 0
    assert files_in(copy) == files_in(finished_run)


def test_replot_reports_invalid_files_and_draws_the_rest(finished_run, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(finished_run, copy)
    shutil.rmtree(copy / "figures")
    good = json.loads((copy / "seed-0000.json").read_text())
    text = (copy / "seed-0001.json").read_text()
    (copy / "seed-0001.json").write_text(text[: len(text) // 3])
    newer = dict(good, seed=2, schema_version=A.SCHEMA_VERSION + 1)
    (copy / "seed-0002.json").write_text(json.dumps(newer))
    invalid = dict(good, seed=3)
    del invalid["bursts"]
    (copy / "seed-0003.json").write_text(json.dumps(invalid))

    assert main(["replot", str(copy), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "seed-0001.json: not valid JSON" in err
    assert f"seed-0002.json: schema_version {A.SCHEMA_VERSION + 1} is newer" in err
    assert "seed-0003.json: does not match the artifact schema" in err and "bursts" in err
    assert "seed-0000.json" not in err
    drawn = files_in(copy / "figures")
    assert "fig1_panel_seed-0000.png" in drawn and "fig1_across_seeds.png" in drawn
    assert not any("seed-0001" in name for name in drawn)
    assert json.loads((copy / "summary.json").read_text())["seeds"] == [0]


# --------------------------------------------------------------------------- resume

def test_resume_after_a_killed_worker_equals_an_uninterrupted_run(tmp_path, monkeypatch,
                                                                  reference_run, capsys):
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.syspath_prepend(str(HERE))
    faults = importlib.import_module("_lttb_faults")
    monkeypatch.setenv(faults.VICTIM, "1")
    monkeypatch.setenv(faults.WAIT_FOR, str(out / "seed-0000.json"))
    cfg = load_config("fig1", **TINY)
    # The victim dies every time it runs: with no retry it is left for --resume.
    report = run_seeds("fig1", cfg, [0, 1, 2], out, jobs=2, quiet=True,
                       task=faults.kill_victim, retries=0)
    assert 1 in report.failed and "worker process died" in report.failed[1]
    assert 0 in report.completed
    assert not stray_temporaries(out)
    assert not (out / "seed-0001.json").exists()
    # the artifacts left behind are those of the completed seeds, complete and valid
    assert [A.read_artifact(path)["seed"] for path in A.find_artifacts(out)] == sorted(
        report.completed)

    before = {p.name: p.read_bytes() for p in A.find_artifacts(out)}
    # The faulty task writes no networks: resume without them, or every seed reruns.
    assert run("--seed-list", "0,1,2", "--out", str(out), "--resume", "--no-figures",
               "--no-networks") == 0
    assert "resuming: keeping seed" in capsys.readouterr().out
    for name, content in before.items():
        assert (out / name).read_bytes() == content, f"{name} was rewritten"
    assert load_all(out) == load_all(reference_run)
    assert json.loads((out / "summary.json").read_text())["seeds"] == [0, 1, 2]


def test_a_failing_seed_keeps_the_others_and_exits_1(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(HERE))
    faults = importlib.import_module("_lttb_faults")
    monkeypatch.setenv(faults.VICTIM, "0")
    out = tmp_path / "out"
    out.mkdir()
    report = run_seeds("fig1", load_config("fig1", **TINY), [0, 1], out, jobs=2, quiet=True,
                       task=faults.raise_for_victim)
    assert report.failed == {0: "RuntimeError: injected failure"}
    assert report.completed == [1]
    assert [p.name for p in A.find_artifacts(out)] == ["seed-0001.json"]
    assert not stray_temporaries(out)


def test_failed_run_exit_status(tmp_path, monkeypatch, capsys):
    seed0, seed1 = plan_figure("fig1", load_config("fig1", **TINY), [0, 1]).tasks
    report = RunReport(completed=[seed1], failed={seed0: "RuntimeError: boom"})
    monkeypatch.setattr("lttb.cli.execute.run_tasks", lambda *args, **kwargs: report)
    assert run("--seeds", "2", "--out", str(tmp_path / "o"), "--quiet") == 1
    err = capsys.readouterr().err
    assert "seed 0 failed: RuntimeError: boom" in err and "--resume" in err
    assert not (tmp_path / "o" / "summary.json").exists()


def test_resume_reruns_an_invalid_artifact(finished_run, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(finished_run, copy)
    text = (copy / "seed-0001.json").read_text()
    (copy / "seed-0001.json").write_text(text[:100])
    assert run("--seeds", "2", "--out", str(copy), "--resume", "--quiet", "--no-figures") == 0
    assert "seed-0001.json cannot be kept (not valid JSON" in capsys.readouterr().err
    assert load_all(copy) == load_all(finished_run)


# finished_run used the fig1 preset (eta=10, h=-1, pin on, ...) with TINY.
@pytest.mark.parametrize("changes, key", [
    (dict(eta=5), "eta"),                      # a learning rate
    (dict(eta_out=0.02), "eta_out"),
    (dict(h=-2), "h"),                         # a model parameter
    (dict(sigma_targ=12), "sigma_targ"),
    (dict(T=124), "T"),                        # a size
    (dict(N=64, Ne=52), "N"),
    (dict(epochs=3), "epochs"),                # schedule keys
    (dict(test_every=2), "test_every"),
    (dict(lr_decay=0.5), "lr_decay"),
    (dict(pin=False), "pin"),                  # a switch
])
def test_resume_refuses_another_configuration(finished_run, tmp_path, capsys, changes, key):
    copy = tmp_path / "copy"
    shutil.copytree(finished_run, copy)
    before = {p.name: p.read_bytes() for p in copy.iterdir() if p.is_file()}
    settings = dict(TINY, **changes)
    argv = ["fig1", "--seeds", "2", "--out", str(copy), "--resume", "--quiet", "--no-figures"]
    for name, value in settings.items():
        argv += ["--set", f"{name}={str(value).lower()}"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "another configuration" in err
    assert re.search(rf"config keys (\S+, )*{key}\b", err), err
    assert {p.name: p.read_bytes() for p in copy.iterdir() if p.is_file()} == before


def test_resume_reruns_artifacts_of_another_lttb_version(finished_run, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(finished_run, copy)
    old = json.loads((copy / "seed-0000.json").read_text())
    old["lttb_version"] = "0.0.1"
    (copy / "seed-0000.json").write_text(json.dumps(old))
    assert run("--seeds", "2", "--out", str(copy), "--resume", "--quiet", "--no-figures") == 0
    assert "made by lttb 0.0.1" in capsys.readouterr().err
    assert A.read_artifact(copy / "seed-0000.json")["lttb_version"] == lttb.__version__


def test_rerun_without_resume_overwrites(finished_run, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(finished_run, copy)
    old = A.read_artifact(copy / "seed-0000.json")
    assert run("--seed-list", "0", "--out", str(copy), "--quiet", "--no-figures") == 0
    new = A.read_artifact(copy / "seed-0000.json")
    assert A.comparable(new) == A.comparable(old)
    assert json.loads((copy / "summary.json").read_text())["seeds"] == [0]


#: The command line with one worker whose second seed never finishes (see
#: _lttb_faults.hang_victim): an interrupt always finds the run unfinished.
HANGING_CLI = """
import functools, signal, sys
# As in a terminal: a parent started in the background may have SIGINT ignored,
# which a child inherits.
signal.signal(signal.SIGINT, signal.default_int_handler)
import _lttb_faults
import lttb.cli.execute
import lttb.run.loop
lttb.cli.execute.run_tasks = functools.partial(lttb.run.loop.run_tasks,
                                               task=_lttb_faults.hang_victim)
from lttb.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX-only")
def test_ctrl_c_keeps_finished_seeds_and_no_partial_file(tmp_path):
    out = tmp_path / "out"
    env = subprocess_env()
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), env["PYTHONPATH"]])
    env["LTTB_TEST_VICTIM_SEED"] = "1"
    argv = [sys.executable, "-c", HANGING_CLI, "fig1", *TINY_ARGS, "--seed-list", "0,1,2",
            "--jobs", "1", "--out", str(out), "--quiet"]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               cwd=tmp_path, env=env)
    try:
        deadline = time.monotonic() + 120
        while not (out / "seed-0000.json").exists() and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, err
    assert "interrupted; 1 of 3 seeds finished" in err and "--resume" in err
    assert "Traceback" not in err
    assert [p.name for p in A.find_artifacts(out)] == ["seed-0000.json"]
    assert A.read_artifact(out / "seed-0000.json")["seed"] == 0
    assert not stray_temporaries(out)
    assert not (out / "summary.json").exists()
    for path in A.find_artifacts(out):
        A.read_artifact(path)


# --------------------------------------------------------------------------- one task loop

def test_a_killed_worker_costs_only_its_own_seed(tmp_path, monkeypatch, reference_run):
    """A worker killed mid-seed: only that seed runs again, and the run is as undisturbed."""
    monkeypatch.syspath_prepend(str(HERE))
    faults = importlib.import_module("_lttb_sweep_faults")
    log, marker = tmp_path / "starts.log", tmp_path / "killed"
    protocol = functools.partial(faults.kill_once, marker=str(marker), victim=(60, 1),
                                 log=str(log))
    out = tmp_path / "out"
    out.mkdir()
    report = run_seeds("fig1", load_config("fig1", **TINY), [0, 1, 2], out, jobs=2,
                       quiet=True, protocol=protocol)
    assert marker.exists(), "the victim's worker was never killed"
    assert report.ok and sorted(report.completed) == [0, 1, 2]
    starts = sorted(log.read_text().split())
    assert starts == ["60,0", "60,1", "60,1", "60,2"], starts
    assert load_all(out) == load_all(reference_run)
    assert not stray_temporaries(out)


def test_figure_run_retries_and_reports_a_seed_that_keeps_dying(tmp_path, monkeypatch,
                                                               capsys):
    monkeypatch.syspath_prepend(str(HERE))
    faults = importlib.import_module("_lttb_faults")
    monkeypatch.setenv(faults.VICTIM, "0")
    monkeypatch.setenv(faults.WAIT_FOR, str(tmp_path))  # exists: die at once
    out = tmp_path / "out"
    out.mkdir()
    report = run_seeds("fig1", load_config("fig1", **TINY), [0, 1], out, jobs=1, quiet=True,
                       task=faults.kill_victim, retries=1)
    assert report.failed == {0: "a worker process died while running it (2 attempts)"}
    assert report.completed == [1]


def test_fig1_on_a_local_dask_cluster_equals_the_default(tmp_path, reference_run):
    pytest.importorskip("distributed")
    out = tmp_path / "dask"
    assert run("--seed-list", "0,1,2", "--scheduler", "local:2", "--retries", "1",
               "--out", str(out), "--quiet", "--no-figures") == 0
    assert load_all(out) == load_all(reference_run)
    # the networks come back from the Dask workers too
    assert sorted(p.name for p in out.iterdir()) == [
        "seed-0000.json", "seed-0000.npz", "seed-0001.json", "seed-0001.npz",
        "seed-0002.json", "seed-0002.npz", "summary.json"]


@pytest.mark.parametrize("args, fragment", [
    (["--scheduler", "local:0"], "--scheduler"),
    (["--scheduler", "http://x"], "--scheduler"),
    (["--retries", "-1"], "--retries"),
    (["--jobs", "3", "--scheduler", "tcp://127.0.0.1:1"], "--scheduler"),
])
def test_figure_executor_options_are_checked_before_anything_is_written(tmp_path, capsys,
                                                                        args, fragment):
    out = tmp_path / "never"
    assert run("--seeds", "1", "--out", str(out), *args) == 2
    err = capsys.readouterr().err
    assert fragment in err and err.count("\n") == 1
    assert not out.exists()


def test_figures_are_drawn_by_the_executor_with_the_same_files(tmp_path, finished_run):
    from lttb.plotting.draw import draw_all
    from lttb.run.executors import LocalBackend

    artifacts = [A.read_artifact(p) for p in A.find_artifacts(finished_run)]
    serial = draw_all(artifacts, tmp_path / "serial", jobs=1)
    with LocalBackend(2) as backend:
        parallel = draw_all(artifacts, tmp_path / "parallel", backend=backend)
    assert sorted(p.name for p in serial) == sorted(p.name for p in parallel)
    def content(path):
        # EPS states when it was drawn; everything else must be equal.
        lines = path.read_bytes().split(b"\n")
        return [line for line in lines if not line.startswith(b"%%CreationDate")]

    for path in serial:
        other = tmp_path / "parallel" / path.name
        if path.suffix == ".eps":
            assert b"%%Title: " + path.name.encode() in path.read_bytes()
        assert content(path) == content(other), path.name
    assert (tmp_path / "parallel" / "fig1_panel_seed-0001.png").stat().st_size > 0
