"""Tests of seed artifacts: schema, validation, atomic writes, reading, summary, golden file."""

from __future__ import annotations

import copy
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from jsonschema import Draft202012Validator

import lttb
from lttb import artifacts as A
from lttb import load_config
from lttb._resources import read_schema
from lttb.model.training import run_schedule

TINY = dict(N=60, Ne=48, Ni=12, T=120, epochs=2, iters_per_epoch=5)
HERE = Path(__file__).parent
#: An artifact written by schema version 1 (a tiny run of seed 0); every later
#: lttb must still read it.
V1_SAMPLE = HERE / "test_artifacts" / "artifact-v1-seed-0000.json"


@pytest.fixture(scope="module")
def cfg():
    return load_config("fig1", **TINY)


@pytest.fixture(scope="module")
def artifact(cfg):
    return A.build_artifact("fig1", cfg, run_schedule(cfg, 0), wall_seconds=0.5)


def fresh(artifact):
    return copy.deepcopy(artifact)


# --------------------------------------------------------------------------- schema

@pytest.mark.parametrize("name", [A.SCHEMA_NAME, A.SUMMARY_SCHEMA_NAME])
def test_schemas_are_valid_draft_2020_12(name):
    schema = read_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False


def test_schema_accepts_every_version_the_reader_supports():
    # The reader refuses versions above SCHEMA_VERSION itself; the schema must
    # let every one from 1 up to it through, and no other.
    versions = read_schema(A.SCHEMA_NAME)["properties"]["schema_version"]["enum"]
    assert versions == list(range(1, A.SCHEMA_VERSION + 1))


def test_artifact_has_the_required_keys(artifact, cfg):
    required = {"schema_version", "lttb_version", "created", "platform", "seed", "config",
                "schedule", "wall_seconds", "targets", "outputs", "outer_mse", "inner_error",
                "final_outer_mse", "spikes", "bursts"}
    assert required <= set(artifact)
    assert artifact["schema_version"] == A.SCHEMA_VERSION
    assert type(artifact["schema_version"]) is int
    assert artifact["lttb_version"] == lttb.__version__
    assert artifact["config"] == cfg
    assert set(artifact["outputs"]) == {"teacher_on", "teacher_off"}
    assert artifact["figure"] == "fig1"


def test_platform_has_no_host_name(artifact):
    assert "node" not in artifact["platform"] and "hostname" not in artifact["platform"]


# --------------------------------------------------------------------------- write / read

def test_round_trip_keeps_full_precision(tmp_path, artifact):
    data = fresh(artifact)
    data["final_outer_mse"] = 0.1 + 0.2  # 0.30000000000000004
    path = A.write_artifact(tmp_path, data)
    assert path.name == "seed-0000.json"
    back = A.read_artifact(path)
    assert back == data
    assert "0.30000000000000004" in path.read_text()
    assert back["outputs"]["teacher_on"] == artifact["outputs"]["teacher_on"]


def test_write_leaves_only_the_artifact(tmp_path, artifact):
    A.write_artifact(tmp_path, artifact)
    assert [p.name for p in tmp_path.iterdir()] == ["seed-0000.json"]


def test_failed_write_leaves_no_file(tmp_path, artifact, monkeypatch):
    def broken_replace(src, dst):
        raise OSError("disk full")
    monkeypatch.setattr(A.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        A.write_artifact(tmp_path, artifact)
    assert list(tmp_path.iterdir()) == []


def test_interrupted_write_keeps_the_old_file(tmp_path, artifact, monkeypatch):
    path = A.write_artifact(tmp_path, artifact)
    before = path.read_bytes()

    def interrupted(src, dst):
        raise KeyboardInterrupt("simulated Ctrl-C")
    monkeypatch.setattr(A.os, "replace", interrupted)
    changed = fresh(artifact)
    changed["wall_seconds"] = 99.0
    with pytest.raises(KeyboardInterrupt, match="simulated Ctrl-C"):
        A.write_artifact(tmp_path, changed)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["seed-0000.json"]


def test_invalid_artifact_is_not_written(tmp_path, artifact):
    bad = fresh(artifact)
    del bad["targets"]
    with pytest.raises(A.ArtifactError, match="targets"):
        A.write_artifact(tmp_path, bad)
    assert list(tmp_path.iterdir()) == []


def test_nan_becomes_null_and_reads_back(tmp_path, artifact):
    data = fresh(artifact)
    data["outer_mse"][0][0] = None
    data["final_outer_mse"] = None
    path = A.write_artifact(tmp_path, data)
    text = path.read_text()
    assert "NaN" not in text and "null" in text
    assert A.read_artifact(path)["final_outer_mse"] is None


def test_raw_nan_is_refused(tmp_path, artifact):
    data = fresh(artifact)
    data["wall_seconds"] = math.nan
    with pytest.raises(ValueError, match="not JSON compliant"):
        A.write_json_atomic(tmp_path / "x.json", data)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- invalid files

def write_text(tmp_path, text, name="seed-0000.json"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_truncated_json_is_reported(tmp_path, artifact):
    path = A.write_artifact(tmp_path, artifact)
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    with pytest.raises(A.ArtifactError, match=r"not valid JSON \(truncated\?\)") as info:
        A.read_artifact(path)
    assert str(info.value).startswith("seed-0000.json: ")


def test_a_file_cut_anywhere_is_reported_as_truncated(tmp_path, artifact):
    # Wherever a write stopped (inside a number, a string, null, ...), the
    # reason says so.
    text = A.write_artifact(tmp_path, artifact).read_text()
    line = text.index('"outer_mse"')
    path = tmp_path / "seed-0000.json"
    for end in [*range(line, line + 60), len(text) - 3, 1]:
        path.write_text(text[:end])
        with pytest.raises(A.ArtifactError, match=r"not valid JSON \(truncated\?\)"):
            A.read_artifact(path)


def test_a_malformed_file_is_not_called_truncated(tmp_path):
    path = write_text(tmp_path, '{\n  "seed": 0\n  "figure": "fig1"\n}\n')
    with pytest.raises(A.ArtifactError, match="not valid JSON: Expecting ',' delimiter"):
        A.read_artifact(path)


def test_newer_schema_version_is_reported(tmp_path, artifact):
    data = fresh(artifact)
    data["schema_version"] = A.SCHEMA_VERSION + 1
    path = write_text(tmp_path, json.dumps(data))
    with pytest.raises(A.ArtifactError, match=f"schema_version {A.SCHEMA_VERSION + 1} is newer"):
        A.read_artifact(path)


@pytest.mark.parametrize("change, fragment", [
    (lambda a: a.pop("spikes"), "'spikes' is a required property"),
    (lambda a: a.update(extra=1), "Additional properties"),
    (lambda a: a.update(seed=-1), "at seed"),
    (lambda a: a.update(schema_version=0), "at schema_version"),
    (lambda a: a["outputs"].update(teacher_on="x"), "at outputs/teacher_on"),
    (lambda a: a["spikes"].append([1, 2, 3]), "at spikes/"),
    (lambda a: a["inner_error"].append("0.1"), "at inner_error/"),
])
def test_schema_violations_are_reported_with_location(tmp_path, artifact, change, fragment):
    data = fresh(artifact)
    change(data)
    path = write_text(tmp_path, json.dumps(data))
    with pytest.raises(A.ArtifactError, match="does not match the artifact schema") as info:
        A.read_artifact(path)
    assert fragment in info.value.reason


@pytest.mark.parametrize("change, fragment", [
    (lambda a: a["targets"][0].pop(), "targets: shape"),
    (lambda a: a["outputs"]["teacher_off"][0][0].pop(), "outputs/teacher_off: shape"),
    (lambda a: a["outer_mse"].pop(), "outer_mse: shape"),
    (lambda a: a["spikes"].append([10_000, 1]), "spikes"),
    (lambda a: a["config"].update(N=-1), "config: N"),
    (lambda a: a["schedule"].update(n_tests=3), "schedule does not follow"),
])
def test_inconsistent_artifacts_are_reported(tmp_path, artifact, change, fragment):
    data = fresh(artifact)
    change(data)
    path = write_text(tmp_path, json.dumps(data))
    with pytest.raises(A.ArtifactError, match=re.escape(fragment)):
        A.read_artifact(path)


@pytest.mark.parametrize("key", ["spikes", "bursts"])
@pytest.mark.parametrize("where, readable", [
    ("last", True),          # neuron N-1 at bin T-1: the last cell of the raster
    ("bin T", False),        # one bin past the end
    ("neuron N", False),     # one neuron past the end
])
def test_raster_events_must_lie_inside_the_trial(tmp_path, artifact, key, where, readable):
    N, T = artifact["config"]["N"], artifact["config"]["T"]
    pair = {"last": [N - 1, T - 1], "bin T": [0, T], "neuron N": [N, 0]}[where]
    data = fresh(artifact)
    data[key] = sorted([*data[key], pair])
    path = write_text(tmp_path, json.dumps(data))
    if readable:
        assert pair in A.read_artifact(path)[key]
    else:
        with pytest.raises(A.ArtifactError,
                           match=re.escape(f"{key}: [neuron, bin] {pair} outside {N} neurons "
                                           f"x {T} bins")):
            A.read_artifact(path)


def test_config_keys_added_later_are_filled_in(tmp_path, artifact):
    data = fresh(artifact)
    del data["config"]["turnoff_margin"]  # as if written before the key existed
    back = A.read_artifact(write_text(tmp_path, json.dumps(data)))
    assert back["config"] == data["config"]  # validated with the default, kept as written
    data["config"]["not_a_key"] = 1
    with pytest.raises(A.ArtifactError, match="not_a_key"):
        A.read_artifact(write_text(tmp_path, json.dumps(data)))


def test_seed_must_match_file_name(tmp_path, artifact):
    path = write_text(tmp_path, json.dumps(artifact), name="seed-0004.json")
    with pytest.raises(A.ArtifactError, match="holds seed 0"):
        A.read_artifact(path)


@pytest.mark.parametrize("text, message", [
    ("[]", "not an artifact: the top level is a JSON list"),
    ("", "not valid JSON"),
    ("NaN", "NaN is not a JSON value"),
    ('{"schema_version": 1, "x": NaN}', "NaN is not a JSON value"),
])
def test_non_artifacts(tmp_path, text, message):
    with pytest.raises(A.ArtifactError, match=message):
        A.read_artifact(write_text(tmp_path, text))


def test_missing_file(tmp_path):
    with pytest.raises(A.ArtifactError, match="cannot be read"):
        A.read_artifact(tmp_path / "seed-0001.json")


def test_find_artifacts_ignores_temporary_and_other_files(tmp_path):
    for name in ("seed-0010.json", "seed-0002.json", ".seed-0003.json.1.ab.tmp",
                 "summary.json", "seed-x.json", "notes.txt"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in A.find_artifacts(tmp_path)] == ["seed-0002.json", "seed-0010.json"]


# --------------------------------------------------------------------------- comparing

def test_same_run_names_differences(artifact, cfg):
    assert A.same_run(artifact, "fig1", cfg) == []
    other = dict(cfg, epochs=3)
    differences = A.same_run(artifact, "fig1", other)
    assert any("epochs" in d for d in differences) and "schedule" in differences
    assert A.same_run(artifact, "fig2", cfg) == ["figure 'fig1' instead of 'fig2'"]


def another_value(value):
    """A different value of the same type as a configuration value."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, str):
        return "recurrent" if value == "total" else "total"
    if isinstance(value, int):
        return value + 1
    return value / 2 if value else 1.0


# Every key counts, whatever its kind: model parameters (h, tau_m, ...),
# learning rates (eta, ...), schedule keys (epochs, lr_decay, ...), sizes
# (N, T, ...) and switches (pin, readout).  A resumed run keeps an artifact
# only when the whole configuration is the same.
@pytest.mark.parametrize("key", list(load_config("fig1")))
def test_same_run_names_every_changed_config_key(artifact, cfg, key):
    other = dict(cfg, **{key: another_value(cfg[key])})
    assert other[key] != cfg[key]
    differences = A.same_run(artifact, "fig1", other)
    assert f"config keys {key}" in differences


def test_comparable_drops_only_volatile_keys(artifact):
    kept = A.comparable(artifact)
    assert set(artifact) - set(kept) == {"created", "wall_seconds", "platform"}


# --------------------------------------------------------------------------- summary

def test_summary_statistics(artifact):
    items = []
    for seed, value in enumerate([0.1, 0.2, 0.4]):
        a = fresh(artifact)
        a["seed"], a["final_outer_mse"], a["wall_seconds"] = seed, value, 1.5
        items.append(a)
    summary = A.summarize(items[::-1])
    assert summary["seeds"] == [0, 1, 2]
    assert [s["final_outer_mse"] for s in summary["final_outer_mse"]] == [0.1, 0.2, 0.4]
    assert summary["mean"] == pytest.approx(np.mean([0.1, 0.2, 0.4]))
    assert summary["sd"] == pytest.approx(np.std([0.1, 0.2, 0.4], ddof=1))
    assert summary["n"] == 3 and summary["total_wall_seconds"] == 4.5


def test_summary_of_one_seed_has_no_sd(tmp_path, artifact):
    path = A.write_summary(tmp_path, [artifact])
    data = json.loads(path.read_text())
    assert data["sd"] is None and data["mean"] == artifact["final_outer_mse"]


def test_written_summary_matches_its_schema(tmp_path, artifact):
    items = []
    for seed, value in enumerate([0.1, None]):
        a = fresh(artifact)
        a["seed"], a["final_outer_mse"] = seed, value
        items.append(a)
    path = A.write_summary(tmp_path, items)
    assert path.name == A.SUMMARY_NAME
    data = json.loads(path.read_text())
    Draft202012Validator(read_schema(A.SUMMARY_SCHEMA_NAME)).validate(data)
    assert data["lttb_version"] == lttb.__version__
    assert data["schema_version"] == A.SCHEMA_VERSION
    assert [p["file"] for p in data["final_outer_mse"]] == ["seed-0000.json", "seed-0001.json"]


@pytest.mark.parametrize("change, fragment", [
    (lambda s: s.pop("lttb_version"), "at top level: 'lttb_version' is a required property"),
    (lambda s: s.update(sd=-1.0), "at sd"),
    (lambda s: s.update(n="3"), "at n"),
    (lambda s: s["final_outer_mse"][0].update(file="x.json"), "at final_outer_mse/0/file"),
    (lambda s: s.update(extra=1), "Additional properties"),
])
def test_summary_schema_violations_are_reported(artifact, change, fragment):
    summary = A.summarize([artifact])
    A.validate_summary(summary)
    change(summary)
    with pytest.raises(A.ArtifactError, match="does not match the summary schema") as info:
        A.validate_summary(summary)
    assert fragment in info.value.reason


def test_an_invalid_summary_is_not_written(tmp_path, artifact, monkeypatch):
    summary = A.summarize([artifact])
    del summary["lttb_version"]
    monkeypatch.setattr(A, "summarize", lambda items: summary)
    with pytest.raises(A.ArtifactError, match="'lttb_version' is a required property"):
        A.write_summary(tmp_path, [artifact])
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- golden

def test_committed_v1_artifact_still_reads():
    data = A.read_artifact(V1_SAMPLE)
    assert data["schema_version"] == 1 and data["seed"] == 0


def test_determinism_except_volatile_keys(cfg, artifact):
    again = A.build_artifact("fig1", cfg, run_schedule(cfg, 0), wall_seconds=7.0)
    assert A.comparable(again) == A.comparable(artifact)


def test_golden_small_run(cfg, artifact, data_regression, ndarrays_regression):
    """A short deterministic run reproduces the committed small artifact."""
    golden = A.read_artifact(V1_SAMPLE)
    assert golden["config"] == cfg
    # Structure and exact (integer) content.
    data_regression.check({
        "keys": list(artifact),
        "config": artifact["config"],
        "schedule": artifact["schedule"],
        "figure": artifact["figure"],
        "seed": artifact["seed"],
        "contexts": artifact["contexts"],
        "output_first_bin": artifact["output_first_bin"],
        "raster_context": artifact["raster_context"],
        "test_iterations": artifact["test_iterations"],
        "n_spikes": len(artifact["spikes"]),
        "n_bursts": len(artifact["bursts"]),
    })
    arrays = {
        "targets": np.array(artifact["targets"]),
        "outputs_teacher_on": np.array(artifact["outputs"]["teacher_on"]),
        "outputs_teacher_off": np.array(artifact["outputs"]["teacher_off"]),
        "outer_mse": np.array(artifact["outer_mse"]),
        "inner_error": np.array(artifact["inner_error"]),
        "full_test_mse_teacher_on": np.array(artifact["full_test_mse"]["teacher_on"]),
        "full_test_mse_teacher_off": np.array(artifact["full_test_mse"]["teacher_off"]),
        "final_outer_mse": np.array([artifact["final_outer_mse"]]),
        "spikes": np.array(artifact["spikes"], dtype=np.int64),
        "bursts": np.array(artifact["bursts"], dtype=np.int64),
    }
    # Floats may differ in the last bits between platforms' libm; spikes may not.
    ndarrays_regression.check(arrays, default_tolerance=dict(atol=1e-12, rtol=1e-9))
    # The committed v1 artifact holds the same numbers.
    for key in ("targets", "outer_mse", "inner_error", "spikes", "bursts"):
        np.testing.assert_allclose(np.array(golden[key]), arrays[key], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(np.array(golden["outputs"]["teacher_on"]),
                               arrays["outputs_teacher_on"], rtol=1e-9, atol=1e-12)


def test_platform_fields(artifact):
    assert set(artifact["platform"]) >= {"python", "system", "machine", "numpy"}
    assert all(isinstance(v, str) for v in artifact["platform"].values())
