"""``lttb-reproduce replot DIR``: redraw figures and summaries without simulating.

Nothing here loads the model or the compiled engine: a results directory
can be replotted on a machine where lttb's extension does not import.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .. import artifacts as _artifacts
from ..artifacts import same_run
from ..experiments.catalog import experiments
from ..plotting.draw import draw_all
from ..run.planning import available_cpus
from ..run.sweep import is_sweep_dir
from .common import EXIT_FAILED, EXIT_OK, PROG, UsageError, check_writable_dir, out_dir, say
from .parser import REPLOT
from .report import finish, replot_sweep

__all__ = ["replot"]


def _config_groups(artifacts: list[dict]) -> dict[str, list[int]]:
    """Seeds by the run they belong to: figure, configuration and schedule.

    Keys describe each group against the first one (``fig1, N=100`` for
    the first, ``differs in eta`` for another).
    """
    groups: dict[str, list[dict]] = {}
    for artifact in artifacts:
        key = json.dumps([artifact["figure"], artifact["config"], artifact["schedule"]],
                         sort_keys=True)
        groups.setdefault(key, []).append(artifact)
    first = next(iter(groups.values()))[0] if groups else None
    named: dict[str, list[int]] = {}
    for index, members in enumerate(groups.values()):
        head = members[0]
        if index == 0:
            what = f"{head['figure']} (the first configuration)"
        else:
            what = "differs in " + "; ".join(
                same_run(head, first["figure"], first["config"]))
        named[what] = sorted(a["seed"] for a in members)
    return named


def variant_artifacts(directory: Path) -> list[Path]:
    """The artifacts of a figure run with variants (``apical/seed-0000.json``, ...).

    Empty unless every subdirectory holding artifacts is named after a
    variant of a figure of the catalog (``VARIANTS``), and there is one.
    """
    known = {name for spec in experiments().values()
             for name in spec.variants.get("choices", ())}
    folders = [child for child in sorted(directory.iterdir())
               if child.is_dir() and _artifacts.find_artifacts(child)]
    if not folders or any(child.name not in known for child in folders):
        return []
    return [path for child in folders for path in _artifacts.find_artifacts(child)]


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
    directory = out_dir(args.dir, Path("."), REPLOT)
    if not directory.is_dir():
        raise UsageError(f"{REPLOT}: {str(directory)!r} is not a directory")
    files = _artifacts.find_artifacts(directory) or variant_artifacts(directory)
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
            print(f"{PROG}: skipped {path.relative_to(directory).as_posix()}: {exc.reason}",
                  file=sys.stderr)
    # The variants of a figure (apical, basal) differ in configuration by
    # design: each must be one run, not all of them together.
    by_variant: dict[Any, list[dict]] = {}
    for artifact in valid:
        by_variant.setdefault(artifact.get("variant"), []).append(artifact)
    groups = max((_config_groups(group) for group in by_variant.values()), key=len,
                 default={})
    if len(groups) > 1:
        # Across-seed figures and the summary would average different
        # experiments: draw each seed, and say which runs are mixed.
        lines = [f"seed{'s' if len(seeds) > 1 else ''} {', '.join(map(str, seeds))}: {what}"
                 for what, seeds in groups.items()]
        print(f"{PROG}: {directory} mixes runs of {len(groups)} configurations; drew the "
              f"per-seed figures only (no summary, no across-seed figures):\n  "
              + "\n  ".join(lines), file=sys.stderr)
        try:
            written = draw_all(valid, directory / "figures", jobs=args.jobs or available_cpus(),
                               across=False)
        except (OSError, RuntimeError) as exc:
            print(f"{PROG}: error: cannot draw in {directory}: {exc}", file=sys.stderr)
            return EXIT_FAILED
        say(args.quiet, f"{len(written)} figure files in {directory / 'figures'}")
        return EXIT_FAILED
    if valid:
        status = finish(valid, directory, True, args.quiet, args.jobs)
        if status != EXIT_OK:
            return status
    if skipped:
        print(f"{PROG}: {skipped} of {len(files)} files skipped; "
              f"{len(valid)} drawn", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
