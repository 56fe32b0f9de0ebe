"""Speed of one Figure 3 closed-loop episode: the compiled loop against the oracle.

Usage::

    python benchmarks/bench_fig3_loop.py [--repeats 20] [--oracle-repeats 3] [--warmup 60]

One closed-loop test (FIG3.md section 4) of the Figure 3 networks (N = 500,
I = 80; the ``apical`` and the ``basal`` pair: low network of the variant and
the high network), run for the whole ``max_T - 2 = 1498`` iterations: the
cost of a failed test, which is what most tests of an untrained or basal
agent are.  Each pair is first trained on a few expert examples
(``--warmup`` trials per network) so that the plastic ``J`` are no longer
zero; the episode's positions are drawn until one that the agent fails.

Timed through the public call ``lttb.model.closed_loop(high, low, ...)``,
so its Python overhead (a few arrays per episode) is included.  In rounds:
``repeats / oracle-repeats`` core episodes, then one oracle episode, so
that both see the same load of a shared machine.  Prints the median, the
quartiles and the extremes of the microseconds per loop iteration, and the
ratio of the oracle's median to the core's (and of the fastest episodes).
BLAS is held to one thread (see ``_common.py``).
"""

import argparse
import statistics
import time

from _common import timed  # first: it holds BLAS to one thread before NumPy loads

import numpy as np
from bench_fig3 import fig3_networks

import lttb
from lttb import _core
from lttb.model import Network, ReferenceNetwork, closed_loop
from lttb.model.environment import EnvParams, positions_from_angles
from lttb.model.state import STATE_ARRAYS


def describe(label, us):
    q = statistics.quantiles(us, n=4) if len(us) > 1 else [us[0]] * 3
    med = statistics.median(us)
    print(f"    {label:<8} median {med:8.2f} us/iteration  IQR {q[0]:8.2f}-{q[2]:8.2f}  "
          f"min {min(us):8.2f}  max {max(us):8.2f}  (n={len(us)} episodes)")
    return med


def trained(cfg, state, examples, warmup):
    net = Network.from_arrays(cfg, **state)
    for i in range(warmup):
        net.train_trial(examples[i % len(examples)])
    return {key: getattr(net, key) for key in STATE_ARRAYS}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=20, help="core episodes per pair")
    parser.add_argument("--oracle-repeats", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=60,
                        help="training trials of each network before timing")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    env = EnvParams()
    nets = fig3_networks(args.seed)
    print(f"lttb {lttb.__version__}: Figure 3 closed loop, N=500, I=80, max_T={env.max_T}; "
          f"kernels: {_core.kernels_in_use()}; one thread; {args.warmup} warm-up training "
          f"trials per network")
    high_state = trained(*nets["high"], args.warmup)
    rng = np.random.default_rng(args.seed)
    rows = []
    for variant in ("apical", "basal"):
        cfg, state, examples = nets[f"{variant} low"]
        low_state = trained(cfg, state, examples, args.warmup)
        pair = {
            "core": (Network.from_arrays(nets["high"][0], **high_state),
                     Network.from_arrays(cfg, **low_state)),
            "oracle": (ReferenceNetwork.from_arrays(nets["high"][0], **high_state),
                       ReferenceNetwork.from_arrays(cfg, **low_state)),
        }
        while True:  # a failed test runs every iteration
            button, food = positions_from_angles(*rng.uniform(0, 2 * np.pi, 2))
            first = closed_loop(*pair["core"], button, food, env=env)
            if first.n_steps == env.max_T - 2:
                break
        n = first.n_steps
        print(f"{variant}: {np.count_nonzero(low_state['J'])} non-zero J in the low "
              f"network, {np.count_nonzero(high_state['J'])} in the high one; episode of "
              f"{n} iterations, R = {first.R:.3f}, "
              f"{int(first.contexts.sum())} iterations in the food context")
        calls = {label: (lambda h=h, lo=lo: closed_loop(h, lo, button, food, env=env))
                 for label, (h, lo) in pair.items()}
        times = {label: [] for label in calls}
        per_round = max(1, args.repeats // args.oracle_repeats)
        for _ in range(args.oracle_repeats):
            times["core"] += timed(calls["core"], per_round)
            times["oracle"] += timed(calls["oracle"], 1)
        us = {label: [1e6 * t / n for t in ts] for label, ts in times.items()}
        med = {label: describe(label, v) for label, v in us.items()}
        ratio = med["oracle"] / med["core"]
        ratio_best = min(us["oracle"]) / min(us["core"])
        print(f"    ratio oracle/core: {ratio:6.1f}x (fastest episodes: {ratio_best:6.1f}x); "
              f"core episode {med['core'] * n / 1e3:.1f} ms")
        rows.append((variant, med["core"], med["oracle"], ratio, ratio_best))
    print("\nsummary (median us per loop iteration, both networks and the environment):")
    for variant, core, oracle, ratio, ratio_best in rows:
        print(f"  {variant:<7} core {core:8.2f}  oracle {oracle:9.2f}  ratio {ratio:6.1f}x "
              f"(fastest: {ratio_best:.1f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
