"""Speed of the compiled core against the NumPy oracle, in one process.

Usage::

    python benchmarks/bench_core.py [--repeats 7] [--oracle-repeats 3] [--preset fig1]

Prints milliseconds per training iteration (one plastic trial per context) and
per short test (one trial per context, no plasticity) for ``lttb.Network`` and
``lttb.reference.ReferenceNetwork`` started from the same trained state, the
median and the spread of several runs, and the ratios of the medians.
Both run in this process, one after the other, so the ratio is measured under
the same machine load.
"""

import argparse
import statistics
import time


import lttb
from lttb import _core
from lttb.network import Network
from lttb.reference import ReferenceNetwork


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def describe(label, times):
    ms = [1e3 * t for t in times]
    print(f"  {label:<28} median {statistics.median(ms):9.2f} ms   "
          f"min {min(ms):9.2f}   max {max(ms):9.2f}   (n={len(ms)})")
    return statistics.median(ms)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="fig1")
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--oracle-repeats", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=20,
                        help="training iterations before timing, so the recurrent "
                             "weights are no longer all zero")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    cfg = lttb.load_config(args.preset)
    core = Network.from_seed(cfg, args.seed)
    for _ in range(args.warmup):
        core.train_iteration()
    state = {name: getattr(core, name) for name in Network._ARRAYS}
    ref = ReferenceNetwork.from_arrays(cfg, **state)
    core = Network.from_arrays(cfg, **state)

    print(f"lttb {lttb.__version__}, preset {args.preset}: N={cfg['N']}, T={cfg['T']}, "
          f"contexts={cfg['n_contexts']}; kernels: {_core.select_kernels()}; "
          f"state after {args.warmup} training iterations")
    print("training iteration (plastic trial per context):")
    core_train = describe("core", timed(core.train_iteration, args.repeats))
    ref_train = describe("oracle (NumPy)", timed(ref.train_iteration, args.oracle_repeats))
    print("short test (trial per context, no plasticity):")
    core_test = describe("core", timed(core.short_test, args.repeats))
    ref_test = describe("oracle (NumPy)", timed(ref.short_test, args.oracle_repeats))
    print(f"ratio oracle/core, training iteration: {ref_train / core_train:6.1f}x")
    print(f"ratio oracle/core, short test:         {ref_test / core_test:6.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
