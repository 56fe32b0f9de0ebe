"""Time reading a committed Figure 1 artifact as arrays (lttb.load_results).

The budget is 50 ms per Figure 1 artifact with the default structural check;
the full schema validation (``validate=True``, what ``replot`` uses) is timed
beside it for comparison.

    python benchmarks/bench_load.py [ARTIFACT] [--repeat R]

ARTIFACT defaults to artifacts/fig1/seed-0000.json of this checkout.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import lttb

BUDGET_SECONDS = 0.050
DEFAULT = Path(__file__).resolve().parent.parent / "artifacts" / "fig1" / "seed-0000.json"


def timings(path: Path, repeat: int, **options) -> list[float]:
    """Wall seconds of `repeat` calls of ``lttb.load_results(path, **options)``."""
    lttb.load_results(path, **options)  # imports and file cache out of the timing
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        lttb.load_results(path, **options)
        out.append(time.perf_counter() - start)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("artifact", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    fast = statistics.median(timings(args.artifact, args.repeat))
    full = statistics.median(timings(args.artifact, max(3, args.repeat // 4), validate=True))
    print(f"{args.artifact.name}: load_results median {fast * 1e3:.1f} ms "
          f"(budget {BUDGET_SECONDS * 1e3:.0f} ms); validate=True {full * 1e3:.1f} ms")
    return 0 if fast <= BUDGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
