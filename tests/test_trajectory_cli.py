"""Issue 19, command side: ``lttb-reproduce trajectory --targets FILE [--inputs FILE]``."""

from __future__ import annotations


import numpy as np
import pytest

from lttb import artifacts as A
from lttb.arrays_io import ArrayFileError, array_sha256, read_array
from lttb.cli import main

T, O, I = 40, 2, 3
SMALL = ["--set", "N=30", "--set", "test_every=2", "--epochs", "1", "--iters-per-epoch", "2",
         "--jobs", "1", "--quiet", "--no-figures"]


def _targets(scale=1.0):
    time = np.arange(T) / T
    return scale * np.stack([np.sin(2 * np.pi * time), 0.3 + 1.5 * np.cos(4 * np.pi * time)], 1)


def _write_csv(path, array, header="x,y"):
    rows = [",".join(repr(float(v)) for v in row) for row in array]
    path.write_text("\n".join(([header] if header else []) + rows) + "\n")
    return path


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    base = tmp_path_factory.mktemp("trajectory")
    csv = _write_csv(base / "targets.csv", _targets())
    inputs = np.random.default_rng(0).normal(size=(T, I))
    np.save(base / "inputs.npy", inputs)
    out = base / "out"
    status = main(["trajectory", "--targets", str(csv), "--inputs", str(base / "inputs.npy"),
                   "--seed-list", "0,1", "--out", str(out), *SMALL])
    assert status == 0
    return base, out, inputs


def test_artifact_holds_the_files_values_and_digests(run_dir):
    base, out, inputs = run_dir
    artifact = A.read_artifact(out / "seed-0000.json")
    assert artifact["figure"] == "trajectory"
    assert (artifact["config"]["T"], artifact["config"]["O"], artifact["config"]["I"]) == (T, O, I)
    # The CSV's values, as given (repr round-trips), one row per bin.
    np.testing.assert_array_equal(np.array(artifact["targets"]), _targets().T[None])
    np.testing.assert_array_equal(np.array(artifact["inputs"]), inputs.T)
    assert artifact["data_sha256"] == {"targets": array_sha256(_targets()),
                                       "inputs": array_sha256(inputs)}


def test_replot_draws_the_trajectory(run_dir):
    _, out, _ = run_dir
    assert main(["replot", str(out), "--quiet", "--jobs", "1"]) == 0
    assert (out / "figures" / "trajectory_panel_seed-0000.png").is_file()


def test_same_values_in_npy_have_the_same_digest(tmp_path):
    csv = _write_csv(tmp_path / "t.csv", _targets(), header=None)
    np.save(tmp_path / "t.npy", _targets())
    assert array_sha256(read_array(csv)) == array_sha256(read_array(tmp_path / "t.npy"))
    assert array_sha256(_targets()) != array_sha256(_targets().reshape(T // 2, 2 * O))


def test_resume_keeps_same_files_and_refuses_changed_ones(run_dir, tmp_path, capsys):
    base, out, _ = run_dir
    copy = tmp_path / "out"
    copy.mkdir()
    for path in out.glob("seed-*.*"):  # artifacts and their networks
        (copy / path.name).write_bytes(path.read_bytes())
    before = {p.name: p.read_bytes() for p in copy.glob("seed-*.json")}
    assert len(before) == 2 and len(list(copy.glob("seed-*.npz"))) == 2
    # The same values from an .npy file: the same run, kept.
    np.save(tmp_path / "same.npy", _targets())
    argv = ["trajectory", "--inputs", str(base / "inputs.npy"), "--seed-list", "0,1",
            "--out", str(copy), *SMALL]
    assert main([*argv, "--targets", str(tmp_path / "same.npy"), "--resume"]) == 0
    assert {p.name: p.read_bytes() for p in copy.glob("seed-*.json")} == before
    # Changed values: refused, as a changed configuration is, nothing written.
    changed = _write_csv(tmp_path / "changed.csv", _targets(scale=2.0))
    capsys.readouterr()
    assert main([*argv, "--targets", str(changed), "--resume"]) == 2
    err = capsys.readouterr().err
    assert "data files --targets" in err
    assert main([*argv, "--targets", str(changed)]) == 2
    assert "data files --targets" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in copy.glob("seed-*.json")} == before


# --------------------------------------------------------------------------- bad files

def _bad(tmp_path, capsys, name, content, option="--targets", extra=()):
    path = tmp_path / name
    if isinstance(content, np.ndarray):
        np.save(path, content)
    elif content is not None:
        path.write_text(content)
    good = _write_csv(tmp_path / "good.csv", _targets())
    files = (["--targets", str(good)] if option == "--inputs" else []) + [option, str(path)]
    out = tmp_path / "out"
    status = main(["trajectory", *files, "--seeds", "1", "--out", str(out), *SMALL, *extra])
    err = capsys.readouterr().err
    assert status == 2
    assert not out.exists()
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert f"{option} {path}" in lines[0]
    return lines[0]


def test_file_not_found(tmp_path, capsys):
    assert "not found" in _bad(tmp_path, capsys, "missing.csv", None)


def test_empty_file(tmp_path, capsys):
    assert "is empty" in _bad(tmp_path, capsys, "empty.csv", "")


def test_header_only_is_empty(tmp_path, capsys):
    assert "is empty" in _bad(tmp_path, capsys, "header.csv", "x,y\n")


def test_non_numeric_cell_below_the_header(tmp_path, capsys):
    text = "x,y\n0.1,0.2\n0.3,abc\n" + "0.1,0.2\n" * T
    message = _bad(tmp_path, capsys, "cell.csv", text)
    assert "line 3, column 2: 'abc' is not a number" in message


def test_second_header_row_is_refused(tmp_path, capsys):
    text = "x,y\nu,v\n" + "0.1,0.2\n" * T
    assert "line 2, column 1: 'u' is not a number" in _bad(tmp_path, capsys, "two.csv", text)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_nan_or_inf(tmp_path, capsys, value):
    text = "x,y\n" + "0.1,0.2\n" * 5 + f"0.1,{value}\n" + "0.1,0.2\n" * T
    message = _bad(tmp_path, capsys, "nan.csv", text)
    assert "NaN or infinity" in message and "line 7, column 2" in message


def test_nan_in_npy(tmp_path, capsys):
    array = _targets()
    array[3, 1] = np.nan
    assert "NaN or infinity" in _bad(tmp_path, capsys, "nan.npy", array)


def test_ragged_rows_are_a_wrong_shape(tmp_path, capsys):
    text = "0.1,0.2\n0.1\n" + "0.1,0.2\n" * T
    assert "wrong shape" in _bad(tmp_path, capsys, "ragged.csv", text)


def test_three_dimensional_npy_is_a_wrong_shape(tmp_path, capsys):
    assert "wrong shape" in _bad(tmp_path, capsys, "cube.npy", np.zeros((T, 2, 2)))


def test_inputs_with_other_rows_are_a_wrong_shape(tmp_path, capsys):
    message = _bad(tmp_path, capsys, "inputs.npy", np.zeros((T + 1, I)), option="--inputs")
    assert "wrong shape" in message and f"{T + 1} rows" in message


def test_too_short_for_the_protocol(tmp_path, capsys):
    message = _bad(tmp_path, capsys, "short.csv", "0.1,0.2\n0.3,0.4\n0.5,0.6\n")
    assert "3 rows" in message and "too short" in message


def test_unknown_suffix(tmp_path, capsys):
    assert "expected .npy or .csv" in _bad(tmp_path, capsys, "t.txt", "0.1\n" * T)


def test_directory_is_not_a_file(tmp_path, capsys):
    (tmp_path / "dir.csv").mkdir()
    assert "is a directory" in _bad(tmp_path, capsys, "dir.csv", None)


def test_set_contradicting_the_file(tmp_path, capsys):
    message = _bad(tmp_path, capsys, "t.csv", "\n".join(["0.1,0.2"] * T),
                   extra=["--set", "O=3"])
    assert "O comes from --targets" in message


def test_targets_are_required(tmp_path, capsys):
    assert main(["trajectory", "--out", str(tmp_path / "out"), *SMALL]) == 2
    assert "--targets" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_one_context_only(tmp_path, capsys):
    good = _write_csv(tmp_path / "good.csv", _targets())
    assert main(["trajectory", "--targets", str(good), "--out", str(tmp_path / "out"),
                 *SMALL, "--set", "n_contexts=2"]) == 2
    assert "n_contexts: must be 1" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_sweep_refuses_a_figure_with_files(tmp_path, capsys):
    assert main(["sweep", "trajectory", "--grid", "eta=1,2", "--out", str(tmp_path / "o")]) == 2
    assert "--targets" in capsys.readouterr().err


def test_read_array_rules(tmp_path):
    # A 1-D .npy is one column; a header is skipped; values are kept as given.
    np.save(tmp_path / "one.npy", np.arange(5.0))
    assert read_array(tmp_path / "one.npy").shape == (5, 1)
    (tmp_path / "h.csv").write_text("\ufeffa, b\n1e3, -2\n 3 ,4\n\n")
    np.testing.assert_array_equal(read_array(tmp_path / "h.csv"), [[1000.0, -2.0], [3.0, 4.0]])
    (tmp_path / "big.csv").write_text("1,2\n" * 100)
    with pytest.raises(ArrayFileError, match="larger than"):
        read_array(tmp_path / "big.csv", max_bytes=100)
