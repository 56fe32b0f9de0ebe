"""The model features of Figure 3, one by one, on both engines.

Per-trial input sequences, a context vector per bin, the ``"target"``
read-out, unpinned training with a free diagonal, per-example training
trials and short tests, and rules skipped when their rate is 0: each checked
core against oracle spike for spike, then together against the vectors of
the authors' code (``tests/data/fig3``, CC BY 4.0).
"""

import json
import pathlib
import pickle

import numpy as np
import pytest

import lttb
from lttb import _core
from lttb.model import Example, Network, ReferenceNetwork, draw_initial_state, one_hot_contexts

DATA = pathlib.Path(__file__).parent / "data" / "fig3"
TOL = 1e-9
STATE = ("J", "w", "j_in", "j_targ", "Jout", "Bias", "j_basal_cont", "j_apical_cont")
IMPLEMENTATIONS = [Network, ReferenceNetwork]


# -- helpers -----------------------------------------------------------------------
def small(**overrides):
    """A Figure 3-like network small enough for tests, every term non-zero."""
    settings = dict(N=48, Ne=38, Ni=10, I=12, O=2, T=120, n_contexts=3, sigma_targ=40.0,
                    sigma_in=8.0, sigma_apical_cont=20.0, sigma_basal_cont=4.0,
                    sigma_Jrec=0.5, sigma_wrec=0.2, eta=2.0, eta_out=0.05, eta_bias=0.01,
                    pin=False)
    settings.update(overrides)
    return lttb.load_config("fig1", **settings)


def dense_examples(cfg, n, seed, *, switching=True, mixed=False):
    """Examples with dense real-valued inputs, targets of their own and contexts per bin."""
    rng = np.random.default_rng(seed)
    I, O, T, n_ctx = cfg["I"], cfg["O"], cfg["T"], cfg["n_contexts"]
    examples = []
    for _ in range(n):
        inputs = np.exp(-rng.uniform(0, 3, size=(I, T)))  # all non-zero, like Figure 3's
        target = np.cumsum(rng.normal(0, 0.1, size=(O, T)), axis=1)
        if mixed:
            trace = rng.uniform(0, 1, size=(n_ctx, T)) * (rng.random((n_ctx, T)) < 0.7)
        elif switching:
            bins = np.arange(T)
            trace = one_hot_contexts((bins * n_ctx) // T, n_ctx)
        else:
            trace = one_hot_contexts(np.zeros(T, dtype=int), n_ctx)
        examples.append(Example(inputs, target, trace))
    return examples


def pair(cfg, seed, state=None):
    state = draw_initial_state(cfg, seed) if state is None else state
    return Network.from_arrays(cfg, **state), ReferenceNetwork.from_arrays(cfg, **state)


def assert_same_trial(a, b):
    np.testing.assert_array_equal(a.S_soma, b.S_soma)
    np.testing.assert_array_equal(a.S_wind, b.S_wind)
    np.testing.assert_allclose(a.outputs, b.outputs, rtol=0, atol=TOL)
    assert a.mse == pytest.approx(b.mse, abs=TOL)
    assert a.S_soma.sum() > 0, "a trial without spikes tests nothing"


def assert_same_weights(a, b):
    for name in ("J", "Jout", "Bias"):
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=0, atol=TOL,
                                   err_msg=name)


def train_side_by_side(core, ref, examples, iterations=2, **rates):
    for _ in range(iterations):
        a = core.train_iteration(record=True, examples=examples, **rates)
        b = ref.train_iteration(record=True, examples=examples, **rates)
        assert_same_trial(a, b)
        assert_same_weights(core, ref)
        assert core.inner_error() == pytest.approx(ref.inner_error(), abs=TOL)
    np.testing.assert_allclose(core.short_test(examples), ref.short_test(examples),
                               rtol=0, atol=TOL)
    for example in examples:
        for apical_factor in (0.0, 1.0):
            assert_same_trial(core.run_trial(example=example, apical_factor=apical_factor),
                              ref.run_trial(example=example, apical_factor=apical_factor))


# -- 1. per-trial input sequences -------------------------------------------------
def test_dense_inputs_core_matches_oracle():
    cfg = small(n_contexts=1, sigma_apical_cont=0.0, sigma_basal_cont=0.0)
    core, ref = pair(cfg, 1)
    examples = dense_examples(cfg, 3, seed=2, switching=False)
    train_side_by_side(core, ref, examples)


def test_inputs_replace_the_clock():
    cfg = small(n_contexts=1)
    net = Network.from_seed(cfg, 3)
    clock_trial = net.run_trial(0)
    example = dense_examples(cfg, 1, seed=4, switching=False)[0]
    same_but_inputs = net.example(0, inputs=example.inputs)
    np.testing.assert_array_equal(same_but_inputs.target, net.targets[0])
    own = net.run_trial(example=same_but_inputs)
    assert not np.array_equal(own.S_soma, clock_trial.S_soma)
    # the clock given as an input sequence is the network's own trial
    as_inputs = net.run_trial(0, inputs=net.I_clock)
    np.testing.assert_array_equal(as_inputs.S_soma, clock_trial.S_soma)
    np.testing.assert_array_equal(as_inputs.outputs, clock_trial.outputs)


# -- 2. a context vector per bin --------------------------------------------------
@pytest.mark.parametrize("mixed", [False, True], ids=["switching", "mixed"])
def test_context_per_bin_core_matches_oracle(mixed):
    cfg = small()
    core, ref = pair(cfg, 5)
    train_side_by_side(core, ref, dense_examples(cfg, 2, seed=6, mixed=mixed))


def test_context_per_bin_acts_from_its_bin():
    cfg = small(sigma_basal_cont=30.0, sigma_apical_cont=0.0, sigma_targ=0.0)
    net = Network.from_seed(cfg, 7)
    T = cfg["T"]
    held = net.run_trial(0)
    switched = net.run_trial(0, context_trace=one_hot_contexts(
        np.where(np.arange(T) <= 60, 0, 1), cfg["n_contexts"]))
    # step k reads the context of bin k and writes spikes at bin k + 1
    np.testing.assert_array_equal(held.S_soma[:, :62], switched.S_soma[:, :62])
    assert not np.array_equal(held.S_soma[:, 62:], switched.S_soma[:, 62:])


def test_one_hot_contexts():
    trace = one_hot_contexts([0, 1, -1, 1], 2)
    np.testing.assert_array_equal(trace, [[1, 0, 0, 0], [0, 1, 0, 1]])
    with pytest.raises(ValueError, match="-1 .. 1"):
        one_hot_contexts([0, 2], 2)
    with pytest.raises(ValueError, match="integers"):
        one_hot_contexts([0.5], 2)


# -- 3. read-out "target" ---------------------------------------------------------
def test_readout_target_core_matches_oracle():
    cfg = small(readout="target")
    core, ref = pair(cfg, 8)
    train_side_by_side(core, ref, dense_examples(cfg, 2, seed=9))


def test_readout_target_reads_the_target_bursts():
    # Same state, three read-outs: with recurrent bursts present the three
    # traces differ, so the outputs do; "target" is Jout . B_filt.
    outputs = {}
    state = draw_initial_state(small(), 10)
    # strong recurrent weights, so that recurrent (predicted) bursts happen
    state["J"] = 40.0 * np.abs(state["J"])
    for readout in ("total", "recurrent", "target"):
        net = Network.from_arrays(small(readout=readout), **state)
        outputs[readout] = net.run_trial(0, apical_factor=1.0).outputs
    assert not np.allclose(outputs["target"], outputs["total"])
    assert not np.allclose(outputs["target"], outputs["recurrent"])


def test_readout_target_in_the_schema():
    assert lttb.load_config("fig1", readout="target")["readout"] == "target"
    with pytest.raises(lttb.ConfigError, match="readout"):
        lttb.load_config("fig1", readout="burst")


# -- 4. unpinned training with a free diagonal, per-example trials ---------------
def test_unpinned_training_frees_the_diagonal_and_inhibitory_rows():
    cfg = small(sigma_Jrec=0.0)
    core, ref = pair(cfg, 11)
    examples = dense_examples(cfg, 2, seed=12)
    train_side_by_side(core, ref, examples, iterations=3, eta=5.0, pin=False)
    J = core.J
    Ne = cfg["Ne"]
    assert np.any(np.diag(J) != 0), "the diagonal learns"
    assert np.any(J[Ne:] != 0), "the inhibitory rows learn"
    assert np.any(J[:Ne, :Ne] < 0) and np.any(J[:Ne, Ne:] > 0), "any sign"


def test_training_iteration_is_one_trial_per_example_in_order():
    cfg = small()
    state = draw_initial_state(cfg, 13)
    examples = dense_examples(cfg, 3, seed=14)
    by_iteration = Network.from_arrays(cfg, **state)
    last = by_iteration.train_iteration(record=True, examples=examples)
    by_trial = Network.from_arrays(cfg, **state)
    for example in examples:
        trial = by_trial.train_trial(example, record=True)
    assert_same_trial(last, trial)
    for name in ("J", "Jout", "Bias"):
        np.testing.assert_array_equal(getattr(by_iteration, name), getattr(by_trial, name))
    # a different order is a different training
    reordered = Network.from_arrays(cfg, **state)
    reordered.train_iteration(examples=examples[::-1])
    assert not np.array_equal(reordered.Jout, by_iteration.Jout)


def test_short_test_per_example():
    cfg = small()
    net = Network.from_seed(cfg, 15)
    examples = dense_examples(cfg, 3, seed=16)
    mse = net.short_test(examples)
    assert mse.shape == (3,)
    T = cfg["T"]
    for value, example in zip(mse, examples):
        trial = net.run_trial(example=example, apical_factor=0.0)
        assert value == trial.mse
        assert value == np.var(example.target[:, 1:T - 2] - trial.outputs)
    assert len(set(mse)) == 3


# -- a rate of 0 skips its rule ----------------------------------------------------
def test_zero_rates_skip_their_rules():
    cfg = small()
    core, ref = pair(cfg, 17)
    examples = dense_examples(cfg, 2, seed=18)
    before = {name: getattr(core, name) for name in ("J", "Jout", "Bias")}
    core.train_iteration(examples=examples, eta=0.0, eta_out=0.0, eta_bias=0.0)
    assert core.row_updates == 0  # the core did no work on J
    for name, value in before.items():
        np.testing.assert_array_equal(getattr(core, name), value)
    ref.train_iteration(examples=examples, eta=0.0, eta_out=0.0, eta_bias=0.0)
    assert_same_weights(core, ref)
    core.train_iteration(examples=examples, eta=2.0, eta_out=0.0, eta_bias=0.0)
    assert core.row_updates > 0
    np.testing.assert_array_equal(core.Jout, before["Jout"])
    np.testing.assert_array_equal(core.Bias, before["Bias"])
    core.train_iteration(examples=examples, eta=0.0, eta_out=0.0, eta_bias=0.01)
    np.testing.assert_array_equal(core.Jout, before["Jout"])
    assert np.any(core.Bias != before["Bias"])


def test_fixed_and_learning_trials_interleaved_stay_with_the_oracle():
    # The core keeps J transposed while J does not change; every change of J
    # must be seen by the next trial.
    cfg = small(readout="recurrent")
    state = draw_initial_state(cfg, 19)
    state["J"] *= 20.0  # recurrent bursts: a stale J would show in the outputs
    core, ref = pair(cfg, 0, state)
    examples = dense_examples(cfg, 2, seed=20)
    for eta in (0.0, 3.0, 0.0, 0.0, 4.0):
        for net in (core, ref):
            net.train_iteration(examples=examples, eta=eta)
        assert_same_weights(core, ref)
        np.testing.assert_allclose(core.short_test(examples), ref.short_test(examples),
                                   rtol=0, atol=TOL)
        assert_same_trial(core.run_trial(example=examples[0]),
                          ref.run_trial(example=examples[0]))


def test_zero_eta_with_pinning_pins_as_the_oracle():
    cfg = small(pin=True)
    state = draw_initial_state(small(), 21)  # an unpinned J: negative, diagonal, inhibitory
    core, ref = pair(cfg, 0, state)
    examples = dense_examples(cfg, 2, seed=22)
    train_side_by_side(core, ref, examples, iterations=2, eta=0.0)
    J = core.J
    assert np.all(np.diag(J) == 0) and np.all(J[cfg["Ne"]:] == 0)


def test_zero_recurrent_weights_without_learning_stay_with_the_oracle():
    # J = 0 and eta = 0 (the apical low network): the core skips the drive.
    cfg = small(sigma_Jrec=0.0, eta=0.0, readout="target")
    core, ref = pair(cfg, 23)
    train_side_by_side(core, ref, dense_examples(cfg, 2, seed=24))
    assert not np.any(core.J)


# -- examples ------------------------------------------------------------------------
def test_example_is_checked_and_immutable():
    cfg = small()
    net = Network.from_seed(cfg, 0)
    I, O, T, n_ctx = cfg["I"], cfg["O"], cfg["T"], cfg["n_contexts"]
    with pytest.raises(ValueError, match="same number of bins"):
        Example(np.zeros((I, T)), np.zeros((O, T - 1)), np.zeros((n_ctx, T)))
    with pytest.raises(ValueError, match="NaN"):
        Example(np.full((I, T), np.nan), np.zeros((O, T)), np.zeros((n_ctx, T)))
    with pytest.raises(ValueError, match="2-D"):
        Example(np.zeros(T), np.zeros((O, T)), np.zeros((n_ctx, T)))
    wrong = Example(np.zeros((I + 1, T)), np.zeros((O, T)), np.zeros((n_ctx, T)))
    with pytest.raises(ValueError, match=r"I = 13 \(config: 12\)"):
        net.train_trial(wrong)
    with pytest.raises(ValueError, match="target and context_trace"):
        net.example(inputs=np.zeros((I, T)))
    with pytest.raises(ValueError, match="either an example"):
        net.run_trial(0, example=net.example(0))
    inputs = np.ones((I, T))
    example = Example(inputs, np.zeros((O, T)), np.zeros((n_ctx, T)))
    inputs[:] = 5.0  # the example holds its own copy
    assert np.all(example.inputs == 1.0)
    with pytest.raises(ValueError):
        example.inputs[0, 0] = 2.0
    with pytest.raises(AttributeError):
        example.target = np.zeros((O, T))
    copy = pickle.loads(pickle.dumps(example))  # e.g. sent to a worker process
    np.testing.assert_array_equal(copy.inputs, example.inputs)
    assert not copy.inputs.flags.writeable


def test_network_without_clock_or_targets():
    cfg = small()
    state = draw_initial_state(cfg, 25)
    net = Network.from_arrays(cfg, **{k: state[k] for k in STATE})
    assert np.all(net.targets == 0)
    np.testing.assert_array_equal(net.I_clock, lttb.model.state.clock(cfg["I"], cfg["T"]))


# -- threads and kernel paths ------------------------------------------------------
def run_examples(cfg, state, examples, threads):
    net = Network.from_arrays(cfg, **state)
    net.threads = threads
    trials = [net.train_iteration(record=True, examples=examples) for _ in range(2)]
    trials.append(net.run_trial(example=examples[0]))
    return net, trials


@pytest.mark.skipif(not _core.openmp_enabled(), reason="this build has no OpenMP")
def test_examples_are_bit_identical_on_threads():
    cfg = small(N=203, Ne=161, Ni=42)
    state = draw_initial_state(cfg, 26)
    examples = dense_examples(cfg, 2, seed=27, mixed=True)
    one, trials1 = run_examples(cfg, state, examples, 1)
    two, trials2 = run_examples(cfg, state, examples, 3)
    for name in ("J", "Jout", "Bias"):
        np.testing.assert_array_equal(getattr(one, name), getattr(two, name))
    for a, b in zip(trials1, trials2):
        np.testing.assert_array_equal(a.S_soma, b.S_soma)
        np.testing.assert_array_equal(a.outputs, b.outputs)
    np.testing.assert_array_equal(one.short_test(examples), two.short_test(examples))


def test_examples_are_bit_identical_on_kernel_paths():
    cfg = small(N=203, Ne=161, Ni=42, I=37)  # sizes not multiples of 8
    state = draw_initial_state(cfg, 28)
    examples = dense_examples(cfg, 2, seed=29, mixed=True)
    results = {}
    try:
        for path in ("scalar", "default", "avx", "avx512"):
            used = _core.select_kernels(path)
            net, trials = run_examples(cfg, state, examples, 1)
            results[used] = (net.J, net.Jout, [t.S_soma for t in trials],
                             [t.outputs for t in trials], net.short_test(examples))
    finally:
        _core.select_kernels()
    first = next(iter(results.values()))
    for other in results.values():
        for x, y in zip(first, other):
            np.testing.assert_array_equal(np.asarray(x), np.asarray(y))


# -- 5. the authors' vectors ------------------------------------------------------
def load_fig3(variant):
    data = np.load(DATA / f"fig3_small_{variant}.npz")
    meta = json.loads(str(data["config"]))
    readouts = {"low": "target" if variant == "apical" else "recurrent", "high": "recurrent"}
    cfgs = {part: lttb.load_config("fig1", **meta[part], readout=readouts[part], pin=False)
            for part in ("low", "high")}
    T = cfgs["low"]["T"]
    n = len(data["buttons"])
    # FIG3.md 3.4: the low network's context is 0 up to bin 60, 1 after; the
    # high network's context signal is 0.
    low_trace = one_hot_contexts(np.where(np.arange(T) <= 60, 0, 1), 2)
    examples = {
        "low": [Example(data["expert_inputs"][k], data["expert_velocities"][k], low_trace)
                for k in range(n)],
        "high": [Example(data["expert_inputs"][k], data["high_targets"], np.zeros((1, T)))
                 for k in range(n)],
    }
    rates = {
        "low": dict(eta=meta["eta_low"], eta_out=meta["eta_out_low"], eta_bias=0.0),
        "high": dict(eta=meta["eta_high"], eta_out=meta["eta_out_high"],
                     eta_bias=meta["eta_bias_high"]),
    }
    return data, cfgs, examples, rates, meta["iterations"]


@pytest.mark.parametrize("impl", IMPLEMENTATIONS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("variant", ["apical", "basal"])
def test_fig3_vectors_training_and_short_tests(variant, impl):
    data, cfgs, examples, rates, iterations = load_fig3(variant)
    nets = {part: impl.from_arrays(cfgs[part], **{k: data[f"init_{part}_{k}"] for k in STATE})
            for part in ("low", "high")}

    def close(got, key):
        np.testing.assert_allclose(got, data[key], rtol=0, atol=TOL, err_msg=key)

    for part in ("low", "high"):
        close(nets[part].short_test(examples[part]), f"before_short_{part}_mse")
    for part in ("low", "high"):
        net = nets[part]
        for _ in range(iterations):
            last = net.train_iteration(record=True, examples=examples[part], pin=False,
                                       **rates[part])
        np.testing.assert_array_equal(last.S_soma, data[f"after_train_{part}_last_trial_S_soma"])
        if part == "low":
            np.testing.assert_array_equal(last.S_wind, data["after_train_low_last_trial_S_wind"])
            test = net.run_trial(example=examples[part][-1])
            np.testing.assert_array_equal(test.S_soma, data["after_train_short_low_last_S_soma"])
        close(net.short_test(examples[part]), f"after_train_short_{part}_mse")
        for name in ("J", "Jout", "Bias"):
            close(getattr(net, name), f"after_train_{part}_{name}")
    # what the vectors exercise: the high network's J learned without pinning
    # (diagonal and inhibitory rows); the apical low network's J stayed 0
    J_high = nets["high"].J
    assert np.any(np.diag(J_high) != 0) and np.any(J_high[cfgs["high"]["Ne"]:] != 0)
    assert np.any(nets["low"].J) == (variant == "basal")
