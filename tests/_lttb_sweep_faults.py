"""Protocols that fail on purpose, for the sweep fault tests.

Workers (spawned processes, Dask workers) import this module by name, so it
is a plain module beside the tests; the fault is chosen by arguments bound
with :func:`functools.partial`, which pickles by reference.
"""

import os
import signal

from lttb.model.training import run_schedule


def _claim(marker):
    """True for exactly one caller across processes: the one that creates `marker`."""
    try:
        with open(marker, "x"):
            pass
    except FileExistsError:
        return False
    return True


def _die():
    if hasattr(signal, "SIGKILL"):
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(70)  # no SIGKILL on Windows: an abrupt exit is as bad for the pool


def kill_once(cfg, seed, progress=None, *, marker, victim, log=None):
    """``run_schedule``, but the victim task kills its process mid-run, once.

    The victim is the task ``(N, seed) == victim``; it dies at its second
    training iteration the first time any process runs it (the marker file
    records that it happened), and runs normally when retried.  With `log`,
    every start of a task appends ``N,seed`` to that file.
    """
    if log is not None:
        with open(log, "a") as handle:
            handle.write(f"{cfg['N']},{seed}\n")
    def hook(iteration, total, mse):
        if iteration == 2 and (cfg["N"], seed) == tuple(victim) and _claim(marker):
            _die()
        if progress is not None:
            progress(iteration, total, mse)

    return run_schedule(cfg, seed, progress=hook)


def raise_for(cfg, seed, progress=None, *, victim):
    """``run_schedule``, but the victim task ``(N, seed)`` raises."""
    if (cfg["N"], seed) == tuple(victim):
        raise RuntimeError("injected failure")
    return run_schedule(cfg, seed, progress=progress)
