"""Worker entry points that fail on purpose, for the interruption tests.

They run in spawned worker processes, so they live in a plain module that
the workers can import by name (the test puts this directory on sys.path),
and they read their instructions from environment variables, which the
workers inherit.
"""

import os
import signal
import time
from pathlib import Path

from lttb.run.tasks import seed_task

VICTIM = "LTTB_TEST_VICTIM_SEED"
WAIT_FOR = "LTTB_TEST_WAIT_FOR"


def _is_victim(seed):
    return seed == int(os.environ[VICTIM])


def kill_victim(protocol, figure, cfg, seed, queue=None):
    """Kill the worker process of the victim seed, once another artifact exists."""
    if _is_victim(seed):
        wait_for = Path(os.environ[WAIT_FOR])
        deadline = time.monotonic() + 120
        while not wait_for.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        if hasattr(signal, "SIGKILL"):
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(70)  # no SIGKILL on Windows: an abrupt exit breaks the pool the same way
    return seed_task(protocol, figure, cfg, seed, queue)


def raise_for_victim(protocol, figure, cfg, seed, queue=None):
    """Raise in the victim seed's worker; the other seeds run normally."""
    if _is_victim(seed):
        raise RuntimeError("injected failure")
    return seed_task(protocol, figure, cfg, seed, queue)


def hang_victim(protocol, figure, cfg, seed, queue=None):
    """Never finish the victim seed (for two minutes): a run cannot end before an interrupt."""
    if _is_victim(seed):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            time.sleep(0.05)
        raise RuntimeError("the victim seed was not interrupted")
    return seed_task(protocol, figure, cfg, seed, queue)
