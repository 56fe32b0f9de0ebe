"""After the tasks: summaries, figures, and the report on standard output.

Shared by the figure commands, ``sweep`` and ``replot``; nothing here
simulates, so replot runs without the compiled engine.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .. import artifacts as _artifacts
from ..config import format_value
from ..experiments.catalog import results_of
from ..plotting import latest
from ..plotting.draw import draw_all
from ..plotting.sweep import draw_sweep
from ..run.planning import available_cpus
from ..run.sweep import DEFAULT_METRIC, collect_sweep, summarize_sweep, write_sweep_summary
from .common import EXIT_FAILED, EXIT_OK, PROG, format_mse, say

__all__ = ["report_summary", "finish", "write_sweep_results", "replot_sweep"]


def report_summary(summary: dict[str, Any], out: Path, quiet: bool) -> None:
    """Print the final outer MSE of each seed, their mean and, for Figure 2, the scores.

    A figure whose summary has no outer MSE (Figure 3) prints the lines of
    its results module's ``report(summary)``.
    """
    if "final_outer_mse" not in summary:
        for name in summary["figure_names"]:
            for line in results_of(name).report(summary):
                say(quiet, line)
        say(quiet, f"results in {out}")
        return
    per_seed = ", ".join(f"seed {item['seed']}: {format_mse(item['final_outer_mse'])}"
                         for item in summary["final_outer_mse"])
    say(quiet, f"final outer MSE (teacher off): {per_seed}")
    spread = "" if summary["sd"] is None else f" ± {summary['sd']:.4g} (s.d.)"
    say(quiet, f"mean {format_mse(summary['mean'])}{spread} over {summary['n']} "
               f"seed{'s' if summary['n'] != 1 else ''}; results in {out}")
    context = summary.get("context_tests")
    if context is not None:
        def stat(key: str) -> str:
            item = context[key]
            sd = "" if item["sd"] is None else f" ± {item['sd']:.4g}"
            return f"{format_mse(item['mean'])}{sd}"
        say(quiet, f"context tests (teacher off, mean ± s.d.): full context on-diagonal "
                   f"{stat('on_diagonal')}, off-diagonal {stat('off_diagonal')}; turn-off "
                   f"before: right {stat('before_right')}, wrong {stat('before_wrong')}; "
                   f"after: right {stat('after_right')}, wrong {stat('after_wrong')}")


def finish(artifacts: list[dict[str, Any]], out: Path, draw: bool, quiet: bool,
           jobs: int | None = None, *, backend=None) -> int:
    """Write ``summary.json`` and (when `draw`) the figures of `artifacts`, then report.

    The per-seed figures are drawn by `backend`'s workers when one is given
    (the executor that ran the seeds), else by `jobs` local worker processes
    (default: one per CPU).

    Returns
    -------
    int
        0, or 1 when a file could not be written (named on standard error).
    """
    try:
        summary_path = _artifacts.write_summary(out, artifacts)
        if draw:
            written = draw_all(artifacts, out / "figures", jobs=jobs or available_cpus(),
                               backend=backend)
            say(quiet, f"{len(written)} figure files in {out / 'figures'}")
    except OSError as exc:
        print(f"{PROG}: error: cannot write results in {out}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except RuntimeError as exc:  # a worker could not draw a seed's figures
        print(f"{PROG}: error: {exc}; the artifacts are complete, draw again with "
              f"'{PROG} replot {out}'", file=sys.stderr)
        return EXIT_FAILED
    report_summary(_artifacts.summarize(artifacts), summary_path.parent, quiet)
    return EXIT_OK


# --------------------------------------------------------------------------- sweeps

def _point_text(point: dict[str, Any]) -> str:
    return " ".join(f"{key}={format_value(value)}" for key, value in point.items())


def _report(summary: dict[str, Any], out: Path, quiet: bool) -> None:
    if quiet:
        return
    rows = summary["points"]
    labels = [(_point_text(row["point"]) or row["dir"]) for row in rows]
    width = max((len(label) for label in labels), default=0)
    metric = summary.get("metric") or DEFAULT_METRIC
    print(f"{metric['label']}, mean ± s.d. over seeds:", flush=True)
    for label, row in zip(labels, rows):
        mean = (format_mse(row["mean"]) if metric["scale"] == "log"
                else "n/a" if row["mean"] is None else f"{row['mean']:.4g}")
        spread = "" if row["sd"] is None else f" ± {row['sd']:.4g}"
        print(f"  {label:<{width}}  {mean}{spread}  ({row['n']} seed"
              f"{'s' if row['n'] != 1 else ''})", flush=True)
    if summary["best"] is not None:
        print(f"best {_point_text(summary['best']['point']) or summary['best']['dir']}, "
              f"worst {_point_text(summary['worst']['point']) or summary['worst']['dir']}; "
              f"results in {out}", flush=True)


def write_sweep_results(points: dict[str, list[dict]], out: Path, draw: bool,
                   quiet: bool) -> int:
    """Point summaries, the sweep summary and (optionally) the sweep figure."""
    summary = summarize_sweep(points)
    try:
        for name, group in points.items():
            _artifacts.write_summary(out / name, group)
        write_sweep_summary(out, summary)
        if draw:
            newest = latest(a.get("created") for group in points.values() for a in group)
            written = draw_sweep(summary, out / "figures", created=newest)
            if written:
                say(quiet, f"{len(written)} figure files in {out / 'figures'}")
            else:
                say(quiet, "no sweep figure: nothing varies between the points")
    except OSError as exc:
        print(f"{PROG}: error: cannot write results in {out}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    _report(summary, out, quiet)
    return EXIT_OK


def replot_sweep(directory: Path, quiet: bool) -> int:
    """Redraw a sweep directory's summaries and figure from its artifacts.

    Parameters
    ----------
    directory : pathlib.Path
        A sweep's ``--out`` (see :func:`lttb.run.sweep.is_sweep_dir`).
    quiet : bool

    Returns
    -------
    int
        0, or 1 if a file was skipped (it is named on standard error with
        the reason) or the results could not be written.
    """
    points, skipped = collect_sweep(directory)
    for path, why in skipped:
        print(f"{PROG}: skipped {path.relative_to(directory).as_posix()}: {why}",
              file=sys.stderr)
    status = EXIT_OK
    if points:
        status = write_sweep_results(points, directory, True, quiet)
    if skipped:
        drawn = sum(len(group) for group in points.values())
        print(f"{PROG}: {len(skipped)} files skipped; {drawn} artifacts used", file=sys.stderr)
        return EXIT_FAILED
    return status
