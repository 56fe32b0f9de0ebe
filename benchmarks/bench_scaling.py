"""How the cost of a training iteration grows with the network size N.

Usage::

    python benchmarks/bench_scaling.py [--sizes 250,500,1000,2000] [--repeats 7] [--threads 1,2]

For each N (Ne = 0.8 N, the rest of the ``fig1`` preset unchanged) the network
is first trained for ``--warmup`` iterations, so that its recurrent weights are
no longer zero and the plastic rows are as many as in a real run, then timed
on each number of threads.  Prints the median milliseconds per training
iteration and per short test, the mean number of somatic spikes per bin, and
the exponent of the growth between successive sizes (cost ~ N^k).  BLAS is
held to one thread (see ``_common.py``).
"""

import argparse
import math
import statistics

from _common import timed  # first: it holds BLAS to one thread before NumPy loads

import lttb
from lttb import _core
from lttb.model import Network


def median_ms(fn, repeats):
    times = timed(fn, repeats)
    return 1e3 * statistics.median(times), 1e3 * min(times), 1e3 * max(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="250,500,1000,2000")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--threads", default="1,2",
                        help="comma-separated thread counts (default 1,2)")
    args = parser.parse_args(argv)
    thread_counts = [int(x) for x in args.threads.split(",")]
    if not _core.openmp_enabled():
        thread_counts = [1]

    print(f"lttb {lttb.__version__}; fig1 preset with Ne = 0.8 N; median (min-max) of "
          f"{args.repeats} runs after {args.warmup} warm-up iterations")
    print(f"{'N':>6} {'threads':>7} {'train ms/iter':>22} {'short test ms':>22} "
          f"{'spikes/bin':>11} {'k':>6}")
    previous = {}
    for N in (int(x) for x in args.sizes.split(",")):
        cfg = lttb.load_config("fig1", N=N)
        net = Network.from_seed(cfg, 0)
        for _ in range(args.warmup):
            last = net.train_iteration(record=True)
        spikes = last.S_soma.sum() / cfg["T"]
        for n in thread_counts:
            net.threads = n
            train = median_ms(net.train_iteration, args.repeats)
            test = median_ms(net.short_test, args.repeats)
            k = ""
            if n in previous:
                k = f"{math.log(train[0] / previous[n][1]) / math.log(N / previous[n][0]):6.2f}"
            print(f"{N:>6} {n:>7} {train[0]:9.2f} ({train[1]:.1f}-{train[2]:.1f}) "
                  f"{test[0]:9.2f} ({test[1]:.1f}-{test[2]:.1f}) {spikes:11.1f} {k:>6}")
            previous[n] = (N, train[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
