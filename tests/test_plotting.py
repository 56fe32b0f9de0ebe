"""Tests of the figures: drawn from artifact dicts alone, laid out as spec section 8 says."""

from __future__ import annotations

import copy
import struct

import matplotlib
import numpy as np
import pytest
from matplotlib.colors import to_rgba

from lttb import artifacts as A
from lttb import load_config, plotting
from lttb.experiments.fig1 import plots
from lttb.model.training import run_schedule
from lttb.plotting.draw import draw_all

TINY = dict(N=60, Ne=48, Ni=12, T=120, epochs=2, iters_per_epoch=5)
CM = 1 / 2.54


@pytest.fixture(scope="module")
def artifact():
    cfg = load_config("fig1", **TINY)
    return A.build_artifact("fig1", cfg, run_schedule(cfg, 0), wall_seconds=0.1)


@pytest.fixture(scope="module")
def seeds(artifact):
    cfg = artifact["config"]
    others = [A.build_artifact("fig1", cfg, run_schedule(cfg, s), wall_seconds=0.1)
              for s in (1, 2)]
    return [artifact, *others]


def lines_with_style(ax, linestyle):
    return [line for line in ax.get_lines() if line.get_linestyle() == linestyle]


def assert_outputs_over_targets(ax, artifact, outputs, targets):
    """Each drawn output point lies at the bin of the target it is compared with.

    Output column ``c`` is bin ``c + 1`` (``output_first_bin``): at every x
    where an output is drawn, the target drawn in the same colour at the same
    x is ``targets[o][x]``, and the output is ``outputs[o][x - 1]``.
    """
    dashed, solid = lines_with_style(ax, "--"), lines_with_style(ax, "-")
    assert len(dashed) == len(solid) == len(targets)
    first = artifact["output_first_bin"]
    assert first == 1
    for o, (target, output) in enumerate(zip(dashed, solid)):
        assert target.get_color() == output.get_color()
        target_at = dict(zip(np.asarray(target.get_xdata()).tolist(), target.get_ydata()))
        x = np.asarray(output.get_xdata())
        np.testing.assert_array_equal(x, np.arange(first, first + len(outputs[o])))
        np.testing.assert_array_equal(output.get_ydata(), [outputs[o][b - first] for b in x])
        np.testing.assert_array_equal([target_at[b] for b in x.tolist()],
                                      [targets[o][b] for b in x])
        np.testing.assert_array_equal(target.get_ydata(), targets[o])


def test_backend_is_left_alone(artifact):
    before = matplotlib.get_backend()
    plots.plot_panel(artifact)
    assert matplotlib.get_backend() == before


def test_panel_layout(artifact):
    figure = plots.plot_panel(artifact)
    assert figure.get_size_inches() == pytest.approx((6 * CM, 6 * CM))
    top, bottom = figure.axes
    assert top.get_shared_x_axes().joined(top, bottom)
    T = artifact["config"]["T"]
    assert top.get_xlim() == bottom.get_xlim() == (0, T)
    for ax in (top, bottom):
        assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
        assert ax.yaxis.label.get_fontsize() == 7
        assert all(label.get_fontsize() == 7 for label in ax.get_xticklabels())
    assert bottom.xaxis.label.get_fontsize() == 7


def test_panel_outputs_over_targets_aligned_in_time(artifact):
    top = plots.plot_panel(artifact).axes[0]
    outputs = lines_with_style(top, "-")
    T = artifact["config"]["T"]
    for target in lines_with_style(top, "--"):
        np.testing.assert_array_equal(target.get_xdata(), np.arange(T))
    # Output column c is bin c + 1: drawn at its own bin, not one early.
    assert_outputs_over_targets(top, artifact, artifact["outputs"]["teacher_on"][0],
                                artifact["targets"][0])
    colours = {to_rgba(line.get_color()) for line in outputs}
    assert len(colours) == artifact["config"]["O"]
    assert to_rgba(plotting.SPIKE_COLOUR) not in colours
    assert to_rgba(plotting.BURST_COLOUR) not in colours


def test_panel_raster(artifact):
    bottom = plots.plot_panel(artifact).axes[1]
    spikes, bursts = bottom.get_lines()
    assert to_rgba(spikes.get_color()) == to_rgba("tab:orange")
    assert to_rgba(bursts.get_color()) == to_rgba("tab:blue")
    shown = [pair for pair in artifact["spikes"] if pair[0] < 50]
    np.testing.assert_array_equal(spikes.get_xdata(), [t for _, t in shown])
    np.testing.assert_array_equal(spikes.get_ydata(), [i for i, _ in shown])
    assert len(bursts.get_xdata()) == sum(1 for i, _ in artifact["bursts"] if i < 50) > 0
    low, high = bottom.get_ylim()
    assert low > high, "neuron 0 must be at the top"
    assert (high, low) == (-0.5, 49.5)


def test_three_row_variant(artifact):
    figure = plots.plot_three_rows(artifact)
    assert figure.get_size_inches() == pytest.approx((12 * CM, 12 * CM))
    context, trajectories, raster = figure.axes
    T = artifact["config"]["T"]
    trace = context.get_lines()[0]
    np.testing.assert_array_equal(trace.get_xdata(), np.arange(T))
    np.testing.assert_array_equal(trace.get_ydata(), artifact["context_trace"][0][0])
    assert_outputs_over_targets(trajectories, artifact, artifact["outputs"]["teacher_on"][0],
                                artifact["targets"][0])
    spikes, bursts = raster.get_lines()
    np.testing.assert_array_equal(np.column_stack([spikes.get_ydata(), spikes.get_xdata()]),
                                  [pair for pair in artifact["spikes"] if pair[0] < 50])
    np.testing.assert_array_equal(np.column_stack([bursts.get_ydata(), bursts.get_xdata()]),
                                  [pair for pair in artifact["bursts"] if pair[0] < 50])


def test_training_curves(artifact):
    top, bottom = plots.plot_training(artifact).axes
    assert top.get_yscale() == bottom.get_yscale() == "log"
    np.testing.assert_array_equal(top.get_lines()[0].get_xdata(), artifact["test_iterations"])
    np.testing.assert_array_equal(top.get_lines()[0].get_ydata(),
                                  [row[0] for row in artifact["outer_mse"]])
    np.testing.assert_array_equal(bottom.get_lines()[0].get_ydata(), artifact["inner_error"])


def test_across_seeds_mean_and_sd(seeds):
    ax = plots.plot_across_seeds(seeds).axes[0]
    assert ax.get_yscale() == "log"
    curves = np.array([[row[0] for row in a["outer_mse"]] for a in seeds])
    mean_line = ax.get_lines()[0]
    np.testing.assert_allclose(mean_line.get_ydata(), curves.mean(axis=0))
    band = ax.collections[0]
    vertices = band.get_paths()[0].vertices
    upper = curves.mean(axis=0) + curves.std(axis=0, ddof=1)
    assert vertices[:, 1].max() == pytest.approx(upper.max())
    assert band.get_alpha() in (None, 1.0), "EPS cannot draw transparency"


def test_across_seeds_single_seed_has_no_band(artifact):
    ax = plots.plot_across_seeds([artifact]).axes[0]
    assert not ax.collections and len(ax.get_lines()) == 1


def test_null_values_are_drawn_as_gaps(artifact):
    data = copy.deepcopy(artifact)
    data["outer_mse"][0][0] = None
    data["inner_error"][0] = None
    line = plots.plot_training(data).axes[0].get_lines()[0]
    assert np.isnan(line.get_ydata()[0])
    # Across seeds a null is left out of the mean, not spread over it.
    mean = plots.plot_across_seeds([data, artifact]).axes[0].get_lines()[0].get_ydata()
    assert mean[0] == artifact["outer_mse"][0][0]
    assert mean[1] == pytest.approx((data["outer_mse"][1][0] + artifact["outer_mse"][1][0]) / 2)


def png_size(path):
    with open(path, "rb") as handle:
        header = handle.read(24)
    return struct.unpack(">II", header[16:24])


def test_save_formats_and_dpi(tmp_path, artifact):
    written = plotting.save_figure(plots.plot_panel(artifact), tmp_path / "panel")
    assert sorted(p.name for p in written) == ["panel.eps", "panel.pdf", "panel.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["panel.eps", "panel.pdf", "panel.png"]
    width, height = png_size(tmp_path / "panel.png")
    assert width == height == pytest.approx(6 * CM * 300, abs=2)
    assert (tmp_path / "panel.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "panel.eps").read_bytes().startswith(b"%!PS-Adobe")


def test_figure_files_name_the_lttb_version(artifact):
    # A figure file says which lttb drew it: PDF and EPS as their creator,
    # PNG in its Software text chunk.
    import lttb

    files = plotting.render(plots.plot_panel(artifact), name="panel",
                            created=artifact["created"])
    creator = f"lttb {lttb.__version__} ".encode()
    assert b"/Creator (" + creator in files["pdf"]
    assert b"%%Creator: " + creator in files["eps"].split(b"%%EndComments")[0]
    assert b"tEXtSoftware\x00" + creator in files["png"]


def test_saving_twice_gives_identical_pdf(tmp_path, artifact):
    figure = plots.plot_panel(artifact)
    plotting.save_figure(figure, tmp_path / "a", formats=("pdf",))
    plotting.save_figure(plots.plot_panel(artifact), tmp_path / "b", formats=("pdf",))
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_draw_all_names(tmp_path, seeds):
    written = draw_all(seeds[:2], tmp_path / "figures")
    names = {p.name for p in written}
    stems = {"fig1_panel_seed-0000", "fig1_three_rows_seed-0000", "fig1_training_seed-0000",
             "fig1_panel_seed-0001", "fig1_three_rows_seed-0001", "fig1_training_seed-0001",
             "fig1_across_seeds"}
    assert names == {f"{stem}.{fmt}" for stem in stems for fmt in ("pdf", "eps", "png")}
    assert {p.name for p in (tmp_path / "figures").iterdir()} == names


def test_draw_all_in_parallel_writes_the_same_files(tmp_path, seeds):
    serial = draw_all(seeds[:2], tmp_path / "serial", jobs=1)
    parallel = draw_all(seeds[:2], tmp_path / "parallel", jobs=2)
    assert sorted(p.name for p in serial) == sorted(p.name for p in parallel)
    for path in serial:
        if path.suffix == ".pdf":  # PDFs carry no time stamp: byte for byte
            assert path.read_bytes() == (tmp_path / "parallel" / path.name).read_bytes()
