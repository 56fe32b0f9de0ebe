"""Speed of the compiled core against the NumPy oracle, in one process.

Usage::

    python benchmarks/bench_core.py [--repeats 15] [--oracle-repeats 3] [--threads 1,2]

Prints milliseconds per training iteration (one plastic trial per context) and
per short test (one trial per context, no plasticity) for ``lttb.Network`` on
each number of threads and for ``lttb.model.ReferenceNetwork``, all
started from the same trained state: the median and the spread of several
runs, and the ratios of the medians.  Everything runs in this process, the
oracle between the core's runs, so the ratios are measured under the same
machine load.

BLAS is held to one thread (see ``_common.py``).
"""

import argparse
import statistics

from _common import timed  # first: it holds BLAS to one thread before NumPy loads

import lttb
from lttb import _core
from lttb.model import Network, ReferenceNetwork
from lttb.model.state import STATE_ARRAYS


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
    parser.add_argument("--threads", default="1,2",
                        help="comma-separated thread counts of the core (default 1,2)")
    parser.add_argument("--warmup", type=int, default=20,
                        help="training iterations before timing, so the recurrent "
                             "weights are no longer all zero")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    thread_counts = [int(x) for x in args.threads.split(",")]
    if not _core.openmp_enabled():
        thread_counts = [1]

    cfg = lttb.load_config(args.preset)
    warm = Network.from_seed(cfg, args.seed)
    for _ in range(args.warmup):
        warm.train_iteration()
    state = {name: getattr(warm, name) for name in STATE_ARRAYS}
    ref = ReferenceNetwork.from_arrays(cfg, **state)
    cores = {}
    for n in thread_counts:
        cores[n] = Network.from_arrays(cfg, **state)
        cores[n].threads = n

    print(f"lttb {lttb.__version__}, preset {args.preset}: N={cfg['N']}, T={cfg['T']}, "
          f"contexts={cfg['n_contexts']}; kernels: {_core.kernels_in_use()}; "
          f"OpenMP: {'yes' if _core.openmp_enabled() else 'no'}; "
          f"state after {args.warmup} training iterations")
    train, test = {}, {}
    print("training iteration (plastic trial per context):")
    for n, net in cores.items():
        train[n] = describe(f"core, {n} thread(s)", timed(net.train_iteration, args.repeats))
    ref_train = describe("oracle (NumPy)", timed(ref.train_iteration, args.oracle_repeats))
    print("short test (trial per context, no plasticity):")
    for n, net in cores.items():
        test[n] = describe(f"core, {n} thread(s)", timed(net.short_test, args.repeats))
    ref_test = describe("oracle (NumPy)", timed(ref.short_test, args.oracle_repeats))
    for n in cores:
        print(f"ratio oracle/core, {n} thread(s): training iteration "
              f"{ref_train / train[n]:6.1f}x, short test {ref_test / test[n]:6.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
