"""What a worker process runs: one seed of a figure protocol, returned as an artifact.

Workers only compute; the process that runs the command writes every
artifact, atomically, so a worker that dies never leaves a partial file.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from .. import artifacts as _artifacts

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
              queue=None) -> dict[str, Any]:
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
    result = protocol(dict(cfg), seed, progress=progress)
    wall = time.perf_counter() - start
    return _artifacts.build_artifact(figure, cfg, result, wall, runtime=runtime_info())
