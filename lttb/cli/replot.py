"""``lttb-reproduce replot DIR``: redraw figures and summaries without simulating.

Nothing here loads the model or the compiled engine: a results directory
can be replotted on a machine where lttb's extension does not import.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import artifacts as _artifacts
from ..run.sweep import is_sweep_dir
from .common import EXIT_FAILED, EXIT_OK, PROG, UsageError, check_writable_dir
from .parser import REPLOT
from .report import finish, replot_sweep

__all__ = ["replot"]


def replot(args: argparse.Namespace) -> int:
    """Run ``lttb-reproduce replot DIR``: figures and summaries from artifacts alone.

    Returns
    -------
    int
        0, or 1 when some file was skipped or could not be written.

    Raises
    ------
    UsageError
        DIR is not a directory, holds no artifacts, or is not writable.
    """
    directory = Path(args.dir)
    if not directory.is_dir():
        raise UsageError(f"{REPLOT}: {str(directory)!r} is not a directory")
    files = _artifacts.find_artifacts(directory)
    if not files:
        if is_sweep_dir(directory):
            check_writable_dir(directory, REPLOT)
            return replot_sweep(directory, args.quiet)
        raise UsageError(f"{REPLOT}: no artifacts (seed-NNNN.json) in {str(directory)!r}")
    check_writable_dir(directory, REPLOT)
    valid, skipped = [], 0
    for path in files:
        try:
            valid.append(_artifacts.read_artifact(path))
        except _artifacts.ArtifactError as exc:
            skipped += 1
            print(f"{PROG}: skipped {path.name}: {exc.reason}", file=sys.stderr)
    if valid:
        status = finish(valid, directory, True, args.quiet, args.jobs)
        if status != EXIT_OK:
            return status
    if skipped:
        print(f"{PROG}: {skipped} of {len(files)} files skipped; "
              f"{len(valid)} drawn", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
