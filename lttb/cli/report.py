"""After the seeds: ``summary.json``, the figures, and the report on standard output.

Shared by the figure commands and ``replot``; nothing here simulates, so
replot runs without the compiled engine.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .. import artifacts as _artifacts
from ..plotting.draw import draw_all
from ..run.planning import available_cpus
from .common import EXIT_FAILED, EXIT_OK, PROG, format_mse, say

__all__ = ["report_summary", "finish"]


def report_summary(summary: dict[str, Any], out: Path, quiet: bool) -> None:
    """Print the final outer MSE of each seed, their mean and, for Figure 2, the scores."""
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
           jobs: int | None = None) -> int:
    """Write ``summary.json`` and (when `draw`) the figures of `artifacts`, then report.

    Returns
    -------
    int
        0, or 1 when a file could not be written (named on standard error).
    """
    try:
        summary_path = _artifacts.write_summary(out, artifacts)
        if draw:
            written = draw_all(artifacts, out / "figures", jobs=jobs or available_cpus())
            say(quiet, f"{len(written)} figure files in {out / 'figures'}")
    except OSError as exc:
        print(f"{PROG}: error: cannot write results in {out}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    report_summary(_artifacts.summarize(artifacts), summary_path.parent, quiet)
    return EXIT_OK
