"""Progress bars of a run: one per running seed and one overall, or one over tasks."""

from __future__ import annotations

import math
import queue as queue_module
import sys
from typing import Any

__all__ = ["SeedBars", "TaskBar", "drain"]


class SeedBars:
    """One tqdm bar per running seed plus an overall bar (or nothing when quiet)."""

    def __init__(self, n_seeds: int, n_iterations: int, slots: int, quiet: bool) -> None:
        self.quiet = quiet
        self.n_iterations = n_iterations
        self.bars: dict[int, Any] = {}
        self.free = list(range(1, slots + 1))
        self.done: set[int] = set()
        self.overall = None
        if not quiet:
            from tqdm.auto import tqdm
            self._tqdm = tqdm
            self.overall = tqdm(total=n_seeds * n_iterations, desc="all seeds", unit="it",
                                position=0, dynamic_ncols=True, file=sys.stderr)
            self.overall.set_postfix_str(f"seeds done 0/{n_seeds}")
            self.n_seeds = n_seeds
            self.seeds_done = 0

    def update(self, seed: int, iteration: int, total: int, mse: float | None) -> None:
        if self.quiet or seed in self.done:
            return
        bar = self.bars.get(seed)
        if bar is None:
            position = self.free.pop(0) if self.free else len(self.bars) + 1
            bar = self._tqdm(total=total, desc=f"seed {seed}", unit="it", position=position,
                             leave=False, dynamic_ncols=True, file=sys.stderr)
            bar.position_slot = position
            self.bars[seed] = bar
        step = iteration - bar.n
        if step > 0:
            bar.update(step)
            self.overall.update(step)
        if mse is not None:
            bar.set_postfix_str(f"outer MSE {mse:.4g}", refresh=False)

    def finish(self, seed: int) -> None:
        if self.quiet:
            return
        self.done.add(seed)
        bar = self.bars.pop(seed, None)
        missing = self.n_iterations - (bar.n if bar is not None else 0)
        if bar is not None:
            self.free.append(bar.position_slot)
            self.free.sort()
            bar.close()
        if missing > 0:
            self.overall.update(missing)
        self.seeds_done += 1
        self.overall.set_postfix_str(f"seeds done {self.seeds_done}/{self.n_seeds}")

    def abandon(self, seed: int) -> None:
        if self.quiet:
            return
        self.done.add(seed)
        bar = self.bars.pop(seed, None)
        if bar is not None:
            self.free.append(bar.position_slot)
            bar.close()

    def close(self) -> None:
        if self.quiet:
            return
        for bar in self.bars.values():
            bar.close()
        self.bars.clear()
        self.overall.close()

    def write(self, message: str) -> None:
        if self.quiet:
            return
        self._tqdm.write(message, file=sys.stderr)


def drain(queue, bars: SeedBars) -> None:
    while True:
        try:
            message = queue.get_nowait()
        except queue_module.Empty:
            return
        except (EOFError, OSError, BrokenPipeError):
            return
        bars.update(*message)


class TaskBar:
    """One tqdm bar over tasks; the postfix shows the best and worst final MSE."""

    def __init__(self, total: int, initial: int, quiet: bool) -> None:
        self.bar = None
        self.best: float | None = None
        self.worst: float | None = None
        self.failed = 0
        if not quiet:
            from tqdm.auto import tqdm
            self._tqdm = tqdm
            self.bar = tqdm(total=total, initial=initial, desc="sweep", unit="task",
                            dynamic_ncols=True, file=sys.stderr)

    def record(self, mse: float | None) -> None:
        if mse is not None and math.isfinite(mse):
            self.best = mse if self.best is None else min(self.best, mse)
            self.worst = mse if self.worst is None else max(self.worst, mse)

    def _postfix(self) -> str:
        parts = []
        if self.best is not None:
            parts.append(f"final MSE best {self.best:.4g} worst {self.worst:.4g}")
        if self.failed:
            parts.append(f"{self.failed} failed")
        return ", ".join(parts)

    def done(self, mse: float | None = None, *, failed: bool = False) -> None:
        self.record(mse)
        self.failed += failed
        if self.bar is not None:
            self.bar.set_postfix_str(self._postfix(), refresh=False)
            self.bar.update(1)

    def refresh(self) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(self._postfix())

    def write(self, message: str) -> None:
        if self.bar is not None:
            self._tqdm.write(message, file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
