"""Per-process state belongs to the app: two apps share nothing, and closing one stops its
query processes (``server/core/state.py``)."""

from __future__ import annotations

import gc
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask

from cls_kg.server import create_app
from cls_kg.server.core import state
from cls_kg.server.core.published import Published
from cls_kg.server.core.ratelimit import TokenBuckets
from cls_kg.server.core.store import Embedded, PooledStore, get_store
from cls_kg.server.pages.landing import Figures
from cls_kg.server.pages.ontology_doc import Kept
from cls_kg.server.pages.pagecache import PageCache
from cls_kg.server.pages.search import Indexes
from cls_kg.server.sparql.pool import WorkerPool
from cls_kg.server.wsgi import serve

from ..support.apps import TEST_SETTINGS

#: Every kind of state an app holds with these settings.
KINDS: tuple[type[Any], ...] = (
    Embedded,
    Published,
    TokenBuckets,
    Indexes,
    PageCache,
    Figures,
    Kept,
)
SETTINGS = {**TEST_SETTINGS, "QUERY_WORKERS": 1, "RATE_LIMIT": 60, "PAGE_CACHE_BYTES": 1 << 20}


def pool_of(app: Flask) -> WorkerPool:
    """The query pool serving ``app`` now (started by this first query)."""
    with app.app_context():
        store = get_store()
    assert isinstance(store, PooledStore)
    return store.pool


def alive(pool: WorkerPool) -> list[bool]:
    """Whether each idle worker of a pool still runs."""
    return [worker.process.is_alive() for worker in pool.idle.workers]


@pytest.fixture
def app(protocol_data_dir: Path) -> Flask:
    """An app of its own on the protocol dataset."""
    return create_app({**SETTINGS, "DATA_DIR": protocol_data_dir})


def test_two_apps_share_no_state(protocol_data_dir: Path, app: Flask) -> None:
    other = create_app({**SETTINGS, "DATA_DIR": protocol_data_dir})
    for kind in KINDS:
        mine, theirs = state.find(kind, app), state.find(kind, other)
        assert mine is not None and theirs is not None and mine is not theirs, kind
    assert pool_of(app) is not pool_of(other)
    state.close(other)


def test_no_query_process_before_the_first_query(app: Flask) -> None:
    backend = state.of(Embedded, app)
    assert not backend.pools.pools


def test_close_stops_the_query_processes(app: Flask) -> None:
    pool = pool_of(app)
    assert alive(pool) == [True]
    workers = list(pool.idle.workers)
    state.close(app)
    assert not any(worker.process.is_alive() for worker in workers)
    state.close(app)  # twice is harmless


def started_and_dropped(data_dir: Path) -> list[Any]:
    """The workers of an app that is then dropped without being closed."""
    app = create_app({**SETTINGS, "DATA_DIR": data_dir})
    return list(pool_of(app).idle.workers)


def test_a_collected_app_stops_its_query_processes(protocol_data_dir: Path) -> None:
    workers = started_and_dropped(protocol_data_dir)
    gc.collect()
    assert not any(worker.process.is_alive() for worker in workers)


def test_gunicorn_closes_the_app_of_an_exiting_web_process(app: Flask) -> None:
    workers = list(pool_of(app).idle.workers)
    serve.worker_exit(None, SimpleNamespace(wsgi=app))
    assert not any(worker.process.is_alive() for worker in workers)
    serve.worker_exit(None, SimpleNamespace())  # the master's record of a reaped worker
