"""What the benchmark scripts share.

Importing this module holds BLAS to one thread, as in a ``lttb-reproduce``
worker, so it must be imported before NumPy (``lttb`` imports NumPy, which is
why the variables are listed here and not taken from
``lttb.run.planning.BLAS_THREAD_VARIABLES``).  For the core against the oracle:
the oracle's matrix-vector products are too small to gain from more BLAS
threads (measured: the same time with one or two OpenBLAS threads), and an
idle BLAS thread spinning on the second core slows the core by about 10 %.
"""

import os
import time

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")


def timed(fn, repeats):
    """Wall-clock seconds of ``repeats`` calls of ``fn``, one per call."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times
