"""Federated queries (SPARQL 1.1 Federated Query): SERVICE blocks run through SPARQLWrapper.

Section 4 of the recommendation evaluates a ``SERVICE`` pattern on its own and joins its
solutions with the rest of the query. So each ``SERVICE <iri> { P }`` of an allow-listed
endpoint is sent to that endpoint as ``SELECT * WHERE { P }`` (with the query's prologue),
with the service's timeout and row cap, and replaced in the local query by a ``VALUES`` block
holding the solutions. pyoxigraph then evaluates a query without SERVICE and never opens a
connection itself; redirects are not followed, so an allowed endpoint cannot bounce the
request to another address.
"""

from __future__ import annotations

import hashlib
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper import Wrapper as sparqlwrapper_module

from .errors import FederationError
from .scan import _TOKEN

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
Solutions = tuple[list[str], list[dict[str, dict[str, str]]]]
Fetcher = Callable[[str, str, float], Solutions]


@dataclass(frozen=True)
class ServiceBlock:
    """One ``SERVICE [SILENT] target { body }`` of the query text, by character span."""

    start: int
    end: int
    target: str
    silent: bool
    body: str


class _Tokens:
    """The query's terminals with their positions, read one at a time."""

    def __init__(self, query: str) -> None:
        self.items = [
            (m.lastgroup or "", m.group(), m.start(), m.end())
            for m in _TOKEN.finditer(query)
            if m.lastgroup != "comment"
        ]
        self.index = 0

    def next(self) -> tuple[str, str, int, int]:
        """The next terminal; a query cut short is an error."""
        if self.index >= len(self.items):
            raise FederationError("service-unparsable", "unexpected end of query")
        item = self.items[self.index]
        self.index += 1
        return item

    def __iter__(self) -> Iterator[tuple[str, str, int, int]]:
        while self.index < len(self.items):
            yield self.next()


def prefixes(query: str) -> dict[str, str]:
    """The PREFIX declarations of the prologue: prefix -> namespace IRI."""
    found: dict[str, str] = {}
    tokens = _Tokens(query).items
    for i, (kind, text, _, _) in enumerate(tokens[:-2]):
        if kind == "word" and text.upper() == "PREFIX" and tokens[i + 2][0] == "iri":
            found[tokens[i + 1][1].rstrip(":")] = tokens[i + 2][1][1:-1]
    return found


def prologue(query: str) -> str:
    """The BASE and PREFIX declarations, to prepend to each remote query."""
    for kind, text, start, _ in _Tokens(query):
        if kind == "word" and text.upper() in QUERY_FORMS:
            return query[:start]
    return ""


def resolve(text: str, kind: str, names: dict[str, str]) -> str:
    """The IRI a SERVICE target names (an IRI or a prefixed name)."""
    if kind == "iri":
        return text[1:-1]
    if kind == "pname" and text.split(":", 1)[0] in names:
        prefix, local = text.split(":", 1)
        return names[prefix] + local
    raise FederationError("service-unparsable", text)


def closing_brace(tokens: _Tokens) -> tuple[int, int]:
    """Position after the '{' just read and of its matching '}'; nested SERVICE refused."""
    depth = 1
    for kind, text, start, _ in tokens:
        if kind == "word" and text.upper() == "SERVICE":
            raise FederationError("service-nested", text)
        depth += {"{": 1, "}": -1}.get(text, 0) if kind == "other" else 0
        if depth == 0:
            return start, start + 1
    raise FederationError("service-unparsable", "unbalanced braces")


def service_blocks(query: str) -> list[ServiceBlock]:
    """Every SERVICE block of the query, in text order."""
    names, tokens, blocks = prefixes(query), _Tokens(query), []
    for kind, text, start, _ in tokens:
        if kind != "word" or text.upper() != "SERVICE":
            continue
        target_kind, target, _, _ = tokens.next()
        silent = target_kind == "word" and target.upper() == "SILENT"
        if silent:
            target_kind, target, _, _ = tokens.next()
        iri = resolve(target, target_kind, names)
        _, brace, _, body_start = tokens.next()
        if brace != "{":
            raise FederationError("service-unparsable", brace)
        body_end, end = closing_brace(tokens)
        blocks.append(ServiceBlock(start, end, iri, silent, query[body_start:body_end]))
    return blocks


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: an allowed endpoint must not send the request elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        """Never follow."""
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(endpoint: str, query: str, timeout: float) -> Solutions:
    """Run a SELECT on a remote endpoint through SPARQLWrapper; SPARQL JSON solutions."""
    setattr(sparqlwrapper_module, "urlopener", _OPENER.open)  # noqa: B010 - no redirects
    wrapper = SPARQLWrapper(endpoint)
    wrapper.setQuery(query)
    wrapper.setMethod(POST)
    wrapper.setReturnFormat(JSON)
    wrapper.setTimeout(max(1, int(timeout)))
    try:
        result: Any = wrapper.queryAndConvert()
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise FederationError("service-failed", f"{endpoint}: {error}") from error
    if not isinstance(result, dict) or "results" not in result:
        raise FederationError("service-failed", f"{endpoint}: not a SPARQL JSON result")
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
    remote = f"{head}SELECT * WHERE {{{block.body}}}{limit}"
    try:
        variables, rows = fetcher(block.target, remote, timeout)
    except FederationError:
        if block.silent:
            return "VALUES () { () }"
        raise
    if row_cap is not None and len(rows) > row_cap:
        raise FederationError("service-too-many-rows", f"{block.target}: > {row_cap}")
    return values_block(variables, rows, block.target)


def inline_services(
    query: str, timeout: float, row_cap: int | None, fetcher: Fetcher = fetch
) -> str:
    """The query with every SERVICE block replaced by the solutions its endpoint gave."""
    head = prologue(query)
    parts, cursor = [], 0
    for block in service_blocks(query):
        parts += [query[cursor : block.start], replacement(block, head, timeout, row_cap, fetcher)]
        cursor = block.end
    return "".join(parts) + query[cursor:]
