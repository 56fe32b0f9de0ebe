"""Results as arrays (load_results), spike export (.npz, Neo), without the schema validator."""

import numpy as np
import pytest

import lttb
import lttb.artifacts as A
from lttb import load_config
from lttb.cli import main
from lttb.run.seeds import run_seeds

TINY = dict(N=60, Ne=48, Ni=12, T=120, epochs=2, iters_per_epoch=5)
TINY_ARGS = ["--set", "N=60", "--set", "Ne=48", "--set", "Ni=12", "--set", "T=120",
             "--epochs", "2", "--iters-per-epoch", "5", "--quiet", "--no-figures",
             "--no-networks"]


@pytest.fixture(scope="module")
def fig1_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("fig1")
    assert run_seeds("fig1", load_config("fig1", **TINY), [0, 1], out, jobs=2, quiet=True).ok
    A.write_summary(out, [A.read_artifact(p) for p in A.find_artifacts(out)])
    return out


def test_load_results_gives_arrays_per_seed_and_a_summary(fig1_run):
    results = lttb.load_results(fig1_run)
    assert results.figure == "fig1" and list(results) == [0, 1]
    run = results[1]
    artifact = A.read_artifact(fig1_run / "seed-0001.json")
    n_tests = artifact["schedule"]["n_tests"]
    assert run["targets"].shape == (1, 3, 120)
    assert run["outputs"]["teacher_off"].shape == (1, 3, 117)
    assert run["outer_mse"].shape == (n_tests, 1) and run["inner_error"].shape == (n_tests,)
    assert run["test_iterations"].dtype.kind == "i"
    assert run["spikes"].shape == (len(artifact["spikes"]), 2)
    assert run["bursts"].dtype == np.int64
    assert np.array_equal(run["outputs"]["teacher_on"],
                          np.array(artifact["outputs"]["teacher_on"]))
    assert "S_soma" not in run
    assert list(results.summary["seed"]) == [0, 1]
    assert results.summary["final_outer_mse"][1] == artifact["final_outer_mse"]


def test_dense_rasters_on_request(fig1_run):
    run = lttb.load_results(fig1_run / "seed-0000.json", dense=True)[0]
    assert run["S_soma"].shape == (60, 120) and run["S_soma"].dtype == np.int8
    assert run["S_soma"].sum() == len(run["spikes"]) + len(run["bursts"])
    assert run["S_burst"].sum() == len(run["bursts"])
    assert np.all(run["S_soma"][run["S_burst"] == 1] == 1)


def test_the_structural_reader_never_calls_the_schema_validator(fig1_run, monkeypatch):
    calls = []

    def spy(*args, **kwargs):
        calls.append(args)
        raise AssertionError("schema validation called")

    monkeypatch.setattr(A, "validate_artifact", spy)
    monkeypatch.setattr(A, "_validator", spy)
    lttb.load_results(fig1_run)
    assert calls == []
    with pytest.raises(AssertionError, match="schema validation called"):
        lttb.load_results(fig1_run, validate=True)


def test_structural_problems_are_reported_with_the_file(tmp_path, fig1_run):
    (tmp_path / "seed-0000.json").write_text('{"figure": "fig1"}')
    with pytest.raises(A.ArtifactError, match="seed-0000.json: not an artifact: no"):
        lttb.load_results(tmp_path)
    (tmp_path / "seed-0000.json").write_text("[1,")
    with pytest.raises(A.ArtifactError, match="cannot be read as JSON"):
        lttb.load_results(tmp_path)
    with pytest.raises(FileNotFoundError):
        lttb.load_results(tmp_path / "nothing")


def test_a_sweep_is_one_row_per_point_and_seed(tmp_path):
    pd = pytest.importorskip("pandas")
    out = tmp_path / "sweep"
    assert main(["sweep", "fig1", "--grid", "eta=5,10", "--seeds", "2", "--jobs", "2",
                 "--out", str(out), *TINY_ARGS]) == 0
    frame = lttb.load_results(out, as_frame=True)
    assert isinstance(frame, pd.DataFrame) and len(frame) == 4
    assert list(frame["point"]) == ["eta=5", "eta=5", "eta=10", "eta=10"]
    assert list(frame["eta"]) == [5, 5, 10, 10] and list(frame["seed"]) == [0, 1, 0, 1]
    results = lttb.load_results(out)
    assert set(results) == {("eta=5", 0), ("eta=5", 1), ("eta=10", 0), ("eta=10", 1)}
    assert results[("eta=10", 1)]["point"] == {"eta": 10}


def test_as_frame_without_pandas_names_the_extra(fig1_run, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "pandas", None)
    with pytest.raises(ImportError, match=r'lttb-snn\[pandas\]'):
        lttb.load_results(fig1_run, as_frame=True)


def test_export_spikes_npz(fig1_run, tmp_path):
    path = lttb.export_spikes(fig1_run, tmp_path / "spikes.npz")
    run = lttb.load_results(fig1_run, dense=True)[1]
    with np.load(path, allow_pickle=False) as data:
        assert str(data["format"]) == "lttb-spikes"
        assert list(data["runs"]) == ["seed-0000", "seed-0001"]
        neuron, bins, burst = (data[f"seed-0001/{k}"] for k in ("neuron", "bin", "burst"))
        assert np.all(np.diff(neuron * 120 + bins) > 0)  # sorted, no duplicates
        dense = np.zeros((60, 120), np.int8)
        dense[neuron, bins] = 1
        assert np.array_equal(dense, run["S_soma"])
        assert burst.sum() == run["S_burst"].sum()
        assert np.allclose(data["seed-0001/time"], bins * 0.001)
        assert int(data["seed-0001/n_neurons"]) == 60
    # one run, as load_results gives it
    single = lttb.export_spikes(run, tmp_path / "one.npz")
    with np.load(single) as data:
        assert list(data["runs"]) == ["seed-0001"]


def test_neo_spike_trains(fig1_run):
    neo = pytest.importorskip("neo")
    trains = lttb.neo_spike_trains(fig1_run / "seed-0000.json")["seed-0000"]
    run = lttb.load_results(fig1_run / "seed-0000.json", dense=True)[0]
    assert len(trains) == 60 and all(isinstance(t, neo.SpikeTrain) for t in trains)
    assert sum(len(t) for t in trains) == run["S_soma"].sum()
    assert sum(int(t.array_annotations["burst"].sum()) for t in trains) == run["S_burst"].sum()
    some = next(t for t in trains if len(t))
    i = some.annotations["neuron"]
    assert np.allclose(some.rescale("s").magnitude, np.flatnonzero(run["S_soma"][i]) * 0.001)
    assert float(some.t_stop.rescale("s")) == pytest.approx(0.12)


def test_neo_missing_names_the_extra(fig1_run, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "neo", None)
    with pytest.raises(ImportError, match=r'lttb-snn\[neo\]'):
        lttb.neo_spike_trains(fig1_run)
