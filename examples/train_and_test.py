"""
Train a network and test it with the teacher off
================================================

A network of 500 neurons learns a 3-D trajectory of 500 time bins with
Figure 1's learning rule. During a training trial the target drives the
apical dendrites (the teacher); a test trial turns that input off, so the
read-out must follow the trajectory from the network's own recurrent
prediction of the target bursts. The outer MSE of a test trial falls as the
recurrent weights learn. Runs in about five seconds.
"""

import matplotlib.pyplot as plt
import numpy as np

import lttb

# %%
# Figure 1's preset with trials half as long (500 bins of 1 ms).
# ``load_config`` validates every key against the configuration schema.
cfg = lttb.load_config("fig1", T=500)
net = lttb.Network.from_seed(cfg, seed=0)  # initial state from a seeded Generator
print("outer MSE before training:", net.short_test())  # one value per context

# %%
# Training: each iteration is one plastic trial per context, teacher on.
# Every 20 iterations a short test (teacher off, no plasticity) measures the
# outer MSE, and :meth:`~lttb.model.network.Network.inner_error` how far the
# recurrent bursts are from the target-driven ones.
iterations, outer, inner = [], [], []
for iteration in range(1, 201):
    net.train_iteration()
    if iteration % 20 == 0:
        iterations.append(iteration)
        outer.append(net.short_test()[0])
        inner.append(net.inner_error())
print(f"outer MSE after {iterations[-1]} iterations: {outer[-1]:.4f}")

# %%
# The test: one trial with the teacher off. ``trial.outputs`` holds the
# read-out, column ``c`` being bin ``c + 1``; ``trial.S_soma`` the spikes and
# ``trial.S_wind`` the open burst windows (N x T); a spike inside a window is
# a burst.
trial = net.run_trial(0, apical_factor=0.0)
bursts = int((trial.S_soma * trial.S_wind).sum())
print(f"teacher off: outer MSE {trial.mse:.4f}, {int(trial.S_soma.sum())} spikes, {bursts} bursts")

fig, (ax_curve, ax_out) = plt.subplots(2, 1, figsize=(6, 5), layout="constrained")
ax_curve.semilogy(iterations, outer, label="outer MSE (teacher off)")
ax_curve.semilogy(iterations, inner, label="inner error")
ax_curve.set_xlabel("training iteration")
ax_curve.legend()
bins = np.arange(1, 1 + trial.outputs.shape[1])
for o in range(cfg["O"]):
    ax_out.plot(net.targets[0][o], "--", color=f"C{o}", lw=1)
    ax_out.plot(bins, trial.outputs[o], color=f"C{o}", lw=1)
ax_out.set_xlabel("time bin")
ax_out.set_title("teacher off: outputs (solid) over targets (dashed)")
plt.show()
