"""Federated queries (SPARQL 1.1 Federated Query): SERVICE blocks run through SPARQLWrapper.

Section 4 of the recommendation evaluates a ``SERVICE`` pattern on its own and joins its
solutions with the rest of the query. So each ``SERVICE <iri> { P }`` of an allow-listed
endpoint is sent to that endpoint as ``SELECT * WHERE { P }`` (P written canonically, every
IRI in full, by ``sparql_text``), with the service's timeout and row cap, and replaced in the
local query by a ``VALUES`` block holding the solutions. pyoxigraph then evaluates a query
without SERVICE and never opens a connection itself; redirects are not followed, so an
allowed endpoint cannot bounce the request to another address. A failure is logged with its
reason; the client is only told that the service gave no usable answer (no errno, no path:
the endpoint must not become a port or file oracle).
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper import Wrapper as sparqlwrapper_module
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from . import sparql_text
from .errors import FederationError
from .sparql_text import Reading, Token

Solutions = tuple[list[str], list[dict[str, dict[str, str]]]]
Fetcher = Callable[[str, str, float], Solutions]
LOG = logging.getLogger(__name__)
#: How a fetch fails: network, HTTP status (SPARQLWrapper's exceptions), truncated or bad body.
FETCH_ERRORS = (
    urllib.error.URLError,
    OSError,
    ValueError,
    http.client.HTTPException,
    SPARQLWrapperException,
)
#: The only schemes a SERVICE is fetched over, even when the allow-list names another.
WEB_SCHEMES = frozenset({"http", "https"})


@dataclass(frozen=True)
class ServiceBlock:
    """One ``SERVICE [SILENT] <iri> { body }`` of a query: token indexes, target, body text.

    ``start`` is the index of ``SERVICE`` among the query's tokens, ``end`` the index after
    its closing brace; ``body`` is the pattern's canonical text (absolute IRIs only).
    """

    start: int
    end: int
    target: str
    silent: bool
    body: str


def token_at(body: list[Token], index: int) -> Token:
    """The token at ``index``; a query cut short is an error."""
    if index >= len(body):
        raise FederationError("service-unparsable", "unexpected end of query")
    return body[index]


def closing_brace(body: list[Token], opening: int) -> int:
    """The index of the ``}`` matching the ``{`` at ``opening``; nested SERVICE refused."""
    depth = 0
    for index in range(opening, len(body)):
        token = body[index]
        if token.is_word("SERVICE"):
            raise FederationError("service-nested", token.text)
        if token.kind == "punct" and token.text in "{}":
            depth += 1 if token.text == "{" else -1
            if depth == 0:
                return index
    raise FederationError("service-unparsable", "unbalanced braces")


def block_at(reading: Reading, start: int) -> ServiceBlock:
    """The SERVICE block whose keyword is the token at ``start``."""
    body, cursor = reading.body, start + 1
    silent = token_at(body, cursor).is_word("SILENT")
    cursor += silent
    target = token_at(body, cursor)
    if target.kind != "iri" or not sparql_text.is_absolute(target.text[1:-1]):
        raise FederationError("service-unparsable", target.text[:80])
    if token_at(body, cursor + 1).text != "{":
        raise FederationError("service-unparsable", body[cursor + 1].text[:80])
    close = closing_brace(body, cursor + 1)
    pattern = sparql_text.write(reading.text, body[cursor + 2 : close])
    return ServiceBlock(start, close + 1, target.text[1:-1], silent, pattern)


def blocks(reading: Reading) -> list[ServiceBlock]:
    """Every SERVICE block of a query read, in text order."""
    found: list[ServiceBlock] = []
    index = 0
    while index < len(reading.body):
        if reading.body[index].is_word("SERVICE"):
            found.append(block_at(reading, index))
            index = found[-1].end
        else:
            index += 1
    return found


def service_blocks(query: str) -> list[ServiceBlock]:
    """Every SERVICE block of the query, in text order."""
    return blocks(sparql_text.read(query))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: an allowed endpoint must not send the request elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        """Never follow."""
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(endpoint: str, query: str, timeout: float) -> Solutions:
    """Run a SELECT on a remote endpoint through SPARQLWrapper; SPARQL JSON solutions."""
    if urllib.parse.urlsplit(endpoint).scheme.lower() not in WEB_SCHEMES:
        LOG.warning("SERVICE <%s> refused: not an HTTP(S) endpoint", endpoint)
        raise FederationError("service-failed", endpoint)  # urllib would read file: IRIs
    setattr(sparqlwrapper_module, "urlopener", _OPENER.open)  # noqa: B010 - no redirects
    wrapper = SPARQLWrapper(endpoint)
    wrapper.setQuery(query)
    wrapper.setMethod(POST)
    wrapper.setReturnFormat(JSON)
    wrapper.setTimeout(max(1, int(timeout)))
    try:
        result: Any = wrapper.queryAndConvert()
    except FETCH_ERRORS as error:
        LOG.warning("SERVICE <%s> failed: %s", endpoint, error)  # the client is told less
        raise FederationError("service-failed", endpoint) from error
    if not isinstance(result, dict) or "results" not in result:
        LOG.warning("SERVICE <%s> answered no SPARQL JSON result", endpoint)
        raise FederationError("service-failed", endpoint)
    return list(result["head"].get("vars", [])), list(result["results"]["bindings"])


def term(value: dict[str, str], endpoint: str) -> str:
    """A SPARQL JSON term in query syntax; blank nodes become stable skolem IRIs."""
    kind, text = value.get("type"), value.get("value", "")
    if kind == "uri":
        return str(ox.NamedNode(text))
    if kind == "bnode":
        digest = hashlib.sha256(endpoint.encode()).hexdigest()[:12]
        return str(ox.NamedNode(f"urn:cls-kg:service:{digest}:bnode:{text}"))
    if "xml:lang" in value:
        return str(ox.Literal(text, language=value["xml:lang"]))
    datatype = value.get("datatype")
    return str(ox.Literal(text, datatype=ox.NamedNode(datatype) if datatype else None))


def values_block(variables: list[str], rows: list[dict[str, dict[str, str]]], endpoint: str) -> str:
    """A VALUES block equivalent to the solutions (UNDEF for unbound variables)."""
    names = [v for v in variables if re.fullmatch(r"\w+", v)]
    lines = [
        "(" + " ".join(term(row[v], endpoint) if v in row else "UNDEF" for v in names) + ")"
        for row in rows
    ]
    head = " ".join(f"?{v}" for v in names)
    return f"VALUES ({head}) {{ {' '.join(lines)} }}"


def replacement(
    block: ServiceBlock, head: str, timeout: float, row_cap: int | None, fetcher: Fetcher
) -> str:
    """The VALUES block standing for one SERVICE block (one empty solution if SILENT fails)."""
    limit = f" LIMIT {row_cap + 1}" if row_cap is not None else ""
    remote = f"{head}SELECT * WHERE {{ {block.body} }}{limit}"
    try:
        variables, rows = fetcher(block.target, remote, timeout)
    except FederationError:
        if block.silent:
            return "VALUES () { () }"
        raise
    if row_cap is not None and len(rows) > row_cap:
        raise FederationError("service-too-many-rows", f"> {row_cap}")
    return values_block(variables, rows, block.target)


def inline_services(
    query: str, timeout: float, row_cap: int | None, fetcher: Fetcher = fetch
) -> str:
    """The query, written canonically, with every SERVICE block replaced by the solutions
    its endpoint gave (of the prologue only BASE is kept: every IRI is written in full)."""
    reading = sparql_text.read(query)
    parts, cursor = [], 0
    for block in blocks(reading):
        parts.append(sparql_text.write(reading.text, reading.body[cursor : block.start]))
        parts.append(replacement(block, reading.prologue(), timeout, row_cap, fetcher))
        cursor = block.end
    parts.append(sparql_text.write(reading.text, reading.body[cursor:]))
    return reading.prologue() + " ".join(part for part in parts if part)
