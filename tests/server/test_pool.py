"""The worker pool: deadlines kill the work, errors travel back, dead workers are replaced."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from cls_kg.graph.errors import QuerySyntaxError, QueryTimeout, StoreBusy, StoreError
from cls_kg.graph.results import BINDINGS
from cls_kg.graph.store import OxigraphStore, QueryRequest
from cls_kg.server.pool import WorkerPool
from cls_kg.server.worker import Call, UserQuery

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
