"""The worker pool: deadlines kill the work, errors travel back, dead workers are replaced."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import cast

import pytest

from cls_kg.graph.errors import (
    MemoryLimitExceeded,
    QuerySyntaxError,
    QueryTimeout,
    StoreBusy,
    StoreError,
)
from cls_kg.graph.results import BINDINGS
from cls_kg.graph.store import OxigraphStore, QueryRequest
from cls_kg.server.core.config import MIN_QUERY_MEMORY_MB
from cls_kg.server.sparql.pool import Lanes, Worker, WorkerPool
from cls_kg.server.sparql.worker import Call, Job, UserQuery

from .test_safety import PATHOLOGICAL


@pytest.fixture(scope="module")
def pool(protocol_data_dir: Path) -> Iterator[WorkerPool]:
    """A pool of one worker on the protocol store."""
    opener = partial(OxigraphStore.open_read_only, protocol_data_dir / "current" / "store")
    started = WorkerPool(opener, 1)
    yield started
    started.close()


def query(text: str) -> UserQuery:
    """A client's query, JSON results."""
    return UserQuery(QueryRequest(text, {BINDINGS: "json"}), ())


def test_answers_and_errors_travel_back(pool: WorkerPool) -> None:
    assert pool.call(Call("__len__"), 30) == 6
    assert pool.call(query("SELECT * { ?s ?p ?o } LIMIT 1"), 30).rows == 1
    with pytest.raises(QuerySyntaxError):
        pool.call(query("SELECT"), 30)


def test_timeout_kills_the_worker_and_replaces_it(pool: WorkerPool) -> None:
    before = pool.idle.get()
    pool.idle.put(before)
    with pytest.raises(QueryTimeout) as stopped:
        pool.call(query(PATHOLOGICAL), 0.5)
    assert stopped.value.detail == "0.5"
    assert not before.process.is_alive()
    assert pool.call(Call("ask", ("ASK {}",)), 30) is True


def heavy_query(pool: WorkerPool, seconds: float) -> None:
    """Keep the pool's worker busy until the deadline kills the query."""
    with pytest.raises(QueryTimeout):
        pool.call(query(PATHOLOGICAL), seconds)


def test_busy_pool_answers_503_rather_than_queue_forever(pool: WorkerPool) -> None:
    heavy = threading.Thread(target=heavy_query, args=(pool, 1.5))
    heavy.start()
    threading.Event().wait(0.3)
    with pytest.raises(StoreBusy):
        pool.call(Call("__len__"), 0.3)
    heavy.join()


def test_a_crashed_worker_is_replaced(pool: WorkerPool) -> None:
    with pytest.raises(StoreError, match="stopped unexpectedly"):
        pool.call(Call("no_such_method"), 30)
    assert pool.call(Call("__len__"), 30) == 6


def test_a_store_that_cannot_open_answers_every_job(tmp_path: Path) -> None:
    broken = WorkerPool(partial(OxigraphStore.open_read_only, tmp_path / "missing"), 1)
    try:
        with pytest.raises(StoreError, match="cannot open"):
            broken.call(Call("__len__"), 30)
    finally:
        broken.close()


#: A chain of doublings from a 1 KiB string: 21 of them make 2 GiB (issue 13, item 2).
DOUBLINGS = "\n".join(
    [f'BIND("{"a" * 1024}" AS ?x0)']
    + [f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(21)]
)
MEMORY_BOMB = f"SELECT (STRLEN(?x21) AS ?n) WHERE {{\n{DOUBLINGS}\n}}"


@dataclass(frozen=True)
class Die:
    """A job that ends its process: a Python allocation too large, a signal, or an abort."""

    how: str

    def run(self, store: object) -> None:
        """Die as told."""
        if self.how == "allocate":
            bytearray(1 << 40)
        elif self.how == "abort":
            os.abort()
        else:
            os.kill(os.getpid(), signal.SIGSEGV)


@pytest.fixture(scope="module")
def capped_pool(protocol_data_dir: Path) -> Iterator[WorkerPool]:
    """A pool of one worker under the smallest memory cap the settings allow."""
    opener = partial(OxigraphStore.open_read_only, protocol_data_dir / "current" / "store")
    started = WorkerPool(opener, 1, Lanes(light=30, memory_mb=MIN_QUERY_MEMORY_MB))
    yield started
    started.close()


def worker_of(pool: WorkerPool) -> Worker:
    """The pool's idle worker (put back)."""
    worker = pool.idle.get(timeout=30)
    pool.idle.put(worker)
    return worker


def test_a_query_past_the_memory_cap_is_stopped_with_the_designed_error(
    capped_pool: WorkerPool,
) -> None:
    before = worker_of(capped_pool)
    with pytest.raises(MemoryLimitExceeded) as stopped:
        capped_pool.call(query(MEMORY_BOMB), 60, client="10.2.2.2")
    assert stopped.value.detail == str(MIN_QUERY_MEMORY_MB)
    assert "10.2.2.2" in capped_pool.fairness.heavy  # its next queries: one at a time
    assert not before.process.is_alive()
    assert capped_pool.call(query("SELECT * { ?s ?p ?o } LIMIT 1"), 30).rows == 1
    assert worker_of(capped_pool) is not before


@pytest.mark.parametrize(("how", "error"), [("allocate", "memory"), ("abort", "memory")])
def test_python_and_rust_allocation_failures_are_the_memory_cap(
    capped_pool: WorkerPool, how: str, error: str
) -> None:
    with pytest.raises(MemoryLimitExceeded):
        capped_pool.call(cast(Job, Die(how)), 30)
    assert capped_pool.call(Call("__len__"), 30) == 6


def test_other_deaths_are_not_mistaken_for_the_memory_cap(
    capped_pool: WorkerPool, pool: WorkerPool
) -> None:
    with pytest.raises(StoreError, match="stopped unexpectedly") as crash:
        capped_pool.call(cast(Job, Die("segfault")), 30)
    assert not isinstance(crash.value, MemoryLimitExceeded)
    with pytest.raises(StoreError, match="stopped unexpectedly") as uncapped:
        pool.call(cast(Job, Die("abort")), 30)  # no cap: an abort is a crash
    assert not isinstance(uncapped.value, MemoryLimitExceeded)
    assert pool.call(Call("__len__"), 30) == 6
