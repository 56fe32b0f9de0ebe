"""Burst metrics (SI.md section 3): the compiled core against the NumPy oracle."""

import numpy as np
import pytest

import lttb
from lttb.model import Network, ReferenceNetwork
from lttb.model.engines import BURST_METRICS
from lttb.model.oracle import oracle_burst_metrics

REL_TOL = 1e-12


def si_like(**overrides):
    """A small network in the SI protocol's regime: bursts that keep changing."""
    settings = dict(N=80, Ne=64, Ni=16, I=5, T=300, n_contexts=1, sigma_targ=100.0,
                    sigma_apical_cont=0.0, readout="recurrent", eta=10.0, eta_out=0.0025,
                    eta_bias=2e-4, pin=False, p_sparse_cont=0.75)
    settings.update(overrides)
    return lttb.load_config("fig2", **settings)


def _agree(core, ref):
    assert set(core) == set(BURST_METRICS) == set(ref)
    for key in BURST_METRICS:
        a, b = core[key], ref[key]
        if b is None:
            assert a is None, key
        elif key.startswith("number"):
            assert a == b and isinstance(a, int), key
        elif b == 0.0:
            assert a == 0.0, key  # an unchanged pattern is exactly 0 in both
        else:
            assert abs(a - b) <= REL_TOL * abs(b), (key, a, b)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("overrides", [{}, dict(pin=True, sigma_targ=20.0, sigma_Jrec=0.3),
                                       dict(n_contexts=2, sigma_apical_cont=5.0)],
                         ids=["si", "pinned", "two-contexts"])
def test_core_matches_oracle(threads, overrides):
    cfg = si_like(**overrides)
    core = Network.from_seed(cfg, np.random.SeedSequence(3))
    core.threads = threads
    ref = ReferenceNetwork.from_seed(cfg, np.random.SeedSequence(3))
    assert core.burst_metrics() is None
    for net in (core, ref):  # the warm-up trial: teacher on, no plasticity
        net.run_trial(0, apical_factor=1.0, bursts=True)
    _agree(core.burst_metrics(), ref.burst_metrics())
    assert core.burst_metrics()["self_dist_B"] is None
    seen = {"zero": 0, "nonzero": 0}
    for _ in range(12):
        core.train_iteration(bursts=True)
        ref.train_iteration(bursts=True)
        _agree(core.burst_metrics(), ref.burst_metrics())
        m = ref.burst_metrics()
        seen["zero" if m["self_dist_B_rec"] == 0 else "nonzero"] += 1
        # dist_B is the inner error of the same training trial
        assert core.burst_metrics()["dist_B"] == pytest.approx(core.inner_error(), rel=1e-15)
    assert seen["nonzero"] > 0  # the case exercised the comparison


def test_unchanged_bursts_give_exact_zeros():
    # Without plasticity every trial repeats the last: both self-distances are 0.0 exactly.
    cfg = si_like(eta=0.0, eta_out=0.0, eta_bias=0.0)
    for cls in (Network, ReferenceNetwork):
        net = cls.from_seed(cfg, np.random.SeedSequence(5))
        net.run_trial(0, apical_factor=1.0, bursts=True)
        net.train_iteration(bursts=True)
        m = net.burst_metrics()
        assert m["self_dist_B"] == 0.0 and m["self_dist_B_rec"] == 0.0
        assert m["number_B"] > 0


def test_counts_and_distances_follow_the_traces():
    # The oracle's metrics, by hand from the trains of a trial it records.
    cfg = si_like()
    net = ReferenceNetwork.from_seed(cfg, np.random.SeedSequence(1))
    net.run_trial(0, apical_factor=1.0, bursts=True)
    first = net.burst_metrics()
    net.train_iteration(bursts=True)
    second = net.burst_metrics()
    assert first["number_B"] > 0
    fake = {"B": np.eye(3), "B_rec": np.zeros((3, 3)), "B_filt": np.eye(3),
            "B_filt_rec": np.zeros((3, 3))}
    m = oracle_burst_metrics(fake, {**fake, "B_filt": np.zeros((3, 3))})
    assert m["number_B"] == 3 and m["number_B_rec"] == 0
    assert m["self_dist_B"] == pytest.approx(np.var(np.eye(3)))
    assert m["dist_B"] == pytest.approx(np.var(np.eye(3)))
    assert m["self_dist_B_rec"] == 0.0
    assert second["self_dist_B"] is not None


def test_tracking_is_off_by_default():
    cfg = si_like()
    net = Network.from_seed(cfg, np.random.SeedSequence(2))
    net.train_iteration()
    net.run_trial(0, apical_factor=1.0)
    assert net.burst_metrics() is None
