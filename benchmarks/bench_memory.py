"""Peak resident memory of one seed worker.

Usage::

    python benchmarks/bench_memory.py [--preset fig1] [--epochs E] [--threads T]

Runs one seed's whole schedule (the work a ``lttb-reproduce`` worker does) in
a fresh Python process and prints that process's peak resident set size, as
the operating system reports it (``getrusage`` maximum RSS).
"""

import argparse
import os
import subprocess
import sys

from lttb.run.planning import limit_blas_threads

CHILD = """
import resource, sys, time
import lttb
from lttb.model.training import run_schedule
cfg = lttb.load_config(sys.argv[1], **({{}} if sys.argv[2] == "-" else {{"epochs": int(sys.argv[2])}}))
start = time.perf_counter()
run_schedule(cfg, 0)
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
print(f"{{peak * scale / 2**20:.1f}} {{wall:.1f}}")
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="fig1")
    parser.add_argument("--epochs", default="-", help="shorter schedule (default: the preset's)")
    parser.add_argument("--threads", type=int, default=1, help="threads of the seed (default 1)")
    args = parser.parse_args(argv)
    env = dict(os.environ, LTTB_NUM_THREADS=str(args.threads))
    limit_blas_threads(env)  # as in a lttb-reproduce worker
    out = subprocess.run([sys.executable, "-c", CHILD.format(), args.preset, args.epochs],
                         check=True, capture_output=True, text=True, env=env).stdout.split()
    print(f"preset {args.preset}, {args.threads} thread(s): one seed's schedule took {out[1]} s; "
          f"peak resident memory of the worker process: {out[0]} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
