"""Speed of one Figure 3 trial: the compiled core against the NumPy oracle.

Usage::

    python benchmarks/bench_fig3.py [--repeats 200] [--oracle-repeats 10] [--threads 1,2]

The three networks of Figure 3 (FIG3.md section 3.1; N = 500, T = 120,
I = 80 dense inputs): the low network of the ``apical`` variant (context on
the apical dendrite, read-out of the target bursts, ``J`` frozen: eta = 0),
the low network of the ``basal`` variant (context on the soma, plastic
``J``) and the high network (plastic ``J``, bias).  For each: one training
trial (one example, its own inputs, target and context schedule) and one
short-test trial (teacher off, no plasticity), each timed alone through the
public calls ``Network.train_trial(example)`` and
``Network.short_test([example])``, so the per-trial Python overhead is part
of the figure.  The examples are
the expert demonstrations of FIG3.md section 2 at the 120 training button
angles.

Each network is first trained on a few examples (``--warmup``) so that the
plastic ``J`` is no longer zero.  Everything runs in this process, in
``--oracle-repeats`` rounds of ``repeats / oracle-repeats`` trials of each
core setting and one of the oracle, so that all are measured under the same
machine load.  Prints the median, the quartiles and the extremes of the
milliseconds per trial, the ratio of the medians and that of the fastest
trials (the least disturbed by other work on a shared machine).  BLAS is
held to one thread (see ``_common.py``).
"""

import argparse
import statistics
import time

from _common import timed  # first: it holds BLAS to one thread before NumPy loads

import numpy as np

import lttb
from lttb import _core
from lttb.model import Example, Network, ReferenceNetwork, draw_initial_state, one_hot_contexts
from lttb.model.state import STATE_ARRAYS

T, TB = 120, 60
RES, WIDTH = 20, 0.1


def encode(v):
    """FIG3.md section 1: 20 Gaussian bumps per coordinate, clipped to [-1, 1]."""
    centres = -1.0 + 2.0 * np.arange(RES) / (RES - 1)
    v = np.clip(v, -1.0, 1.0)
    return np.concatenate([np.exp(-(v[0] - centres) ** 2 / (2 * WIDTH ** 2)),
                           np.exp(-(v[1] - centres) ** 2 / (2 * WIDTH ** 2))])


def expert(button, food):
    """FIG3.md section 2: the expert's inputs (80 x T) and velocities (2 x T)."""
    X = np.empty((4 * RES, T))
    Y = np.zeros((2, T))
    for j in range(T):
        if j < TB:
            p = button * max(j - 1, 0) / 58
        else:
            p = button + (food - button) * max(j - 61, 0) / 58
        X[:, j] = np.concatenate([encode(food - p), encode(button - p)])
        if 1 <= j < TB:
            Y[:, j] = button * (100 / 59)
        elif j > TB:
            Y[:, j] = (food - button) * (100 / 59)
    return X, Y


def fig3_networks(seed):
    """The three Figure 3 networks (FIG3.md 3.1, 3.2) and their examples."""
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * np.arange(120) / 120
    buttons = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    phi = rng.uniform(0, 2 * np.pi, 120)
    foods = buttons + np.stack([np.cos(phi), np.sin(phi)], axis=1)
    demos = [expert(b, g) for b, g in zip(buttons, foods)]
    Z = np.zeros((2, T))
    Z[0, :TB] = 1.0
    Z[1] = 1.0 - Z[0]
    low_trace = one_hot_contexts(np.where(np.arange(T) <= TB, 0, 1), 2)
    common = dict(N=500, Ne=400, Ni=100, I=80, O=2, T=T, sigma_in=20.0, sigma_Jrec=0.0,
                  sigma_wrec=0.0, pin=False)
    specs = {
        "apical low": (dict(common, n_contexts=2, sigma_targ=0.0, sigma_apical_cont=50.0,
                            sigma_basal_cont=0.0, eta=0.0, eta_out=0.05, eta_bias=0.0,
                            readout="target"), "apical"),
        "basal low": (dict(common, n_contexts=2, sigma_targ=100.0, sigma_apical_cont=0.0,
                           sigma_basal_cont=50.0, eta=0.5, eta_out=0.05, eta_bias=0.0,
                           readout="recurrent"), "basal"),
        "high": (dict(common, n_contexts=1, sigma_targ=100.0, sigma_apical_cont=0.0,
                      sigma_basal_cont=0.0, eta=0.2, eta_out=0.01, eta_bias=0.0002,
                      readout="recurrent"), None),
    }
    out = {}
    for name, (settings, masked) in specs.items():
        cfg = lttb.load_config("fig1", **settings)
        state = draw_initial_state(cfg, rng)
        H, Ne = cfg["Ne"] // 2, cfg["Ne"]
        for key in ("j_apical_cont", "j_basal_cont"):
            if masked and key == f"j_{masked}_cont":
                state[key][0:H, 1] = 0.0
                state[key][H:, 0] = 0.0
                state[key][Ne:, :] = 0.0
            else:
                state[key][:] = 0.0
        if masked is None:
            examples = [Example(X, Z, np.zeros((1, T))) for X, _ in demos]
        else:
            examples = [Example(X, Y, low_trace) for X, Y in demos]
        out[name] = (cfg, state, examples)
    return out


def spread(ms):
    q = statistics.quantiles(ms, n=4) if len(ms) > 1 else [ms[0]] * 3
    return statistics.median(ms), q[0], q[2], min(ms), max(ms)


def describe(label, times):
    ms = [1e3 * t for t in times]
    med, q1, q3, lo, hi = spread(ms)
    print(f"    {label:<20} median {med:8.3f} ms  IQR {q1:8.3f}-{q3:8.3f}  "
          f"min {lo:8.3f}  max {hi:8.3f}  (n={len(ms)})")
    return med


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=200,
                        help="trials timed per network and engine setting of the core")
    parser.add_argument("--oracle-repeats", type=int, default=10)
    parser.add_argument("--threads", default="1,2",
                        help="comma-separated thread counts of the core (default 1,2)")
    parser.add_argument("--warmup", type=int, default=60,
                        help="training trials of each network before timing")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    thread_counts = [int(x) for x in args.threads.split(",")]
    if not _core.openmp_enabled():
        thread_counts = [1]

    print(f"lttb {lttb.__version__}: Figure 3 networks, N=500, T={T}, I=80; kernels: "
          f"{_core.kernels_in_use()}; OpenMP: {'yes' if _core.openmp_enabled() else 'no'}; "
          f"{args.warmup} warm-up training trials per network")
    rows = []
    for name, (cfg, state, examples) in fig3_networks(args.seed).items():
        start = time.perf_counter()
        warm = Network.from_arrays(cfg, **state)
        for i in range(args.warmup):
            warm.train_trial(examples[i % len(examples)])
        state = {key: getattr(warm, key) for key in STATE_ARRAYS}
        print(f"{name}: eta {cfg['eta']}, read-out {cfg['readout']}, "
              f"{np.count_nonzero(state['J'])} non-zero J after warm-up "
              f"({time.perf_counter() - start:.1f} s)")
        nets = {f"core, {n} thread(s)": Network.from_arrays(cfg, **state)
                for n in thread_counts}
        for n, net in zip(thread_counts, nets.values()):
            net.threads = n
        nets["oracle"] = ReferenceNetwork.from_arrays(cfg, **state)
        for kind in ("training", "short test"):
            print(f"  {kind} trial:")
            calls = {}
            for label, net in nets.items():
                cycle = iter(range(10 ** 9))
                if kind == "training":
                    def call(net=net, cycle=cycle):
                        net.train_trial(examples[next(cycle) % len(examples)])
                else:
                    def call(net=net, cycle=cycle):
                        net.short_test([examples[next(cycle) % len(examples)]])
                call()  # first call: lazy layouts, caches
                calls[label] = call
            # Rounds: in each, some trials of every core setting, then one of
            # the oracle, so that all see the same load of a shared machine.
            times = {label: [] for label in calls}
            per_round = max(1, args.repeats // args.oracle_repeats)
            for _ in range(args.oracle_repeats):
                for label, call in calls.items():
                    times[label] += timed(call, 1 if label == "oracle" else per_round)
            medians = {label: describe(label, t) for label, t in times.items()}
            best = {label: min(t) for label, t in times.items()}
            for label, med in medians.items():
                if label != "oracle":
                    ratio = medians["oracle"] / med
                    ratio_best = best["oracle"] / best[label]
                    print(f"    ratio oracle/{label}: {ratio:6.1f}x (fastest trials: "
                          f"{ratio_best:6.1f}x)")
                    rows.append((name, kind, label, med, ratio, ratio_best))
    print("\nsummary (median ms per trial; ratio of the oracle's median to it, and of "
          "the fastest trials):")
    for name, kind, label, med, ratio, ratio_best in rows:
        print(f"  {name:<11} {kind:<11} {label:<18} {med:8.3f} ms  {ratio:6.1f}x  "
              f"({ratio_best:.1f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
