"""What a run needs in memory, and what this machine allows, checked before any work.

A run holds, at its end, every artifact it made (the summary and the figures
read them all), and each worker holds one network.  Both follow from the
configuration and the number of tasks, so a run that cannot fit is refused
before anything is created, with the estimate and the limit.  The limit is
the smallest of the physical memory, the control group's limit and
``RLIMIT_AS`` (per process); ``--max-memory`` replaces it for a machine the
estimate misjudges.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["MemoryLimit", "RunTooLarge", "memory_limit", "parse_size", "format_size",
           "worker_bytes", "artifact_bytes", "check_run"]

#: A Python process with NumPy and lttb loaded, before any network.
PROCESS_BYTES = 150 * 2**20
#: One planned task (its key, seed and bookkeeping), without its results.
TASK_BYTES = 2 * 2**10
#: Fraction of (neuron, bin) pairs with a spike, for sizing rasters: about 2 %
#: in the papers' runs; estimated at twice that.
EVENT_FRACTION = 0.04
#: Neurons in the rasters of Figure 2's context tests (two per context).
CONTEXT_RASTER_NEURONS = 100
#: A float in a parsed artifact (list slot and float object), and a
#: [neuron, bin] pair (a two-item list).
FLOAT_BYTES, EVENT_BYTES = 32, 120


class RunTooLarge(ValueError):
    """A run that would not fit in memory; the message gives the estimate and the limit."""


@dataclass(frozen=True)
class MemoryLimit:
    """What this machine allows.

    Attributes
    ----------
    total : int or None
        Bytes all processes of a run may use together (physical memory or
        the control group's limit, the smaller), ``None`` if unknown.
    per_process : int or None
        Bytes of address space one process may use (``RLIMIT_AS``).
    source : str
        Where `total` comes from, for messages.
    """

    total: int | None
    per_process: int | None
    source: str


def _cgroup_limit() -> int | None:
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path, encoding="ascii") as handle:
                text = handle.read().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 2**60:  # v1 says "no limit" with a huge number
            return int(text)
    return None


def memory_limit(max_memory: int | None = None) -> MemoryLimit:
    """The memory this process and its workers may use.

    Parameters
    ----------
    max_memory : int, optional
        Bytes given by the user (``--max-memory``): replaces every limit found.
    """
    if max_memory is not None:
        return MemoryLimit(max_memory, max_memory, "--max-memory")
    candidates: list[tuple[int, str]] = []
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        candidates.append((physical, "physical memory"))
    except (AttributeError, ValueError, OSError):  # not on every OS
        pass
    cgroup = _cgroup_limit()
    if cgroup is not None:
        candidates.append((cgroup, "the control group's memory limit"))
    per_process = None
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY:
            per_process = int(soft)
    except (ImportError, OSError, ValueError):
        pass
    total, source = min(candidates) if candidates else (None, "unknown")
    return MemoryLimit(total, per_process, source)


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """Bytes of a size such as ``64G``, ``512MiB``, ``1.5T`` or ``1000000``.

    Raises
    ------
    ValueError
        If `text` is not such a size, or is zero.
    """
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f"expected a size such as 64G or 512M (got {text!r})")
    number, unit = float(match.group(1)), match.group(2).lower()
    value = int(number * 1024 ** " kmgt".index(unit or " "))
    if value <= 0:
        raise ValueError(f"must be more than 0 bytes (got {text!r})")
    return value


def format_size(n: float) -> str:
    """``1.5 GiB``-style text of a byte count."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} PiB"  # pragma: no cover - the loop returns


def worker_bytes(cfg: Mapping[str, Any]) -> int:
    """A worker process training one network of `cfg`: the process, the state, a trial."""
    N, T, I, O, n_ctx = (int(cfg[k]) for k in ("N", "T", "I", "O", "n_contexts"))
    state = 8 * (4 * N * N + N * (I + O + 2 * n_ctx) + I * T + n_ctx * O * T)
    trial = 4 * N * T + 8 * (T * O + 8 * N)  # spike recordings both ways, outputs, traces
    return PROCESS_BYTES + state + trial + artifact_bytes(cfg)


def artifact_bytes(cfg: Mapping[str, Any]) -> int:
    """A seed's parsed artifact of `cfg` (what the parent holds per seed at the end)."""
    N, T, O, n_ctx = (int(cfg[k]) for k in ("N", "T", "O", "n_contexts"))
    every = int(cfg["test_every"])
    n_tests = int(cfg["epochs"]) * int(cfg["iters_per_epoch"]) // every if every > 0 else 0
    floats = 3 * n_ctx * O * T + 2 * n_ctx * n_ctx * T + n_tests * (n_ctx + 1)
    rasters = N * T
    if n_ctx > 1:  # the context tests' rasters, when there are contexts to tell apart
        rasters += 2 * n_ctx * min(N, CONTEXT_RASTER_NEURONS) * T
    return int(FLOAT_BYTES * floats + EVENT_BYTES * EVENT_FRACTION * rasters)


def check_run(n_tasks: int, cfg: Mapping[str, Any], workers: int,
              limit: MemoryLimit, *, unit: str = "seeds") -> None:
    """Refuse a run of `n_tasks` tasks of `cfg` on `workers` workers that cannot fit.

    Parameters
    ----------
    n_tasks : int
        Tasks of the run (may be far more than could ever be planned).
    cfg : mapping
        The configuration of a task (for a grid, its largest point).
    workers : int
        Tasks that run at once.
    limit : MemoryLimit
        From :func:`memory_limit`.
    unit : str
        What the tasks are, for the message.

    Raises
    ------
    RunTooLarge
        With the estimate, what it is made of, and the limit.
    """
    workers = max(1, min(workers, n_tasks))
    per_task = TASK_BYTES + artifact_bytes(cfg)
    parent = PROCESS_BYTES + n_tasks * per_task
    worker = worker_bytes(cfg)
    total = parent + workers * worker
    what = unit if n_tasks != 1 else unit.rstrip("s")
    parts = (f"{n_tasks:,} {what} x {format_size(per_task)} of results held at the end, "
             f"{workers} worker{'s' if workers != 1 else ''} x {format_size(worker)}")
    advice = ("run fewer at a time" if n_tasks > 1 else "make the network smaller") + \
             ", or give --max-memory SIZE if the estimate is wrong for this machine"
    if limit.total is not None and total > limit.total:
        raise RunTooLarge(f"this run needs about {format_size(total)} of memory ({parts}), "
                          f"more than the {format_size(limit.total)} this machine allows "
                          f"({limit.source}); {advice}")
    if limit.per_process is not None:
        for who, need in (("this process", parent), ("a worker", worker)):
            if need > limit.per_process:
                raise RunTooLarge(f"{who} would need about {format_size(need)} of memory "
                                  f"({parts}), more than the {format_size(limit.per_process)} "
                                  f"a process may use here (RLIMIT_AS, e.g. ulimit -v); "
                                  f"{advice}")
    if not math.isfinite(total):  # pragma: no cover - integers
        raise RunTooLarge("this run's memory cannot be estimated")
