"""The one way the server reaches the graph: ``get_store()``, and what it serves: ``served()``.

Two backends, chosen by configuration (``STORE_URL``), from the ``BACKENDS`` table:

- ``embedded`` (``STORE_URL`` empty): the version ``current`` points at in the data folder;
  every query runs in a worker process under the configured deadline (``pool.py``);
- ``remote``: a SPARQL 1.1 store a version was pushed to (``cls-kg publish``), through
  ``RemoteStore``; queries run over HTTP from the web process, with the deadline as timeout.

Both apply the safety rules of ``policy.py`` to clients' queries (``worker.UserQuery``), and
cap their results at ``MAX_RESULT_BYTES``; on the embedded store, a client's queries also
take their fair share of the workers (``fairness.py``), by the address of the request.

The app owns its backend (``init_app``, ``state.py``): the embedded one's query pools,
version lookups and manifests belong to one app, and ``state.close(app)`` stops its pools.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from flask import Flask, current_app, has_request_context, request

from cls_kg.graph.datadir import DataDir, VersionFolder, current_version
from cls_kg.graph.remote import RemoteConfig, RemoteStore
from cls_kg.graph.results import Answer
from cls_kg.graph.store import OxigraphStore, QueryRequest, Row, Store

from ..sparql.pool import Lanes, Pools, WorkerPool
from ..sparql.worker import Call, UserQuery
from . import state


class PooledStore(Store):
    """The served store: each call is a job for a worker, stopped at ``timeout`` seconds.

    ``client`` is the address of the request being served (None outside a request).
    """

    def __init__(
        self,
        pool: WorkerPool,
        timeout: float,
        allowlist: tuple[str, ...],
        byte_limit: int | None = None,
        client: str | None = None,
    ) -> None:
        self.pool, self.timeout, self.allowlist = pool, timeout, allowlist
        self.byte_limit, self.client = byte_limit, client

    def answer(self, request: QueryRequest) -> Answer:
        """A client's query, checked against the safety rules, run and serialised."""
        job = UserQuery(capped(request, self.byte_limit), self.allowlist)
        answer: Answer = self.pool.call(job, self.timeout, self.client)
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


def capped(request: QueryRequest, byte_limit: int | None) -> QueryRequest:
    """The request under the service's byte cap, unless it has a tighter one."""
    if byte_limit is None or (request.byte_limit is not None and request.byte_limit < byte_limit):
        return request
    return replace(request, byte_limit=byte_limit)


def byte_limit(config: Mapping[str, Any]) -> int | None:
    """The cap on a result's bytes (None: MAX_RESULT_BYTES is 0, no cap)."""
    return int(config.get("MAX_RESULT_BYTES", 0)) or None


def client_address() -> str | None:
    """The address of the request's client, as the rate limit sees it (after ProxyFix)."""
    return (request.remote_addr or "-") if has_request_context() else None


class DirectStore(Store):
    """A store called from the web process (remote: HTTP has its own deadline), policy first."""

    def __init__(
        self, store: Store, allowlist: tuple[str, ...], byte_limit: int | None = None
    ) -> None:
        self.store, self.allowlist, self.byte_limit = store, allowlist, byte_limit

    def answer(self, request: QueryRequest) -> Answer:
        """A client's query, checked against the safety rules, run and serialised."""
        job = UserQuery(capped(request, self.byte_limit), self.allowlist)
        answer: Answer = job.run(self.store)
        return answer

    def select(self, query: str) -> list[Row]:
        """Run a SELECT query of the service itself."""
        return self.store.select(query)

    def ask(self, query: str) -> bool:
        """Run an ASK query of the service itself."""
        return self.store.ask(query)

    def __len__(self) -> int:
        """Number of quads served."""
        return len(self.store)

    def graph_names(self) -> list[str]:
        """The named graphs served."""
        return self.store.graph_names()


@dataclass(frozen=True)
class Served:
    """The version served now: a key that changes with it, its folder and its manifest.

    On the remote backend the folder is where this host would keep that version's build
    (its dumps are served from there when it has them); the manifest comes from the store.
    """

    key: str
    folder: Path
    manifest: Mapping[str, Any] = field(compare=False)


class Backend(ABC):
    """Where the served dataset lives; one per app, with what it keeps (its state)."""

    NAME: ClassVar[str] = "store"

    @abstractmethod
    def store(self, config: Mapping[str, Any]) -> Store:
        """The store answering this request."""

    @abstractmethod
    def served(self, config: Mapping[str, Any]) -> Served:
        """The version served now."""

    @abstractmethod
    def close(self) -> None:
        """Release what this backend started (the app's ``state.close``)."""


class Embedded(Backend):
    """The version ``current`` points at, in worker processes holding the embedded store."""

    #: Manifests kept (a new build is a new folder).
    MANIFESTS = 8

    def __init__(self) -> None:
        self.versions = Versions()
        self.pools = Pools()
        self.manifests: state.Recent[Path, Mapping[str, Any]] = state.Recent(self.MANIFESTS)

    def store(self, config: Mapping[str, Any]) -> Store:
        """The pooled store of the current version."""
        version = self.versions.get(config["DATA_DIR"])
        opener = partial(OxigraphStore.open_read_only, VersionFolder(version).store)
        lanes = Lanes.from_config(config)
        pool = self.pools.get(config["DATA_DIR"], version, opener, config["QUERY_WORKERS"], lanes)
        return PooledStore(
            pool,
            config["QUERY_TIMEOUT"],
            config["SERVICE_ALLOWLIST"],
            byte_limit(config),
            client_address(),
        )

    def served(self, config: Mapping[str, Any]) -> Served:
        """The folder ``current`` points at, and its manifest."""
        folder = self.versions.get(config["DATA_DIR"])
        return Served(
            str(folder), folder, self.manifests.get(folder, VersionFolder(folder).manifest)
        )

    def close(self) -> None:
        """Stop the query processes of this app."""
        self.pools.close()


def remote_config(config: Mapping[str, Any]) -> RemoteConfig:
    """The remote store's settings, from the app's."""
    return RemoteConfig.from_url(
        config["STORE_URL"],
        user=config["STORE_USER"],
        password=config["STORE_PASSWORD"],
        auth=config["STORE_AUTH"],
        engine=config["STORE_ENGINE"],
        timeout=config["QUERY_TIMEOUT"],
    )


class Remote(Backend):
    """A remote SPARQL 1.1 store; one RemoteStore per configuration, shared by the requests."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stores: dict[RemoteConfig, RemoteStore] = {}

    def remote(self, config: Mapping[str, Any]) -> RemoteStore:
        """The RemoteStore of this configuration (it caches the pointer for a second)."""
        settings = remote_config(config)
        with self.lock:
            return self.stores.setdefault(settings, RemoteStore(settings))

    def store(self, config: Mapping[str, Any]) -> Store:
        """The remote store, behind the safety rules."""
        return DirectStore(self.remote(config), config["SERVICE_ALLOWLIST"], byte_limit(config))

    def served(self, config: Mapping[str, Any]) -> Served:
        """The version the store's pointer names, and the manifest pushed with it."""
        remote = self.remote(config)
        publication = remote.publication()
        folder = DataDir(Path(config["DATA_DIR"])).version(publication.version).folder
        key = f"{remote.config.query_url}#{publication.version}"  # one per store and version
        return Served(key, folder, publication.manifest)

    def close(self) -> None:
        """Forget the stores (they hold no connection between requests)."""
        with self.lock:
            self.stores.clear()


#: Backend name -> backend; ``backend_name`` picks one from the configuration.
BACKENDS: dict[str, type[Backend]] = {"embedded": Embedded, "remote": Remote}


def backend_name(config: Mapping[str, Any]) -> str:
    """``remote`` when a store URL is configured, else ``embedded``."""
    return "remote" if config.get("STORE_URL") else "embedded"


def init_app(app: Flask) -> None:
    """Give the app its backend (no process starts before the first query, or ``warm``)."""
    state.register(app, BACKENDS[backend_name(app.config)]())


def backend() -> Backend:
    """The backend of the current app."""
    return state.of(Backend)  # type: ignore[type-abstract]  # its subclasses: mypy issue 4717


def get_store() -> Store:
    """The store of the current app, on the version served now."""
    return backend().store(current_app.config)


def served() -> Served:
    """The version the current app serves now."""
    return backend().served(current_app.config)


def warm(app: Flask) -> None:
    """Start the workers before the first request (gunicorn calls this in each web process)."""
    with app.app_context():
        if backend_name(app.config) == "embedded":
            get_store()
