"""Tests of configuration loading, overrides and validation."""

from __future__ import annotations

import json
import math
import pickle
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest
from jsonschema import Draft202012Validator

from lttb._resources import list_presets, preset_path, read_schema
from lttb.config import (
    ConfigError,
    apply_overrides,
    derive_sizes,
    load_config,
    parse_override,
    validate_config,
)

SCHEMA = read_schema("config.schema.json")
PROPERTIES = SCHEMA["properties"]
INTEGER_KEYS = [k for k, v in PROPERTIES.items() if v["type"] == "integer"]
NUMBER_KEYS = [k for k, v in PROPERTIES.items() if v["type"] == "number"]

FIG1_MODEL = {
    "N": 500, "Ne": 400, "Ni": 100, "I": 5, "O": 3, "T": 1000, "n_contexts": 1,
    "dt": 0.001, "tau_m": 0.020, "tau_s": 0.002, "tau_ro": 0.010, "tau_star": 0.020,
    "tau_W": 0.200, "sigma_targ": 10, "sigma_in": 12, "sigma_apical_cont": 0,
    "sigma_basal_cont": 0, "du": 0.1, "h": -1, "Vo": -4, "sigma_Jrec": 0, "sigma_wrec": 0,
    "sigma_Jout": 0.1, "eta": 10, "eta_out": 0.01, "eta_bias": 0,
    "b": 100, "href": -5, "Vreset": -20, "VresetApic": -160, "somaticThreshold": 0.025,
    "burstThreshold": 0.0125, "burst_current": 20, "reset_softening": 2,
    "p_sparse_cont": 0, "readout": "total", "pin": True,
    "epochs": 25, "iters_per_epoch": 50, "test_every": 5, "lr_decay": 0.99,
    "turnoff_bin": 500, "turnoff_margin": 100,
}
FIG2_CHANGES = {
    "N": 1000, "Ne": 800, "Ni": 200, "I": 50, "n_contexts": 2, "sigma_targ": 30,
    "sigma_apical_cont": 20, "p_sparse_cont": 0.75, "readout": "recurrent",
    "epochs": 5, "iters_per_epoch": 100, "lr_decay": 0.5,
    # The Figure 2 notebook never pins J (MODEL.md, Figure 2).
    "pin": False,
}


def keys_of(error: ConfigError) -> list:
    return [key for key, _ in error.errors]


def invalid(**changes) -> ConfigError:
    """The ConfigError raised by validating fig1 with `changes` applied verbatim."""
    cfg = apply_overrides(load_config("fig1"), changes)
    # every message starts with the key it is about
    with pytest.raises(ConfigError, match=f"^{re.escape(next(iter(changes)))}: ") as info:
        validate_config(cfg)
    return info.value


# --------------------------------------------------------------------------- schema

def test_schema_is_valid_draft_2020_12():
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"]
    assert SCHEMA["additionalProperties"] is False


def test_schema_requires_every_key_and_describes_it():
    assert SCHEMA["required"] == list(PROPERTIES)
    assert set(PROPERTIES) == set(FIG1_MODEL)
    for key, spec in PROPERTIES.items():
        assert spec.get("description"), key
        assert spec.get("type") in {"integer", "number", "string", "boolean"}, key


def test_read_schema_returns_fresh_object():
    first = read_schema("config.schema.json")
    first["properties"].clear()
    assert read_schema("config.schema.json")["properties"]


def test_read_schema_prefers_packaged_copy(tmp_path):
    # A throw-away package holding only the resource module: its packaged
    # schemas/ must win over the source tree's schemas/ beside the package.
    import lttb._resources as resources

    package = tmp_path / "site" / "lttb"
    (package / "schemas").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    shutil.copy(resources.__file__, package / "_resources.py")
    (tmp_path / "site" / "schemas").mkdir()
    (tmp_path / "site" / "schemas" / "x.json").write_text('{"from": "source"}', encoding="utf-8")
    (package / "schemas" / "x.json").write_text('{"from": "package"}', encoding="utf-8")
    code = "from lttb._resources import read_schema; print(read_schema('x.json')['from'])"

    def run():
        return subprocess.run([sys.executable, "-c", code], cwd=tmp_path / "site", check=True,
                              capture_output=True, text=True).stdout.strip()

    assert run() == "package"
    (package / "schemas" / "x.json").unlink()
    assert run() == "source"


def test_read_schema_unknown_name():
    with pytest.raises(FileNotFoundError, match="no-such.schema.json"):
        read_schema("no-such.schema.json")


# --------------------------------------------------------------------------- presets

def test_list_presets():
    assert list_presets() == ["fig1", "fig2", "si1", "si2", "trajectory"]


@pytest.mark.parametrize("name", ["fig1", "fig2", "trajectory"])
def test_preset_files_hold_exactly_the_config_keys(name):
    raw = json.loads(preset_path(name).read_text(encoding="utf-8"))
    assert list(raw) == list(PROPERTIES)
    Draft202012Validator(SCHEMA).validate(raw)
    assert validate_config(raw) == load_config(name)


def test_preset_path_unknown():
    with pytest.raises(FileNotFoundError, match="fig1, fig2"):
        preset_path("fig9")


def test_fig1_values():
    cfg = load_config("fig1")
    assert cfg == FIG1_MODEL
    assert list(cfg) == list(PROPERTIES)
    assert load_config() == cfg


def test_fig2_differs_from_fig1_as_specified():
    fig1, fig2 = load_config("fig1"), load_config("fig2")
    changed = {k: fig2[k] for k in fig2 if fig2[k] != fig1[k]}
    assert changed == FIG2_CHANGES
    assert fig2["sigma_basal_cont"] == 0 and fig2["eta_bias"] == 0
    assert fig2["test_every"] == 5


@pytest.mark.parametrize("name", ["fig1", "fig2"])
def test_loaded_types_follow_schema(name):
    cfg = load_config(name)
    for key in INTEGER_KEYS:
        assert type(cfg[key]) is int, key
    for key in NUMBER_KEYS:
        assert type(cfg[key]) is float, key
    assert type(cfg["pin"]) is bool
    assert type(cfg["readout"]) is str


def test_load_config_returns_fresh_dict():
    cfg = load_config("fig1")
    cfg["N"] = -5
    cfg["extra"] = 1
    assert load_config("fig1")["N"] == 500
    assert "extra" not in load_config("fig1")


# --------------------------------------------------------------------------- rules

RULES = [
    # (key, bad value, text expected in the message)
    ("N", 0, ">= 1"),
    ("Ne", 0, ">= 1"),
    ("Ni", -1, ">= 0"),
    ("I", 0, ">= 1"),
    ("O", 0, ">= 1"),
    ("T", 3, ">= 4"),
    ("n_contexts", 0, ">= 1"),
    ("dt", 0, "> 0"),
    ("dt", -0.001, "> 0"),
    ("tau_m", 0.0, "> 0"),
    ("tau_s", -1.0, "> 0"),
    ("tau_ro", 0, "> 0"),
    ("tau_star", 0, "> 0"),
    ("tau_W", 0, "> 0"),
    ("sigma_targ", -1, ">= 0"),
    ("sigma_in", -0.5, ">= 0"),
    ("sigma_apical_cont", -1, ">= 0"),
    ("sigma_basal_cont", -1, ">= 0"),
    ("sigma_Jrec", -1e-3, ">= 0"),
    ("sigma_wrec", -1, ">= 0"),
    ("sigma_Jout", -0.1, ">= 0"),
    ("du", 0, "> 0"),
    ("p_sparse_cont", -0.1, ">= 0"),
    ("p_sparse_cont", 1.5, "<= 1"),
    ("readout", "sum", "one of 'total', 'recurrent'"),
    ("readout", 1, "must be a string"),
    ("pin", 1, "must be a boolean"),
    ("pin", "true", "must be a boolean"),
    ("epochs", 0, ">= 1"),
    ("iters_per_epoch", 0, ">= 1"),
    ("test_every", -1, ">= 0"),
    ("lr_decay", 0, "> 0"),
    ("turnoff_bin", -1, ">= 0"),
    ("turnoff_margin", -1, ">= 0"),
    ("turnoff_bin", 500.5, "must be an integer"),
    ("T", "1000", "must be an integer"),
    ("epochs", 2.5, "must be an integer"),
    ("h", "x", "must be a number"),
    ("somaticThreshold", None, "must be a number"),
    ("eta", math.nan, "finite"),
    ("burstThreshold", math.inf, "finite"),
]


@pytest.mark.parametrize("key, value, rule", RULES)
def test_rule_violation_names_key_value_and_rule(key, value, rule):
    error = invalid(**{key: value})
    assert key in keys_of(error)
    line = next(f"{k}: {m}" for k, m in error.errors if k == key and rule in m)
    assert f"(got {value!r})" in line


@pytest.mark.parametrize("key", NUMBER_KEYS)
def test_booleans_are_not_numbers(key):
    error = invalid(**{key: True})
    assert error.errors == [(key, "must be a number (got True)")]


@pytest.mark.parametrize("key", INTEGER_KEYS)
def test_integer_keys_refuse_booleans_and_fractions(key):
    assert key in keys_of(invalid(**{key: False}))
    assert key in keys_of(invalid(**{key: 2.5}))


def test_integral_float_is_accepted_for_integer_key():
    cfg = load_config("fig1", T=200.0, epochs=3.0)
    assert cfg["T"] == 200 and type(cfg["T"]) is int
    assert type(cfg["epochs"]) is int


def test_int_is_accepted_for_number_key():
    cfg = load_config("fig1", eta=5, h=-2)
    assert cfg["eta"] == 5.0 and type(cfg["eta"]) is float


def test_numpy_scalars_are_accepted():
    cfg = load_config("fig1", T=np.int64(200), eta=np.float64(3.5), pin=np.bool_(False))
    assert (type(cfg["T"]), type(cfg["eta"]), type(cfg["pin"])) == (int, float, bool)
    assert (cfg["T"], cfg["eta"], cfg["pin"]) == (200, 3.5, False)


def test_ne_plus_ni_must_equal_n():
    with pytest.raises(ConfigError, match=re.escape("Ne + Ni must equal N")) as info:
        load_config("fig1", N=600, Ne=400, Ni=100)
    assert info.value.errors == [("N", "Ne + Ni must equal N (400 + 100 != 600)")]
    assert "Ne + Ni must equal N (400 + 100 != 600)" in str(info.value)


def test_zero_inhibitory_neurons_allowed():
    cfg = load_config("fig1", N=10, Ne=10, Ni=0)
    assert (cfg["Ne"], cfg["Ni"]) == (10, 0)


def test_all_violations_reported_at_once():
    with pytest.raises(ConfigError, match="unknown key 'foo'") as info:
        load_config("fig1", N=0, T=2, dt=-1.0, readout="x", foo=3, pin="no")
    error = info.value
    assert set(keys_of(error)) >= {"N", "T", "dt", "readout", "foo", "pin"}
    lines = str(error).splitlines()
    assert len(lines) == len(error.errors)
    for key, message in error.errors:
        assert f"{key}: {message}" in lines
    assert "N: must be >= 1 (got 0)" in lines


def test_unknown_key():
    with pytest.raises(ConfigError, match="unknown key 'foo'") as info:
        load_config("fig1", foo=1)
    assert keys_of(info.value) == ["foo"]
    assert "unknown key 'foo'" in str(info.value)


def test_unknown_key_suggests_close_match():
    with pytest.raises(ConfigError, match="did you mean 'sigma_targ'"):
        load_config("fig1", sigma_trag=3.0)


def test_missing_key():
    cfg = load_config("fig1")
    del cfg["tau_W"]
    with pytest.raises(ConfigError, match="tau_W") as info:
        validate_config(cfg)
    assert keys_of(info.value) == ["tau_W"]


def test_validate_config_rejects_non_mapping():
    with pytest.raises(ConfigError, match="mapping"):
        validate_config([("N", 500)])


def test_validate_config_orders_keys_and_copies():
    cfg = load_config("fig1")
    shuffled = dict(reversed(list(cfg.items())))
    out = validate_config(shuffled)
    assert list(out) == list(PROPERTIES)
    assert out == cfg and out is not shuffled


def test_config_error_is_value_error_and_pickles():
    error = ConfigError([("N", "must be >= 1 (got 0)"), (None, "something else")])
    assert isinstance(error, ValueError)
    assert str(error) == "N: must be >= 1 (got 0)\nsomething else"
    copy = pickle.loads(pickle.dumps(error))
    assert copy.errors == error.errors and str(copy) == str(error)


# --------------------------------------------------------------------------- files

def write(path, content):
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def test_file_default_base_is_fig1(tmp_path):
    path = write(tmp_path / "c.json", {"T": 200, "eta": 5.0})
    cfg = load_config(str(path))
    assert cfg == {**FIG1_MODEL, "T": 200, "eta": 5.0}


def test_file_with_base_and_path_object(tmp_path):
    path = write(tmp_path / "c.json", {"base": "fig2", "epochs": 1})
    cfg = load_config(path)
    assert cfg["epochs"] == 1 and cfg["N"] == 1000 and cfg["readout"] == "recurrent"
    assert "base" not in cfg


def test_overrides_apply_after_file(tmp_path):
    path = write(tmp_path / "c.json", {"T": 200, "eta": 5.0})
    assert load_config(path, eta=1.0)["eta"] == 1.0


def test_file_invalid_values_reported(tmp_path):
    path = write(tmp_path / "c.json", {"T": 1, "bogus": 0})
    with pytest.raises(ConfigError, match="bogus") as info:
        load_config(path)
    assert set(keys_of(info.value)) == {"T", "bogus"}


def test_missing_file(tmp_path):
    path = tmp_path / "absent.json"
    with pytest.raises(ConfigError, match="absent.json.*no such file"):
        load_config(str(path))


def test_bad_json_reports_line_and_column(tmp_path):
    path = write(tmp_path / "bad.json", '{\n  "T": 200,\n  "eta" 5\n}\n')
    with pytest.raises(ConfigError, match="bad.json.*not valid JSON") as info:
        load_config(path)
    message = str(info.value)
    assert "line 3, column 9" in message


@pytest.mark.parametrize("content, kind", [("[1, 2]", "array"), ('"fig1"', "string"), ("3", "number")])
def test_non_object_file(tmp_path, content, kind):
    path = write(tmp_path / "c.json", content)
    with pytest.raises(ConfigError, match=f"c.json.*JSON object.*{kind}"):
        load_config(path)


def test_duplicate_key_in_file(tmp_path):
    path = write(tmp_path / "c.json", '{"T": 200, "T": 300}')
    with pytest.raises(ConfigError, match="duplicate key 'T'"):
        load_config(path)


@pytest.mark.parametrize("base", ["fig9", 3])
def test_bad_base(tmp_path, base):
    path = write(tmp_path / "c.json", {"base": base})
    with pytest.raises(ConfigError, match="c.json") as info:
        load_config(path)
    assert keys_of(info.value) == ["base"]
    assert "c.json" in str(info.value)


def test_directory_is_not_a_config(tmp_path):
    with pytest.raises(ConfigError, match="directory"):
        load_config(tmp_path)


def test_unknown_name_lists_presets():
    with pytest.raises(ConfigError, match="'fig3'.*fig1, fig2"):
        load_config("fig3")


# --------------------------------------------------------------------------- overrides

@pytest.mark.parametrize("key, text, expected", [
    ("N", "1000", 1000),
    ("T", " 200 ", 200),
    ("epochs", "1e1", 10),
    ("eta", "0.5", 0.5),
    ("eta", "10", 10.0),
    ("h", "-1", -1.0),
    ("dt", "1e-3", 1e-3),
    ("pin", "true", True),
    ("pin", "False", False),
    ("pin", "yes", True),
    ("pin", "off", False),
    ("pin", "1", True),
    ("pin", "0", False),
    ("readout", "recurrent", "recurrent"),
])
def test_parse_override(key, text, expected):
    value = parse_override(key, text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("key, text", [
    ("N", "abc"),
    ("N", "2.5"),
    ("N", ""),
    ("eta", "fast"),
    ("eta", "nan"),
    ("eta", "inf"),
    ("pin", "maybe"),
    ("nonexistent", "1"),
])
def test_parse_override_failures_name_key(key, text):
    with pytest.raises(ConfigError, match=f"^{key}: ") as info:
        parse_override(key, text)
    assert keys_of(info.value) == [key]


def test_parse_override_unknown_key_message():
    with pytest.raises(ConfigError, match="unknown key 'foo'"):
        parse_override("foo", "1")


def test_parsed_overrides_load():
    overrides = {k: parse_override(k, v) for k, v in
                 [("T", "200"), ("eta", "2"), ("pin", "false"), ("readout", "recurrent")]}
    cfg = load_config("fig1", **overrides)
    assert (cfg["T"], cfg["eta"], cfg["pin"], cfg["readout"]) == (200, 2.0, False, "recurrent")


def test_apply_overrides_copies():
    base = {"a": 1, "b": 2}
    merged = apply_overrides(base, {"b": 3, "c": 4})
    assert merged == {"a": 1, "b": 3, "c": 4}
    assert base == {"a": 1, "b": 2}


@pytest.mark.parametrize("overrides, expected", [
    ({"N": 1000}, {"N": 1000, "Ne": 800, "Ni": 200}),
    ({"N": 100, "T": 5}, {"N": 100, "T": 5, "Ne": 80, "Ni": 20}),
    ({"N": 5}, {"N": 5, "Ne": 4, "Ni": 1}),
    ({"N": 1}, {"N": 1, "Ne": 1, "Ni": 0}),
    ({"N": 7}, {"N": 7, "Ne": 6, "Ni": 1}),
    ({"N": 1000, "Ne": 900}, {"N": 1000, "Ne": 900}),
    ({"N": 1000, "Ni": 100}, {"N": 1000, "Ni": 100}),
    ({"T": 5}, {"T": 5}),
    ({"N": 0}, {"N": 0}),
    ({"N": "many"}, {"N": "many"}),
    ({"N": True}, {"N": True}),
])
def test_derive_sizes(overrides, expected):
    original = dict(overrides)
    assert derive_sizes(overrides) == expected
    assert overrides == original


def test_load_config_derives_sizes():
    cfg = load_config("fig1", N=1000)
    assert (cfg["N"], cfg["Ne"], cfg["Ni"]) == (1000, 800, 200)
    cfg = load_config("fig2", N=100)
    assert (cfg["N"], cfg["Ne"], cfg["Ni"]) == (100, 80, 20)


def test_file_n_alone_derives_sizes(tmp_path):
    path = write(tmp_path / "c.json", {"N": 50})
    cfg = load_config(path)
    assert (cfg["Ne"], cfg["Ni"]) == (40, 10)


def test_explicit_split_is_not_second_guessed():
    with pytest.raises(ConfigError, match=re.escape("Ne + Ni must equal N (850 + 100 != 1000)")):
        load_config("fig1", N=1000, Ne=850)
