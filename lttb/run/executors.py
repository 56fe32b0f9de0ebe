"""Where independent tasks run: local worker processes or a Dask cluster.

Both backends offer the same interface, :meth:`Backend.run`: given a
function and a mapping of task keys to argument tuples, yield one
:class:`Outcome` per task as tasks finish, in completion order.  The caller
(:func:`lttb.run.loop.run_tasks`) writes the results; the backends never
touch the output directory, so a cluster's workers need no shared file
system with the machine that runs the command.

* :class:`LocalBackend` runs tasks in ``spawn``-ed worker processes, each in
  a :class:`concurrent.futures.ProcessPoolExecutor` of its own with one task
  in flight, so a worker that dies (killed, out of memory) takes only its
  own task with it: that worker is replaced and the task runs again, up to
  ``retries`` more times.
* :class:`DaskBackend` submits the tasks to a Dask distributed scheduler:
  one that is already running (``tcp://host:8786``) or a
  :class:`distributed.LocalCluster` started for the run (``local:4``).  The
  scheduler reruns the tasks of a worker that died (up to its
  ``distributed.scheduler.allowed-failures``, 3 by default); ``retries`` is
  passed to :meth:`distributed.Client.submit` for tasks that raise.

Dask is optional (``pip install "lttb-snn[dask]"``); :func:`make_backend` raises
:class:`BackendUnavailable` naming the extra when it is missing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import signal
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

from .._version import __version__
from ..config import THREADS_VARIABLE
from .planning import available_cpus, limit_blas_threads, plan_workers

__all__ = [
    "DASK_EXTRA_HINT",
    "Backend",
    "BackendError",
    "BackendUnavailable",
    "DaskBackend",
    "InProcessBackend",
    "LocalBackend",
    "Outcome",
    "SchedulerSpec",
    "START_METHOD",
    "stop_workers",
    "init_worker",
    "init_helper",
    "exit_with_parent",
    "ignore_sigint",
    "make_backend",
    "parse_scheduler",
]

#: How to get the optional Dask dependency.
DASK_EXTRA_HINT = 'pip install "lttb-snn[dask]"'
#: Start method of local worker processes: the same behaviour on every OS,
#: and no state inherited from the parent.
START_METHOD = "spawn"
#: How often (s) the local backend wakes up while it waits (keeps Ctrl-C responsive).
_POLL_SECONDS = 0.1
#: How long to wait for a remote scheduler before giving up.
CONNECT_TIMEOUT = "20s"


class BackendError(RuntimeError):
    """A backend cannot be set up (bad scheduler address, unreachable scheduler)."""


class BackendUnavailable(BackendError):
    """The optional Dask dependency is not installed."""


@dataclass(frozen=True)
class Outcome:
    """The end of one task.

    Attributes
    ----------
    key : hashable
        The task's key, as given to :meth:`Backend.run`.
    value : object
        What the function returned (``None`` if it failed).
    error : str or None
        Why the task failed, in one line; ``None`` on success.
    attempts : int
        How many times the task was started by this backend (local backend;
        the Dask backend reports 1 and leaves reruns to the scheduler).
    """

    key: Any
    value: Any = None
    error: str | None = None
    attempts: int = 1

    @property
    def ok(self) -> bool:
        """True when the task returned a value."""
        return self.error is None


class Backend:
    """Runs independent tasks and reports each one's outcome as it finishes.

    Subclasses implement :meth:`run`; use a backend as a context manager so
    that its workers (or cluster connection) are released.
    """

    #: Short description for messages, e.g. ``"2 local worker processes"``.
    description = "backend"
    #: Whether tasks can send progress through a queue of this process's
    #: :class:`multiprocessing.managers.SyncManager` (local workers only).
    reports_progress = False
    #: Whether functions reach the workers by module and name only (spawned
    #: local processes), so that one defined in a notebook cannot run there.
    imports_by_name = False

    def run(self, function: Callable, tasks: Mapping[Any, tuple], *, retries: int = 2,
            priorities: Mapping[Any, float] | None = None,
            tick: Callable[[], None] | None = None) -> Iterator[Outcome]:
        """Run ``function(*args)`` for every task; yield outcomes as they finish.

        Parameters
        ----------
        function : callable
            Module-level (importable by name in the workers).
        tasks : mapping
            Task key -> argument tuple.  Keys must be hashable.
        retries : int
            Extra attempts for a task whose worker died (local) or that
            raised (Dask, see :class:`DaskBackend`).
        priorities : mapping, optional
            Task key -> priority; higher runs first (e.g. the expected cost,
            so that long tasks do not finish last).
        tick : callable, optional
            Called every fraction of a second while the backend waits (the
            caller draws progress there); backends that never wait in this
            process may not call it.

        Yields
        ------
        Outcome
            One per task.  Closing the generator early (or an exception such
            as ``KeyboardInterrupt``) stops the tasks still running.
        """
        raise NotImplementedError

    def workers_for(self, n_tasks: int) -> int:
        """How many of `n_tasks` tasks run at once (for progress display)."""
        return n_tasks

    def close(self) -> None:
        """Release the workers or the cluster connection."""

    def __enter__(self) -> "Backend":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _ordered(tasks: Mapping[Any, tuple], priorities: Mapping[Any, float] | None) -> list:
    keys = list(tasks)
    if priorities:
        # sorted() is stable: equal priorities keep the caller's order.
        keys.sort(key=lambda key: -priorities.get(key, 0.0))
    return keys


def _describe_exception(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


# --------------------------------------------------------------------------- local processes

def ignore_sigint() -> None:
    """Leave Ctrl-C to the parent process.

    Ctrl-C reaches the whole process group; only the parent should react (it
    stops the workers itself), so workers and the progress manager ignore it.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)


#: How often (s) a worker checks that the process that started it is alive.
PARENT_CHECK_SECONDS = 0.5


def exit_with_parent(parent: int) -> None:
    """End this process soon after the process that started it dies.

    A parent killed outright (``SIGKILL``, out of memory) cannot stop its
    workers; without this they would compute for nobody until their task
    ends, and then wait for work forever.  A daemon thread notices that the
    process is no longer the child of `parent` (it was adopted by another
    process, or the parent died before this one got here) and exits at once,
    also in the middle of a task (the compiled trial loop releases the GIL).

    Parameters
    ----------
    parent : int
        Process id of the parent, as the parent itself saw it.
    """
    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(PARENT_CHECK_SECONDS)

    threading.Thread(target=watch, name="lttb-exit-with-parent", daemon=True).start()


def init_worker(threads: int, parent: int) -> None:
    """Worker initializer: leave Ctrl-C to `parent`, die with it, run trials on `threads`."""
    ignore_sigint()
    exit_with_parent(parent)
    # Every network the worker builds reads its default thread count here.
    os.environ[THREADS_VARIABLE] = str(threads)


def init_helper(parent: int) -> None:
    """Initializer of a helper process (the progress manager): as a worker's, without threads."""
    ignore_sigint()
    exit_with_parent(parent)


class LocalBackend(Backend):
    """Worker processes on this machine, one task at a time each.

    Parameters
    ----------
    jobs : int, optional
        Number of worker processes (default
        :func:`lttb.run.planning.available_cpus`); never more than the tasks
        of a run.
    threads : int, optional
        Threads each task's network runs on (default: the CPUs the workers
        leave free; see :func:`lttb.run.planning.plan_workers`).
    openmp : bool
        Whether the compiled engine has threads at all
        (:func:`lttb.model.engines.openmp_enabled`); without, one thread.

    Notes
    -----
    Each worker is a ``spawn``-ed process in a pool of its own, so a worker
    that dies (killed, out of memory) breaks only its own pool: only its task
    runs again (up to ``retries`` more times), and the other workers go on
    with theirs.  Workers ignore ``SIGINT`` (the parent stops them on Ctrl-C).
    BLAS thread pools are limited to one thread per worker unless the user
    set the variables.
    """

    #: Tasks can report progress through a queue of this process's manager.
    reports_progress = True
    imports_by_name = True

    def __init__(self, jobs: int | None = None, *, threads: int | None = None,
                 openmp: bool = True) -> None:
        if jobs is not None and jobs < 1:
            raise BackendError(f"jobs must be >= 1 (got {jobs})")
        if threads is not None and threads < 1:
            raise BackendError(f"threads must be >= 1 (got {threads})")
        self.jobs = jobs or available_cpus()
        self.threads = threads
        self.openmp = openmp
        self.description = (f"{self.jobs} local worker process"
                            f"{'es' if self.jobs != 1 else ''}")

    def plan(self, n_tasks: int) -> tuple[int, int]:
        """Worker processes and threads per task for `n_tasks` tasks."""
        return plan_workers(n_tasks, self.jobs, self.threads, openmp=self.openmp)

    def workers_for(self, n_tasks: int) -> int:
        return self.plan(n_tasks)[0]

    @staticmethod
    def _worker(threads: int) -> ProcessPoolExecutor:
        limit_blas_threads(os.environ)
        return ProcessPoolExecutor(max_workers=1, mp_context=get_context(START_METHOD),
                                   initializer=init_worker, initargs=(threads, os.getpid()))

    def run(self, function: Callable, tasks: Mapping[Any, tuple], *, retries: int = 2,
            priorities: Mapping[Any, float] | None = None,
            tick: Callable[[], None] | None = None) -> Iterator[Outcome]:
        if not tasks:
            return
        n_workers, threads = self.plan(len(tasks))
        pending = deque(_ordered(tasks, priorities))
        attempts: Counter = Counter()
        workers: list[ProcessPoolExecutor | None] = [None] * n_workers
        running: dict = {}  # future -> (worker index, task key)
        finished = False
        try:
            while pending or running:
                busy = {index for index, _ in running.values()}
                for index in range(n_workers):
                    if not pending or index in busy:
                        continue
                    if workers[index] is None:
                        workers[index] = self._worker(threads)
                    key = pending[0]
                    try:
                        future = workers[index].submit(function, *tasks[key])
                    except BrokenProcessPool:
                        # Its process died between tasks; the task never started.
                        workers[index].shutdown(wait=True, cancel_futures=True)
                        workers[index] = None
                        continue
                    pending.popleft()
                    attempts[key] += 1
                    running[future] = (index, key)
                done, _ = wait(running, timeout=_POLL_SECONDS, return_when=FIRST_COMPLETED)
                if tick is not None:
                    tick()
                for future in sorted(done, key=lambda f: str(running[f][1])):
                    index, key = running.pop(future)
                    exc = future.exception()
                    if exc is None:
                        yield Outcome(key, value=future.result(), attempts=attempts[key])
                    elif isinstance(exc, BrokenProcessPool):
                        # Only this worker died: replace it, run its task again.
                        workers[index].shutdown(wait=True, cancel_futures=True)
                        workers[index] = None
                        if attempts[key] <= retries:
                            pending.appendleft(key)
                        else:
                            yield Outcome(key, error=(
                                f"a worker process died while running it "
                                f"({attempts[key]} attempts)"), attempts=attempts[key])
                    else:
                        # A Python error is deterministic here: running it again
                        # would fail the same way.
                        yield Outcome(key, error=_describe_exception(exc),
                                      attempts=attempts[key])
            finished = True
        finally:
            for executor in workers:
                if executor is None:
                    continue
                if finished:
                    executor.shutdown(wait=True)
                else:
                    stop_workers(executor)
                    executor.shutdown(wait=True, cancel_futures=True)


class InProcessBackend(Backend):
    """The tasks one after the other in this process: no worker to import anything.

    What :func:`lttb.run.seeds.run_seeds` uses with ``jobs=1`` for a protocol
    that worker processes could not import (one defined in a notebook cell).
    A task that raises fails alone; nothing is retried (there is no worker
    to lose).  ``KeyboardInterrupt`` stops the run.
    """

    description = "this process"

    def run(self, function: Callable, tasks: Mapping[Any, tuple], *, retries: int = 2,
            priorities: Mapping[Any, float] | None = None,
            tick: Callable[[], None] | None = None) -> Iterator[Outcome]:
        for key in _ordered(tasks, priorities):
            try:
                value = function(*tasks[key])
            except Exception as exc:  # a task's error fails that task only
                yield Outcome(key, error=_describe_exception(exc))
            else:
                yield Outcome(key, value=value)

    def workers_for(self, n_tasks: int) -> int:
        return min(1, n_tasks)


def stop_workers(executor: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the running workers at once."""
    terminate = getattr(executor, "terminate_workers", None)  # Python >= 3.14
    if terminate is not None:
        terminate()
        return
    # Older Pythons have no public way to stop a running task; the pool keeps
    # its processes in a private mapping, which shutdown() clears, so it is
    # read first.
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()


# --------------------------------------------------------------------------- Dask

@dataclass(frozen=True)
class SchedulerSpec:
    """A parsed ``--scheduler`` value.

    Attributes
    ----------
    address : str or None
        Address of a running scheduler (``tcp://host:8786``), or ``None`` for
        a local cluster.
    n_workers : int or None
        Workers of the local cluster (``local:4``); ``None`` when not given.
    """

    address: str | None = None
    n_workers: int | None = None

    @property
    def local(self) -> bool:
        """True for a :class:`distributed.LocalCluster` started for the run."""
        return self.address is None


_ADDRESS_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")
#: Protocols of a Dask scheduler address (``distributed.comm``); anything else
#: would only fail later, deep inside the connection.
SCHEDULER_PROTOCOLS = ("tcp", "tls", "ws", "wss", "ucx", "inproc")


def _check_host_port(text: str, location: str) -> None:
    """``host``, ``host:port`` or ``[v6 address]:port`` with a port in 1..65535."""
    if location.startswith("["):
        host, bracket, rest = location[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise BackendError(f"expected [IPv6 address]:port in {text!r}")
        port = rest[1:] if rest else None
    else:
        host, colon, port = location.rpartition(":") if ":" in location else (location, "", "")
        port = port if colon else None
    if not host or "/" in host:
        raise BackendError(f"no host name in {text!r} (expected e.g. tcp://host:8786)")
    if port is not None and not (port.isdigit() and 1 <= int(port) <= 65535):
        raise BackendError(f"the port {port!r} of {text!r} is not a number from 1 to 65535")


def parse_scheduler(text: str) -> SchedulerSpec:
    """Read a ``--scheduler`` value.

    Parameters
    ----------
    text : str
        ``local`` or ``local:N`` (a LocalCluster of N single-threaded worker
        processes), or a scheduler address with its protocol, e.g.
        ``tcp://10.0.0.5:8786`` or ``tls://scheduler:8786``.

    Returns
    -------
    SchedulerSpec

    Raises
    ------
    BackendError
        If `text` is neither form.
    """
    text = text.strip()
    if text == "local" or text.startswith("local:"):
        count = text.partition(":")[2]
        if not count:
            return SchedulerSpec(n_workers=None)
        try:
            n_workers = int(count)
        except ValueError:
            n_workers = 0
        if n_workers < 1:
            raise BackendError(f"'local:N' needs a positive number of workers (got {text!r})")
        return SchedulerSpec(n_workers=n_workers)
    if _ADDRESS_RE.match(text):
        protocol, _, location = text.partition("://")
        if protocol.lower() not in SCHEDULER_PROTOCOLS:
            raise BackendError(f"unknown protocol {protocol!r} in {text!r} (a Dask scheduler "
                               f"speaks {', '.join(SCHEDULER_PROTOCOLS)})")
        if protocol.lower() != "inproc":
            _check_host_port(text, location)
        return SchedulerSpec(address=text)
    raise BackendError(f"expected a scheduler address such as tcp://host:8786, or local:N "
                       f"(got {text!r})")


def import_distributed():
    """Import :mod:`distributed`, or explain how to install it.

    Returns
    -------
    module

    Raises
    ------
    BackendUnavailable
        Naming the ``dask`` extra of lttb.
    """
    try:
        import distributed
    except ImportError as exc:
        raise BackendUnavailable(f"--scheduler needs Dask distributed, which is not installed "
                                 f"({exc}); install it with: {DASK_EXTRA_HINT}") from None
    return distributed


def worker_lttb_version() -> str:
    """The lttb version of the process it runs in (called on Dask workers)."""
    return __version__


class DaskBackend(Backend):
    """Tasks on a Dask distributed cluster.

    Parameters
    ----------
    spec : SchedulerSpec
        Where to connect, or how big a local cluster to start.
    jobs : int, optional
        Workers of a local cluster when `spec` gives no number (default
        :func:`lttb.run.planning.available_cpus`).
    dashboard : bool
        Serve the Dask dashboard of a local cluster (on a free port) when
        its dependencies are installed.

    Raises
    ------
    BackendUnavailable
        If Dask distributed is not installed.
    BackendError
        If the scheduler cannot be reached, or its workers run another lttb
        version (or cannot import lttb).

    Notes
    -----
    A local cluster has single-threaded worker processes (the simulation
    holds the GIL, so threads would not run in parallel).  Workers of a
    remote cluster must have the same lttb version installed; results come
    back to this process, which writes them, so the workers need no access
    to the output directory.
    """

    def __init__(self, spec: SchedulerSpec, *, jobs: int | None = None,
                 dashboard: bool = True) -> None:
        distributed = import_distributed()
        self.spec = spec
        self.cluster = None
        self.client = None
        try:
            if spec.local:
                n_workers = spec.n_workers or jobs or available_cpus()
                with _sigint_ignored_by_children():
                    # Errors only: a worker restarted after it died, or a task
                    # cancelled on Ctrl-C, is handled here and reported once.
                    self.cluster = distributed.LocalCluster(
                        n_workers=n_workers, threads_per_worker=1, processes=True,
                        dashboard_address=":0" if dashboard and _has_dashboard() else None,
                        silence_logs=logging.ERROR)
                self.client = distributed.Client(self.cluster)
                self.description = (f"a local Dask cluster of {n_workers} worker process"
                                    f"{'es' if n_workers != 1 else ''}")
            else:
                try:
                    self.client = distributed.Client(spec.address, timeout=CONNECT_TIMEOUT)
                except (OSError, TimeoutError) as exc:
                    raise BackendError(f"cannot connect to the Dask scheduler at "
                                       f"{spec.address}: {_describe_exception(exc)}") from None
                self.description = f"the Dask scheduler at {spec.address}"
            self._check_workers()
        except BaseException:
            self.close()
            raise

    @property
    def dashboard_link(self) -> str | None:
        """URL of the dashboard of a local cluster, if it is served.

        ``None`` for a remote scheduler: whoever started it knows its
        dashboard, and without bokeh there its address only answers 404.
        """
        if self.client is None or self.cluster is None or not _has_dashboard():
            return None
        try:
            return self.client.dashboard_link
        except Exception:
            return None

    def _check_workers(self) -> None:
        try:
            versions = self.client.run(worker_lttb_version)
        except Exception as exc:
            raise BackendError(f"the Dask workers of {self.description} cannot run lttb "
                               f"({_describe_exception(exc)}); install lttb {__version__} "
                               f"on every worker") from None
        other = sorted({v for v in versions.values() if v != __version__})
        if other:
            raise BackendError(f"the Dask workers of {self.description} run lttb "
                               f"{', '.join(other)}, this is lttb {__version__}: install the "
                               f"same version everywhere (results must not mix versions)")

    def run(self, function: Callable, tasks: Mapping[Any, tuple], *, retries: int = 2,
            priorities: Mapping[Any, float] | None = None,
            tick: Callable[[], None] | None = None) -> Iterator[Outcome]:
        from distributed import as_completed

        if not tasks:
            return
        order = _ordered(tasks, priorities)
        # A fresh token per run: keys never collide with another client's
        # tasks, and the prefix groups them on the dashboard.
        token = secrets.token_hex(4)
        futures = {}
        done_keys = set()
        try:
            for index, key in enumerate(order):
                future = self.client.submit(
                    function, *tasks[key], key=f"lttb-task-{token}-{index}",
                    retries=retries, pure=False,
                    priority=len(order) - index)
                futures[future] = key
            for future in as_completed(futures):
                key = futures[future]
                try:
                    value = future.result()
                except Exception as exc:
                    outcome = Outcome(key, error=_describe_dask_error(exc))
                else:
                    outcome = Outcome(key, value=value)
                # The result lives on a worker until released: keep the
                # cluster's memory flat over a long sweep.
                future.release()
                done_keys.add(key)
                yield outcome
        finally:
            left = [f for f, key in futures.items() if key not in done_keys]
            if left:
                try:
                    self.client.cancel(left)
                except Exception:
                    pass

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client.close()
            except Exception:
                pass
            self.client = None
        if self.cluster is not None:
            try:
                self.cluster.close()
            except Exception:
                pass
            self.cluster = None


@contextlib.contextmanager
def _sigint_ignored_by_children():
    """Start processes that ignore Ctrl-C (the parent stops them itself).

    A process inherits an ignored ``SIGINT``, and Python then installs no
    ``KeyboardInterrupt`` handler; without this every worker of a local
    cluster prints a traceback when the user presses Ctrl-C.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _has_dashboard() -> bool:
    try:
        import bokeh  # noqa: F401
    except ImportError:
        return False
    return True


def _describe_dask_error(exc: BaseException) -> str:
    if type(exc).__name__ == "KilledWorker":
        return ("its worker died every time it ran it (the scheduler gave up; see "
                "distributed.scheduler.allowed-failures)")
    return _describe_exception(exc)


# --------------------------------------------------------------------------- choosing

def make_backend(scheduler: str | None = None, *, jobs: int | None = None,
                 threads: int | None = None, openmp: bool = True,
                 dashboard: bool = True) -> Backend:
    """The backend asked for on the command line.

    Parameters
    ----------
    scheduler : str, optional
        ``None`` for local worker processes; otherwise a ``--scheduler``
        value (see :func:`parse_scheduler`).
    jobs : int, optional
        Local worker processes, or workers of ``--scheduler local``.
    threads : int, optional
        Threads per task of local worker processes (see :class:`LocalBackend`).
    openmp : bool
        Whether the compiled engine has threads (see :class:`LocalBackend`).
    dashboard : bool
        Serve the dashboard of a local Dask cluster.

    Returns
    -------
    Backend

    Raises
    ------
    BackendError, BackendUnavailable
        See :func:`parse_scheduler` and :class:`DaskBackend`.
    """
    if scheduler is None:
        return LocalBackend(jobs, threads=threads, openmp=openmp)
    spec = parse_scheduler(scheduler)
    if spec.address is not None and jobs is not None:
        raise BackendError("--jobs applies to local workers; the workers of a running "
                           "Dask cluster are chosen when they are started")
    if spec.n_workers is not None and jobs is not None and jobs != spec.n_workers:
        raise BackendError(f"--jobs {jobs} contradicts --scheduler local:{spec.n_workers}")
    return DaskBackend(spec, jobs=jobs, dashboard=dashboard)
