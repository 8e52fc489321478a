"""A small pool of query processes, so that a query past its deadline can really be stopped.

pyoxigraph's ``Store.query`` has no timeout and Rust code cannot be interrupted from a Python
thread. Each worker process opens the read-only store once; the web process sends it a job
over a pipe and waits at most the deadline. Past it, the worker is killed (SIGKILL: the work
stops at once), a fresh one is started in its place, and the client gets a 503. Other
requests meanwhile go to the other workers. The pipe round trip costs tens of microseconds.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from collections.abc import Callable
from multiprocessing.context import SpawnContext, SpawnProcess
from typing import Any

from cls_kg.graph.errors import QueryTimeout, StoreBusy, StoreError
from cls_kg.graph.store import Store

from . import worker

#: "spawn" rather than "fork": the web process has threads, and a forked copy of a locked
#: mutex never unlocks; a spawned worker starts clean.
CONTEXT: SpawnContext = multiprocessing.get_context("spawn")


def seconds(value: float) -> str:
    """A deadline as people read it: 30, 1.5."""
    return f"{value:g}"


class Worker:
    """One query process and our end of its pipe."""

    def __init__(self, opener: Callable[[], Store]) -> None:
        self.conn, child = CONTEXT.Pipe()
        self.process: SpawnProcess = CONTEXT.Process(
            target=worker.main, args=(child, opener), name="cls-kg-query", daemon=True
        )
        self.process.start()
        child.close()

    def ask(self, job: worker.Job, timeout: float) -> worker.Reply | None:
        """Send a job and wait for the reply; None when the deadline passed first."""
        try:
            self.conn.send(job)
            if not self.conn.poll(timeout):
                return None
            reply: worker.Reply = self.conn.recv()
        except (EOFError, OSError) as error:
            raise StoreError(f"the query process stopped unexpectedly ({error!r})") from error
        return reply

    def stop(self) -> None:
        """Kill the process now (the only way to stop a running query) and reap it."""
        self.process.kill()
        self.process.join()
        self.conn.close()


class WorkerPool:
    """A fixed number of workers; each job gets one idle worker for itself."""

    def __init__(self, opener: Callable[[], Store], size: int) -> None:
        self.opener, self.size = opener, size
        self.idle: queue.SimpleQueue[Worker] = queue.SimpleQueue()
        for _ in range(size):
            self.idle.put(Worker(opener))

    def call(self, job: worker.Job, timeout: float) -> Any:
        """Run a job within ``timeout`` seconds; raises what the job raised."""
        try:
            busy = self.idle.get(timeout=timeout)
        except queue.Empty:
            raise StoreBusy(seconds(timeout)) from None
        try:
            reply = busy.ask(job, timeout)
        except StoreError:
            self.replace(busy)
            raise
        if reply is None:
            self.replace(busy)
            raise QueryTimeout(seconds(timeout))
        self.idle.put(busy)
        status, value = reply
        if status == "error":
            raise value
        return value

    def replace(self, dead: Worker) -> None:
        """Stop a worker and put a fresh one in its place."""
        dead.stop()
        self.idle.put(Worker(self.opener))

    def close(self) -> None:
        """Stop every worker, waiting for busy ones to come back first."""
        for _ in range(self.size):
            self.idle.get().stop()


class Pools:
    """The pools of this process, one per data folder; a new build there gets a new pool."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pools: dict[tuple[int, Any], tuple[Any, WorkerPool]] = {}

    def get(self, folder: Any, version: Any, opener: Callable[[], Store], size: int) -> WorkerPool:
        """The pool serving ``version`` of ``folder``, started on first use in this process."""
        key = (os.getpid(), folder)  # a forked process never uses its parent's workers
        with self.lock:
            known = self.pools.get(key)
            if known is not None and known[0] == version:
                return known[1]
            pool = WorkerPool(opener, size)
            self.pools[key] = (version, pool)
        if known is not None:
            threading.Thread(target=known[1].close, daemon=True).start()
        return pool


POOLS = Pools()
