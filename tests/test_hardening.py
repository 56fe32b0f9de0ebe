"""Edges a demanding user finds: every one a clear message, no traceback, nothing half-written.

Each test is one row of the hardening list: limits before work, bounded
reading, the output folder, divergence, orphaned workers and reproducible
figures.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import lttb
from lttb import artifacts as A
from lttb.cli import main

TINY_ARGS = ["--set", "N=60", "--set", "T=120", "--epochs", "1", "--iters-per-epoch", "5"]


def fig1(*args):
    return main(["fig1", *TINY_ARGS, *args])


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("lttb-reproduce: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def subprocess_env():
    env = dict(os.environ)
    root = str(Path(lttb.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
    return env


# --------------------------------------------------------------------------- limits before work

@pytest.mark.parametrize("args, fragment", [
    (["--seeds", "100000000000000000000"], "100,000,000,000,000,000,000 seeds"),
    (["--seed-list", "0", "--set", "N=1000000"], "1 worker x"),
    (["--seed-list", "0", "--set", "T=100000000"], "results held at the end"),
    (["--seed-list", "0", "--set", "I=10000000"], "1 worker x"),
])
def test_runs_that_cannot_fit_are_refused_before_anything_is_created(tmp_path, capsys, args,
                                                                     fragment):
    out = tmp_path / "out"
    assert main(["fig1", "--out", str(out), *args]) == 2
    err = one_error_line(capsys)
    assert "this run needs about" in err and fragment in err and "--max-memory" in err
    assert not out.exists()


def test_fig2_contexts_that_cannot_fit_are_refused(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["fig2", "--seed-list", "0", "--set", "n_contexts=100000", "--out",
                 str(out)]) == 2
    assert "this run needs about" in one_error_line(capsys)
    assert not out.exists()


def test_the_per_process_limit_counts(tmp_path):
    # Under `ulimit -v`, five million seeds are refused at once (before: every
    # task was queued, then MemoryError).
    import resource

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (2_500_000 * 1024, resource.RLIM_INFINITY))

    code = ("import sys; from lttb.cli import main; sys.exit(main(['fig1', '--seeds', "
            "'5000000', '--set', 'N=100', '--out', 'o']))")
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=subprocess_env(),
                          preexec_fn=limit, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "this run needs about" in done.stderr or "RLIMIT_AS" in done.stderr
    assert time.monotonic() - start < 60
    assert not (tmp_path / "o").exists()


def test_max_memory_replaces_the_limit(tmp_path, capsys):
    assert fig1("--seed-list", "0", "--max-memory", "1M", "--out", str(tmp_path / "o")) == 2
    assert "more than the 1.0 MiB this machine allows (--max-memory)" in one_error_line(capsys)
    assert fig1("--seed-list", "0", "--max-memory", "lots", "--out", str(tmp_path / "o")) == 2
    assert "--max-memory" in one_error_line(capsys)
    assert fig1("--seed-list", "0", "--max-memory", "64G", "--quiet", "--no-figures",
                "--out", str(tmp_path / "o")) == 0


def test_a_huge_grid_is_refused_at_once(tmp_path, capsys):
    values = ",".join(str(v) for v in range(1, 101))
    grid = [arg for key in ("eta", "eta_out", "sigma_in", "sigma_targ", "tau_m", "h")
            for arg in ("--grid", f"{key}={values}")]
    start = time.monotonic()
    assert main(["sweep", "fig1", *grid, "--seed-list", "0", "--out",
                 str(tmp_path / "o")]) == 2
    assert time.monotonic() - start < 10
    assert "1,000,000,000,000 tasks" in one_error_line(capsys)


# --------------------------------------------------------------------------- bounded reading

def test_deeply_nested_config_is_refused(tmp_path, capsys):
    path = tmp_path / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    assert fig1("--config", str(path), "--out", str(tmp_path / "o")) == 2
    assert "nests arrays or objects 200000 deep; at most 64" in one_error_line(capsys)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_config_does_not_hang(tmp_path, capsys):
    fifo = tmp_path / "f.json"
    os.mkfifo(fifo)
    assert fig1("--config", str(fifo), "--out", str(tmp_path / "o")) == 2
    assert "is not a regular file" in one_error_line(capsys)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_config_is_not_read(tmp_path, capsys):
    assert fig1("--config", "/dev/zero", "--out", str(tmp_path / "o")) == 2
    assert "is not a regular file" in one_error_line(capsys)


def test_a_config_over_16_mib_is_refused(tmp_path, capsys):
    path = tmp_path / "big.json"
    path.write_text('{"eta": 1' + " " * (16 * 2**20) + "}")
    assert fig1("--config", str(path), "--out", str(tmp_path / "o")) == 2
    assert "is larger than 16 MiB" in one_error_line(capsys)


@pytest.fixture(scope="module")
def two_seeds(tmp_path_factory):
    out = tmp_path_factory.mktemp("two") / "run"
    assert fig1("--seed-list", "0,1", "--out", str(out), "--quiet", "--no-figures") == 0
    return out


def test_replot_and_resume_name_a_deeply_nested_artifact(two_seeds, tmp_path, capsys):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(two_seeds, copy)
    (copy / "seed-0001.json").write_text("[" * 100_000 + "]" * 100_000)
    assert main(["replot", str(copy), "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert "skipped seed-0001.json: nests arrays or objects 100000 deep" in err
    assert "Traceback" not in err
    assert (copy / "figures" / "fig1_panel_seed-0000.png").is_file()
    assert fig1("--seed-list", "0,1", "--out", str(copy), "--resume", "--quiet",
                "--no-figures") == 0
    assert "seed-0001.json cannot be kept (nests arrays" in capsys.readouterr().err
    assert A.read_artifact(copy / "seed-0001.json")["seed"] == 1


# --------------------------------------------------------------------------- output folder

def test_an_empty_out_is_bad_input(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert fig1("--seed-list", "0", "--out", "") == 2
    assert "--out is empty" in one_error_line(capsys)
    assert list(tmp_path.iterdir()) == []


def test_a_name_too_long_for_the_file_system_is_bad_input(tmp_path, capsys):
    assert fig1("--seed-list", "0", "--out", str(tmp_path / ("a" * 300))) == 2
    err = one_error_line(capsys)
    assert "File name too long" in err or "longer than" in err
    assert list(tmp_path.iterdir()) == []


def test_a_run_does_not_mix_with_another_configuration(two_seeds, tmp_path, capsys):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(two_seeds, copy)
    before = {p.name: p.read_bytes() for p in copy.glob("seed-*.json")}
    assert fig1("--seed-list", "0", "--set", "eta=5", "--out", str(copy)) == 2
    err = capsys.readouterr().err
    assert err.startswith("lttb-reproduce: error: --out") and "Traceback" not in err
    assert "holds results of another configuration" in err
    assert "seed-0000.json: config keys eta" in err and "seed-0001.json: config keys eta" in err
    assert {p.name: p.read_bytes() for p in copy.glob("seed-*.json")} == before
    # The same configuration runs again into its own folder.
    assert fig1("--seed-list", "0", "--out", str(copy), "--quiet", "--no-figures") == 0
    # An empty folder is fine.
    (tmp_path / "empty").mkdir()
    assert fig1("--seed-list", "0", "--out", str(tmp_path / "empty"), "--quiet",
                "--no-figures") == 0


def test_replot_of_mixed_configurations_draws_seeds_only(two_seeds, tmp_path, capsys):
    import shutil

    other = tmp_path / "other"
    assert fig1("--seed-list", "2", "--set", "eta=5", "--out", str(other), "--quiet",
                "--no-figures") == 0
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    for path in [*two_seeds.glob("seed-*.json"), other / "seed-0002.json"]:
        shutil.copy(path, mixed)
    assert main(["replot", str(mixed), "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert "mixes runs of 2 configurations" in err
    assert "seeds 0, 1: fig1" in err and "seed 2: differs in config keys eta" in err
    drawn = sorted(p.name for p in (mixed / "figures").iterdir())
    assert "fig1_panel_seed-0002.png" in drawn and "fig1_panel_seed-0000.png" in drawn
    assert not any("across_seeds" in name for name in drawn)
    assert not (mixed / "summary.json").exists()


# --------------------------------------------------------------------------- schedulers

@pytest.mark.parametrize("address, fragment", [
    ("tcp://host:notaport", "is not a number from 1 to 65535"),
    ("foo://127.0.0.1:1", "unknown protocol 'foo'"),
    ("tcp://:8786", "no host name"),
])
def test_scheduler_addresses_dask_cannot_use_are_bad_input(tmp_path, capsys, address, fragment):
    assert main(["sweep", "fig1", "--grid", "N=100,200", "--scheduler", address,
                 "--out", str(tmp_path / "o")]) == 2
    assert fragment in one_error_line(capsys)
    assert fig1("--seed-list", "0", "--scheduler", address, "--out", str(tmp_path / "o")) == 2
    assert fragment in one_error_line(capsys)
    assert not (tmp_path / "o").exists()


# --------------------------------------------------------------------------- no tests, divergence

def test_a_run_without_test_points_draws_every_figure(tmp_path):
    out = tmp_path / "o"
    assert fig1("--seed-list", "0", "--set", "test_every=1000", "--out", str(out),
                "--quiet", "--jobs", "1") == 0
    assert A.read_artifact(out / "seed-0000.json")["test_iterations"] == []
    drawn = {p.name for p in (out / "figures").iterdir()}
    assert {"fig1_training_seed-0000.png", "fig1_across_seeds.png"} <= drawn


def test_a_diverging_seed_stops_is_listed_and_still_drawn(tmp_path):
    out = tmp_path / "o"
    assert fig1("--seed-list", "0,1", "--set", "eta_out=1e200", "--set", "test_every=2",
                "--out", str(out), "--quiet", "--no-figures") == 0
    artifact = A.read_artifact(out / "seed-0000.json")
    assert artifact["schema_version"] == 3 and artifact["diverged_at"] == 1
    assert artifact["test_iterations"] == [] and artifact["final_outer_mse"] is None
    summary = json.loads((out / "summary.json").read_text())
    assert summary["diverged"] == [{"seed": 0, "diverged_at": 1}, {"seed": 1, "diverged_at": 1}]
    assert main(["replot", str(out), "--quiet", "--jobs", "1"]) == 0
    drawn = {p.name for p in (out / "figures").iterdir()}
    assert len(drawn) == 7 * 3
    # A healthy run records no divergence.
    healthy = tmp_path / "h"
    assert fig1("--seed-list", "0", "--out", str(healthy), "--quiet", "--no-figures") == 0
    assert "diverged_at" not in A.read_artifact(healthy / "seed-0000.json")
    assert json.loads((healthy / "summary.json").read_text())["diverged"] == []


def test_a_diverged_artifact_must_stop_its_curves_before_the_divergence(tmp_path):
    out = tmp_path / "o"
    assert fig1("--seed-list", "0", "--set", "test_every=1", "--out", str(out), "--quiet",
                "--no-figures") == 0
    artifact = A.read_artifact(out / "seed-0000.json")
    artifact["diverged_at"] = 3  # but the curves go on to iteration 5
    with pytest.raises(A.ArtifactError, match="outer_mse: shape"):
        A.validate_artifact(artifact)
    artifact = dict(artifact, diverged_at=4, test_iterations=[1, 2, 3],
                    outer_mse=artifact["outer_mse"][:3], inner_error=artifact["inner_error"][:3])
    A.validate_artifact(artifact)
    artifact["schema_version"] = 2
    with pytest.raises(A.ArtifactError, match="artifact schema"):
        A.validate_artifact(artifact)


def test_a_sweep_whose_points_all_diverge_draws_and_replots(tmp_path, capsys):
    out = tmp_path / "n"
    assert main(["sweep", "fig1", "--grid", "eta_out=1e200,1e250", "--seed-list", "0",
                 *TINY_ARGS, "--out", str(out), "--quiet"]) == 0
    assert (out / "figures" / "fig1_sweep.png").is_file()
    assert main(["replot", str(out), "--quiet"]) == 0
    assert "Traceback" not in capsys.readouterr().err


# --------------------------------------------------------------------------- orphans

def _descendants(pid):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def _running(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_exit_soon_after_their_parent_is_killed(tmp_path):
    command = [sys.executable, "-c", "import sys; from lttb.cli import main; sys.exit(main())",
               "fig1", "--seeds", "6", "--set", "N=100", "--out", str(tmp_path / "o")]
    parent = subprocess.Popen(command, env=subprocess_env(), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while len(_descendants(parent.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # well into the first seeds
        workers = _descendants(parent.pid)
        assert len(workers) >= 2, "the run never started its workers"
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    deadline = time.monotonic() + 5
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if _running(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"still running 5 s after the parent died: {left}"


# --------------------------------------------------------------------------- reproducible figures

def test_two_replots_give_identical_files_with_the_data_date(two_seeds, tmp_path, monkeypatch):
    import shutil

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(two_seeds / "seed-0000.json", copy)
    assert main(["replot", str(copy), "--quiet", "--jobs", "1"]) == 0
    first = {p.name: p.read_bytes() for p in (copy / "figures").iterdir()}
    time.sleep(1.1)  # a date taken from the clock would now differ
    assert main(["replot", str(copy), "--quiet", "--jobs", "1"]) == 0
    second = {p.name: p.read_bytes() for p in (copy / "figures").iterdir()}
    assert first == second and len(first) == 4 * 3
    created = A.read_artifact(copy / "seed-0000.json")["created"]
    date = lttb.plotting.figure_date(created)
    eps = first["fig1_panel_seed-0000.eps"]
    assert b"%%Title: fig1_panel_seed-0000.eps\n" in eps
    assert b"%%CreationDate: " + date.strftime("%a %b %d %H:%M:%S %Y").encode() in eps
    assert date.strftime("D:%Y%m%d%H%M%S").encode() in first["fig1_panel_seed-0000.pdf"]


def test_source_date_epoch_wins(two_seeds, tmp_path, monkeypatch):
    from lttb.plotting import figure_date

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    assert figure_date("2026-11-30T01:00:00+00:00").year == 1970
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert figure_date("2026-11-30T01:00:00+00:00").year == 2026
    assert figure_date(None) is None
