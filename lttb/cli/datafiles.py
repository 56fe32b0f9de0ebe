"""The data files of a figure command (``--targets FILE``, ``--inputs FILE``).

A figure may declare files besides its configuration (``DATA_FILES`` of its
package, :attr:`lttb.experiments.catalog.Experiment.data_files`).  Each is
read here with :func:`lttb.arrays_io.read_array` (regular files, bounded
size, ``.npy`` or ``.csv``), before anything is written; a bad file ends the
command with one message naming the option, the file and the problem (exit
status 2).  Their rows (one per bin) set ``T`` and their columns the key
each declares (``O``, ``I``), in place of the configuration's values.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from ..arrays_io import ArrayFileError, read_array
from ..experiments.catalog import Experiment
from .common import UsageError

__all__ = ["add_data_options", "read_data_files", "check_sizes"]


def add_data_options(parser: argparse.ArgumentParser, spec: Experiment) -> None:
    """One ``--NAME FILE`` option per data file the figure declares."""
    for name, about in spec.data_files.items():
        parser.add_argument(f"--{name}", metavar="FILE", required=bool(about.get("required")),
                            dest=f"data_{name}", help=about.get("help"))


def read_data_files(args: argparse.Namespace, spec: Experiment
                    ) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """Read the figure's data files and the configuration sizes they set.

    Returns
    -------
    data : dict
        Option name -> array, one row per bin, as in the file.
    sizes : dict
        ``T`` and each file's ``columns`` key -> its value.

    Raises
    ------
    UsageError
        For the first bad file: not found, not a regular file, too large,
        empty, a cell that is not a number, NaN or infinity, a wrong shape,
        fewer rows than the protocol needs, or a number of rows that
        differs from the first file's.
    """
    data: dict[str, np.ndarray] = {}
    sizes: dict[str, int] = {}
    first: tuple[str, str] | None = None
    for name, about in spec.data_files.items():
        path = getattr(args, f"data_{name}", None)
        if path is None:
            continue
        where = f"--{name} {path}"
        try:
            array = read_array(path)
        except ArrayFileError as exc:
            raise UsageError(f"{where}: {exc}") from None
        rows, columns = array.shape
        if rows < spec.min_bins:
            raise UsageError(f"{where}: {rows} row{'s' if rows != 1 else ''} (time bins), too "
                             f"short for the {spec.name} protocol, which needs at least "
                             f"{spec.min_bins}")
        if first is None:
            first = (where, str(rows))
            sizes["T"] = rows
        elif rows != sizes["T"]:
            raise UsageError(f"{where}: wrong shape: {rows} rows (time bins), but "
                             f"{first[0]} has {first[1]}; give one row per bin in both")
        sizes[about["columns"]] = columns
        data[name] = array
    return data, sizes


def check_sizes(overrides: dict[str, Any], sizes: dict[str, int],
                args: argparse.Namespace, spec: Experiment) -> None:
    """Refuse ``--set`` of a size the files set to another value."""
    for key, value in sizes.items():
        if key in overrides and overrides[key] != value:
            source = next((f"--{name} {getattr(args, f'data_{name}')}"
                           for name, about in spec.data_files.items()
                           if getattr(args, f"data_{name}", None) is not None
                           and (about["columns"] == key or key == "T")), "the data files")
            raise UsageError(f"{key} comes from {source} ({value}); "
                             f"--set {key}={overrides[key]} contradicts it")
