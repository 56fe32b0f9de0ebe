"""
A trajectory of your own, from a CSV file
=========================================

Teach a small LTTB network a trajectory of your own, from a CSV file.

Writes a two-output trajectory to ``trajectory.csv`` (one row per time bin,
one column per output, a header row), reads it back, trains a small network
on it for a few iterations with the Figure 1 schedule and plots target and
output to ``own_trajectory.png``, all in a fresh temporary directory (or in
the directory given as the first argument).

The same trajectory trains from the command line with::

    lttb-reproduce trajectory --targets trajectory.csv --seeds 1
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt
import numpy as np

import lttb
from lttb.arrays_io import read_array
from lttb.model.training import run_schedule


def write_trajectory(path: Path, bins: int = 200) -> None:
    """A figure-eight, one row per bin: x and y (T x O, O = 2)."""
    phase = 2 * np.pi * np.arange(bins) / bins
    rows = "\n".join(f"{np.sin(p):.6f},{np.sin(2 * p) / 2:.6f}" for p in phase)
    path.write_text("x,y\n" + rows + "\n")


def main(out: Path) -> Path:
    csv = out / "trajectory.csv"
    write_trajectory(csv)

    # The five lines: read the file (the command's reader and rules), size the
    # network by it, train on it, and test.
    trajectory = read_array(csv)                                        # T x O
    T, O = trajectory.shape
    cfg = lttb.load_config("fig1", N=100, T=T, O=O, epochs=1, iters_per_epoch=50,
                           test_every=5)
    result = run_schedule(cfg, seed=0, targets=trajectory.T[None])     # 1 x O x T

    target = np.array(result["targets"][0])
    output = np.array(result["outputs"]["teacher_on"][0])
    first = result["output_first_bin"]
    figure, ax = plt.subplots(figsize=(6, 3))
    for o in range(O):
        ax.plot(target[o], "--", color=f"C{o}", label=f"target {o}")
        ax.plot(np.arange(first, first + output.shape[1]), output[o], color=f"C{o}",
                label=f"output {o}")
    ax.set_xlabel("time bin")
    ax.set_title(f"after {result['schedule']['n_iterations']} iterations, "
                 f"teacher on; outer MSE with it off {result['final_outer_mse']:.3g}")
    ax.legend(loc="upper right", fontsize="small", ncols=2)
    png = out / "own_trajectory.png"
    figure.savefig(png, dpi=100, bbox_inches="tight")
    # The figure stays open: the documentation's gallery shows it.
    return png


if __name__ == "__main__":
    if len(sys.argv) > 1:
        directory = Path(sys.argv[1])
        directory.mkdir(parents=True, exist_ok=True)
        print(main(directory))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            png = main(Path(tmp))
            print(f"wrote {png.name} ({png.stat().st_size} bytes) in a temporary directory")
