"""The one way the server reaches the graph: ``get_store()``.

The store it returns runs every query in a worker process under the configured deadline
(``pool.py``) and applies the safety rules of ``policy.py`` to clients' queries.
"""

from __future__ import annotations

import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from cls_kg.graph.build import current_version
from cls_kg.graph.results import Answer
from cls_kg.graph.store import OxigraphStore, QueryRequest, Row, Store

from .pool import POOLS, WorkerPool
from .worker import Call, UserQuery


class PooledStore(Store):
    """The served store: each call is a job for a worker, stopped at ``timeout`` seconds."""

    def __init__(self, pool: WorkerPool, timeout: float, allowlist: tuple[str, ...]) -> None:
        self.pool, self.timeout, self.allowlist = pool, timeout, allowlist

    def answer(self, request: QueryRequest) -> Answer:
        """A client's query, checked against the safety rules, run and serialised."""
        answer: Answer = self.pool.call(UserQuery(request, self.allowlist), self.timeout)
        return answer

    def call(self, method: str, *args: Any) -> Any:
        """One of the plain Store methods, in a worker."""
        return self.pool.call(Call(method, args), self.timeout)

    def select(self, query: str) -> list[Row]:
        """Run a SELECT query of the service itself."""
        rows: list[Row] = self.call("select", query)
        return rows

    def ask(self, query: str) -> bool:
        """Run an ASK query of the service itself."""
        return bool(self.call("ask", query))

    def __len__(self) -> int:
        """Number of quads served."""
        return int(self.call("__len__"))


class Versions:
    """Which version each data folder serves, looked up at most once a second.

    Resolving the ``current`` symlink costs a few system calls; on every request that is a
    tenth of a millisecond for nothing. A new build is picked up within a second.
    """

    TTL = 1.0

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: dict[Path, tuple[float, Path]] = {}

    def get(self, data_dir: Path) -> Path:
        """The version folder ``current`` points at (at most TTL seconds ago)."""
        now = time.monotonic()
        with self.lock:
            known = self.seen.get(data_dir)
        if known is not None and now - known[0] < self.TTL:
            return known[1]
        version = current_version(data_dir)
        with self.lock:
            self.seen[data_dir] = (now, version)
        return version


VERSIONS = Versions()


def get_store() -> PooledStore:
    """The store of the current app, on the version ``current`` points at now."""
    config = current_app.config
    version = VERSIONS.get(config["DATA_DIR"])
    opener = partial(OxigraphStore.open_read_only, version / "store")
    pool = POOLS.get(config["DATA_DIR"], version, opener, config["QUERY_WORKERS"])
    return PooledStore(pool, config["QUERY_TIMEOUT"], config["SERVICE_ALLOWLIST"])


def warm(app: Flask) -> None:
    """Start the workers before the first request (gunicorn calls this in each web process)."""
    with app.app_context():
        get_store()
