"""Access to the data files shipped with the package: JSON schemas and presets.

Schemas are kept in the top-level ``schemas/`` directory of the source tree and
copied into the wheel as ``lttb/schemas/``. Presets live inside the package,
one per experiment folder: ``lttb/experiments/<name>/preset.json``. Everything goes through :mod:`importlib.resources` so
that the package also works when it is not installed as plain files.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from importlib.resources.abc import Traversable

__all__ = ["read_schema", "preset_path", "list_presets"]

_PACKAGE = __name__.rpartition(".")[0] or "lttb"
_PRESET_SUFFIX = ".json"


def _check_plain_name(name: str, what: str) -> None:
    # Resource names are single file names; refusing separators keeps a caller
    # from reaching files outside the data directories by accident.
    if not isinstance(name, str) or not name or "/" in name or "\\" in name or name in (".", ".."):
        raise ValueError(f"invalid {what} name {name!r}: expected a plain file name")


def read_schema(name: str) -> dict[str, Any]:
    """Load a JSON schema shipped with the package.

    The packaged copy ``lttb/schemas/<name>`` is tried first; if it is absent
    (source checkout or editable install), ``schemas/<name>`` next to the
    package directory is used.

    Parameters
    ----------
    name : str
        File name of the schema, e.g. ``"config.schema.json"``.

    Returns
    -------
    dict
        The parsed schema; a fresh object on every call.

    Raises
    ------
    FileNotFoundError
        If the schema is found in neither location.
    ValueError
        If `name` is not a plain file name.
    """
    _check_plain_name(name, "schema")
    packaged = files(_PACKAGE) / "schemas" / name
    if packaged.is_file():
        return json.loads(packaged.read_text(encoding="utf-8"))
    source = Path(__file__).parent.parent / "schemas" / name
    if source.is_file():
        return json.loads(source.read_text(encoding="utf-8"))
    raise FileNotFoundError(
        f"schema {name!r} not found: looked for the packaged resource "
        f"'{_PACKAGE}/schemas/{name}' and for {str(source)!r}"
    )


def _experiments_dir() -> Traversable:
    return files(_PACKAGE) / "experiments"


#: File name of an experiment's preset inside its folder.
PRESET_FILE = "preset" + _PRESET_SUFFIX


def list_presets() -> list[str]:
    """Names of the presets shipped with the package.

    Each experiment folder ``lttb/experiments/<name>/`` that holds a
    ``preset.json`` gives the preset ``<name>``.

    Returns
    -------
    list of str
        Sorted preset names, e.g. ``["fig1", "fig2"]``.
    """
    directory = _experiments_dir()
    if not directory.is_dir():
        return []
    return sorted(entry.name for entry in directory.iterdir()
                  if entry.is_dir() and (entry / PRESET_FILE).is_file())


def preset_path(name: str) -> Traversable:
    """Location of a preset file.

    Parameters
    ----------
    name : str
        Preset name, e.g. ``"fig1"``.

    Returns
    -------
    importlib.resources.abc.Traversable
        The preset resource ``lttb/experiments/<name>/preset.json`` (a
        :class:`pathlib.Path` for a regular install); read it with
        ``.read_text(encoding="utf-8")``.

    Raises
    ------
    FileNotFoundError
        If there is no preset of that name; the message lists the presets.
    ValueError
        If `name` is not a plain name.
    """
    _check_plain_name(name, "preset")
    resource = _experiments_dir() / name / PRESET_FILE
    if not resource.is_file():
        available = ", ".join(list_presets()) or "none"
        raise FileNotFoundError(f"no preset named {name!r} (available presets: {available})")
    return resource
