"""Figure 3 (part 3): artifacts of the joint protocol, their checks and summary.json."""

from __future__ import annotations

import copy

import numpy as np

import pytest

from lttb import artifacts as A
from lttb.experiments.fig3 import paper, protocol, results
from lttb.experiments.fig3.config import load_fig3_config


@pytest.fixture(scope="module")
def runs():
    """(cfg, result) of both variants and seeds 0 and 1, smoke preset, 3 epochs."""
    out = {}
    for variant in ("apical", "basal"):
        cfg = load_fig3_config(variant, "smoke", overrides={"schedule.epochs": 3})
        for seed in (0, 1):
            out[variant, seed] = (cfg, protocol.run(cfg, seed))
    return out


def _artifact(runs, variant="apical", seed=0):
    cfg, result = runs[variant, seed]
    return A.build_artifact("fig3", cfg, result, wall_seconds=1.0)


def test_artifact_holds_the_authors_curves(runs, tmp_path):
    artifact = _artifact(runs)
    for key in results.RESULT_KEYS:
        assert key in artifact
    assert "targets" not in artifact and artifact["variant"] == "apical"
    assert artifact["config"]["low"]["readout"] == "target"
    assert artifact["schedule"]["n_evaluations"] == 4
    path = A.write_artifact(tmp_path, artifact)
    again = A.read_artifact(path)
    assert again["R_mean"] == artifact["R_mean"] and again["tests"] == artifact["tests"]
    assert A.same_run(again, "fig3", artifact["config"]) == []
    other = load_fig3_config("apical", "smoke", overrides={"schedule.epochs": 4})
    assert "schedule" in A.same_run(again, "fig3", other)


@pytest.mark.parametrize("change, message", [
    (lambda a: a.pop("ERRORS_low"), "'ERRORS_low' is a required property"),
    (lambda a: a["R_mean"].pop(), "R_mean: shape"),
    (lambda a: a["ERRORS_high"][1].pop(), "ERRORS_high: shape"),
    (lambda a: a["tests"][0]["R"].pop(), "tests[0]"),
    (lambda a: a["example"]["positions"].pop(), "example.positions"),
    (lambda a: a.update(variant="basal"), "variant 'basal'"),
    (lambda a: a["config"]["low"].update(N=101, Ne=81, Ni=20), "low.Ne"),
    (lambda a: a["schedule"].update(n_tests=3), "schedule does not follow"),
    (lambda a: a["config"]["env"].update(r_lock=-1), "env.r_lock"),
])
def test_bad_artifacts_are_refused(runs, change, message):
    artifact = copy.deepcopy(_artifact(runs))
    change(artifact)
    with pytest.raises(A.ArtifactError, match=message.replace("[", r"\[").replace("]", r"\]")):
        A.validate_artifact(artifact)


def test_summary_per_variant_and_difference(runs, tmp_path):
    artifacts = [_artifact(runs, v, s) for v in ("apical", "basal") for s in (0, 1)]
    summary = A.summarize(artifacts)
    A.validate_summary(summary)
    fig3 = summary["fig3"]
    assert summary["figure_names"] == ["fig3"] and "final_outer_mse" not in summary
    apical, basal = fig3["variants"]["apical"], fig3["variants"]["basal"]
    assert apical["seeds"] == [0, 1] == basal["seeds"]
    finals = [a["R_mean"][-1] for a in artifacts[:2]]
    assert apical["final"]["R_mean"]["per_seed"] == finals
    last = [sum(a["R_mean"][1:]) / 3 for a in artifacts[:2]]
    assert apical["last_epochs"]["R_mean"]["per_seed"] == pytest.approx(last)
    assert fig3["apical_minus_basal"]["final"]["R_mean"] == pytest.approx(
        apical["final"]["R_mean"]["mean"] - basal["final"]["R_mean"]["mean"])
    assert len(apical["curve"]["R_mean"]) == 4 and fig3["paper"]["apical"]["R_mean"] == 0.88
    one = A.summarize(artifacts[:2])
    A.validate_summary(one)
    assert one["fig3"]["apical_minus_basal"] is None
    assert A.write_summary(tmp_path, artifacts).name == "summary.json"


def test_figures_drawn_from_artifacts(runs, tmp_path):
    from lttb.experiments.fig3 import plots
    from lttb.plotting.draw import draw_all

    artifacts = [_artifact(runs, v, s) for v in ("apical", "basal") for s in (0, 1)]
    written = draw_all(artifacts, tmp_path / "figures", jobs=1)
    names = sorted(p.name for p in written)
    for stem in ("fig3_reward", "fig3_all", "fig3_trajectory_apical_seed-0000",
                 "fig3_trajectory_basal_seed-0001", "fig3_outputs_apical_seed-0001"):
        for fmt in ("pdf", "eps", "png"):
            assert f"{stem}.{fmt}" in names
    assert len(names) == 3 * (2 + 2 * 4)
    # The reward panel: one band per variant, log epochs from 1, y up to 1.05.
    ax = plots.plot_reward(artifacts).axes[0]
    assert ax.get_xscale() == "log" and ax.get_ylim() == (0, 1.05)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "apical", "basal", "apical, authors' runs (mean)", "basal, authors' runs (mean)"]
    # The authors' mean curve, over the epochs the artifacts trained (1..3 here).
    line = [ln for ln in ax.get_lines() if ln.get_label() == "basal, authors' runs (mean)"][0]
    assert list(line.get_xdata()) == [1, 2, 3] and line.get_linestyle() == "--"
    theirs = np.mean([run["R_mean"][1:4] for run in paper.RUNS["basal"]], axis=0)
    np.testing.assert_allclose(line.get_ydata(), theirs, rtol=0, atol=1e-15)
    assert len(plots.plot_all(artifacts[:2]).axes) == 6


def test_published_runs_are_the_authors_ten_per_variant():
    # Spot values from the authors' files (R_vs_epochs_apical_n001.json, _basal_n003.json)
    # and the published across-run values the issue quotes (0.87 +- 0.04, 0.23 +- 0.05).
    assert [r["run"] for r in paper.RUNS["apical"]] == [f"n{i:03d}" for i in range(1, 11)]
    for variant in ("apical", "basal"):
        curves = paper.curves(variant)
        assert all(c.shape == (10, 101) for c in curves.values())
        assert np.all(curves["food_rate"] <= curves["button_rate"])
        assert np.all(curves["R_mean"][:, 0] == 0.0)
    assert paper.RUNS["apical"][0]["R_mean"][1] == 0.051203
    assert paper.RUNS["apical"][0]["R_mean"][100] == 0.905425
    last = paper.last_epochs("apical")
    assert np.mean(last["R_mean"]) == pytest.approx(0.8692, abs=1e-4)
    assert np.std(last["R_mean"]) == pytest.approx(0.0415, abs=1e-4)
    assert np.mean(paper.last_epochs("basal")["R_mean"]) == pytest.approx(0.2339, abs=1e-4)
    # The window: epochs 91..100 by default, never epoch 0.
    np.testing.assert_allclose(last["R_mean"],
                               paper.curves("apical")["R_mean"][:, 91:].mean(axis=1))
    early = paper.last_epochs("apical", 10, 3)
    np.testing.assert_allclose(early["R_mean"],
                               paper.curves("apical")["R_mean"][:, 1:4].mean(axis=1))


def test_summary_compares_with_the_authors_runs_over_the_same_epochs(runs):
    artifacts = [_artifact(runs, v, s) for v in ("apical", "basal") for s in (0, 1)]
    published = A.summarize(artifacts)["fig3"]["published"]
    assert published["source"].startswith("C. Capone, C. Lupo")
    apical = published["variants"]["apical"]
    assert apical["runs"][0] == "n001" and apical["epochs"] == [1, 3]
    expected = paper.last_epochs("apical", 10, 3)["food_rate"]
    assert apical["last_epochs"]["food_rate"]["per_run"] == pytest.approx(expected)
    assert apical["last_epochs"]["food_rate"]["n"] == 10
    lines = results.report(A.summarize(artifacts))
    assert "the authors' 10 runs over epochs 1-3: reward" in lines[0]
