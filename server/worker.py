"""The code of a query process: it holds the read-only store and answers one job at a time.

A query in pyoxigraph cannot be interrupted, so each runs here, in a process of its own that
the web process can kill when the deadline passes (see ``pool.py``). Results are serialised
here too, so only bytes cross the pipe.
"""

from __future__ import annotations

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


def perform(store: Store | ClsKgError, job: Job) -> Reply:
    """Run one job; errors of the project travel back to the web process as values."""
    if isinstance(store, ClsKgError):
        return ("error", store)
    try:
        return ("ok", job.run(store))
    except ClsKgError as error:
        return ("error", error)


def main(conn: Connection, opener: Callable[[], Store]) -> None:
    """Open the store, then answer jobs until the pipe closes (the web process went away)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
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
