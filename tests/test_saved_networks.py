"""Trained networks saved and loaded; figure runs write them beside their artifacts."""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import lttb
from lttb import load_config
from lttb.cli import main
from lttb.model.network import Network, ReferenceNetwork
from lttb.model.saving import NetworkFileError
from lttb.run.seeds import run_seeds

TINY = dict(N=60, Ne=48, Ni=12, T=120, epochs=2, iters_per_epoch=5)
TINY_ARGS = ["--set", "N=60", "--set", "Ne=48", "--set", "Ni=12", "--set", "T=120",
             "--epochs", "2", "--iters-per-epoch", "5", "--quiet", "--no-figures"]


@pytest.mark.parametrize("cls", [Network, ReferenceNetwork])
def test_a_reloaded_network_trains_on_bit_for_bit(cls, tmp_path):
    cfg = load_config("fig1", N=60, Ne=48, Ni=12, T=120)
    net = cls.from_seed(cfg, 3)
    net.train_iteration()
    path = net.save(tmp_path / "net.npz")
    again = cls.load(path)
    assert again.engine == net.engine and again.config == net.config
    assert again.inner_error() == net.inner_error()
    for name in ("J", "w", "j_in", "j_targ", "Jout", "Bias", "j_basal_cont",
                 "j_apical_cont", "I_clock", "targets"):
        assert np.array_equal(getattr(again, name), getattr(net, name)), name
    net.train_iteration(eta=2.0)
    again.train_iteration(eta=2.0)
    assert np.array_equal(net.J, again.J)
    assert np.array_equal(net.Jout, again.Jout)
    assert [p.name for p in tmp_path.iterdir()] == ["net.npz"]  # no temporary left


def test_the_file_is_plain_arrays_with_config_and_version(tmp_path):
    cfg = load_config("fig1", N=60, Ne=48, Ni=12, T=120)
    path = Network.from_seed(cfg, 0).save(tmp_path / "net.npz")
    with np.load(path, allow_pickle=False) as data:
        assert json.loads(str(data["config"])) == cfg
        assert str(data["lttb_version"]) == lttb.__version__
        assert str(data["format"]) == "lttb-network"
        assert data["J"].shape == (60, 60)
    # a network file loads on the other engine too
    assert ReferenceNetwork.load(path).engine == "oracle"
    assert Network.load(path.read_bytes()).engine == "core"


def test_bad_network_files_are_refused_with_a_reason(tmp_path):
    cfg = load_config("fig1", N=60, Ne=48, Ni=12, T=120)
    good = Network.from_seed(cfg, 0)
    with pytest.raises(NetworkFileError, match="no such file"):
        Network.load(tmp_path / "missing.npz")
    (tmp_path / "text.npz").write_text("not a zip")
    with pytest.raises(NetworkFileError, match="cannot be read"):
        Network.load(tmp_path / "text.npz")
    np.savez(tmp_path / "other.npz", J=good.J)
    with pytest.raises(NetworkFileError, match="not an lttb network"):
        Network.load(tmp_path / "other.npz")
    with np.load(good.save(tmp_path / "n.npz")) as data:
        arrays = dict(data)
    arrays["format_version"] = np.array(99)
    np.savez(tmp_path / "newer.npz", **arrays)
    with pytest.raises(NetworkFileError, match="newer"):
        Network.load(tmp_path / "newer.npz")
    arrays["format_version"] = np.array(1)
    arrays["J"] = arrays["J"][:10]
    np.savez(tmp_path / "shape.npz", **arrays)
    with pytest.raises(NetworkFileError, match="J: shape"):
        Network.load(tmp_path / "shape.npz")


def test_run_seeds_writes_networks_that_reproduce_the_final_test(tmp_path):
    cfg = load_config("fig1", **TINY)
    report = run_seeds("fig1", cfg, [0, 1], tmp_path, jobs=2, quiet=True, networks=True)
    assert report.ok
    for seed in (0, 1):
        net = lttb.load_network(tmp_path / f"seed-{seed:04d}.json")
        artifact = json.loads((tmp_path / f"seed-{seed:04d}.json").read_text())
        trial = net.run_trial(0, apical_factor=0.0)
        assert trial.mse == pytest.approx(artifact["final_outer_mse"], rel=0, abs=0)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_runs_without_networks_leave_none_and_load_network_says_why(tmp_path):
    cfg = load_config("fig1", **TINY)
    assert run_seeds("fig1", cfg, [0], tmp_path, jobs=1, quiet=True).ok
    assert not (tmp_path / "seed-0000.npz").exists()
    with pytest.raises(NetworkFileError, match="--no-networks"):
        lttb.load_network(tmp_path / "seed-0000.json")


def test_cli_writes_networks_and_resume_reruns_a_seed_missing_its_network(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["fig1", "--seeds", "2", "--jobs", "2", "--out", str(out), *TINY_ARGS]) == 0
    assert (out / "seed-0000.npz").is_file() and (out / "seed-0001.npz").is_file()
    first = lttb.load_network(out / "seed-0001.npz").J
    (out / "seed-0001.npz").unlink()
    capsys.readouterr()
    assert main(["fig1", "--seeds", "2", "--jobs", "2", "--out", str(out), "--resume",
                 *TINY_ARGS]) == 0
    err = capsys.readouterr().err
    assert "(its network seed-0001.npz is missing); running seed 1 again" in err
    assert "seed-0000" not in err
    assert np.array_equal(lttb.load_network(out / "seed-0001.json").J, first)
    # --no-networks: a rewritten artifact keeps no stale network beside it
    assert main(["fig1", "--seeds", "2", "--jobs", "2", "--out", str(out), "--no-networks",
                 *TINY_ARGS]) == 0
    assert not list(out.glob("*.npz"))
    # and --resume without --no-networks runs both again to get them
    assert main(["fig1", "--seeds", "2", "--jobs", "2", "--out", str(out), "--resume",
                 *TINY_ARGS]) == 0
    assert len(list(out.glob("*.npz"))) == 2


def test_sweep_writes_a_network_per_point_and_seed(tmp_path):
    out = tmp_path / "sweep"
    assert main(["sweep", "fig1", "--grid", "eta=5,10", "--seeds", "1", "--jobs", "2",
                 "--out", str(out), *TINY_ARGS]) == 0
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.npz"))
    assert files == ["eta=10/seed-0000.npz", "eta=5/seed-0000.npz"]
    assert lttb.load_network(out / "eta=5" / "seed-0000.json").config["eta"] == 5


#: A protocol defined in __main__ of `python -c`, as in a notebook cell.
NOTEBOOK = textwrap.dedent("""
    import sys, tempfile
    import lttb
    from lttb.run.seeds import run_seeds
    from lttb.run.loop import NotImportableError
    from lttb.experiments.fig1.protocol import run as fig1_run

    def protocol(cfg, seed, progress=None):
        return fig1_run(cfg, seed, progress)

    cfg = lttb.load_config("fig1", N=60, Ne=48, Ni=12, T=120, epochs=1, iters_per_epoch=2)
    out = tempfile.mkdtemp()
    try:
        run_seeds("fig1", cfg, [0, 1], out, jobs=2, quiet=True, protocol=protocol)
    except NotImportableError as exc:
        print("REFUSED:", exc)
    report = run_seeds("fig1", cfg, [0, 1], out, jobs=1, quiet=True, protocol=protocol)
    print("JOBS1:", report.ok, sorted(report.completed))
""")


def test_a_protocol_defined_in_main_runs_with_one_job_or_is_refused_clearly(tmp_path):
    # From a scratch directory: `python -c` puts the current directory first
    # on sys.path, where a source checkout would shadow the installed lttb.
    done = subprocess.run([sys.executable, "-c", NOTEBOOK], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "REFUSED: the protocol protocol is defined in __main__" in done.stdout
    assert "jobs=1" in done.stdout and "worker processes cannot import" in done.stdout
    assert "JOBS1: True [0, 1]" in done.stdout
