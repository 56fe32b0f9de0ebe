"""
Results as arrays, spike trains for analysis tools
==================================================

Runs two seeds of a tiny Figure 1 network in worker processes, reads the
run back as NumPy arrays with :func:`lttb.load_results` (dense rasters
included), exports every raster's spikes to one ``.npz`` file with
:func:`lttb.export_spikes` and, when Neo is installed (the ``neo`` extra),
makes Neo ``SpikeTrain`` objects for libraries such as Elephant.
"""

import tempfile
from pathlib import Path

import numpy as np

import lttb
from lttb.run.seeds import run_seeds



def main():
    # Worker processes are spawned: they import this file, so the run
    # sits under the __main__ guard below.
    cfg = lttb.load_config("fig1", N=60, Ne=48, Ni=12, T=120, epochs=2, iters_per_epoch=5)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        assert run_seeds("fig1", cfg, [0, 1], out, jobs=2, quiet=True).ok
        results = lttb.load_results(out, dense=True)
        run = results[0]
        print(f"seed 0: outer MSE curve {run['outer_mse'].shape}, raster {run['S_soma'].shape}, "
              f"{int(run['S_burst'].sum())} bursts")
        path = lttb.export_spikes(results, out / "spikes.npz")
        with np.load(path) as spikes:
            print(f"{path.name}: runs {spikes['runs'].tolist()}, "
                  f"{len(spikes['seed-0000/neuron'])} spikes in seed 0")
        try:
            trains = lttb.neo_spike_trains(results)["seed-0000"]
        except ImportError as exc:  # neo is an optional extra
            print(exc)
        else:
            rates = [len(t) / float(t.t_stop - t.t_start) for t in trains]
            print(f"Neo: {len(trains)} SpikeTrains, mean rate {np.mean(rates):.1f} Hz")


if __name__ == "__main__":
    main()
