"""Step 4 of the flow, scaled out: the store is a remote SPARQL 1.1 endpoint.

``RemoteStore`` implements ``Store`` over the SPARQL 1.1 Protocol with SPARQLWrapper, so the
service runs unchanged on an existing engine (Oxigraph server, Virtuoso, Fuseki ...).

What it reads is what ``cls-kg publish`` (``push.py``) switched to: the pointer graph
``urn:cls-kg:publication`` names the current version, its manifest and its live named graphs.
Every query without a dataset of its own is sent with those graphs as ``default-graph-uri``
(their union is the default graph, as on the embedded store) and ``named-graph-uri``, so the
parked copies of other versions and the pointer itself stay out of sight.

Engines differ; the differences are handled here, from the ``ENGINES`` table, never in the
routes: which result formats are passed through as the engine wrote them (the others are
parsed with pyoxigraph and written by ``results.py``, as on the embedded store, which also
keeps the row cap and its announcement), how DESCRIBE is asked for so its shape is the
concise bounded description everywhere, how the engine's error bodies read, how it writes
blank nodes. Connection failures become ``StoreUnavailable`` (a 503); nothing is cached
after a failure, so the service recovers as soon as the store answers again.
"""

from __future__ import annotations

import ast
import http.client
import json
import logging
import re
import threading
import time
import urllib.error
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox
from SPARQLWrapper import BASIC, DIGEST, POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from . import queries, scan
from .errors import (
    ClsKgError,
    ConfigError,
    NoPublication,
    NotAcceptable,
    QueryEvaluationError,
    QuerySyntaxError,
    QueryTimeout,
    StoreUnavailable,
)
from .results import BINDINGS, BOOLEAN, FORMATS, GRAPH, Answer, capped
from .store import WRITERS, QueryRequest, Row, Store, graph_name, to_rdflib

LOG = logging.getLogger(__name__)

#: The named graph that says which version is served (written by ``push.py`` only).
POINTER_GRAPH = "urn:cls-kg:publication"
#: Where the content of a graph that is not live is kept: the prefix, then its digest.
PARKED_PREFIX = "urn:cls-kg:parked:"
#: Bytes of an error body kept for the message (engines may echo a whole update).
MESSAGE_BYTES = 1000
#: Seconds a reader waits before looking again while a switch is under way.
SWITCH_WAIT = 0.05
#: Seconds the pointer is trusted before it is read again (a publication shows within this).
POINTER_TTL = 1.0

#: The query forms the service runs (SPARQL 1.1 Query, section 16) and their kind of result.
FORMS: dict[str, str] = {
    "SELECT": BINDINGS,
    "ASK": BOOLEAN,
    "CONSTRUCT": GRAPH,
    "DESCRIBE": GRAPH,
}

#: Media types pyoxigraph reads back: results of SELECT/ASK, then graphs.
RESULT_PARSERS: dict[str, Any] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_PARSERS: dict[str, Any] = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,  # N-Triples' media type before RDF 1.1
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
_ABSOLUTE_IRI = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]*:")

AUTH_SCHEMES = {"basic": BASIC, "digest": DIGEST}


def identity(body: bytes) -> bytes:
    """A body that needs no repair."""
    return body


def plain_message(text: str) -> str:
    """An engine's error body, as it is."""
    return text.strip()


@dataclass(frozen=True)
class Engine:
    """How one engine speaks: what is passed through, what is asked, how errors read."""

    name: str
    #: Client formats whose bytes are sent on as the engine wrote them (when under the cap).
    passthrough: frozenset[str] = frozenset()
    #: Media type asked for each kind of result when the client's format is not passed through.
    transport: Mapping[str, str] = field(
        default_factory=lambda: {
            BINDINGS: "application/sparql-results+json",
            BOOLEAN: "application/sparql-results+json",
            GRAPH: "application/n-triples",
        }
    )
    #: Written before every query (engine pragmas), before a DESCRIBE only, before updates.
    pragma: str = ""
    describe_pragma: str = ""
    update_pragma: str = ""
    #: Fixes the engine's SELECT/ASK transport body so pyoxigraph reads it.
    repair: Callable[[bytes], bytes] = identity
    #: The engine's own message, out of its error body.
    message: Callable[[str], str] = plain_message
    #: Response header by which the engine says a result is partial (then: a timeout).
    partial_header: str | None = None
    #: Query parameter of a non-transactional bulk load (Graph Store Protocol POST).
    bulk_load: str | None = None
    #: Media type of graphs sent through the Graph Store Protocol.
    upload_type: str = "text/turtle"
    #: Triples per INSERT DATA request when loading without the Graph Store Protocol.
    insert_lines: int = 20_000
    #: Whether readers see an update request all at once (else: checked around each query).
    isolated: bool = True


def virtuoso_repair(body: bytes) -> bytes:
    """Virtuoso's SPARQL JSON, made standard: ``nodeID://`` blank nodes, ``typed-literal``."""
    document = json.loads(body)
    for binding in document.get("results", {}).get("bindings", []):
        for term in binding.values():
            if term.get("type") == "bnode":
                term["value"] = term["value"].removeprefix("nodeID://")
            elif term.get("type") == "typed-literal":
                term["type"] = "literal"
    return json.dumps(document).encode()


_VIRTUOSO_ERROR = re.compile(r"^Virtuoso \w+ Error \w+: ", re.M)


def virtuoso_message(text: str) -> str:
    """Virtuoso's error body without its error codes and the echo of the query."""
    return _VIRTUOSO_ERROR.sub("", text.split("\n\nSPARQL query:", 1)[0]).strip()


#: The engines told apart, by name (``CLS_KG_STORE_ENGINE``) or by their ``Server`` header.
ENGINES: dict[str, Engine] = {
    "generic": Engine("generic", isolated=False),  # unknown: assume the worst
    # Oxigraph's JSON, XML and N-Triples writers are the embedded store's own; its TSV writes
    # typed negative integers bare, so TSV (and the prefixed formats) go through results.py.
    "oxigraph": Engine(
        "oxigraph",
        passthrough=frozenset({"json", "xml", "ntriples"}),
        bulk_load="no_transaction",
        upload_type="application/n-triples",
    ),
    # Virtuoso: old-style JSON terms, a DESCRIBE of outgoing triples only unless told, its
    # "anytime" partial results flagged by a header, TSV that is not SPARQL's TSV.
    "virtuoso": Engine(
        "virtuoso",
        # Its cost-based join order loses solutions of FILTER(!BOUND(?v) || EXISTS {...}) with
        # ?v from VALUES (landing filters: measured on 7.2.5); written order is right. Its
        # endpoint reads uncommitted quads: a reader would see a publication half done.
        pragma=(
            'DEFINE sql:select-option "order" DEFINE sql:table-option "isolation read committed" '
        ),
        describe_pragma='DEFINE sql:describe-mode "CBD" ',
        # Without it, large updates commit row by row: readers would see a switch half done.
        update_pragma="DEFINE sql:log-enable 1 ",
        repair=virtuoso_repair,
        message=virtuoso_message,
        partial_header="X-SQL-State",
        insert_lines=1_000,  # its SQL compiler stops at 10,000 lines per request
        isolated=False,  # a commit shows row by row (measured: tests/remote/test_publish.py)
    ),
}
#: ``Server`` header prefix -> engine, for ``CLS_KG_STORE_ENGINE=auto``.
SERVER_HEADERS: dict[str, str] = {"oxigraph/": "oxigraph", "virtuoso/": "virtuoso"}


@dataclass(frozen=True)
class RemoteConfig:
    """Where the remote store answers, who we are there, how long we wait."""

    query_url: str
    update_url: str | None = None
    graph_store_url: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    auth: str = "basic"
    timeout: float = 30.0
    engine: str = "auto"

    @classmethod
    def from_url(cls, url: str, **options: Any) -> RemoteConfig:
        """A configuration from a URL; ``user:password@`` in it is used unless given apart."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"a remote store URL must be http(s)://host/...: {url!r}")
        netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
        clean = urlunsplit(parts._replace(netloc=netloc))
        given = {key: value for key, value in options.items() if value not in (None, "")}
        config = cls(clean, user=parts.username, password=parts.password)
        return replace(config, **given).checked()

    def checked(self) -> RemoteConfig:
        """Refuse unknown engines and authentication schemes, naming the setting."""
        if self.engine != "auto" and self.engine not in ENGINES:
            raise ConfigError(f"STORE_ENGINE must be auto or one of {sorted(ENGINES)}")
        if self.auth not in AUTH_SCHEMES:
            raise ConfigError(f"STORE_AUTH must be one of {sorted(AUTH_SCHEMES)}")
        return self


@dataclass(frozen=True)
class Publication:
    """The version the remote store serves: its id, its manifest and its live graphs."""

    version: str
    manifest: dict[str, Any]
    graphs: tuple[str, ...]


T = TypeVar("T")

#: A dataset as sent: (default-graph-uri, named-graph-uri); None sends neither.
Graphs = tuple[tuple[str, ...], tuple[str, ...]] | None


def query_form(query: str) -> str:
    """The form of a query (SELECT ...); anything else is refused before it leaves."""
    form = scan.first_keyword(query)
    if form not in FORMS:
        raise QuerySyntaxError(
            f"expected SELECT, CONSTRUCT, ASK or DESCRIBE after the prologue, found {form}"
        )
    return form


def with_base(query: str, base_iri: str | None) -> str:
    """The query with a BASE when it has relative IRIs (same line: error positions hold)."""
    if base_iri is None:
        return query
    relative = any(
        token.kind == "iri" and not _ABSOLUTE_IRI.match(token.text) for token in scan.tokens(query)
    )
    return f"BASE <{base_iri}> {query}" if relative else query


def fits(parsed: Any, limit: int | None) -> int | None:
    """How many rows or triples a result has; None when it goes past the cap."""
    kept, cut = capped(parsed, limit)
    return None if cut else len(kept)


def media_of(content_type: str | None, asked: str) -> str:
    """The media type of a response, without parameters; the one asked when none is said."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media or asked


class RemoteStore(Store):
    """A remote SPARQL 1.1 endpoint holding versions pushed by ``cls-kg publish``."""

    def __init__(self, config: RemoteConfig) -> None:
        self.config = config
        self.engine = ENGINES.get(config.engine, ENGINES["generic"])
        self.detected = config.engine != "auto"
        self.lock = threading.Lock()
        self.pointer: tuple[float, Publication] | None = None

    # --- the Store interface ----------------------------------------------------------------

    def select(self, query: str) -> list[Row]:
        """Run a SELECT query of the service on the served version."""
        return self.consistent(lambda: self.rows(query, self.live()))

    def ask(self, query: str) -> bool:
        """Run an ASK query of the service on the served version."""
        return self.consistent(lambda: self.ask_on(query, self.live()))

    def __len__(self) -> int:
        """Number of quads in the served version's graphs."""
        rows = self.select(queries.load("count-quads"))
        return int(str(rows[0]["quads"])) if rows else 0

    def answer(self, request: QueryRequest) -> Answer:
        """Run a client's query on its dataset, never during a switch the engine shows half."""
        form = query_form(request.query)  # refused here, before anything leaves
        fmt = request.formats.get(FORMS[form])
        if fmt is None:
            raise NotAcceptable(FORMS[form])
        return self.consistent(lambda: self.answer_now(request, form, fmt))

    def answer_now(self, request: QueryRequest, form: str, fmt: str) -> Answer:
        """Run a client's query on its dataset; pass the engine's bytes on where they are fit."""
        kind = FORMS[form]
        direct = fmt in self.engine.passthrough
        asked = FORMATS[fmt].media_type if direct else self.engine.transport[kind]
        query = with_base(request.query, request.base_iri)
        body, media = self.fetch(query, form, asked, self.dataset(request))
        parsed = self.parse(body, media, kind)
        limit = request.byte_limit
        if direct and media == asked and (limit is None or len(body) <= limit):
            rows = 1 if kind == BOOLEAN else fits(parsed, request.row_limit)
            if rows is not None:
                return Answer(body, fmt, kind, rows, False, request.row_limit, limit)
            parsed = self.parse(body, media, kind)  # counting used it up: read it again to cut
        return WRITERS[kind](parsed, fmt, request.row_limit, limit)

    def graph_names(self) -> list[str]:
        """The live graphs, as the pointer lists them (no query: engines differ on GRAPH ?g {})."""
        return list(self.publication().graphs)

    def ask_on(self, query: str, graphs: Graphs) -> bool:
        """An ASK query's answer, on ``graphs``."""
        body, media = self.fetch(query, "ASK", self.engine.transport[BOOLEAN], graphs)
        return bool(self.parse(body, media, BOOLEAN))

    # --- what is served ---------------------------------------------------------------------

    def consistent(self, run: Callable[[], T]) -> T:
        """``run()``, on engines that show a switch half done only when none was under way.

        The pusher marks the pointer before such a switch and unmarks it after; a query
        that started or ended with the mark, or across two versions, is run again.
        """
        if self.engine.isolated:
            return run()
        deadline = time.monotonic() + self.config.timeout
        while time.monotonic() < deadline:
            before = self.switch_state()
            if before[1]:
                time.sleep(SWITCH_WAIT)
                continue
            result = run()
            if self.switch_state() == before:
                return result
        raise QueryTimeout(f"{self.config.timeout:g}")

    def switch_state(self) -> tuple[str | None, bool]:
        """The served version and whether a switch is under way (read now, never cached)."""
        rows = self.rows(queries.load("switch-state"), None)
        version = rows[0].get("version") if rows else None
        if version is not None and self.pointer and self.pointer[1].version != str(version):
            self.pointer = None  # a new version: read its graphs again
        return (str(version) if version else None), any("switching" in row for row in rows)

    def publication(self) -> Publication:
        """The served version, read from the pointer at most once per ``POINTER_TTL``."""
        now = time.monotonic()
        with self.lock:
            known = self.pointer
        if known is not None and now - known[0] < POINTER_TTL:
            return known[1]
        found = self.read_publication()
        with self.lock:
            self.pointer = (now, found)
        return found

    def read_publication(self) -> Publication:
        """The pointer as the store has it now."""
        rows = self.rows(queries.load("publication"), None)
        if not rows:
            LOG.warning("remote store %s: nothing published", self.config.query_url)
            raise NoPublication(f"no graph {POINTER_GRAPH}")
        manifest: dict[str, Any] = json.loads(str(rows[0]["manifest"]))
        graphs = tuple(sorted({str(row["graph"]) for row in rows}))
        return Publication(str(rows[0]["version"]), manifest, graphs)

    def live(self) -> Graphs:
        """The dataset of the served version: its graphs, as default and named graphs."""
        graphs = self.publication().graphs
        return graphs, graphs

    def dataset(self, request: QueryRequest) -> Graphs:
        """The protocol's dataset, else the query's own (FROM), else the served version."""
        if request.dataset is not None:
            for iri in (*request.dataset.default_graphs, *request.dataset.named_graphs):
                graph_name(iri)  # an invalid IRI is the client's error, as on the embedded store
            return request.dataset.default_graphs, request.dataset.named_graphs
        if scan.names_dataset(request.query):
            return None
        return self.live()

    # --- the protocol -----------------------------------------------------------------------

    def prepare(self, query: str, form: str) -> str:
        """The query as this engine must get it: its pragmas (join order, DESCRIBE shape)."""
        described = self.engine.describe_pragma if form == "DESCRIBE" else ""
        return self.engine.pragma + described + query

    def rows(self, query: str, graphs: Graphs) -> list[Row]:
        """A SELECT query's solutions as rdflib terms, on ``graphs``."""
        body, media = self.fetch(query, "SELECT", self.engine.transport[BINDINGS], graphs)
        solutions = self.parse(body, media, BINDINGS)
        names = [variable.value for variable in solutions.variables]
        return [
            {name: to_rdflib(row[name]) for name in names if row[name] is not None}
            for row in solutions
        ]

    def wrapper(self, url: str) -> SPARQLWrapper:
        """A SPARQLWrapper for one request: POST form, content negotiation only, credentials."""
        sparql = SPARQLWrapper(url, updateEndpoint=self.config.update_url or url)
        sparql.setMethod(POST)
        sparql.setRequestMethod(URLENCODED)
        sparql.setOnlyConneg(True)
        sparql.timeout = self.config.timeout  # type: ignore[assignment]  # urlopen takes floats
        if self.config.user:
            sparql.setHTTPAuth(AUTH_SCHEMES[self.config.auth])
            sparql.setCredentials(self.config.user, self.config.password or "")
        return sparql

    def fetch(self, query: str, form: str, accept: str, graphs: Graphs) -> tuple[bytes, str]:
        """Send a query; the body and media type of the answer, or the error it maps to."""
        sparql = self.wrapper(self.config.query_url)
        sparql.setQuery(self.prepare(query, form))
        sparql.queryType = form  # ours, not SPARQLWrapper's guess: a query is never an update
        for iri in graphs[0] if graphs else ():
            sparql.addDefaultGraph(iri)
        for iri in graphs[1] if graphs else ():
            sparql.addNamedGraph(iri)
        sparql.addCustomHttpHeader("Accept", accept)
        response = self.guarded(lambda: sparql.query().response)
        self.detect(response.headers.get("Server"))
        if self.engine.partial_header and response.headers.get(self.engine.partial_header):
            raise QueryTimeout(f"{self.config.timeout:g}")
        body: bytes = self.guarded(response.read)
        return body, media_of(response.headers.get("Content-Type"), accept)

    def update(self, text: str) -> None:
        """Run a SPARQL Update (publication only: the service itself never writes)."""
        sparql = self.wrapper(self.config.query_url)
        sparql.setQuery(self.engine.update_pragma + text)
        sparql.queryType = "INSERT"  # an update, whatever its first keyword
        self.guarded(lambda: sparql.query().response.read())

    def detect(self, server: str | None) -> None:
        """Tell the engine by its ``Server`` header, once, when configured as ``auto``."""
        if self.detected:
            return
        header = (server or "").lower()
        name = next((n for prefix, n in SERVER_HEADERS.items() if header.startswith(prefix)), None)
        self.engine, self.detected = ENGINES[name or "generic"], True

    def parse(self, body: bytes, media: str, kind: str) -> Any:
        """A result body read back with pyoxigraph, after the engine's repairs."""
        try:
            if kind == GRAPH:
                return [quad.triple for quad in ox.parse(body, GRAPH_PARSERS[media])]
            if media == "application/sparql-results+json":
                body = self.engine.repair(body)
            return ox.parse_query_results(body, RESULT_PARSERS[media])
        except KeyError:
            raise QueryEvaluationError(f"the store answered in {media}, not asked") from None
        except (SyntaxError, ValueError) as error:
            raise QueryEvaluationError(f"unreadable answer of the store: {error}") from error

    # --- errors -----------------------------------------------------------------------------

    def guarded(self, send: Callable[[], Any]) -> Any:
        """Run one HTTP exchange; what goes wrong becomes an error of the project."""
        try:
            return send()
        except SPARQLWrapperException as error:
            raise self.http_error(status_of(error), body_of(error)) from error
        except urllib.error.HTTPError as error:
            raise self.http_error(error.code, error.read()) from error
        except urllib.error.URLError as error:
            raise self.unavailable(str(error.reason)) from error
        except TimeoutError as error:
            raise QueryTimeout(f"{self.config.timeout:g}") from error
        except (http.client.HTTPException, ConnectionError) as error:
            raise self.unavailable(repr(error)) from error

    def unavailable(self, reason: str) -> StoreUnavailable:
        """A 503 that does not show clients the store's (internal) address: it is logged."""
        LOG.warning("remote store %s: %s", self.config.query_url, reason)
        return StoreUnavailable(reason)

    def http_error(self, status: int, body: bytes) -> ClsKgError:
        """The error of the project an HTTP status of the store stands for."""
        message = self.engine.message(body[:MESSAGE_BYTES].decode("utf-8", "replace"))
        error = HTTP_ERRORS.get(status, StoreUnavailable if status >= 500 else QueryEvaluationError)
        if error is StoreUnavailable:
            return self.unavailable(f"HTTP {status}: {message}")
        if error is QueryTimeout:
            return QueryTimeout(f"{self.config.timeout:g}")
        return error(message)


#: HTTP status of the store -> error of the project (others: 5xx unavailable, 4xx the query's).
HTTP_ERRORS: dict[int, type[ClsKgError]] = {
    400: QuerySyntaxError,
    401: StoreUnavailable,  # credentials refused: the service cannot work until fixed
    403: StoreUnavailable,
    404: StoreUnavailable,  # no endpoint at that URL
    408: QueryTimeout,
    500: QueryEvaluationError,
    504: QueryTimeout,
}


def status_of(error: SPARQLWrapperException) -> int:
    """The HTTP status behind a SPARQLWrapper exception (it keeps it in the cause)."""
    cause = error.__context__
    code = getattr(cause, "code", None)
    return int(code) if isinstance(code, int) else 500


def body_of(error: SPARQLWrapperException) -> bytes:
    """The body of the store's answer, which SPARQLWrapper keeps only inside its message."""
    text = str(error)
    _, found, tail = text.partition("Response:\n")
    if not found:
        return b""
    try:
        body = ast.literal_eval(tail.strip())
    except (ValueError, SyntaxError):
        return tail.encode()
    return body if isinstance(body, bytes) else tail.encode()
