"""A small pool of query processes, so that a query past its deadline can really be stopped.

pyoxigraph's ``Store.query`` has no timeout and Rust code cannot be interrupted from a Python
thread. Each worker process opens the read-only store once; the web process sends it a job
over a pipe and waits at most the deadline. Past it, the worker is killed (SIGKILL: the work
stops at once), a fresh one is started in its place, and the client gets a 503. Other
requests meanwhile go to the other workers. The pipe round trip costs tens of microseconds.

Two lanes, so that light queries and pages never queue behind pathological ones:

- every job starts as a *light* one, on any idle worker at normal CPU priority. The
  service's plain store calls (``worker.Call``: the SELECTs of pages, the landing page's
  counts, the service description) stay light whatever their time: only their deadline
  stops them. Queries through ``Store.answer`` (``worker.UserQuery``: clients' queries, and
  the CONSTRUCTs of resource pages, which take milliseconds) follow the rule below;
- the thread waiting for the reply first polls the pipe for ``EARLY_FRACTION`` of
  ``Lanes.light`` seconds (``QUERY_LIGHT_SECONDS``), then lowers the worker to nice 10 (a
  pathological query then takes little CPU from light ones while it is not known yet), then
  polls until ``Lanes.light``. A job still running then becomes *long*: if one of the
  ``Lanes.long_slots`` slots (``QUERY_LONG_SLOTS``) is free, its worker is reniced to the
  lowest CPU priority (nice 19) and the job runs on until its deadline; otherwise the worker is
  killed at once and the client gets a 503 (``LongQueryRefused``) with ``Retry-After``;
- when the job ends, the worker gets its priority back and returns to the idle ones, warm.
  Raising a priority needs CAP_SYS_NICE or an RLIMIT_NICE that allows it (systemd:
  ``LimitNICE=+0``, docs/DEPLOYMENT.md); where it is refused, the worker is retired and a
  fresh one takes its place.

Idle workers are a stack: the worker that answered last takes the next job, so that queries
find a warm store cache (each process has its own), and new workers wait at the bottom.

Many heavy clients: a client whose query ran long is *heavy* for a while, and the queries of
heavy clients share half the workers, one each at a time, round-robin (``fairness.py``); they
start at nice 10 rather than reach it after ``EARLY_FRACTION``, since their clients' queries
are known to be pathological more often than not.

Memory: each worker's data is capped (``QUERY_MEMORY_MB``, ``worker.cap_memory``); a query
past the cap kills its worker, and the client gets a 503 saying so (``MemoryLimitExceeded``)
rather than an unexpected stop, while a fresh worker takes its place.

Every replacement (deadline, refusal, retirement, crash) is started in the background, never
on the request's path, and forks from a *fork server*: one clean process per web process,
started once, that has already imported the worker's code, so that a new worker is ready in
tens of milliseconds (measured: 40 ms) instead of about a second of CPU for a fresh
interpreter — under a stream of pathological queries, replacements are frequent. A new
worker joins the idle ones only once it has opened the store and answered a first job.
"""

from __future__ import annotations

import collections
import logging
import math
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from multiprocessing.context import ForkServerContext, ForkServerProcess
from typing import Any

from cls_kg.graph.errors import MemoryLimitExceeded, QueryTimeout, StoreBusy, StoreError
from cls_kg.graph.store import Store

from . import worker
from .fairness import Fairness

#: "forkserver" rather than "fork": the web process has threads, and a forked copy of a
#: locked mutex never unlocks. The fork server is a fresh single-threaded interpreter (like
#: "spawn"), and forking from it spares each new worker the imports (about 0.8 s of CPU).
CONTEXT: ForkServerContext = multiprocessing.get_context("forkserver")
CONTEXT.set_forkserver_preload([worker.__name__])

#: The niceness of a worker running a long query: the lowest CPU priority.
LOW_PRIORITY = 19

#: The niceness of a client's query past EARLY_FRACTION of the light threshold: a
#: pathological query is only known as such at the threshold, and until then it would take
#: a core from light queries at full priority (at nice 10 it gets about a tenth of a core
#: that light work wants).
MEDIUM_PRIORITY = 10
EARLY_FRACTION = 0.2

#: How long a request waits for a killed worker to be reaped (it is dead within a ms).
REAP_SECONDS = 1.0

#: The first job of a replacement worker, and how long it may take (opening the store).
READY_JOB = worker.Call("ask", ("ASK {}",))
READY_SECONDS = 60.0

#: How long closing an app's pools waits for busy workers to come back (those still busy
#: then are daemon processes: they end with the web process).
CLOSE_SECONDS = 5.0

log = logging.getLogger(__name__)


def seconds(value: float) -> str:
    """A deadline as people read it: 30, 1.5."""
    return f"{value:g}"


class LongQueryRefused(StoreBusy):
    """A query became long while every long-query slot was taken; it was stopped.

    ``detail`` is the light-query threshold in seconds, ``retry_after`` the whole seconds
    until the first running long query reaches its deadline (and frees its slot).
    """

    key = "long-query-busy"

    def __init__(self, detail: str = "", retry_after: int = 1) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Lanes:
    """When a query becomes long, and how many long ones may run at once per pool."""

    light: float = 0.5
    long_slots: int = 1
    #: The cap on each worker's data, in MiB (0: none).
    memory_mb: int = 0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Lanes:
        """The lanes of the service's settings (their defaults when a setting is absent)."""
        return cls(
            float(config.get("QUERY_LIGHT_SECONDS", cls.light)),
            int(config.get("QUERY_LONG_SLOTS", cls.long_slots)),
            int(config.get("QUERY_MEMORY_MB", cls.memory_mb)),
        )


def threads_of(pid: int) -> list[int]:
    """The thread ids of process ``pid`` (empty when it is gone).

    On Linux a niceness belongs to a thread: the process's own id names its main thread only,
    so each task of ``/proc/<pid>/task`` is reniced (the query runs in the main thread; the
    store's helper threads follow).
    """
    try:
        return [int(task) for task in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        return []


def lower_priority(pid: int, level: int = LOW_PRIORITY) -> bool:
    """Renice every thread of process ``pid`` to ``level``; False when not allowed."""
    done = False
    for task in threads_of(pid) or [pid]:
        try:
            os.setpriority(os.PRIO_PROCESS, task, level)
            done = True
        except (PermissionError, ProcessLookupError):
            continue
    return done


def restore_priority(pid: int) -> bool:
    """Give every thread of process ``pid`` the web process's niceness back; False when the
    system refuses (an unprivileged process may lower priorities, not raise them)."""
    tasks = threads_of(pid)
    if not tasks:
        return False
    normal = os.getpriority(os.PRIO_PROCESS, 0)
    try:
        for task in tasks:
            os.setpriority(os.PRIO_PROCESS, task, normal)
    except (PermissionError, ProcessLookupError):
        return False
    return True


class Idle:
    """The idle workers, last in first out; fresh ones join at the bottom."""

    def __init__(self) -> None:
        self.workers: collections.deque[Worker] = collections.deque()
        self.ready = threading.Condition()

    def put(self, worker: Worker, warm: bool = True) -> None:
        """A worker becomes idle: on top when warm (it just answered), else at the bottom."""
        with self.ready:
            if warm:
                self.workers.append(worker)
            else:
                self.workers.appendleft(worker)
            self.ready.notify()

    def get(self, timeout: float | None = None) -> Worker:
        """The warmest idle worker, waiting at most ``timeout`` seconds (queue.Empty)."""
        with self.ready:
            if not self.ready.wait_for(lambda: self.workers, timeout):
                raise queue.Empty
            return self.workers.pop()


def niceness(pid: int) -> int:
    """The niceness of process ``pid`` (of its main thread)."""
    return os.getpriority(os.PRIO_PROCESS, pid)


class Worker:
    """One query process and our end of its pipe."""

    def __init__(self, opener: Callable[[], Store], memory_mb: int = 0) -> None:
        self.memory_mb = memory_mb
        self.conn, child = CONTEXT.Pipe()
        memory = memory_mb << 20 if memory_mb else None
        self.process: ForkServerProcess = CONTEXT.Process(
            target=worker.main, args=(child, opener, memory), name="cls-kg-query", daemon=True
        )
        self.process.start()
        child.close()

    @property
    def pid(self) -> int:
        """The process id."""
        return int(self.process.pid or 0)

    def send(self, job: worker.Job) -> None:
        """Hand the worker a job."""
        try:
            self.conn.send(job)
        except (EOFError, OSError) as error:
            raise self.death(error) from error

    def wait(self, timeout: float) -> worker.Reply | None:
        """The reply of the job sent; None when ``timeout`` seconds passed first."""
        try:
            if not self.conn.poll(max(timeout, 0.0)):
                return None
            reply: worker.Reply = self.conn.recv()
        except (EOFError, OSError) as error:
            raise self.death(error) from error
        return reply

    def death(self, error: BaseException) -> StoreError:
        """What the worker's end means: its memory cap, or an unexpected stop."""
        self.process.join(REAP_SECONDS)  # the pipe closes as it dies: its status follows
        if self.memory_mb and worker.died_of_memory(self.process.exitcode):
            return MemoryLimitExceeded(str(self.memory_mb))
        return StoreError(f"the query process stopped unexpectedly ({error!r})")

    def ask(self, job: worker.Job, timeout: float) -> worker.Reply | None:
        """Send a job and wait for the reply; None when the deadline passed first."""
        self.send(job)
        return self.wait(timeout)

    def kill(self) -> None:
        """Stop the process now (the only way to stop a running query)."""
        self.process.kill()

    def stop(self) -> None:
        """Kill the process now and reap it."""
        self.process.kill()
        self.process.join()
        self.conn.close()


class WorkerPool:
    """A fixed number of workers; each job gets one idle worker for itself.

    ``size`` workers always exist: idle, busy, or being replaced in the background (so
    ``close`` can wait for exactly ``size`` of them).
    """

    def __init__(self, opener: Callable[[], Store], size: int, lanes: Lanes | None = None) -> None:
        self.opener, self.size, self.lanes = opener, size, lanes or Lanes()
        self.idle = Idle()
        self.lock = threading.Lock()
        #: Process id -> deadline (monotonic) of the long queries running now, one per slot.
        self.long: dict[int, float] = {}
        #: The heavy clients and their lane: half the workers (at least one).
        self.fairness = Fairness(max(1, size // 2))
        for _ in range(size):
            self.idle.put(self.new_worker(), warm=False)

    def new_worker(self) -> Worker:
        """A worker under this pool's memory cap."""
        return Worker(self.opener, self.lanes.memory_mb)

    def call(self, job: worker.Job, timeout: float, client: str | None = None) -> Any:
        """Run a job within ``timeout`` seconds; raises what the job raised.

        ``client`` (an address) puts a client's query under the fair shares of heavy work.
        """
        heavy = client is not None and isinstance(job, worker.UserQuery)
        ticket = heavy and self.fairness.admit(str(client))
        try:
            return self.call_now(job, timeout, client if heavy else None, ticket)
        finally:
            if ticket:
                self.fairness.release(str(client))

    def call_now(
        self, job: worker.Job, timeout: float, client: str | None, lowered: bool = False
    ) -> Any:
        """Run a job on the next idle worker; ``client`` is marked heavy if it runs long;
        ``lowered``: at medium priority from the start (a heavy client's query)."""
        try:
            busy = self.idle.get(timeout=timeout)
        except queue.Empty:
            raise StoreBusy(seconds(timeout)) from None
        try:
            reply = self.run(busy, job, timeout, client, lowered)
        except BaseException as error:
            self.replace(busy)  # a crash, a refusal, or this thread interrupted mid-job
            if client is not None and isinstance(error, MemoryLimitExceeded):
                self.fairness.mark(client)  # as heavy as a long query: one at a time
            raise
        status, value = reply
        if status == "error":
            raise value
        return value

    def run(
        self,
        busy: Worker,
        job: worker.Job,
        timeout: float,
        client: str | None = None,
        lowered: bool = False,
    ) -> worker.Reply:
        """The job's reply; the worker goes back to the idle ones, or is retired if reniced."""
        started = time.monotonic()
        reniced = lowered and lower_priority(busy.pid, MEDIUM_PRIORITY)
        busy.send(job)
        light = timeout if isinstance(job, worker.Call) else min(self.lanes.light, timeout)
        early = light * EARLY_FRACTION if light < timeout and not reniced else light
        reply = busy.wait(early)
        if reply is None and early < light:  # not light after all, maybe long: step down
            reniced = lower_priority(busy.pid, MEDIUM_PRIORITY)
            reply = busy.wait(started + light - time.monotonic())
        if reply is not None:
            if reniced:
                self.settle(busy)
            else:
                self.idle.put(busy)
            return reply
        if light < timeout:  # a long query: a slot, or stopped now
            if client is not None:
                self.fairness.mark(client)
            deadline = started + timeout
            self.promote(busy, deadline)
            try:
                reply = busy.wait(deadline - time.monotonic())
            finally:
                self.demote(busy)
        if reply is None:
            raise QueryTimeout(seconds(timeout))
        self.settle(busy)
        return reply

    def settle(self, busy: Worker) -> None:
        """A reniced worker that answered: back to the idle ones with its priority restored,
        or retired when the system refuses (a fresh worker takes its place)."""
        if restore_priority(busy.pid):
            self.idle.put(busy)
        else:
            self.replace(busy)

    def promote(self, busy: Worker, deadline: float) -> None:
        """Give a long query a slot and the lowest priority; raise when no slot is free."""
        with self.lock:
            if len(self.long) >= self.lanes.long_slots:
                wait = min(self.long.values()) - time.monotonic()
                raise LongQueryRefused(seconds(self.lanes.light), max(1, math.ceil(wait)))
            self.long[busy.pid] = deadline
        lower_priority(busy.pid)  # best effort: without it, the slots still cap long queries

    def demote(self, busy: Worker) -> None:
        """Free the slot a long query held."""
        with self.lock:
            del self.long[busy.pid]

    def replace(self, dead: Worker) -> None:
        """Kill a worker now; put a fresh one in its place in the background."""
        dead.kill()
        dead.process.join(REAP_SECONDS)  # dead before the client hears of it (a ms or so)
        threading.Thread(target=self.renew, args=(dead,), name="cls-kg-renew", daemon=True).start()

    def renew(self, dead: Worker) -> None:
        """Reap ``dead`` and start its successor (retried while the system refuses).

        The successor joins the idle workers once it has opened the store and answered a
        first job, so that no request waits for a store being opened while another worker
        is free.
        """
        dead.stop()
        pause = 0.1
        while True:
            try:
                fresh = self.new_worker()
            except OSError as error:  # out of processes or memory: try again a bit later
                log.warning("cannot start a query process (%r); retrying", error)
            else:
                if self.ready(fresh):
                    self.idle.put(fresh, warm=False)
                    return
                fresh.stop()
                log.warning("a new query process did not answer; starting another")
            time.sleep(pause)
            pause = min(pause * 2, 5.0)

    @staticmethod
    def ready(fresh: Worker) -> bool:
        """Whether a new worker answers a trivial job within READY_SECONDS."""
        try:
            return fresh.ask(READY_JOB, READY_SECONDS) is not None
        except StoreError:
            return False

    def close(self, timeout: float | None = None) -> None:
        """Stop every worker, waiting for busy ones to come back first (at most ``timeout``
        seconds in all when given)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for _ in range(self.size):
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                self.idle.get(left).stop()
            except queue.Empty:
                return


class Pools:
    """The pools of one app in this process, one per data folder; a new build there gets a
    new pool. The app owns it (``store.Embedded``) and closes it with ``close``."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pools: dict[tuple[int, Any], tuple[Any, WorkerPool]] = {}

    def get(
        self,
        folder: Any,
        version: Any,
        opener: Callable[[], Store],
        size: int,
        lanes: Lanes | None = None,
    ) -> WorkerPool:
        """The pool serving ``version`` of ``folder``, started on first use in this process.

        ``lanes`` come from the settings (``Lanes.from_config``); the defaults without.
        """
        key = (os.getpid(), folder)  # a forked process never uses its parent's workers
        with self.lock:
            known = self.pools.get(key)
            if known is not None and known[0] == version:
                return known[1]
            pool = WorkerPool(opener, size, lanes)
            self.pools[key] = (version, pool)
        if known is not None:
            threading.Thread(target=known[1].close, daemon=True).start()
        return pool

    def close(self) -> None:
        """Stop the pools this process started (a forked process leaves its parent's alone:
        their pipes are the parent's)."""
        with self.lock:
            mine = [pool for (pid, _), (_, pool) in self.pools.items() if pid == os.getpid()]
            self.pools.clear()
        for pool in mine:
            pool.close(CLOSE_SECONDS)
