"""``lttb.load_network``: a trained network from its file or from its run's artifact."""

from __future__ import annotations

import os

from .network import Network
from .saving import NetworkFileError, restore_network

__all__ = ["load_network", "NetworkFileError"]


def load_network(source: str | os.PathLike | bytes, *, engine: str | None = None) -> Network:
    """Load a trained network: a ``.npz`` of :meth:`Network.save`, or a run's artifact.

    Parameters
    ----------
    source : path-like or bytes
        A network file; or an artifact ``seed-NNNN.json`` of a run that
        wrote networks (``lttb-reproduce`` without ``--no-networks``), whose
        ``seed-NNNN.npz`` beside it is loaded; or a network file's bytes.
    engine : str, optional
        ``"core"`` (default) or ``"oracle"``.

    Returns
    -------
    Network

    Raises
    ------
    NetworkFileError
        When the file is missing (saying how to get it), invalid, or not
        the network of the artifact.
    """
    return restore_network(Network, source, engine=engine)
