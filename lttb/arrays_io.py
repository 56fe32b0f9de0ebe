"""Reading arrays from a user's files: ``.npy`` or ``.csv``, regular files, bounded size.

A trajectory file holds one row per time bin and one column per output (or
input).  A CSV is comma-separated with at most one header row: a first line
with a cell that is not a number is a header and is skipped; every later
cell must be a number.  Values are used as given, never rescaled.  As with
:mod:`lttb.jsonio`, a FIFO or a device is refused before it is opened, and
a file over the size limit is not read to its end.

:func:`array_sha256` is the fingerprint artifacts record of such an array.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
from pathlib import Path

import numpy as np

__all__ = ["MAX_ARRAY_BYTES", "SUFFIXES", "ArrayFileError", "read_array", "array_sha256"]

#: Largest array file accepted, in bytes (a trajectory of 100,000 bins and
#: 20 columns is about 16 MB as .npy).
MAX_ARRAY_BYTES = 64 * 1024 * 1024
#: File types understood, by suffix (case-insensitive).
SUFFIXES = (".npy", ".csv")


class ArrayFileError(ValueError):
    """A file that cannot be used as an array; the message says why, in one line."""


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise ArrayFileError("not found (no such file)") from None
    except OSError as exc:
        raise ArrayFileError(f"cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(mode):
        raise ArrayFileError("is a directory, not a file")
    if not stat.S_ISREG(mode):
        raise ArrayFileError("is not a regular file (a FIFO, socket or device cannot be read)")
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ArrayFileError(f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise ArrayFileError(f"is larger than {max_bytes // (1024 * 1024)} MiB")
    if not data:
        raise ArrayFileError("is empty")
    return data


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _parse_csv(data: bytes) -> np.ndarray:
    try:
        # utf-8-sig: a spreadsheet's byte-order mark is not part of the first cell.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArrayFileError(f"is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise ArrayFileError("is empty")
    first = 0
    if any(_number(cell) is None for cell in lines[0].split(",")):
        first = 1  # the header row
    if first == len(lines):
        raise ArrayFileError("is empty: a header row and no rows of numbers")
    rows: list[list[float]] = []
    for number, line in enumerate(lines[first:], start=first + 1):
        cells = line.split(",")
        if rows and len(cells) != len(rows[0]):
            raise ArrayFileError(f"line {number} has {len(cells)} columns, line {first + 1} "
                                 f"has {len(rows[0])}: wrong shape")
        values = []
        for column, cell in enumerate(cells, start=1):
            value = _number(cell)
            if value is None:
                shown = cell.strip()
                raise ArrayFileError(f"line {number}, column {column}: "
                                     f"{shown[:40]!r} is not a number"
                                     if shown else
                                     f"line {number}, column {column}: empty cell, "
                                     f"not a number")
            values.append(value)
        rows.append(values)
    return np.array(rows, dtype=np.float64)


def _parse_npy(data: bytes) -> np.ndarray:
    try:
        array = np.load(io.BytesIO(data), allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise ArrayFileError(f"is not a readable .npy array ({exc})") from None
    if not isinstance(array, np.ndarray):
        raise ArrayFileError("is not a .npy array (an .npz archive?)")
    if array.dtype.kind not in "fiu":
        raise ArrayFileError(f"holds {array.dtype} values, not real numbers")
    if array.size == 0:
        raise ArrayFileError(f"is empty (shape {array.shape})")
    return np.array(array, dtype=np.float64)


def read_array(path: str | os.PathLike, max_bytes: int = MAX_ARRAY_BYTES) -> np.ndarray:
    """A 2-D float64 array, one row per bin, from a ``.npy`` or ``.csv`` file.

    A 1-D ``.npy`` array is one column.  Values are returned as given.

    Parameters
    ----------
    path : path-like
    max_bytes : int
        Refuse larger files.

    Returns
    -------
    numpy.ndarray, shape (rows, columns)
        At least one row and one column; every value finite.

    Raises
    ------
    ArrayFileError
        With one line saying what is wrong: not found, not a regular file,
        too large, an unknown suffix, empty, a cell that is not a number
        (line and column named), rows of different lengths or a shape that
        is not one or two dimensions, NaN or infinity (where named).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ArrayFileError(f"has suffix {path.suffix or '(none)'!r}; expected "
                             f"{' or '.join(SUFFIXES)}")
    data = _read_bytes(path, max_bytes)
    array = _parse_npy(data) if suffix == ".npy" else _parse_csv(data)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ArrayFileError(f"holds an array of shape {array.shape}: wrong shape, expected "
                             f"rows (bins) x columns")
    bad = np.argwhere(~np.isfinite(array))
    if bad.size:
        row, column = (int(i) for i in bad[0])
        where = (f"line {row + 1 + _header_rows(suffix, data)}, column {column + 1}"
                 if suffix == ".csv" else f"row {row}, column {column}")
        raise ArrayFileError(f"contains NaN or infinity ({array[row, column]} at {where}"
                             f"{f', and {len(bad) - 1} more' if len(bad) > 1 else ''})")
    return array


def _header_rows(suffix: str, data: bytes) -> int:
    lines = data.decode("utf-8-sig").splitlines()
    return int(bool(lines) and any(_number(cell) is None for cell in lines[0].split(",")))


def array_sha256(array: np.ndarray) -> str:
    """SHA-256 (hex) of a 2-D array as read from its file.

    The digest covers the shape and the values: the ASCII text
    ``"<rows>x<columns>\\n"`` followed by the values as little-endian
    float64, row by row.  Two files with the same numbers (a CSV and an
    .npy, say) have the same digest.
    """
    array = np.ascontiguousarray(array, dtype="<f8")
    if array.ndim != 2:
        raise ValueError(f"expected a 2-D array, got shape {array.shape}")
    digest = hashlib.sha256(f"{array.shape[0]}x{array.shape[1]}\n".encode("ascii"))
    digest.update(array.tobytes(order="C"))
    return digest.hexdigest()
