"""What a worker process runs: one seed of a figure protocol, returned as an artifact.

Workers only compute; the process that runs the command writes every
artifact, atomically, so a worker that dies never leaves a partial file.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from .. import artifacts as _artifacts
from ..arrays_io import array_sha256

__all__ = ["seed_task", "QueueProgress", "SeedResult", "accepts_keyword"]


class QueueProgress:
    """Progress callback of a task: puts ``(key, iteration, total, mse)`` on a queue.

    Parameters
    ----------
    queue : queue-like
        A queue of the parent's :class:`multiprocessing.managers.SyncManager`
        (its proxy pickles to the worker).
    key : hashable
        Which task the messages are about.
    """

    def __init__(self, queue, key: Hashable) -> None:
        self.queue = queue
        self.key = key

    def __call__(self, iteration: int, total: int, mse: float | None) -> None:
        try:
            self.queue.put_nowait((self.key, iteration, total, mse))
        except Exception:
            # Progress is cosmetic: a gone manager must not kill the run.
            pass


@dataclass
class SeedResult:
    """What a task returns when its network is wanted: the artifact and the network file.

    Attributes
    ----------
    artifact : dict
        The validated artifact (not yet written).
    network : bytes or None
        The trained network's ``.npz`` file (:meth:`lttb.Network.to_bytes`),
        ``None`` when the protocol does not hand back its network.
    """

    artifact: dict
    network: bytes | None


def accepts_keyword(function: Callable, name: str) -> bool:
    """Whether `function` can be called with the keyword argument `name`."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):  # some builtins have no signature
        return False
    return any(p.kind is p.VAR_KEYWORD
               or (p.name == name and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD))
               for p in parameters)


def seed_task(protocol: Callable, figure: str, cfg: Mapping[str, Any], seed: int,
              queue=None, data: Mapping[str, Any] | None = None,
              checkpoint: str | None = None, scratch: str | None = None, *,
              network: bool = False) -> dict[str, Any] | SeedResult:
    """Run one seed's protocol and return its artifact (runs in a worker).

    Parameters
    ----------
    protocol : callable
        ``protocol(cfg, seed, progress=...) -> dict``, e.g.
        :func:`lttb.experiments.fig1.protocol.run`; must be importable by name.
    figure : str
        Figure name recorded in the artifact.
    cfg : mapping
        Complete configuration.
    seed : int
    queue : QueueProgress or queue-like, optional
        Where progress goes: a :class:`QueueProgress` as it is, a bare queue
        as ``(seed, iteration, total, latest_mse)`` tuples.
    data : mapping, optional
        Name -> 2-D array, passed to the protocol as keyword arguments and
        recorded in the artifact by SHA-256 (``data_sha256``), computed
        here from the arrays the protocol receives.
    checkpoint : str, optional
        A file the protocol keeps its state in while it runs, passed as
        its ``checkpoint`` keyword (a protocol without it gets none): a
        task that is run again continues from there.
    scratch : str, optional
        A directory shared by the tasks of the run, passed as the
        protocol's ``scratch`` keyword (a protocol without it gets none),
        for work one task can hand to another (Figure 3's high network).
    network : bool
        Also return the trained network, as the bytes of its ``.npz`` file:
        the protocol is asked for it with ``return_network=True`` (a
        protocol without that keyword gives none).

    Returns
    -------
    dict or SeedResult
        The validated artifact (not yet written); with `network`, a
        :class:`SeedResult` holding it and the network file.
    """
    # Imported here, in the worker: the parent (and replot) never needs the engine.
    from ..model.engines import runtime_info

    if queue is None or isinstance(queue, QueueProgress):
        progress = queue
    else:
        progress = QueueProgress(queue, seed)
    extra = {}
    if network and accepts_keyword(protocol, "return_network"):
        extra["return_network"] = True
    if checkpoint is not None and accepts_keyword(protocol, "checkpoint"):
        extra["checkpoint"] = checkpoint
    if scratch is not None and accepts_keyword(protocol, "scratch"):
        extra["scratch"] = scratch
    start = time.perf_counter()
    data = dict(data or {})
    result = protocol(dict(cfg), seed, progress=progress, **data, **extra)
    # A task continued from a checkpoint counts the time spent before it too.
    wall = time.perf_counter() - start + float(result.pop("resumed_wall_seconds", 0.0))
    net = result.pop("network", None) if "return_network" in extra else None
    digests = {name: array_sha256(array) for name, array in data.items()}
    artifact = _artifacts.build_artifact(figure, cfg, result, wall, runtime=runtime_info(),
                                         data_sha256=digests or None)
    if not network:
        return artifact
    # Bytes, not the object: they pickle back from any worker (local or Dask)
    # and the parent writes them without loading the model.
    return SeedResult(artifact, None if net is None else net.to_bytes())
