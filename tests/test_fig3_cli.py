"""``lttb-reproduce fig3``: one task per (variant, seed), its layout, replot, resume, bad input."""

from __future__ import annotations

import json

import pytest

from lttb import artifacts as A
from lttb.cli import main

SMOKE = ["fig3", "--config", "smoke", "--jobs", "2", "--threads", "1", "--quiet"]


def files_in(directory):
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*"))


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("fig3") / "out"
    assert main([*SMOKE, "--seed-list", "0,1", "--out", str(out)]) == 0
    return out


def test_both_variants_per_seed_with_summary_and_figures(run_dir):
    files = files_in(run_dir)
    for variant in ("apical", "basal"):
        for seed in (0, 1):
            artifact = A.read_artifact(run_dir / variant / f"seed-000{seed}.json")
            assert artifact["figure"] == "fig3" and artifact["variant"] == variant
            assert artifact["config"]["variant"] == variant
            assert artifact["schedule"]["epochs"] == 2
            assert f"figures/fig3_trajectory_{variant}_seed-000{seed}.pdf" in files
    for stem in ("fig3_reward", "fig3_all"):
        for fmt in ("pdf", "eps", "png"):
            assert f"figures/{stem}.{fmt}" in files
    # The run's scratch (the high networks the variants share) and checkpoints are gone.
    assert not any(".scratch" in f or "checkpoint" in f for f in files)
    summary = json.loads((run_dir / "summary.json").read_text())
    A.validate_summary(summary)
    assert summary["fig3"]["variants"]["apical"]["seeds"] == [0, 1]
    assert summary["fig3"]["apical_minus_basal"] is not None


def test_options_set_dotted_keys_and_one_variant(tmp_path, capsys):
    out = tmp_path / "one"
    assert main([*SMOKE, "--seed-list", "2", "--out", str(out), "--variant", "basal",
                 "--epochs", "1", "--iters-per-epoch", "1", "--set", "low.N=60",
                 "--set", "task.n_tests=2", "--no-figures"]) == 0
    assert files_in(out) == ["basal", "basal/seed-0002.json", "summary.json"]
    artifact = A.read_artifact(out / "basal" / "seed-0002.json")
    low = artifact["config"]["low"]
    assert (low["N"], low["Ne"], low["Ni"]) == (60, 48, 12)
    assert artifact["schedule"]["iters_per_epoch"] == 1 and len(artifact["R_mean"]) == 2
    assert len(artifact["tests"][0]["R"]) == 2


def test_replot_and_resume(run_dir, tmp_path, capsys):
    copy = tmp_path / "copy"
    import shutil
    shutil.copytree(run_dir, copy)
    shutil.rmtree(copy / "figures")
    (copy / "summary.json").unlink()
    assert main(["replot", str(copy), "--jobs", "1", "--quiet"]) == 0
    assert (copy / "summary.json").is_file() and (copy / "figures" / "fig3_all.png").is_file()
    before = {p: p.read_bytes() for p in copy.rglob("seed-*.json")}
    assert main([*SMOKE, "--seed-list", "0,1", "--out", str(copy), "--resume",
                 "--no-figures"]) == 0
    assert {p: p.read_bytes() for p in copy.rglob("seed-*.json")} == before
    # Another configuration is refused, not mixed in.
    capsys.readouterr()
    assert main([*SMOKE, "--seed-list", "0", "--out", str(copy), "--set",
                 "low.eta_out=0.01", "--no-figures"]) == 2
    assert "another configuration" in capsys.readouterr().err


@pytest.mark.parametrize("extra, message", [
    (["--variant", "sideways"], "invalid choice: 'sideways'"),
    (["--set", "low.nope=1"], "low.nope"),
    (["--set", "nope.x=1"], "nope.x"),
    (["--set", "low.epochs=3"], "low.epochs: not used by Figure 3"),
    (["--set", "low.eta=fast"], "low.eta: cannot parse 'fast' as a number"),
    (["--set", "env.res=ten"], "env.res: cannot parse"),
    (["--set", "env.r_lock=-1"], "env.r_lock: must be > 0"),
    (["--set", "env.res=10"], "low.I: must be 4 x env.res = 40"),
    (["--set", "low.Ne=81", "--set", "low.Ni=19"], "low.Ne: must be even"),
    (["--epochs", "0"], "schedule.epochs: must be >= 1"),
    (["--epochs", "3", "--set", "schedule.epochs=4"], "given by both --epochs and --set"),
])
def test_bad_input_one_message_exit_2_nothing_written(tmp_path, capsys, extra, message):
    out = tmp_path / "out"
    assert main([*SMOKE, "--seed-list", "0", "--out", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("error:") == 1
    assert not out.exists()


def test_sweep_runs_every_point_for_each_variant(tmp_path, capsys):
    out = tmp_path / "sweep"
    args = ["sweep", "fig3", "--config", "smoke", "--grid", "low.eta_out=0.04,0.05",
            "--seed-list", "0", "--epochs", "1", "--set", "task.n_tests=2", "--jobs", "2",
            "--quiet"]
    assert main([*args, "--out", str(out)]) == 0
    dirs = sorted(p.name for p in out.iterdir() if p.is_dir() and p.name != "figures")
    assert dirs == [f"variant={v}_low.eta_out={x}" for v in ("apical", "basal")
                    for x in ("0.04", "0.05")]
    artifacts = {d: A.read_artifact(out / d / "seed-0000.json") for d in dirs}
    for name, artifact in artifacts.items():
        assert artifact["variant"] == name.split("_")[0].split("=")[1]
        assert artifact["config"]["low"]["eta_out"] == float(name.rpartition("=")[2])
    # The high network does not depend on the point: all four share it.
    assert len({json.dumps(a["ERRORS_high"]) for a in artifacts.values()}) == 1
    assert not (out / ".scratch").exists()
    summary = json.loads((out / "sweep-summary.json").read_text())
    assert summary["metric"]["key"] == "last_R_mean"
    # The low-network settings that follow the variant are not swept keys.
    assert summary["swept"] == ["variant", "low.eta_out"]
    rewards = {row["dir"]: row["last_R_mean"] for row in summary["points"]}
    assert rewards == {d: [float(a["R_mean"][-1])] for d, a in artifacts.items()}
    assert (out / "figures" / "fig3_sweep.png").is_file()
    (out / "sweep-summary.json").unlink()
    assert main(["replot", str(out), "--quiet"]) == 0
    assert json.loads((out / "sweep-summary.json").read_text())["points"] == summary["points"]
    # One variant, with --grid or --set.
    for pick in (["--grid", "variant=basal"], ["--set", "variant=basal"]):
        one = tmp_path / f"one{len(pick[0])}"
        assert main([*args, "--out", str(one), *pick, "--no-figures"]) == 0
        assert sorted(p.name for p in one.iterdir() if p.is_dir()) == [
            "variant=basal_low.eta_out=0.04", "variant=basal_low.eta_out=0.05"]


@pytest.mark.parametrize("extra, message", [
    (["--grid", "variant=sideways"], "variant: must be one of apical, basal"),
    (["--grid", "low.nope=1,2"], "low.nope"),
    (["--grid", "low.eta=fast"], "low.eta: cannot parse 'fast'"),
    (["--grid", "low.Ne=81,80"], "low.Ne"),
    (["--grid", "schedule.epochs=0,1"], "schedule.epochs: must be >= 1"),
])
def test_sweep_bad_input_exit_2_nothing_written(tmp_path, capsys, extra, message):
    out = tmp_path / "sweep"
    assert main(["sweep", "fig3", "--config", "smoke", "--seed-list", "0", "--out", str(out),
                 *extra]) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert not out.exists()


def _computed(artifact):
    return {k: v for k, v in artifact.items()
            if k not in ("created", "wall_seconds", "platform")}


def _edit_checkpoint(path, edit):
    """Rewrite a checkpoint with ``edit(header)`` applied to its JSON header."""
    import numpy as np

    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    header = json.loads(str(arrays["header"]))
    edit(header)
    arrays["header"] = np.array(json.dumps(header))
    np.savez(path, **arrays)


def test_resume_continues_a_task_from_its_checkpoint(tmp_path, capsys, interrupt_fig3):
    """An interrupted task's checkpoint is where ``--resume`` starts, bit-identically."""
    from lttb.experiments.fig3 import protocol
    from lttb.experiments.fig3.config import load_fig3_config

    args = [*SMOKE, "--variant", "apical", "--seed-list", "3", "--epochs", "3",
            "--no-figures"]
    whole = tmp_path / "whole"
    assert main([*args, "--out", str(whole)]) == 0
    assert sorted(p.name for p in (whole / "apical").iterdir()) == ["seed-0003.json"]
    assert not (whole / ".scratch").exists()
    reference = A.read_artifact(whole / "apical" / "seed-0003.json")

    # A task stopped after epoch 2 leaves its checkpoint where the run keeps it.
    cfg = load_fig3_config("apical", "smoke", overrides={"schedule.epochs": 3})
    path = tmp_path / "cut" / "apical" / A.checkpoint_name(3)
    path.parent.mkdir(parents=True)

    interrupt_fig3(cfg, 3, path, after_epoch=2)
    saved = protocol.read_checkpoint(path, cfg, 3)
    assert saved["epoch"] == 2
    # A checkpoint claiming an hour already spent: the artifact counts it.
    _edit_checkpoint(path, lambda header: header.update(wall_seconds=3600.0))
    cut = tmp_path / "cut"
    assert main([*args, "--out", str(cut), "--resume"]) == 0
    assert not path.exists()
    resumed = A.read_artifact(cut / "apical" / "seed-0003.json")
    assert _computed(resumed) == _computed(reference)
    assert 3600.0 < resumed["wall_seconds"] < 3600.0 + reference["wall_seconds"] + 60

    # It did start there: a mark put into a checkpoint shows in the artifact ...
    interrupt_fig3(cfg, 3, path, after_epoch=2)

    def mark(header):
        header["out"]["R_mean"][0] = 0.125

    _edit_checkpoint(path, mark)
    marked = tmp_path / "marked"
    path.rename(marked)
    (cut / "apical" / "seed-0003.json").unlink()
    path.write_bytes(marked.read_bytes())
    assert main([*args, "--out", str(cut), "--resume"]) == 0
    assert A.read_artifact(cut / "apical" / "seed-0003.json")["R_mean"][0] == 0.125
    # ... and a run without --resume starts afresh, ignoring it.
    (cut / "apical" / "seed-0003.json").unlink()
    path.write_bytes(marked.read_bytes())
    assert main([*args, "--out", str(cut)]) == 0
    assert _computed(A.read_artifact(cut / "apical" / "seed-0003.json")) == _computed(reference)
    assert not path.exists()


def test_figures_render_to_eps_without_transparency(run_dir, caplog):
    """EPS cannot hold transparency: no figure may need it (matplotlib logs and flattens)."""
    import logging

    from lttb.experiments.fig3 import plots
    from lttb.plotting import render

    artifacts = [A.read_artifact(p) for p in sorted(run_dir.rglob("seed-*.json"))]
    figures = [function(artifacts) for function in plots.ACROSS_PLOTS.values()]
    for function in plots.SEED_PLOTS.values():
        drawn = function(artifacts[0])
        figures += list(drawn.values()) if isinstance(drawn, dict) else [drawn]
    with caplog.at_level(logging.WARNING, logger="matplotlib"):
        for figure in figures:
            assert render(figure, formats=("eps",), name="fig3")["eps"].startswith(b"%!PS")
    assert not [r.getMessage() for r in caplog.records if "transparency" in r.getMessage()]


def test_progress_bars_name_the_figures_value(capsys):
    """Figure 3 tasks report the low network's MSE, which is not Figure 1's outer MSE."""
    from lttb.experiments.catalog import results_of
    from lttb.run.progress import RunBars

    label = results_of("fig3").PROGRESS_LABEL
    bars = RunBars({"t": "variant=apical seed 0"}, {"t": 4}, 1, quiet=False,
                   value_label=label)
    bars.update("t", 2, 4, 0.25)
    shown = str(bars.bars["t"])
    bars.close()
    assert f"{label} 0.25" in shown and "outer MSE" not in shown


def test_tasks_of_a_seed_never_run_side_by_side():
    """Seeds go `slots` at a time, every variant in turn, so a seed's tasks share work."""
    from lttb.run.loop import seed_chunks
    from lttb.run.sweep import SweepTask

    tasks = {(v, s): SweepTask(point={"variant": v}, dirname=v, seed=s, cfg={})
             for v in ("apical", "basal") for s in range(5)}
    order = list(seed_chunks(tasks, 2))
    assert order == [("apical", 0), ("apical", 1), ("basal", 0), ("basal", 1),
                     ("apical", 2), ("apical", 3), ("basal", 2), ("basal", 3),
                     ("apical", 4), ("basal", 4)]
    assert list(seed_chunks(tasks, 1))[:4] == [("apical", 0), ("basal", 0), ("apical", 1),
                                               ("basal", 1)]
    assert sorted(seed_chunks(tasks, 8)) == sorted(tasks)


def test_the_notebooks_apical_setting_is_a_variant_of_its_own(run_dir, tmp_path):
    """apical_recurrent: apical context, basal read-out and plasticity; not in 'both'."""
    out = tmp_path / "notebook"
    assert main([*SMOKE, "--seed-list", "0", "--out", str(out), "--variant",
                 "apical_recurrent", "--epochs", "1", "--no-figures"]) == 0
    artifact = A.read_artifact(out / "apical_recurrent" / "seed-0000.json")
    low = artifact["config"]["low"]
    assert artifact["variant"] == "apical_recurrent"
    assert (low["readout"], low["eta"], low["sigma_apical_cont"], low["sigma_basal_cont"],
            low["sigma_targ"]) == ("recurrent", 0.5, 50.0, 0.0, 0.0)
    # Same seed, same draws: the high network is the apical run's.
    apical = A.read_artifact(run_dir / "apical" / "seed-0000.json")
    assert artifact["ERRORS_high"][0] == apical["ERRORS_high"][0]
    assert not (run_dir / "apical_recurrent").exists()  # 'both' is apical and basal
    # Drawn beside the published variants, in a colour of its own.
    import shutil
    for variant in ("apical", "basal"):
        shutil.copytree(run_dir / variant, out / variant)
    assert main(["replot", str(out), "--jobs", "1", "--quiet"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert sorted(summary["fig3"]["variants"]) == ["apical", "apical_recurrent", "basal"]
    assert (out / "figures" / "fig3_reward.png").is_file()
