"""Reading JSON input safely: regular files only, bounded in size and in depth.

Every JSON the package reads from a user's disk (configuration files,
artifacts) goes through here, so that a FIFO or a device does not hang a
command, ``/dev/zero`` is not read without end, and a file of 200,000 nested
brackets is refused with a message instead of exhausting the parser's stack.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["MAX_DEPTH", "MAX_INPUT_BYTES", "InputError", "read_text", "loads"]

#: Deepest nesting of arrays and objects accepted (artifacts nest 4 deep).
MAX_DEPTH = 64
#: Largest configuration or other small input file, in bytes.
MAX_INPUT_BYTES = 16 * 1024 * 1024

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


class InputError(ValueError):
    """An input file that cannot be read as JSON; the message says why, in one line."""


def read_text(path: str | os.PathLike, max_bytes: int | None = MAX_INPUT_BYTES) -> str:
    """The UTF-8 text of a regular file of at most `max_bytes` bytes.

    Parameters
    ----------
    path : path-like
    max_bytes : int or None
        Refuse larger files (``None``: no limit).

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    InputError
        For a directory, a FIFO, a device or another file that is not a
        regular file (checked before opening, so nothing blocks), a file
        over `max_bytes`, or text that is not UTF-8.
    OSError
        If the file cannot be read.
    """
    path = Path(path)
    mode = os.stat(path).st_mode
    if stat.S_ISDIR(mode):
        raise InputError("is a directory, not a file")
    if not stat.S_ISREG(mode):
        raise InputError("is not a regular file (a FIFO, socket or device cannot be read "
                         "as JSON)")
    with open(path, "rb") as handle:
        data = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    if max_bytes is not None and len(data) > max_bytes:
        raise InputError(f"is larger than {max_bytes // (1024 * 1024)} MiB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def nesting_depth(text: str) -> int:
    """How deeply the arrays and objects of a JSON text nest (0 for a scalar)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if not brackets:
        return 0
    codes = np.frombuffer(brackets.encode("ascii"), dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1)
    return int(np.cumsum(steps).max())


def loads(text: str, max_depth: int = MAX_DEPTH, **kwargs: Any) -> Any:
    """:func:`json.loads` for text nested at most `max_depth` deep.

    Raises
    ------
    InputError
        If the text nests deeper (checked before parsing).
    json.JSONDecodeError
        If the text is not JSON.
    """
    depth = nesting_depth(text)
    if depth > max_depth:
        raise InputError(f"nests arrays or objects {depth} deep; at most {max_depth} "
                         f"are accepted")
    return json.loads(text, **kwargs)
