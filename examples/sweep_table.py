"""Run a tiny sweep and load it as a table: one row per (point, seed)."""

import tempfile
from pathlib import Path

import lttb
from lttb.cli import main as lttb_reproduce



def main():
    # Worker processes are spawned: they import this file, so the run
    # sits under the __main__ guard below.
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "sweep"
        status = lttb_reproduce(["sweep", "fig1", "--grid", "N=40,60", "--seeds", "2", "--jobs", "2",
                       "--set", "T=120", "--epochs", "2", "--iters-per-epoch", "5",
                       "--out", str(out), "--quiet", "--no-figures", "--no-networks"])
        assert status == 0
        try:
            table = lttb.load_results(out, as_frame=True)
        except ImportError as exc:  # pandas is an optional extra
            print(exc)
            summary = lttb.load_results(out).summary
            for row in zip(summary["point"], summary["seed"], summary["final_outer_mse"]):
                print(*row)
        else:
            print(table[["point", "N", "seed", "final_outer_mse"]])
            print(table.groupby("N")["final_outer_mse"].agg(["mean", "std"]))


if __name__ == "__main__":
    main()
