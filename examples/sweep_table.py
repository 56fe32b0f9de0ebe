"""
A small parameter sweep, as a table and a plot
==============================================

Runs ``lttb-reproduce sweep`` from Python over two network sizes and two
seeds (a very short schedule on tiny networks), then loads the sweep as a
table with one row per (grid point, seed) and plots the final outer MSE
against the network size. The command line does the same with::

    lttb-reproduce sweep fig1 --grid N=40,80 --seeds 2 --set T=120 --epochs 2 --iters-per-epoch 5
"""

import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import lttb
from lttb.cli import main as lttb_reproduce


def main():
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "sweep"
        status = lttb_reproduce(["sweep", "fig1", "--grid", "N=40,80", "--seeds", "2", "--jobs", "2",
                                 "--set", "T=120", "--epochs", "2", "--iters-per-epoch", "5",
                                 "--out", str(out), "--quiet", "--no-figures", "--no-networks"])
        assert status == 0
        results = lttb.load_results(out)
        try:
            table = lttb.load_results(out, as_frame=True)
        except ImportError as exc:  # pandas is an optional extra
            print(exc)
        else:
            print(table[["point", "N", "seed", "final_outer_mse"]])
            print(table.groupby("N")["final_outer_mse"].agg(["mean", "std"]))

    # The summary holds one element per (point, seed): plot each seed and the mean.
    summary = results.summary
    sizes = np.array([point_n(p) for p in summary["point"]])
    final = np.asarray(summary["final_outer_mse"], dtype=float)
    fig, ax = plt.subplots(figsize=(4, 3), layout="constrained")
    ax.plot(sizes, final, "o", color="C0", label="one seed")
    values = sorted(set(sizes))
    ax.plot(values, [final[sizes == n].mean() for n in values], "-", color="C1", label="mean")
    ax.set_xlabel("N")
    ax.set_ylabel("final outer MSE")
    ax.legend()
    plt.show()


def point_n(point):
    """N of a grid point's directory name, e.g. ``N=40``."""
    return int(dict(part.split("=") for part in point.split("_"))["N"])


# Worker processes are spawned: they import this file, so the run sits under
# the __main__ guard.
if __name__ == "__main__":
    main()
