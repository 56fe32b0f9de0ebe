"""Tests of the one-seed protocol: schedule, tests, full test and raster."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lttb import Network, load_config
from lttb.config import schedule_of
from lttb.model import TrialResult
from lttb.model.training import (
    OUTPUT_FIRST_BIN,
    full_test,
    mse_between,
    raster_events,
    run_schedule,
)

TINY = dict(N=60, Ne=48, Ni=12, T=120, epochs=2, iters_per_epoch=5)


@pytest.fixture(scope="module")
def tiny_cfg():
    return load_config("fig1", **TINY)


@pytest.fixture(scope="module")
def tiny_result(tiny_cfg):
    return run_schedule(tiny_cfg, 0)


# --------------------------------------------------------------------------- a recording fake

class RecordingNetwork:
    """Stands in for Network and records the order of the protocol's calls."""

    log: list = []

    def __init__(self, cfg):
        self.config = cfg
        self.trained = 0
        n_ctx, O, T = cfg["n_contexts"], cfg["O"], cfg["T"]
        self.targets = np.zeros((n_ctx, O, T))

    @classmethod
    def from_seed(cls, cfg, seed):
        RecordingNetwork.log = [("seed", seed)]
        return cls(cfg)

    def train_iteration(self, eta=None, eta_out=None, eta_bias=None, *, pin=None):
        self.trained += 1
        self.log.append(("train", eta, eta_out, eta_bias))

    def inner_error(self):
        self.log.append(("inner", self.trained))
        return 1.0 / self.trained

    def short_test(self):
        self.log.append(("short", self.trained))
        return np.full(self.config["n_contexts"], 1.0 / (self.trained + 1))

    def run_trial(self, context, apical_factor=0.0, *, context_off_after=None):
        self.log.append(("full", context, apical_factor))
        cfg = self.config
        N, T, O = cfg["N"], cfg["T"], cfg["O"]
        soma = np.zeros((N, T), dtype=np.int8)
        wind = np.zeros((N, T), dtype=np.int8)
        soma[1, 5] = soma[2, 7] = wind[2, 7] = wind[3, 9] = 1
        trace = np.zeros((cfg["n_contexts"], T))
        trace[context] = 1.0
        return TrialResult(context, apical_factor, soma, wind,
                           np.full((O, T - 3), float(context)), 0.0, trace)


def test_schedule_of_fig1_preset():
    schedule = schedule_of(load_config("fig1"))
    assert schedule == {"epochs": 25, "iters_per_epoch": 50, "test_every": 5,
                        "lr_decay": 0.99, "n_iterations": 1250, "n_tests": 250}


def test_schedule_counts_tests_over_the_whole_run():
    cfg = load_config("fig1", **dict(TINY, epochs=3, iters_per_epoch=4, test_every=3))
    schedule = schedule_of(cfg)
    assert schedule["n_iterations"] == 12 and schedule["n_tests"] == 4
    result = run_schedule(cfg, 1, network_cls=RecordingNetwork)
    assert result["test_iterations"] == [3, 6, 9, 12]


def test_learning_rates_decay_after_each_epoch_except_eta_bias():
    cfg = load_config("fig1", **dict(TINY, epochs=3, iters_per_epoch=2, eta_bias=0.5,
                                     lr_decay=0.5))
    run_schedule(cfg, 0, network_cls=RecordingNetwork)
    trains = [entry[1:] for entry in RecordingNetwork.log if entry[0] == "train"]
    eta, eta_out = cfg["eta"], cfg["eta_out"]
    expected = []
    for _ in range(3):
        expected += [(eta, eta_out, 0.5)] * 2
        eta *= 0.5
        eta_out *= 0.5
    assert trains == expected


def test_inner_error_is_read_just_before_the_short_test():
    cfg = load_config("fig1", **dict(TINY, epochs=1, iters_per_epoch=4, test_every=2))
    result = run_schedule(cfg, 0, network_cls=RecordingNetwork)
    kinds = [entry[0] for entry in RecordingNetwork.log if entry[0] != "full"]
    assert kinds == ["seed", "train", "train", "inner", "short", "train", "train",
                     "inner", "short"]
    assert result["inner_error"] == [0.5, 0.25]
    assert result["outer_mse"] == [[1 / 3], [1 / 5]]


def test_full_test_runs_every_context_teacher_on_then_off():
    cfg = load_config("fig1", **dict(TINY, n_contexts=2))
    run_schedule(cfg, 0, network_cls=RecordingNetwork)
    full = [entry[1:] for entry in RecordingNetwork.log if entry[0] == "full"]
    assert full == [(0, 1.0), (1, 1.0), (0, 0.0), (1, 0.0)]


def test_run_schedule_passes_a_seed_sequence():
    cfg = load_config("fig1", **TINY)
    run_schedule(cfg, 7, network_cls=RecordingNetwork)
    seed = RecordingNetwork.log[0][1]
    assert isinstance(seed, np.random.SeedSequence) and seed.entropy == 7


def test_progress_reports_every_iteration_with_latest_mse():
    cfg = load_config("fig1", **dict(TINY, epochs=1, iters_per_epoch=4, test_every=2))
    calls = []
    run_schedule(cfg, 0, progress=lambda *args: calls.append(args),
                 network_cls=RecordingNetwork)
    assert calls == [(1, 4, None), (2, 4, 1 / 3), (3, 4, 1 / 3), (4, 4, 1 / 5)]


def test_negative_seed_is_refused():
    with pytest.raises(ValueError, match="seed"):
        run_schedule(load_config("fig1", **TINY), -1, network_cls=RecordingNetwork)


# --------------------------------------------------------------------------- real network

def test_result_shapes(tiny_cfg, tiny_result):
    r = tiny_result
    n_ctx, O, T = 1, tiny_cfg["O"], tiny_cfg["T"]
    assert r["seed"] == 0 and r["contexts"] == [0]
    assert np.shape(r["targets"]) == (n_ctx, O, T)
    for key in ("teacher_on", "teacher_off"):
        assert np.shape(r["outputs"][key]) == (n_ctx, O, T - 3)
        assert np.shape(r["full_test_mse"][key]) == (n_ctx, n_ctx)
    assert r["test_iterations"] == [5, 10]
    assert np.shape(r["outer_mse"]) == (2, 1)
    assert len(r["inner_error"]) == 2
    assert np.shape(r["context_trace"]) == (n_ctx, n_ctx, T)
    assert r["output_first_bin"] == OUTPUT_FIRST_BIN == 1


def test_result_is_plain_python(tiny_result):
    def check(value):
        if isinstance(value, dict):
            for item in value.values():
                check(item)
        elif isinstance(value, list):
            for item in value:
                check(item)
        else:
            assert value is None or type(value) in (int, float, str, bool), type(value)
    check(tiny_result)


def test_final_mse_is_the_teacher_off_test_and_matches_last_short_test(tiny_result):
    r = tiny_result
    assert r["final_outer_mse"] == r["full_test_mse"]["teacher_off"][0][0]
    # No noise in the dynamics: the teacher-off full test repeats the last short test.
    assert r["final_outer_mse"] == pytest.approx(r["outer_mse"][-1][0], rel=1e-12)


def test_outer_mse_definition(tiny_cfg, tiny_result):
    target = np.array(tiny_result["targets"][0])
    outputs = np.array(tiny_result["outputs"]["teacher_on"][0])
    expected = np.var(target[:, 1:tiny_cfg["T"] - 2] - outputs)
    assert tiny_result["full_test_mse"]["teacher_on"][0][0] == pytest.approx(expected, rel=1e-12)


def test_raster_matches_the_teacher_on_trial(tiny_cfg):
    result = run_schedule(tiny_cfg, 3)
    # Replay: same seed, same schedule, then the teacher-on trial of context 0.
    net = Network.from_seed(tiny_cfg, np.random.SeedSequence(3))
    eta, eta_out = tiny_cfg["eta"], tiny_cfg["eta_out"]
    for _ in range(tiny_cfg["epochs"]):
        for _ in range(tiny_cfg["iters_per_epoch"]):
            net.train_iteration(eta, eta_out, tiny_cfg["eta_bias"])
        eta *= tiny_cfg["lr_decay"]
        eta_out *= tiny_cfg["lr_decay"]
    trial = net.run_trial(0, apical_factor=1.0)
    spikes = {tuple(p) for p in result["spikes"]}
    bursts = {tuple(p) for p in result["bursts"]}
    soma = {tuple(p) for p in np.argwhere(trial.S_soma == 1).tolist()}
    assert spikes | bursts == soma and not spikes & bursts
    assert all(trial.S_wind[i, t] == 1 for i, t in bursts)
    assert all(trial.S_wind[i, t] == 0 for i, t in spikes)
    assert bursts, "the teacher-on trial should contain bursts"
    assert result["outputs"]["teacher_on"][0] == trial.outputs.tolist()


def test_same_seed_same_result_other_seed_differs(tiny_cfg, tiny_result):
    assert run_schedule(tiny_cfg, 0) == tiny_result
    other = run_schedule(tiny_cfg, 1)
    assert other["targets"] != tiny_result["targets"]


def test_two_contexts_give_off_diagonal_mse():
    cfg = load_config("fig1", **dict(TINY, n_contexts=2, sigma_apical_cont=5.0,
                                     epochs=1, iters_per_epoch=2, test_every=1))
    r = run_schedule(cfg, 0)
    targets = np.array(r["targets"])
    for key in ("teacher_on", "teacher_off"):
        matrix = r["full_test_mse"][key]
        for c in range(2):
            outputs = np.array(r["outputs"][key][c])
            for k in range(2):
                assert matrix[c][k] == pytest.approx(mse_between(targets[k], outputs), rel=1e-12)
    assert np.shape(r["outer_mse"]) == (2, 2)
    assert r["final_outer_mse"] == pytest.approx(
        (r["full_test_mse"]["teacher_off"][0][0] + r["full_test_mse"]["teacher_off"][1][1]) / 2)
    trace = np.array(r["context_trace"])
    assert trace[0, 0].all() and not trace[0, 1].any()
    assert trace[1, 1].all() and not trace[1, 0].any()


# --------------------------------------------------------------------------- helpers

def test_raster_events_split():
    soma = np.array([[1, 0, 1], [0, 1, 0]], dtype=np.int8)
    wind = np.array([[0, 1, 1], [1, 1, 0]], dtype=np.int8)
    spikes, bursts = raster_events(soma, wind)
    assert spikes == [[0, 0]]
    assert bursts == [[0, 2], [1, 1]]


def test_mse_between_uses_the_output_window():
    target = np.arange(2 * 10, dtype=float).reshape(2, 10)
    outputs = target[:, 1:8].copy()
    assert mse_between(target, outputs) == 0.0
    outputs[0, 0] += 1.0
    assert mse_between(target, outputs) == pytest.approx(np.var(np.eye(1, 14).ravel()))


def test_non_finite_values_become_none():
    class Diverging(RecordingNetwork):
        def short_test(self):
            return np.array([math.nan])

        def inner_error(self):
            return math.inf

    cfg = load_config("fig1", **dict(TINY, epochs=1, iters_per_epoch=1, test_every=1))
    result = run_schedule(cfg, 0, network_cls=Diverging)
    assert result["outer_mse"] == [[None]] and result["inner_error"] == [None]


def test_full_test_records_raster_of_chosen_context():
    cfg = load_config("fig1", **dict(TINY, n_contexts=2))
    net = RecordingNetwork(cfg)
    out = full_test(net, raster_context=1)
    assert out["raster_context"] == 1
    assert out["spikes"] == [[1, 5]] and out["bursts"] == [[2, 7]]
