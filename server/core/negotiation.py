"""Content negotiation (RFC 9110, section 12.5.1), pure: tables and functions, no I/O.

``MEDIA_TYPES`` says which format each media type stands for, per kind of result; the first
row of a kind is the server's preference when the client's q-values tie (``*/*``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from cls_kg.graph.results import BINDINGS, BOOLEAN, FORMATS, GRAPH

HTML = "text/html"
KINDS = (BINDINGS, BOOLEAN, GRAPH)


def _every_kind(bindings: str, graph: str) -> dict[str, str]:
    """A row for a media type that fits every kind of result (JSON, XML)."""
    return {BINDINGS: bindings, BOOLEAN: bindings, GRAPH: graph}


#: media type -> {kind of result: format name}; order = preference.
MEDIA_TYPES: dict[str, dict[str, str]] = {
    "application/sparql-results+json": {BINDINGS: "json", BOOLEAN: "json"},
    "application/sparql-results+xml": {BINDINGS: "xml", BOOLEAN: "xml"},
    "text/csv": {BINDINGS: "csv"},
    "text/tab-separated-values": {BINDINGS: "tsv"},
    "text/turtle": {GRAPH: "turtle"},
    "application/n-triples": {GRAPH: "ntriples"},
    "application/ld+json": {GRAPH: "jsonld"},
    "application/rdf+xml": {GRAPH: "rdfxml"},
    "application/json": _every_kind("json", "jsonld"),
    "application/xml": _every_kind("xml", "rdfxml"),
    "text/xml": _every_kind("xml", "rdfxml"),
    "application/x-turtle": {GRAPH: "turtle"},
    "text/n3": {GRAPH: "turtle"},  # Turtle is N3
}

#: Values of the ``format`` parameter (for links and browsers) -> {kind: format name}.
FORMAT_PARAMETER: dict[str, dict[str, str]] = {
    "json": _every_kind("json", "jsonld"),
    "xml": _every_kind("xml", "rdfxml"),
    "csv": {BINDINGS: "csv"},
    "tsv": {BINDINGS: "tsv"},
    "turtle": {GRAPH: "turtle"},
    "ttl": {GRAPH: "turtle"},
    "n3": {GRAPH: "turtle"},
    "ntriples": {GRAPH: "ntriples"},
    "nt": {GRAPH: "ntriples"},
    "jsonld": {GRAPH: "jsonld"},
    "json-ld": {GRAPH: "jsonld"},
    "rdfxml": {GRAPH: "rdfxml"},
    "rdf+xml": {GRAPH: "rdfxml"},
    "rdf": {GRAPH: "rdfxml"},
}

#: How errors are written: media type -> "text" or "json"; text first.
ERROR_TYPES: dict[str, str] = {
    "text/plain": "text",
    "application/json": "json",
    "application/sparql-results+json": "json",
    "application/ld+json": "json",
}


@dataclass(frozen=True)
class MediaRange:
    """One element of an Accept header."""

    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """How precisely this range names ``media_type``: 2 exact, 1 type/*, 0 */*, -1 not."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_range(text: str) -> MediaRange | None:
    """One ``type/subtype;q=...`` element; None when it is not a media range."""
    media, *params = (part.strip() for part in text.split(";"))
    media = "*/*" if media == "*" else media.lower()
    kind, slash, sub = media.partition("/")
    if not slash or not kind or not sub:
        return None
    q = 1.0
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = min(max(float(value), 0.0), 1.0)
            except ValueError:
                return None
    return MediaRange(kind, sub, q)


def parse_accept(header: str | None) -> list[MediaRange]:
    """The ranges of an Accept header; no header at all accepts everything."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges = (parse_range(part) for part in header.split(",") if part.strip())
    return [r for r in ranges if r is not None]


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The q the client gives ``media_type``: that of the most specific range naming it."""
    best, q = -1, 0.0
    for media_range in ranges:
        specificity = media_range.specificity(media_type)
        if specificity > best:
            best, q = specificity, media_range.q
    return q


def best_match(ranges: Sequence[MediaRange], offers: Iterable[str]) -> tuple[str, float] | None:
    """The offer with the highest q (> 0), earliest offer on ties."""
    scored = [(quality(ranges, offer), -rank, offer) for rank, offer in enumerate(offers)]
    if not scored:
        return None
    q, _, offer = max(scored)
    return (offer, q) if q > 0 else None


@dataclass(frozen=True)
class Choice:
    """The outcome of negotiation: a format per kind of result, or the HTML page."""

    formats: Mapping[str, str] = field(default_factory=dict)
    html: bool = False


@lru_cache(maxsize=512)
def choose(accept: str | None, format_parameter: str | None = None) -> Choice:
    """Formats for a query: a known ``format`` parameter, else the Accept header.

    Pure, so cached: clients send the same few Accept headers over and over.
    """
    by_parameter = from_parameter(format_parameter or "")
    if by_parameter is not None:
        return by_parameter
    ranges = parse_accept(accept)
    formats: dict[str, str] = {}
    best_q = 0.0
    for kind in KINDS:
        match = best_match(ranges, (m for m, row in MEDIA_TYPES.items() if kind in row))
        if match is not None:
            formats[kind] = MEDIA_TYPES[match[0]][kind]
            best_q = max(best_q, match[1])
    html_q = quality(ranges, HTML)
    return Choice(formats, html=html_q > best_q)


def from_parameter(value: str) -> Choice | None:
    """A ``format`` parameter: a short name, ``html`` or a media type; None if unknown.

    Unknown values are ignored rather than refused: some clients (SPARQLWrapper) always send
    a ``format`` of their own naming along with a proper Accept header.
    """
    value = value.strip().lower()
    if value in ("html", HTML):
        return Choice(html=True)
    formats = FORMAT_PARAMETER.get(value) or MEDIA_TYPES.get(value)
    return Choice(formats) if formats else None


def media_type(format_name: str) -> str:
    """The media type a format is served as; every format the service writes is UTF-8 text."""
    return f"{FORMATS[format_name].media_type}; charset=utf-8"


def error_format(accept: str | None) -> str:
    """How to write an error for this client: ``text`` or ``json``."""
    match = best_match(parse_accept(accept), ERROR_TYPES)
    return ERROR_TYPES[match[0]] if match else "text"
