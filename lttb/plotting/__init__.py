"""Plotting helpers every figure shares: style, colours, rasters, saving.

The figures themselves live with their experiments
(``lttb/experiments/<name>/plots.py``); :func:`lttb.plotting.draw.draw_all`
draws those of a set of artifacts and :mod:`lttb.plotting.sweep` the sweep
figure.  Everything here works on artifacts (plain data), never on live
networks, so any figure can be redrawn from the files of a finished run.
Figures are built with the object-oriented Matplotlib API on an Agg canvas:
no pyplot state and no change to the user's backend.  Each is saved as PDF,
EPS and PNG (300 dpi).
"""

from __future__ import annotations

import datetime as _dt
import io
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .._version import __version__
from ..artifacts import write_bytes_atomic

__all__ = [
    "CM",
    "FORMATS",
    "PNG_DPI",
    "STYLE",
    "SPIKE_COLOUR",
    "BURST_COLOUR",
    "OUTPUT_COLOURS",
    "as_array",
    "new_figure",
    "output_colour",
    "draw_events",
    "log_y_where_positive",
    "shade_band",
    "set_time_axis",
    "figure_date",
    "latest",
    "render",
    "save_figure",
]

CM = 1 / 2.54
#: File formats of every figure; PNG at :data:`PNG_DPI`.
FORMATS = ("pdf", "eps", "png")
PNG_DPI = 300
SPIKE_COLOUR = "tab:orange"
BURST_COLOUR = "tab:blue"
# Output colours avoid the raster's orange and blue so the two rows never
# suggest a link between an output and a kind of event.
OUTPUT_COLOURS = ("tab:green", "tab:purple", "tab:red", "tab:brown", "tab:pink",
                  "tab:olive", "tab:cyan", "tab:gray")

#: Matplotlib settings of every figure: 7-pt text, no top/right spines.
STYLE = {
    "font.size": 7,
    "axes.titlesize": 7,
    "axes.labelsize": 7,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.major.size": 2.5,
    "ytick.major.size": 2.5,
    "lines.linewidth": 0.8,
    "legend.frameon": False,
}


def as_array(values: Any) -> np.ndarray:
    """Float array of artifact data; ``null`` (a non-finite number) becomes NaN."""
    return np.array(values, dtype=np.float64)


def new_figure(width_cm: float, height_cm: float, **kwargs: Any) -> Figure:
    """A constrained-layout figure of the given size on its own Agg canvas."""
    figure = Figure(figsize=(width_cm * CM, height_cm * CM), layout="constrained", **kwargs)
    FigureCanvasAgg(figure)
    figure.get_layout_engine().set(w_pad=1 / 72, h_pad=1 / 72, hspace=0.02, wspace=0.02)
    return figure


def output_colour(index: int) -> str:
    """Colour of read-out output `index` (and of its target)."""
    return OUTPUT_COLOURS[index % len(OUTPUT_COLOURS)]


def draw_events(ax, spikes: Any, bursts: Any, neurons: int, *, markersize: float,
                markeredgewidth: float, legend: bool, markerscale: float) -> None:
    """Raster of neurons ``0 .. neurons-1``, neuron 0 at the top.

    Plain spikes orange, bursts blue; each event a ``|`` at its bin.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    spikes, bursts : sequence of [neuron, bin]
        As artifacts hold them; events of neurons from `neurons` on are not shown.
    neurons : int
        Neurons shown.
    markersize, markeredgewidth : float
        Size of the marks.
    legend : bool
        Add a legend above the axes' right end.
    markerscale : float
        Scale of the marks in the legend.
    """
    for events, colour, label in ((spikes, SPIKE_COLOUR, "spike"), (bursts, BURST_COLOUR, "burst")):
        events = np.array(events, dtype=np.int64).reshape(-1, 2)
        events = events[events[:, 0] < neurons]
        ax.plot(events[:, 1], events[:, 0], linestyle="none", marker="|",
                markersize=markersize, markeredgewidth=markeredgewidth, color=colour,
                label=label)
    ax.set_ylim(neurons - 0.5, -0.5)
    ax.set_ylabel("neuron")
    if legend:
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2,
                  markerscale=markerscale, handlelength=1.0, borderaxespad=0.1)


def log_y_where_positive(ax, values: Any, empty: str = "no finite value to show") -> None:
    """A log y axis when some of `values` are finite and positive, else a note.

    A log axis with nothing positive on it cannot be drawn (a run that
    diverged has only nulls); the axis then stays linear and says why it is
    empty, so that the figure still draws.
    """
    data = np.asarray(values, dtype=np.float64).ravel()
    if np.any(np.isfinite(data) & (data > 0)):
        ax.set_yscale("log")
    else:
        ax.text(0.5, 0.5, empty, transform=ax.transAxes, ha="center", va="center",
                color="0.4")


def shade_band(ax, x: Any, lower: Any, upper: Any, colour: Any, *, edges: bool = False,
               strength: float = 0.3) -> None:
    """A band between `lower` and `upper` in a light solid version of `colour`.

    EPS has no transparency (matplotlib flattens a transparent band with a
    warning), so the band is `colour` mixed with white (`strength` of the
    colour), drawn under every line; with `edges`, its borders are dotted
    lines of the colour, so that where bands overlap neither is lost.
    """
    from matplotlib.colors import to_rgb

    light = tuple(strength * np.array(to_rgb(colour)) + (1.0 - strength))
    ax.fill_between(x, lower, upper, color=light, linewidth=0, zorder=1)
    if edges:
        for edge in (lower, upper):
            ax.plot(x, edge, color=colour, linewidth=0.4, linestyle=":", zorder=2)


def set_time_axis(ax, T: int) -> None:
    """The shared time axis of a trial: bins 0 to `T`."""
    ax.set_xlim(0, T)
    ax.set_xlabel("time (bins)")


def figure_date(created: str | None = None) -> _dt.datetime | None:
    """The date a figure file states: ``SOURCE_DATE_EPOCH`` when set, else `created`.

    `created` is the ISO 8601 time of the data drawn (an artifact's
    ``created``), so that drawing the same artifacts again gives the same
    files; ``None`` when neither is known.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc)
    if created:
        try:
            return _dt.datetime.fromisoformat(created)
        except ValueError:
            return None
    return None


def latest(created: Iterable[str | None]) -> str | None:
    """The latest of ISO 8601 times (for a figure drawn from several artifacts)."""
    dates = [c for c in created if isinstance(c, str) and c]
    return max(dates, key=lambda c: figure_date(c) or _dt.datetime.min.replace(
        tzinfo=_dt.timezone.utc)) if dates else None


def _eps_header(data: bytes, name: str | None, date: _dt.datetime | None) -> bytes:
    # Matplotlib writes the time of drawing, and the file name only when it
    # writes to a named file: state the data's date and the final name.
    head, sep, rest = data.partition(b"%%EndComments")
    lines = [line for line in head.split(b"\n")
             if not line.startswith((b"%%CreationDate:", b"%%Title:"))]
    extra = []
    if name is not None:
        extra.append(b"%%Title: " + f"{name}.eps".encode("ascii", "replace"))
    if date is not None:
        extra.append(b"%%CreationDate: " + date.strftime("%a %b %d %H:%M:%S %Y").encode())
    # Keep the first line (%!PS-Adobe...) first.
    return b"\n".join(lines[:1] + extra + lines[1:]) + sep + rest


#: The creator every figure file names: which lttb (and matplotlib) drew it.
CREATOR = f"lttb {__version__} (matplotlib {matplotlib.__version__})"


def render(figure: Figure, formats: Iterable[str] = FORMATS, name: str | None = None,
           created: str | None = None) -> dict[str, bytes]:
    """A figure's file contents in every format (PNG at :data:`PNG_DPI`).

    Parameters
    ----------
    figure : matplotlib.figure.Figure
    formats : iterable of str
        Default PDF, EPS and PNG.
    name : str, optional
        File name without suffix; EPS files state it as their title.
    created : str, optional
        ISO 8601 time of the data drawn; PDF and EPS files state it as their
        creation date (``SOURCE_DATE_EPOCH`` wins when set; no date when
        neither is known).  Drawing the same data again gives identical
        files in every format.

    Every file names the lttb version that drew it (:data:`CREATOR`): PDF
    and EPS files as their creator, PNG files in their ``Software`` text
    field.

    Returns
    -------
    dict
        Format -> bytes.
    """
    date = figure_date(created)
    rendered = {}
    with matplotlib.rc_context(STYLE):
        for fmt in formats:
            options: dict[str, Any] = {"format": fmt}
            if fmt == "png":
                options["dpi"] = PNG_DPI
                options["metadata"] = {"Software": CREATOR}
            else:
                options["metadata"] = {"CreationDate": date, "Creator": CREATOR}
            buffer = io.BytesIO()
            figure.savefig(buffer, **options)
            data = buffer.getvalue()
            if fmt in ("eps", "ps"):
                data = _eps_header(data, name, date)
            rendered[fmt] = data
    return rendered


def save_figure(figure: Figure, stem: str | os.PathLike,
                formats: Iterable[str] = FORMATS, created: str | None = None) -> list[Path]:
    """Save a figure in every format, each file replaced atomically.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
    stem : path-like
        Path without suffix, e.g. ``out/figures/fig1_panel_seed-0000``.
    formats : iterable of str
        Default PDF, EPS and PNG.
    created : str, optional
        ISO 8601 time of the data drawn (see :func:`render`).

    Returns
    -------
    list of pathlib.Path
    """
    stem = Path(stem)
    return [write_bytes_atomic(stem.with_name(f"{stem.name}.{fmt}"), data)
            for fmt, data in render(figure, tuple(formats), stem.name, created).items()]


# 0.1.0 drew every figure from this module; the figures now live with their
# experiments.  The old names still import from here, with a warning.
from .._compat import forward as _forward  # noqa: E402

__getattr__, _dir = _forward(__name__, {
    "plot_panel": "lttb.experiments.fig1.plots:plot_panel",
    "plot_three_rows": "lttb.experiments.fig1.plots:plot_three_rows",
    "plot_training": "lttb.experiments.fig1.plots:plot_training",
    "plot_across_seeds": "lttb.experiments.fig1.plots:plot_across_seeds",
    "plot_fig2_recall": "lttb.experiments.fig2.plots:plot_fig2_recall",
    "plot_fig2_turnoff": "lttb.experiments.fig2.plots:plot_fig2_turnoff",
    "plot_fig2_bars": "lttb.experiments.fig2.plots:plot_fig2_bars",
    "draw_all": "lttb.plotting.draw:draw_all",
})
