"""The code of a query process: it holds the read-only store and answers one job at a time.

A query in pyoxigraph cannot be interrupted, so each runs here, in a process of its own that
the web process can kill when the deadline passes (see ``pool.py``). Results are serialised
here too, so only bytes cross the pipe.

The process's memory is capped (``RLIMIT_DATA``: its heap and private writable mappings, not
the store's files, which RocksDB reads rather than maps, nor reserved address space). A query
past the cap dies: Rust aborts on a failed allocation (SIGABRT), and a ``MemoryError`` of
Python ends the process with ``MEMORY_EXIT``; the pool recognises both (``died_of_memory``)
and answers the designed message, then starts a fresh process.
"""

from __future__ import annotations

import os
import resource
import signal
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from typing import Any

from cls_kg.graph.errors import ClsKgError, FederationError, QuerySyntaxError
from cls_kg.graph.federation import inline_services, service_blocks
from cls_kg.graph.store import QueryRequest, Store

from . import policy


@dataclass(frozen=True)
class Call:
    """A plain method of the store, for the service's own queries (service description ...)."""

    method: str
    args: tuple[Any, ...] = ()

    def run(self, store: Store) -> Any:
        """Call the method."""
        return getattr(store, self.method)(*self.args)


@dataclass(frozen=True)
class UserQuery:
    """A client's query: the safety rules first, then the store's answer."""

    request: QueryRequest
    allowlist: tuple[str, ...]
    service_timeout: float = 30.0

    def run(self, store: Store) -> Any:
        """Check, run and serialise; an update that fails to parse is refused as an update."""
        policy.check(self.request.query, self.allowlist)
        request = self.federated() if policy.mentions_service(self.request.query) else self.request
        try:
            return store.answer(request)
        except QuerySyntaxError as error:
            raise policy.explain(error, self.request.query) from error

    def federated(self) -> QueryRequest:
        """The request with its (allowed) SERVICE blocks already run through SPARQLWrapper."""
        query = policy.unescape(self.request.query)  # section 19.2: escapes come first
        inlined = inline_services(query, self.service_timeout, self.request.row_limit)
        if service_blocks(inlined):  # pyoxigraph must never call out itself
            raise FederationError("service-unparsable", "SERVICE")
        return replace(self.request, query=inlined)


Job = Call | UserQuery
Reply = tuple[str, Any]

#: The exit status of a query process that ran out of memory in Python code.
MEMORY_EXIT = 75

#: How a query process that hit its memory cap ends: Rust's allocation failure aborts.
MEMORY_DEATHS = (MEMORY_EXIT, -signal.SIGABRT)


def died_of_memory(exitcode: int | None) -> bool:
    """Whether a query process's exit status is the one of a failed allocation."""
    return exitcode in MEMORY_DEATHS


def cap_memory(limit: int | None) -> None:
    """Cap this process's data segment at ``limit`` bytes (None: no cap)."""
    if limit is None:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def perform(store: Store | ClsKgError, job: Job) -> Reply:
    """Run one job; errors of the project travel back to the web process as values."""
    if isinstance(store, ClsKgError):
        return ("error", store)
    try:
        return ("ok", job.run(store))
    except ClsKgError as error:
        return ("error", error)


def main(conn: Connection, opener: Callable[[], Store], memory: int | None = None) -> None:
    """Open the store, then answer jobs until the pipe closes (the web process went away);
    ``memory`` caps the process's data in bytes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    cap_memory(memory)
    try:
        serve(conn, opener)
    except MemoryError:
        os._exit(MEMORY_EXIT)  # nothing can be trusted to allocate now: no clean-up


def serve(conn: Connection, opener: Callable[[], Store]) -> None:
    """Open the store, then answer jobs until the pipe closes."""
    try:
        store: Store | ClsKgError = opener()
    except ClsKgError as error:
        store = error  # answer every job with the reason, rather than die and respawn
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        conn.send(perform(store, job))
