"""
Save a trained network and load it again
========================================

A network is saved to one ``.npz`` file (every array the next trials read,
the configuration and the lttb version, readable with
``allow_pickle=False``) and loaded back into a network that trains and tests
bit for bit as the saved one would. ``lttb-reproduce fig1`` writes such a
file beside each artifact (``seed-NNNN.npz``); ``lttb.load_network`` takes
either the ``.npz`` or the artifact beside it. Runs in a few seconds.
"""

import tempfile
from pathlib import Path

import numpy as np

import lttb

# %%
# Train a small network for a few iterations.
cfg = lttb.load_config("fig1", N=100, Ne=80, Ni=20, T=200)
net = lttb.Network.from_seed(cfg, seed=3)
for _ in range(20):
    net.train_iteration()

with tempfile.TemporaryDirectory() as tmp:
    path = net.save(Path(tmp) / "network.npz")
    print(f"{path.name}: {path.stat().st_size / 1024:.0f} KiB")
    with np.load(path, allow_pickle=False) as data:  # a plain .npz file
        print("arrays:", ", ".join(sorted(data.files)))
    loaded = lttb.load_network(path)

# %%
# The loaded network is the saved one: the same weights, and the same
# spikes in every trial that follows, trained or tested.
assert np.array_equal(loaded.J, net.J) and np.array_equal(loaded.Jout, net.Jout)
for _ in range(5):
    net.train_iteration()
    loaded.train_iteration()
before, after = net.run_trial(0, apical_factor=0.0), loaded.run_trial(0, apical_factor=0.0)
assert np.array_equal(before.S_soma, after.S_soma) and before.mse == after.mse
print(f"teacher off after 25 iterations: outer MSE {after.mse:.4f} "
      f"(saved and loaded networks agree bit for bit)")
