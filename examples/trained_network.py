"""Train a tiny Figure 1 network, load the saved network and test it with the teacher off.

What ``lttb-reproduce fig1`` writes beside each artifact (``seed-NNNN.npz``)
is the trained network: ``lttb.load_network`` reads it back, and it runs
trials as it did at the end of training.  Runs in a few seconds.
"""

import json
import tempfile
from pathlib import Path

import lttb
from lttb.run.seeds import run_seeds



def main():
    # Worker processes are spawned: they import this file, so the run
    # sits under the __main__ guard below.
    cfg = lttb.load_config("fig1", N=60, Ne=48, Ni=12, T=120, epochs=2, iters_per_epoch=5)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        report = run_seeds("fig1", cfg, [0], out, jobs=1, quiet=True, networks=True)
        assert report.ok, report.failed
        net = lttb.load_network(out / "seed-0000.json")
        trial = net.run_trial(context=0, apical_factor=0.0)  # the teacher off
        recorded = json.loads((out / "seed-0000.json").read_text())["final_outer_mse"]
        print(f"teacher off: MSE {trial.mse:.4f} (the run recorded {recorded:.4f}), "
              f"{int(trial.S_soma.sum())} somatic spikes")
        assert trial.mse == recorded


if __name__ == "__main__":
    main()
