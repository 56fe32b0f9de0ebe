"""The progress bars of a run: one over all its work, one per running task.

Every run (a figure's seeds, a sweep's grid) shows the same bars: an overall
bar over the training iterations of the tasks to run, whose postfix counts
the finished tasks and shows the best and worst final outer MSE so far, and,
when the executor can report progress from its workers (local processes),
one bar per running task.  On Dask the overall bar moves as tasks finish.
"""

from __future__ import annotations

import math
import queue as queue_module
import sys
from collections.abc import Hashable, Mapping
from typing import Any

__all__ = ["RunBars", "drain"]


class RunBars:
    """Progress of a run's tasks (or nothing when `quiet`).

    Parameters
    ----------
    labels : mapping
        Task key -> its label, e.g. ``"seed 3"`` or ``"N=125 seed 3"``, for
        the tasks to run, in order.
    n_iterations : mapping
        Task key -> its training iterations.
    slots : int
        Tasks that run at once (lines reserved for their bars).
    quiet : bool
        Draw nothing.
    what : str
        What the tasks are, for the overall bar: ``"seeds"`` or ``"tasks"``.
    value_label : str
        What the value a task reports with its progress is (a figure's
        ``PROGRESS_LABEL``, default Figure 1's ``"outer MSE"``).
    """

    def __init__(self, labels: Mapping[Hashable, str], n_iterations: Mapping[Hashable, int],
                 slots: int, quiet: bool, what: str = "tasks",
                 value_label: str = "outer MSE") -> None:
        self.quiet = quiet
        self.value_label = value_label
        self.labels = dict(labels)
        self.n_iterations = dict(n_iterations)
        self.what = what
        self.bars: dict[Hashable, Any] = {}
        self.free = list(range(1, slots + 1))
        self.done: set[Hashable] = set()
        self.counted: dict[Hashable, int] = {}  # iterations shown in the overall bar
        self.finished = 0
        self.failed = 0
        self.best: float | None = None
        self.worst: float | None = None
        self.overall = None
        if not quiet:
            from tqdm.auto import tqdm
            self._tqdm = tqdm
            self.overall = tqdm(total=sum(self.n_iterations.values()), desc=f"all {what}",
                                unit="it", position=0, dynamic_ncols=True, file=sys.stderr)
            self._postfix()

    def record(self, mse: float | None) -> None:
        """Count a final outer MSE (of a finished or a kept task) in best and worst."""
        if mse is not None and math.isfinite(mse):
            self.best = mse if self.best is None else min(self.best, mse)
            self.worst = mse if self.worst is None else max(self.worst, mse)
        self._postfix()

    def _postfix(self) -> None:
        if self.overall is None:
            return
        parts = [f"{self.what} done {self.finished}/{len(self.labels)}"]
        if self.best is not None:
            parts.append(f"final MSE best {self.best:.4g} worst {self.worst:.4g}")
        if self.failed:
            parts.append(f"{self.failed} failed")
        self.overall.set_postfix_str(", ".join(parts))

    def _advance(self, key: Hashable, iterations: int) -> None:
        step = iterations - self.counted.get(key, 0)
        if step:
            self.counted[key] = iterations
            self.overall.update(step)

    def update(self, key: Hashable, iteration: int, total: int, mse: float | None) -> None:
        """A task's progress message: ``iteration`` of ``total`` done, latest MSE."""
        if self.quiet or key in self.done or key not in self.labels:
            return
        bar = self.bars.get(key)
        if bar is None:
            position = self.free.pop(0) if self.free else len(self.bars) + 1
            bar = self._tqdm(total=total, desc=self.labels[key], unit="it", position=position,
                             leave=False, dynamic_ncols=True, file=sys.stderr)
            bar.position_slot = position
            self.bars[key] = bar
        if iteration < bar.n:
            # The task started again (its worker died and it is retried).
            bar.reset(total=total)
        bar.update(iteration - bar.n)
        self._advance(key, iteration)
        if mse is not None:
            bar.set_postfix_str(f"{self.value_label} {mse:.4g}", refresh=False)

    def _close_bar(self, key: Hashable) -> None:
        bar = self.bars.pop(key, None)
        if bar is not None:
            self.free.append(bar.position_slot)
            self.free.sort()
            bar.close()

    def finish(self, key: Hashable, mse: float | None = None) -> None:
        """A task finished (its artifact is written), with its final outer MSE."""
        if self.quiet:
            return
        self.done.add(key)
        self._close_bar(key)
        self._advance(key, self.n_iterations.get(key, 0))
        self.finished += 1
        self.record(mse)

    def fail(self, key: Hashable, message: str) -> None:
        """A task failed; `message` is printed above the bars."""
        if self.quiet:
            return
        self.done.add(key)
        self._close_bar(key)
        self.failed += 1
        self._postfix()
        self._tqdm.write(message, file=sys.stderr)

    def close(self) -> None:
        """Close every bar."""
        if self.quiet:
            return
        for key in list(self.bars):
            self._close_bar(key)
        self.overall.close()


def drain(queue, bars: RunBars) -> None:
    """Hand every progress message waiting in `queue` to `bars`."""
    while True:
        try:
            message = queue.get_nowait()
        except queue_module.Empty:
            return
        except (EOFError, OSError, BrokenPipeError):
            return
        bars.update(*message)
