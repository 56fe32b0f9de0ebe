"""The compiled core against the conformance vectors and the NumPy oracle."""

import math

import numpy as np
import pytest

import lttb
import lttb.artifacts
from lttb import _core
from lttb.model import Network, ReferenceNetwork, StateError, draw_initial_state
from lttb.model.engines import runtime_info
from lttb.model.oracle import sigmoid
from lttb.model.state import clock, expected_shapes

WEIGHT_TOL = 1e-9
IMPLEMENTATIONS = [Network, ReferenceNetwork]
STATE_KEYS = tuple(expected_shapes(lttb.load_config("fig1")))


# -- the authors' original code ------------------------------------------------
@pytest.mark.parametrize("impl", IMPLEMENTATIONS, ids=lambda c: c.__name__)
def test_conformance_vectors(vector, impl):
    cfg, arrays, data = vector
    net = impl.from_arrays(cfg, **arrays)
    for iteration in (1, 2):
        last = net.train_iteration(record=True)
        for name in ("J", "Jout", "Bias"):
            expected = data[f"after_iter{iteration}_{name}"]
            np.testing.assert_allclose(getattr(net, name), expected, rtol=0, atol=WEIGHT_TOL,
                                       err_msg=f"{name} after iteration {iteration}")
    np.testing.assert_array_equal(last.S_soma, data["last_training_trial_S_soma"])
    np.testing.assert_array_equal(last.S_wind, data["last_training_trial_S_wind"])
    assert last.S_soma.sum() > 0, "a vector without spikes tests nothing"
    assert net.inner_error() == pytest.approx(float(data["inner_error"]), abs=WEIGHT_TOL)
    np.testing.assert_allclose(net.short_test(), data["short_test_outer_mse"], atol=WEIGHT_TOL)
    test = net.run_trial(cfg["n_contexts"] - 1, apical_factor=0.0)
    np.testing.assert_array_equal(test.S_soma, data["short_test_last_context_S_soma"])


# -- core against oracle, same initial state -----------------------------------
def assert_same_trial(a, b):
    np.testing.assert_array_equal(a.S_soma, b.S_soma)
    np.testing.assert_array_equal(a.S_wind, b.S_wind)
    np.testing.assert_allclose(a.outputs, b.outputs, rtol=0, atol=WEIGHT_TOL)
    assert a.mse == pytest.approx(b.mse, abs=WEIGHT_TOL)
    np.testing.assert_array_equal(a.context_trace, b.context_trace)


def assert_same_weights(core, ref):
    for name in ("J", "Jout", "Bias"):
        np.testing.assert_allclose(getattr(core, name), getattr(ref, name), rtol=0,
                                   atol=WEIGHT_TOL, err_msg=name)


def run_side_by_side(cfg, seed, iterations=3, **train_kwargs):
    state = draw_initial_state(cfg, seed)
    core = Network.from_arrays(cfg, **state)
    ref = ReferenceNetwork.from_arrays(cfg, **state)
    for _ in range(iterations):
        a = core.train_iteration(record=True, **train_kwargs)
        b = ref.train_iteration(record=True, **train_kwargs)
        assert_same_trial(a, b)
        assert_same_weights(core, ref)
        assert core.inner_error() == pytest.approx(ref.inner_error(), abs=WEIGHT_TOL)
    np.testing.assert_allclose(core.short_test(), ref.short_test(), rtol=0, atol=WEIGHT_TOL)
    return core, ref


def test_core_matches_oracle_fig1():
    cfg = lttb.load_config("fig1")
    core, ref = run_side_by_side(cfg, seed=3, iterations=3)
    for apical_factor in (0.0, 1.0):
        assert_same_trial(core.run_trial(0, apical_factor), ref.run_trial(0, apical_factor))
    # plasticity did act: the recurrent weights left their all-zero start
    assert np.count_nonzero(core.J) > 1000


def test_core_matches_oracle_every_term(small_config):
    cfg = small_config()
    core, ref = run_side_by_side(cfg, seed=11, iterations=4)
    assert np.any(core.Bias != 0)
    for context in range(cfg["n_contexts"]):
        for apical_factor in (0.0, 1.0):
            assert_same_trial(core.run_trial(context, apical_factor),
                              ref.run_trial(context, apical_factor))
        assert_same_trial(core.run_trial(context, 0.0, context_off_after=60),
                          ref.run_trial(context, 0.0, context_off_after=60))


@pytest.mark.parametrize("overrides", [
    dict(readout="recurrent"),
    dict(pin=False),
    dict(p_sparse_cont=0.75),
])
def test_core_matches_oracle_variants(overrides, small_config):
    run_side_by_side(small_config(**overrides), seed=5, iterations=3)


def test_learning_rates_as_arguments(small_config):
    cfg = small_config()
    run_side_by_side(cfg, seed=2, iterations=2, eta=3.0, eta_out=0.02, eta_bias=0.05,
                     pin=True)


@pytest.mark.parametrize("pin", [True, False], ids=["pinned", "unpinned"])
def test_kernel_paths_are_bit_identical(pin):
    # Sizes not multiples of 8; unpinned rows are updated without bounds.
    cfg = lttb.load_config("fig1", N=203, Ne=161, Ni=42, T=300, pin=pin, sigma_Jrec=0.5)
    state = draw_initial_state(cfg, 7)
    results = {}
    try:
        for path in ("scalar", "default", "avx", "avx512"):
            used = _core.select_kernels(path)
            net = Network.from_arrays(cfg, **state)
            trials = [net.train_iteration(record=True) for _ in range(3)]
            results[used] = (net.J, net.Jout, [t.S_soma for t in trials], net.short_test())
    finally:
        _core.select_kernels()
    first = next(iter(results.values()))
    for other in results.values():
        np.testing.assert_array_equal(first[0], other[0])
        np.testing.assert_array_equal(first[1], other[1])
        for s1, s2 in zip(first[2], other[2]):
            np.testing.assert_array_equal(s1, s2)
        np.testing.assert_array_equal(first[3], other[3])
    with pytest.raises(ValueError, match="unknown kernel path"):
        _core.select_kernels("sse9")


def test_kernels_in_use_reports_without_choosing():
    try:
        assert _core.select_kernels("scalar") == "scalar"
        assert _core.kernels_in_use() == "scalar"
        # an artifact records the path in use and leaves it selected
        assert lttb.artifacts.platform_info(runtime_info())["kernels"] == "scalar"
        assert _core.kernels_in_use() == "scalar"
    finally:
        _core.select_kernels()


# -- reproducibility -------------------------------------------------------------
def test_same_seed_same_numbers(small_config):
    cfg = small_config()
    nets = [Network.from_seed(cfg, np.random.SeedSequence(42)) for _ in range(2)]
    for net in nets:
        for _ in range(2):
            net.train_iteration()
    for name in STATE_KEYS:
        np.testing.assert_array_equal(getattr(nets[0], name), getattr(nets[1], name))
    np.testing.assert_array_equal(nets[0].short_test(), nets[1].short_test())
    other = Network.from_seed(cfg, 43)
    assert not np.array_equal(other.targets, nets[0].targets)


def test_initial_state_follows_the_spec():
    cfg = lttb.load_config("fig1")
    s = draw_initial_state(cfg, 0)
    assert np.all(s["J"] == 0) and np.all(s["w"] == 0)  # sigma_Jrec = sigma_wrec = 0
    assert np.all(s["j_targ"][cfg["Ne"]:] == 0)
    assert np.all(s["Bias"] == 0)
    assert np.abs(s["j_in"].std() - cfg["sigma_in"]) < 0.5
    assert s["targets"].shape == (1, 3, 1000)
    np.testing.assert_allclose(s["targets"].min(axis=2), -1.0)
    np.testing.assert_allclose(s["targets"].max(axis=2), 1.0)
    # clock: I equal consecutive blocks
    assert np.all(s["I_clock"].sum(axis=0) == 1)
    np.testing.assert_array_equal(s["I_clock"].sum(axis=1), [200] * 5)


def test_clock_keeps_the_published_rounding():
    # (580 / 1000) * 50 = 28.999999999999996 in double precision: block 28.
    I_clock = clock(50, 1000)
    assert I_clock[28, 580] == 1 and I_clock[29, 580] == 0


def test_fig2_sparsification_fraction():
    cfg = lttb.load_config("fig2")
    s = draw_initial_state(cfg, 1)
    kept = np.count_nonzero(s["j_apical_cont"]) / s["j_apical_cont"].size
    assert abs(kept - 0.25) < 0.03


# -- the sigmoid -----------------------------------------------------------------
@pytest.mark.parametrize("z", [709.0, 709.5, 710.0, 800.0, 1e5, 1e300, math.inf])
def test_sigmoid_beyond_overflow(z):
    assert _core.sigmoid(z) == 1.0
    assert sigmoid(z) == 1.0


def test_sigmoid_equals_the_original_where_finite():
    z = np.concatenate([np.linspace(-800, 709, 4001), [-1e300, -745.2, 0.0, 36.7, 708.9]])
    with np.errstate(over="ignore", invalid="ignore"):
        original = np.exp(z) / (np.exp(z) + 1)
    assert np.all(np.isfinite(original))
    np.testing.assert_array_equal(sigmoid(z), original)
    # The core calls the C library's exp, NumPy its own: they may differ in the
    # last bit, never more.
    np.testing.assert_allclose([_core.sigmoid(float(x)) for x in z], original,
                               rtol=4 * np.finfo(float).eps, atol=0)


def test_huge_apical_drive_gives_no_nan(small_config):
    cfg = small_config(T=60)
    state = draw_initial_state(cfg, 0)
    state["J"][: cfg["Ne"], : cfg["Ne"]] = 100.0  # drive far past e^z overflow
    np.fill_diagonal(state["J"], 0.0)
    core = Network.from_arrays(cfg, **state)
    ref = ReferenceNetwork.from_arrays(cfg, **state)
    for _ in range(2):
        assert_same_trial(core.train_iteration(record=True), ref.train_iteration(record=True))
        assert_same_weights(core, ref)
    assert np.all(np.isfinite(core.J)) and np.all(np.isfinite(core.Jout))
    # the weights stayed at the bound: the overflowing sigmoid was reached
    assert np.count_nonzero(core.J[: cfg["Ne"], : cfg["Ne"]] == 100.0) > 0
    np.testing.assert_allclose(core.short_test(), ref.short_test(), rtol=0, atol=WEIGHT_TOL)


# -- potentials exactly at a threshold ---------------------------------------------
# H0 (somatic and apical spikes, the somatic window) is strict, H1 (the burst
# window) is not: a state whose potential or trace lands exactly on the
# threshold tells them apart, which a drawn state practically never does.

def silent_state(cfg, **arrays):
    """An explicit state whose weights are all zero except those given."""
    state = {name: np.zeros(shape) for name, shape in expected_shapes(cfg).items()}
    state["I_clock"] = clock(cfg["I"], cfg["T"])
    state["targets"] = draw_initial_state(cfg, 0)["targets"]
    state.update(arrays)
    return state


def threshold_case(name, small_config):
    """A config and a state in which one compartment sits exactly at 0.

    ``soma``: no input and ``h = 0``, so ``Vsoma`` stays 0.  ``apical_proximal``:
    ``J = 0`` and ``h = href = 0``, so ``VapicRec`` is 0 (the distal compartment
    is held below by its context drive).  ``apical_distal``: the context drive
    cancels ``href``, so ``Vapic`` is 0 (``VapicRec`` is ``a href < 0``).  In the
    apical cases the soma spikes, so an apical spike would make bursts.
    """
    base = dict(n_contexts=1, sigma_Jrec=0.0, sigma_wrec=0.0, sigma_basal_cont=0.0,
                eta_bias=0.0)
    ones = np.ones((40, 1))
    if name == "soma":
        cfg = small_config(h=0.0, href=-5.0, sigma_apical_cont=0.0, **base)
        return cfg, silent_state(cfg)
    j_in = np.full((40, 4), 20.0)
    if name == "apical_proximal":
        cfg = small_config(h=0.0, href=0.0, sigma_apical_cont=1.0, **base)
        return cfg, silent_state(cfg, j_in=j_in, j_apical_cont=-ones)
    cfg = small_config(h=0.0, href=-5.0, sigma_apical_cont=1.0, **base)
    return cfg, silent_state(cfg, j_in=j_in, j_apical_cont=5.0 * ones)


@pytest.mark.parametrize("name", ["soma", "apical_proximal", "apical_distal"])
def test_a_potential_exactly_at_threshold_does_not_spike(name, small_config):
    cfg, state = threshold_case(name, small_config)
    for impl in IMPLEMENTATIONS:
        net = impl.from_arrays(cfg, **state)
        for apical_factor in (0.0, 1.0):
            trial = net.run_trial(0, apical_factor)
            if name == "soma":
                assert trial.S_soma.sum() == 0, impl.__name__
            else:
                assert trial.S_soma.sum() > 0, impl.__name__
                assert trial.S_wind.sum() == 0, (impl.__name__, "an apical spike at 0")
    core = Network.from_arrays(cfg, **state)
    ref = ReferenceNetwork.from_arrays(cfg, **state)
    for _ in range(2):
        assert_same_trial(core.train_iteration(record=True), ref.train_iteration(record=True))
        assert_same_weights(core, ref)


def one_event_trace(cfg):
    """``B_filt`` (or ``S_filt_soma``) one bin after a first event: ``1 - beta*``."""
    return 1.0 - math.exp(-cfg["dt"] / cfg["tau_star"])


def trial_numbers(impl, cfg, state):
    net = impl.from_arrays(cfg, **state)
    trials = [net.train_iteration(record=True), net.run_trial(0, 1.0), net.run_trial(1, 0.0)]
    return [a for t in trials for a in (t.S_soma, t.S_wind, t.outputs)] + [net.J]


def differs(a, b):
    return any(not np.array_equal(x, y) for x, y in zip(a, b))


@pytest.mark.parametrize("key, other", [
    # H1: a burst trace exactly at the threshold opens the window ...
    ("burstThreshold", math.inf),
    # ... H0: a somatic trace exactly at the threshold does not.
    ("somaticThreshold", -math.inf),
])
def test_a_trace_exactly_at_threshold(key, other, small_config):
    exact = one_event_trace(small_config())
    cfg = small_config(**{key: exact})
    # One ulp away on the side where the result must change: the same set of
    # traces opens the window as at `exact` only if the comparison is wrong.
    cfg_near = small_config(**{key: float(np.nextafter(exact, other))})
    state = draw_initial_state(cfg, 4)
    results = {impl: trial_numbers(impl, cfg, state) for impl in IMPLEMENTATIONS}
    near = {impl: trial_numbers(impl, cfg_near, state) for impl in IMPLEMENTATIONS}
    for impl in IMPLEMENTATIONS:
        assert differs(results[impl], near[impl]), (impl.__name__, key)
    for a, b in zip(results[Network], results[ReferenceNetwork]):
        np.testing.assert_allclose(a, b, rtol=0, atol=WEIGHT_TOL)


# -- pinning ---------------------------------------------------------------------
def pinned_by_hand(J, Ne):
    """Spec section 5: inhibitory rows 0, E->E in [0, 100], I->E in [-100, 0], no diagonal."""
    J = J.copy()
    J[Ne:, :] = 0.0
    J[:Ne, :Ne] = np.minimum(np.maximum(J[:Ne, :Ne], 0.0), 100.0)
    J[:Ne, Ne:] = np.minimum(np.maximum(J[:Ne, Ne:], -100.0), 0.0)
    J[np.arange(len(J)), np.arange(len(J))] = 0.0
    return J


def unpinned_state(cfg, seed=8):
    """A drawn state whose ``J`` breaks every sign constraint, some weights at the bounds.

    A few excitatory neurons get a strongly negative clock drive: they never
    spike, so their rows never learn and only the pinning before the first
    trial can clean them.
    """
    N, Ne = cfg["N"], cfg["Ne"]
    state = draw_initial_state(cfg, seed)
    J = np.random.default_rng(seed).normal(0.0, 80.0, size=(N, N))
    J[0, 1:3] = [100.0, 100.5]
    J[0, Ne:Ne + 3] = [-100.0, -100.5, 2.0]
    np.fill_diagonal(J, 7.0)
    J[Ne:, :] = 5.0
    state["J"] = J
    state["j_in"][:4] = -1000.0
    return state


@pytest.mark.parametrize("impl", IMPLEMENTATIONS, ids=lambda c: c.__name__)
def test_drawn_recurrent_weights_are_pinned(impl, small_config):
    # Spec section 2: J is pinned once before training, so a drawn state is.
    cfg = small_config(sigma_Jrec=200.0)  # most weights beyond the bounds before pinning
    Ne = cfg["Ne"]
    J = impl.from_seed(cfg, 0).J
    np.testing.assert_array_equal(J, pinned_by_hand(J, Ne))
    assert np.count_nonzero(J[:Ne, :Ne] == 100.0) > 0
    assert np.count_nonzero(J[:Ne, Ne:] == -100.0) > 0


def test_first_training_trial_pins_an_unpinned_state(small_config):
    cfg = small_config()
    state = unpinned_state(cfg)
    expected = pinned_by_hand(state["J"], cfg["Ne"])
    assert expected[0, 1] == 100.0 and expected[0, cfg["Ne"]] == -100.0
    assert np.any(state["J"][:4, :4].diagonal() != 0)
    for impl in IMPLEMENTATIONS:
        net = impl.from_arrays(cfg, **state)
        np.testing.assert_array_equal(net.J, state["J"])  # kept as given until training
        net.train_iteration(eta=0.0)  # no learning: J is exactly the pinned state
        np.testing.assert_array_equal(net.J, expected, err_msg=impl.__name__)


def test_training_from_an_unpinned_state_matches_the_oracle(small_config):
    cfg = small_config()
    state = unpinned_state(cfg)
    core = Network.from_arrays(cfg, **state)
    ref = ReferenceNetwork.from_arrays(cfg, **state)
    for _ in range(2):
        assert_same_trial(core.train_iteration(record=True), ref.train_iteration(record=True))
        assert_same_weights(core, ref)
    np.testing.assert_array_equal(core.J, pinned_by_hand(core.J, cfg["Ne"]))


def test_without_pinning_an_unpinned_state_is_kept(small_config):
    cfg = small_config(pin=False)
    state = unpinned_state(cfg)
    for impl in IMPLEMENTATIONS:
        net = impl.from_arrays(cfg, **state)
        net.train_iteration(eta=0.0)
        np.testing.assert_array_equal(net.J, state["J"], err_msg=impl.__name__)


# Every SIMD path: the vector kernels hold the bounds of whole chunks of
# columns in registers, the scalar one reads them per column.
@pytest.mark.parametrize("path", ["scalar", "default", None], ids=["scalar", "default", "best"])
def test_learned_weights_reach_the_bounds_and_stop_there(path, small_config):
    cfg = small_config(eta=1e4)  # large enough to drive rows to both bounds at once
    Ne = cfg["Ne"]
    try:
        _core.select_kernels(path)
        core, ref = run_side_by_side(cfg, seed=11, iterations=2)
    finally:
        _core.select_kernels()
    J = core.J
    assert np.count_nonzero(J[:Ne, :Ne] == 100.0) > 0
    assert np.count_nonzero(J[:Ne, Ne:] == -100.0) > 0
    np.testing.assert_array_equal(J, pinned_by_hand(J, Ne))


# -- explicit states -------------------------------------------------------------
def test_from_arrays_copies_and_is_exact(vector):
    cfg, arrays, _ = vector
    net = Network.from_arrays(cfg, **arrays)
    for name in STATE_KEYS:
        np.testing.assert_array_equal(getattr(net, name), arrays[name])
    original = arrays["J"].copy()
    net.train_iteration()
    np.testing.assert_array_equal(arrays["J"], original)  # the caller's array is untouched
    j = net.J
    j[:] = 123.0
    assert not np.array_equal(net.J, j)  # attributes are copies


@pytest.mark.parametrize("name, value, message", [
    ("J", np.zeros((3, 3)), "J: shape (3, 3)"),
    ("targets", np.zeros((100, 3)), "targets: shape (100, 3)"),
    ("Bias", np.zeros(4), "Bias: shape (4,)"),
    ("j_in", np.zeros((100, 5), dtype=complex), "j_in: dtype complex128"),
    ("I_clock", np.full((5, 200), np.nan), "I_clock: contains NaN"),
    ("Jout", np.array([["a"] * 100] * 3), "Jout: dtype <U1"),
])
def test_from_arrays_rejects_bad_state(name, value, message, get_vector):
    cfg, arrays, _ = get_vector("small_fig1")
    arrays = dict(arrays, **{name: value})
    with pytest.raises(StateError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Network.from_arrays(cfg, **arrays)


def test_from_arrays_reports_every_problem(get_vector):
    cfg, arrays, _ = get_vector("small_fig1")
    arrays = dict(arrays, J=np.zeros((2, 2)), w=np.zeros((2, 2)))
    with pytest.raises(StateError, match="invalid initial state") as info:
        Network.from_arrays(cfg, **arrays)
    assert "J: shape" in str(info.value) and "w: shape" in str(info.value)


def test_from_arrays_requires_every_array(get_vector):
    cfg, arrays, _ = get_vector("small_fig1")
    del arrays["w"]
    with pytest.raises(TypeError, match="w"):
        Network.from_arrays(cfg, **arrays)


def test_run_trial_checks_context(small_config):
    net = Network.from_seed(small_config(), 0)
    with pytest.raises(ValueError, match="context 2"):
        net.run_trial(2)
    assert math.isnan(net.inner_error())
