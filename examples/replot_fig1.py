"""
Redraw Figure 1 from the committed artifacts
============================================

Every figure of a run is drawn from its JSON artifacts alone, without the
model: this is what ``lttb-reproduce replot DIR`` does. Here the artifacts
are those of ``artifacts/fig1/`` in the repository (``lttb-reproduce fig1
--seeds 10``, computed by this package); the script reads them, draws the
paper's panel for one seed and the outer MSE across the ten seeds, and makes
a figure of its own from the same numbers. Run it from a clone of the
repository (from its root or from ``examples/``).
"""

import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import lttb
from lttb.artifacts import find_artifacts, read_artifact
from lttb.experiments.fig1.plots import plot_across_seeds, plot_panel
from lttb.plotting import save_figure

# The committed run, wherever the script is started from in the repository.
RUN = next((p for p in (Path("artifacts/fig1"), Path("../artifacts/fig1")) if p.is_dir()), None)
if RUN is None:
    raise SystemExit("run this from a clone of the repository: artifacts/fig1 not found")
# Where the figure files go: a temporary directory, removed at exit.
SCRATCH = tempfile.TemporaryDirectory()
OUT = Path(SCRATCH.name)


def show(figure, stem):
    """Write a figure as replot does (PDF, EPS, PNG at 300 dpi) and show the PNG."""
    png = next(p for p in save_figure(figure, OUT / stem) if p.suffix == ".png")
    image = plt.imread(png)
    fig, ax = plt.subplots(figsize=(image.shape[1] / 150, image.shape[0] / 150))
    ax.imshow(image)
    ax.set_axis_off()
    plt.show()


# %%
# Each artifact is validated against ``schemas/artifact.schema.json`` as it
# is read. The panel of seed 0: outputs after training with the teacher on
# (solid) over the target (dashed), and the raster of neurons 0-49, plain
# spikes orange and bursts blue.
artifacts = [read_artifact(path) for path in find_artifacts(RUN)]
print(f"{len(artifacts)} artifacts, lttb {artifacts[0]['lttb_version']}, "
      f"N = {artifacts[0]['config']['N']}")
show(plot_panel(artifacts[0]), "fig1_panel_seed-0000")

# %%
# The outer MSE (teacher off) against training iterations, mean and s.d.
# over the seeds, on a log scale.
show(plot_across_seeds(artifacts), "fig1_across_seeds")

# %%
# The same numbers as arrays: :func:`lttb.load_results` gives per seed the
# curves, the outputs and the spikes, and a summary with one element per
# seed. The final teacher-off outer MSE of each seed:
results = lttb.load_results(RUN)
seeds = np.asarray(results.summary["seed"])
final = np.asarray(results.summary["final_outer_mse"])
print(f"final outer MSE {final.mean():.4f} +- {final.std(ddof=1):.4f} over {len(final)} seeds")
fig, ax = plt.subplots(figsize=(5, 2.5), layout="constrained")
ax.bar(seeds, final, color="C0")
ax.axhline(final.mean(), color="k", lw=1, ls="--", label="mean")
ax.set_xlabel("seed")
ax.set_ylabel("final outer MSE")
ax.set_xticks(seeds)
ax.legend()
plt.show()
