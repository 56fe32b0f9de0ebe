"""What a worker process runs: one seed of a figure protocol, returned as an artifact.

Workers only compute; the parent process writes every artifact, atomically,
so a worker that dies never leaves a partial file.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Mapping
from typing import Any

from .. import artifacts as _artifacts

__all__ = ["seed_task", "init_worker", "ignore_sigint", "QueueProgress"]


class QueueProgress:
    """Progress callback of a worker: forwards ``(seed, iteration, total, mse)``."""

    def __init__(self, queue, seed: int) -> None:
        self.queue = queue
        self.seed = seed

    def __call__(self, iteration: int, total: int, mse: float | None) -> None:
        try:
            self.queue.put_nowait((self.seed, iteration, total, mse))
        except Exception:
            # Progress is cosmetic: a gone manager must not kill the run.
            pass


def ignore_sigint() -> None:
    """Leave Ctrl-C to the parent process.

    Ctrl-C reaches the whole process group; only the parent should react (it
    stops the workers itself), so workers and the progress manager ignore it.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def init_worker(threads: int) -> None:
    """Worker initializer: ignore Ctrl-C, run every trial on `threads` threads."""
    from ..model.engines import THREADS_VARIABLE

    ignore_sigint()
    # Every Network the worker builds runs its trials on this many threads.
    os.environ[THREADS_VARIABLE] = str(threads)


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
    queue : queue-like, optional
        Receives ``(seed, iteration, total, latest_mse)`` progress tuples.

    Returns
    -------
    dict
        The validated artifact (not yet written).
    """
    # Imported here, in the worker: the parent (and replot) never needs the engine.
    from ..model.engines import runtime_info

    progress = QueueProgress(queue, seed) if queue is not None else None
    start = time.perf_counter()
    result = protocol(dict(cfg), seed, progress=progress)
    wall = time.perf_counter() - start
    return _artifacts.build_artifact(figure, cfg, result, wall, runtime=runtime_info())
