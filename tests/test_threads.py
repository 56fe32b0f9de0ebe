"""A trial on several threads computes exactly what it computes on one."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import lttb
from lttb import _core
from lttb.model import Network, draw_initial_state
from lttb.model.engines import THREADS_VARIABLE, default_threads
from lttb.model.state import STATE_ARRAYS
from lttb.run import planning

# These tests run on every build.  With OpenMP they compare teams of threads
# with one thread; without it a trial asked for several threads must still
# run (on one) and give the same numbers, which is what they then check.


def run_network(cfg, state, threads, iterations=3):
    """Train, test and record a network on ``threads`` threads; return what it computed."""
    net = Network.from_arrays(cfg, **state)
    net.threads = threads
    trials = [net.train_iteration(record=True) for _ in range(iterations)]
    full = [net.run_trial(c, 1.0) for c in range(cfg["n_contexts"])]
    turned_off = net.run_trial(0, 0.0, context_off_after=cfg["T"] // 2)
    return {
        "J": net.J, "Jout": net.Jout, "Bias": net.Bias,
        "inner": net.inner_error(), "row_updates": net.row_updates,
        "short_test": net.short_test(),
        "trials": [(t.S_soma, t.S_wind, t.outputs) for t in trials + full + [turned_off]],
    }


def assert_identical(a, b):
    for name in ("J", "Jout", "Bias", "short_test"):
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)
    assert a["inner"] == b["inner"]
    assert a["row_updates"] == b["row_updates"]
    for (s1, w1, y1), (s2, w2, y2) in zip(a["trials"], b["trials"]):
        np.testing.assert_array_equal(s1, s2)
        np.testing.assert_array_equal(w1, w2)
        np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize("threads", [2, 3])
def test_fig1_network_is_bit_identical_on_threads(threads):
    cfg = lttb.load_config("fig1")
    # trained a little first, so that many rows learn in every bin
    warm = Network.from_seed(cfg, 11)
    for _ in range(5):
        warm.train_iteration()
    state = {name: getattr(warm, name) for name in STATE_ARRAYS}
    assert_identical(run_network(cfg, state, 1), run_network(cfg, state, threads))


@pytest.mark.parametrize("overrides", [
    {},                                         # every term of the equations
    {"pin": False},                             # every row learns, no bounds
    {"readout": "recurrent"},
    {"N": 203, "Ne": 161, "Ni": 42, "T": 150},  # ranges that are not multiples of 8
], ids=["all-terms", "unpinned", "recurrent-readout", "odd-sizes"])
def test_every_term_is_bit_identical_on_threads(overrides, small_config):
    cfg = small_config(**overrides)
    state = draw_initial_state(cfg, 5)
    one = run_network(cfg, state, 1, iterations=4)
    for threads in (2, 4, 64):  # 64: more than there are rows to share
        assert_identical(one, run_network(cfg, state, threads, iterations=4))


def test_a_smaller_team_than_asked_for_gives_the_same_numbers(tmp_path):
    # OpenMP may hand out fewer threads than a trial asks for (here: a limit
    # of one); the trial then runs again on one thread, with the same result.
    script = textwrap.dedent("""
        import sys
        import numpy as np
        import lttb
        from lttb.model import Network, draw_initial_state
        cfg = lttb.load_config("fig1", N=120, Ne=96, Ni=24, T=200)
        state = draw_initial_state(cfg, 3)
        net = Network.from_arrays(cfg, **state)
        net.threads = int(sys.argv[1])
        for _ in range(2):
            net.train_iteration()
        np.save(sys.argv[2], np.concatenate([net.J.ravel(), net.Jout.ravel(), net.short_test()]))
    """)
    path = tmp_path / "check.py"
    path.write_text(script)
    results = {}
    for threads, limit in ((1, None), (2, "1")):
        env = dict(os.environ)
        env.pop("OMP_THREAD_LIMIT", None)
        if limit:
            env["OMP_THREAD_LIMIT"] = limit
        out = tmp_path / f"out-{threads}.npy"
        subprocess.run([sys.executable, str(path), str(threads), str(out)], env=env,
                       check=True, capture_output=True, timeout=120)
        results[threads] = np.load(out)
    np.testing.assert_array_equal(results[1], results[2])


@pytest.mark.skipif(os.environ.get("LTTB_EXPECT_OPENMP") != "1",
                    reason="only where the build must have OpenMP (LTTB_EXPECT_OPENMP=1)")
def test_the_build_has_openmp():
    # The CI sets LTTB_EXPECT_OPENMP=1 where it builds with GCC (the Linux
    # wheels): a build that lost OpenMP would silently train on one thread.
    assert _core.openmp_enabled()


# -- choosing the number of threads ----------------------------------------------
@pytest.mark.parametrize("value", [0, -1, 1.5, "2", True, None])
def test_threads_must_be_a_positive_integer(value, small_config):
    net = Network.from_seed(small_config(), 0)
    with pytest.raises(ValueError, match="Network.threads: the number of threads"):
        net.threads = value


def test_threads_default_comes_from_the_environment(monkeypatch, small_config):
    monkeypatch.delenv(THREADS_VARIABLE, raising=False)
    assert default_threads() == 1
    monkeypatch.setenv(THREADS_VARIABLE, "3")
    assert Network.from_seed(small_config(), 0).threads == 3
    monkeypatch.setenv(THREADS_VARIABLE, "two")
    with pytest.raises(ValueError, match=f"environment variable {THREADS_VARIABLE}"):
        Network.from_seed(small_config(), 0)


@pytest.mark.parametrize("cpus, seeds, jobs, threads, expected", [
    (2, 10, None, None, (2, 1)),   # one seed per CPU
    (2, 1, None, None, (1, 2)),    # a lone seed takes both CPUs
    (8, 3, None, None, (3, 2)),
    (2, 10, 1, None, (1, 2)),      # fewer workers than CPUs: threads fill them
    (2, 10, None, 4, (2, 4)),      # an explicit count wins
    (1, 5, None, None, (1, 1)),
])
def test_plan_workers(monkeypatch, cpus, seeds, jobs, threads, expected):
    monkeypatch.setattr(planning, "available_cpus", lambda: cpus)
    assert planning.plan_workers(seeds, jobs, threads) == expected
    assert planning.plan_workers(seeds, jobs, threads, openmp=True) == expected
    assert planning.plan_workers(seeds, jobs, threads, openmp=False) == (expected[0], 1)
