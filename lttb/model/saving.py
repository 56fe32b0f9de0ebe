"""A network as one ``.npz`` file: every array its next trials read, its configuration, the version.

Layout of the file (format ``lttb-network``, version 1), read with
``numpy.load(..., allow_pickle=False)``:

- the ten state arrays (:data:`lttb.model.state.STATE_ARRAYS`: ``J``, ``w``,
  ``j_in``, ``j_targ``, ``Jout``, ``Bias``, ``j_basal_cont``,
  ``j_apical_cont``, ``I_clock``, ``targets``), float64, as the network holds
  them;
- ``config``: the complete configuration as JSON text (a 0-d string array);
  the rates, pinning and sizes the next trials read come from it;
- ``inner_error``: 0-d float64, what :meth:`Network.inner_error` returns
  (NaN before the first training trial);
- ``engine``: name of the engine that ran the network (informative: a file
  loads on any engine, which all give the same spikes);
- ``format`` (``"lttb-network"``), ``format_version`` (1) and
  ``lttb_version``.

Everything else a trial uses is derived from these (the compiled engine's
transposed layouts), so a reloaded network trains on bit for bit as the
saved one would have.
"""

from __future__ import annotations

import io
import json
import math
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from .._version import __version__
from ..config import ConfigError, validate_config
from .state import STATE_ARRAYS, check_arrays

__all__ = ["FORMAT", "FORMAT_VERSION", "NetworkFileError", "network_bytes", "save_network",
           "read_network", "restore_network"]

#: Value of the ``format`` entry of a network file.
FORMAT = "lttb-network"
#: Version of the layout above; a newer file is refused with a message.
FORMAT_VERSION = 1

_META = ("config", "inner_error", "engine", "format", "format_version", "lttb_version")


class NetworkFileError(ValueError):
    """A file is not a network this lttb can load; ``str()`` says which file and why."""

    def __init__(self, reason: str, path: str | os.PathLike | None = None) -> None:
        self.reason = reason
        self.path = None if path is None else Path(path)
        super().__init__(reason if path is None else f"{Path(path).name}: {reason}")

    def __reduce__(self):
        return type(self), (self.reason, self.path)


def network_bytes(net) -> bytes:
    """The ``.npz`` file of a network, as bytes (what worker processes ship back).

    Parameters
    ----------
    net : lttb.model.network.Network

    Returns
    -------
    bytes
    """
    arrays: dict[str, Any] = {name: net._s[name] for name in STATE_ARRAYS}
    arrays["config"] = np.array(json.dumps(net.config, sort_keys=True, allow_nan=False))
    arrays["inner_error"] = np.array(float(net.inner_error()), dtype=np.float64)
    arrays["engine"] = np.array(net.engine)
    arrays["format"] = np.array(FORMAT)
    arrays["format_version"] = np.array(FORMAT_VERSION, dtype=np.int64)
    arrays["lttb_version"] = np.array(__version__)
    buffer = io.BytesIO()
    # Compressed: J of a trained fig1 network is mostly zeros (the pinned rows).
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def save_network(net, path: str | os.PathLike) -> Path:
    """Write a network's ``.npz`` file atomically (complete or absent).

    Parameters
    ----------
    net : lttb.model.network.Network
    path : path-like
        Where to write; ``.npz`` is the usual suffix (not added).

    Returns
    -------
    pathlib.Path
    """
    # The machinery's atomic writer; imported here so importing the model
    # does not load the artifact schema machinery.
    from ..artifacts import write_bytes_atomic

    return write_bytes_atomic(path, network_bytes(net))


def _text(data, name: str, path) -> str:
    value = data[name]
    if value.shape != () or value.dtype.kind != "U":
        raise NetworkFileError(f"{name}: expected a text entry", path)
    return str(value[()])


def read_network(source: str | os.PathLike | bytes) -> tuple[dict, dict, dict]:
    """Read and check a network file without making a network.

    Parameters
    ----------
    source : path-like or bytes
        A ``.npz`` file written by :func:`save_network`, or its bytes.

    Returns
    -------
    (cfg, state, meta) : tuple of dict
        The validated configuration, the checked state arrays and
        ``inner_error``, ``engine``, ``lttb_version``.

    Raises
    ------
    NetworkFileError
        When the file cannot be read, is not a network file, is of a newer
        format, or its configuration or arrays are invalid.
    """
    path = None if isinstance(source, bytes) else Path(source)
    handle = io.BytesIO(source) if path is None else path
    try:
        with np.load(handle, allow_pickle=False) as data:
            names = set(data.files)
            if "format" not in names or _text(data, "format", path) != FORMAT:
                raise NetworkFileError("not an lttb network file (no format "
                                       f"{FORMAT!r})", path)
            version = int(data["format_version"])
            if version > FORMAT_VERSION:
                raise NetworkFileError(f"format_version {version} is newer than this lttb "
                                       f"({__version__}) can read (up to {FORMAT_VERSION}); "
                                       f"upgrade lttb", path)
            missing = [n for n in (*STATE_ARRAYS, *_META) if n not in names]
            if missing:
                raise NetworkFileError(f"missing entries: {', '.join(missing)}", path)
            config_text = _text(data, "config", path)
            meta = {"inner_error": float(data["inner_error"]),
                    "engine": _text(data, "engine", path),
                    "lttb_version": _text(data, "lttb_version", path)}
            arrays = {name: data[name] for name in STATE_ARRAYS}
    except NetworkFileError:
        raise
    except FileNotFoundError:
        raise NetworkFileError("no such file", path) from None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
        raise NetworkFileError(f"cannot be read as a network file ({exc})", path) from None
    try:
        cfg = validate_config(json.loads(config_text))
    except (ConfigError, ValueError) as exc:
        raise NetworkFileError(f"invalid config: {exc}", path) from None
    try:
        state = check_arrays(cfg, arrays)
    except ValueError as exc:
        raise NetworkFileError(str(exc), path) from None
    return cfg, state, meta


def restore_network(network_cls, source: str | os.PathLike | bytes, *, engine=None):
    """A network of `network_cls` from its ``.npz`` file, or from the artifact it was saved beside.

    Parameters
    ----------
    source : path-like or bytes
        A network file (:meth:`Network.save`), or an artifact
        ``seed-NNNN.json`` of a run that wrote networks (its
        ``seed-NNNN.npz`` is loaded and must hold the artifact's
        configuration), or the bytes of a network file.
    network_cls : type
        :class:`~lttb.model.network.Network` or a subclass (this module
        does not import it: the network module imports this one).
    engine : str, optional
        Engine of the loaded network (default: the class's).

    Returns
    -------
    Network

    Raises
    ------
    NetworkFileError
        When the file is missing, invalid, or not the artifact's network.
    """
    expected = None
    if not isinstance(source, bytes) and Path(source).suffix == ".json":
        artifact = Path(source)
        source = artifact.with_suffix(".npz")
        if not source.is_file():
            raise NetworkFileError(f"no network beside {artifact.name}: the run did not "
                                   f"write networks (it was run with --no-networks, or "
                                   f"before lttb saved them); run the seed again without "
                                   f"--no-networks", source)
        try:
            header = json.loads(artifact.read_text(encoding="utf-8"))
            expected = validate_config(header["config"])
        except (OSError, ValueError, KeyError, TypeError, ConfigError) as exc:
            raise NetworkFileError(f"cannot read the configuration of {artifact.name} "
                                   f"({exc})", artifact) from None
    cfg, state, meta = read_network(source)
    if expected is not None and expected != cfg:
        raise NetworkFileError(f"its configuration is not the one of "
                               f"{Path(source).with_suffix('.json').name}", source)
    net = network_cls(cfg, state, engine)
    if not math.isnan(meta["inner_error"]):
        net._inner = meta["inner_error"]
    return net
