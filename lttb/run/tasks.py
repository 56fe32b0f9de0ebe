"""What a worker process runs: one seed of a figure protocol, returned as an artifact.

Workers only compute; the process that runs the command writes every
artifact, atomically, so a worker that dies never leaves a partial file.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from .. import artifacts as _artifacts
from ..arrays_io import array_sha256

__all__ = ["seed_task", "QueueProgress"]


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


def seed_task(protocol: Callable, figure: str, cfg: Mapping[str, Any], seed: int,
              queue=None, data: Mapping[str, Any] | None = None) -> dict[str, Any]:
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

    Returns
    -------
    dict
        The validated artifact (not yet written).
    """
    # Imported here, in the worker: the parent (and replot) never needs the engine.
    from ..model.engines import runtime_info

    if queue is None or isinstance(queue, QueueProgress):
        progress = queue
    else:
        progress = QueueProgress(queue, seed)
    start = time.perf_counter()
    data = dict(data or {})
    result = protocol(dict(cfg), seed, progress=progress, **data)
    wall = time.perf_counter() - start
    digests = {name: array_sha256(array) for name, array in data.items()}
    return _artifacts.build_artifact(figure, cfg, result, wall, runtime=runtime_info(),
                                     data_sha256=digests or None)
