"""A description turned into what a page shows: labels in the page's language, links, lists.

Pure: no request, no store. Labels come from the store first, then ``labels.ttl`` (terms of
other vocabularies), then the compact IRI (``dct:source``). Literals tagged in several
languages are shown in the page's language when it has one. A text shown in another language
than the page's (a French-only label on an English page) keeps its language tag, so that its
element says ``lang`` and screen readers pronounce it right.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from markupsafe import Markup
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from cls_kg.graph.namespaces import compact_iri as compact

from .describe import Description, Triple

LABELS_FILE = Path(__file__).resolve().parent / "labels.ttl"
TITLES = (RDFS.label, SKOS.prefLabel, DCTERMS.title)
SUMMARIES = (DCTERMS.description, SKOS.definition, RDFS.comment)
#: Properties shown first, in this order; the others follow by label.
FIRST = (RDF.type, RDFS.label, SKOS.prefLabel, DCTERMS.title, DCTERMS.description)
#: Datatypes shown without a note: the value says what it is.
PLAIN = {XSD.string, XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.gYear}
MAX_DEPTH = 4  # blank nodes nested deeper are shown as [...]

Href = Callable[[str], str | None]


@cache
def fallback_labels() -> dict[Node, list[Literal]]:
    """Labels of other vocabularies' terms, read once from ``labels.ttl``."""
    graph = Graph().parse(LABELS_FILE, format="turtle")
    found: dict[Node, list[Literal]] = {}
    for s, _, o in graph.triples((None, RDFS.label, None)):
        if isinstance(o, Literal):
            found.setdefault(s, []).append(o)
    return found


def pick(literals: Iterable[Literal], lang: str) -> Literal | None:
    """The literal in ``lang``, else French, else English, else untagged, else any."""
    found = list(literals)
    for wanted in (lang, "fr", "en", None):
        for literal in found:
            if literal.language == wanted:
                return literal
    return found[0] if found else None


def foreign(tag: str | None, lang: str) -> str | None:
    """A text's language tag when it is not the page's ``lang`` (None: the page's, or unknown)."""
    if tag is None or tag.split("-")[0].lower() == lang:
        return None
    return tag


@dataclass(frozen=True)
class Value:
    """One value on a page: its text, a link, its language, a note, nested rows (blank nodes)."""

    text: str
    href: str | None = None
    lang: str | None = None
    note: str = ""
    rows: tuple[Row, ...] = ()
    items: tuple[Value, ...] = ()


@dataclass(frozen=True)
class Row:
    """One property with its values (this page's share of them) and how many there are."""

    iri: str
    label: str
    href: str | None
    values: tuple[Value, ...]
    total: int
    lang: str | None = None  # the label's language, when not the page's


@dataclass
class Labeller:
    """Labels and links of terms for one page."""

    labels: Mapping[Node, list[Literal]]
    lang: str
    href: Href

    def named(self, term: Node) -> tuple[str, str | None]:
        """The label of a term in the page's language, or its compact IRI; and the label's
        language when it is not the page's (a label that exists in one language only)."""
        found = pick(self.labels.get(term) or fallback_labels().get(term) or (), self.lang)
        if found is None:
            return compact(str(term)), None
        return str(found), foreign(found.language, self.lang)

    def label(self, term: Node) -> str:
        """The label of a term in the page's language, or its compact IRI."""
        return self.named(term)[0]

    def link(self, term: URIRef) -> Value:
        """A value linking to an IRI, shown by its label (in its language when not the page's)."""
        text, lang = self.named(term)
        return Value(text, self.href(str(term)), lang)

    def literal(self, literal: Literal) -> Value:
        """A literal with its language, and its datatype when that is not obvious."""
        datatype = literal.datatype
        note = compact(str(datatype)) if datatype is not None and datatype not in PLAIN else ""
        return Value(str(literal), lang=literal.language, note=note)


@dataclass
class Page:
    """A resource page: title, types, rows, inverse rows, breadcrumb, paging."""

    iri: str
    title: str
    title_lang: str | None
    summary: str
    summary_lang: str | None
    types: list[Value]
    rows: list[Row]
    inverse: list[Row]
    crumbs: list[Value]
    page: int
    pages: int
    type_iris: list[str] = field(default_factory=list)


def in_language(values: list[Node], lang: str) -> list[Node]:
    """Drop literals in other languages when some are in ``lang``."""
    if not any(isinstance(v, Literal) and v.language == lang for v in values):
        return values
    return [v for v in values if not (isinstance(v, Literal) and v.language not in (None, lang))]


def by_subject(triples: Iterable[Triple]) -> dict[Node, dict[Node, list[Node]]]:
    """Triples indexed by subject, then predicate."""
    index: dict[Node, dict[Node, list[Node]]] = {}
    for s, p, o in triples:
        index.setdefault(s, {}).setdefault(p, []).append(o)
    return index


@dataclass
class Builder:
    """Turns the triples of a description into rows, blank nodes included."""

    index: dict[Node, dict[Node, list[Node]]]
    names: Labeller

    def value(self, term: Node, depth: int = 0) -> Value:
        """A value: link, literal, RDF list or nested blank node."""
        if isinstance(term, Literal):
            return self.names.literal(term)
        if isinstance(term, BNode):
            return self.blank(term, depth)
        return self.names.link(URIRef(str(term)))

    def blank(self, node: BNode, depth: int) -> Value:
        """A blank node: an RDF list as its items, other nodes as their rows."""
        if depth >= MAX_DEPTH:
            return Value("[…]")
        items = self.list_items(node)
        if items is not None:
            return Value("", items=tuple(self.value(item, depth + 1) for item in items))
        return Value("", rows=tuple(self.rows(node, depth + 1)))

    def list_items(self, node: Node) -> list[Node] | None:
        """The items of an RDF list starting at ``node``, or None when it is not one."""
        items: list[Node] = []
        while node != RDF.nil:
            props = self.index.get(node, {})
            if RDF.first not in props or RDF.rest not in props or len(items) > 1000:
                return None
            items.append(props[RDF.first][0])
            node = props[RDF.rest][0]
        return items

    def rows(self, subject: Node, depth: int = 0, lang: str = "") -> list[Row]:
        """A row per property of ``subject``."""
        props = self.index.get(subject, {})
        order = sorted(props, key=lambda p: self.sort_key(p))
        return [self.row(p, in_language(props[p], self.names.lang), depth) for p in order]

    def row(self, prop: Node, values: list[Node], depth: int) -> Row:
        """One property and its values, sorted by text."""
        shown = sorted((self.value(v, depth) for v in values), key=lambda v: v.text.casefold())
        iri = URIRef(str(prop))
        label, lang = self.names.named(iri)
        return Row(str(iri), label, self.names.href(str(iri)), tuple(shown), len(shown), lang)

    def sort_key(self, prop: Node) -> tuple[int, str]:
        """Properties of FIRST in that order, then the rest by label."""
        rank = FIRST.index(prop) if prop in FIRST else len(FIRST)
        return rank, self.names.label(prop).casefold()


def window(row: Row, page: int, size: int) -> Row:
    """The share of a long list shown on page ``page``."""
    start = (page - 1) * size
    return replace(row, values=row.values[start : start + size])


def inverse_rows(description: Description, names: Labeller) -> list[Row]:
    """Who points at the resource, per property, as rows (already one page of each)."""
    rows = []
    for links in description.inverse:
        values = sorted((names.link(s) for s in links.subjects), key=lambda v: v.text.casefold())
        prop = links.property
        label, lang = names.named(prop)
        rows.append(Row(str(prop), label, names.href(str(prop)), tuple(values), links.count, lang))
    return sorted(rows, key=lambda row: row.label.casefold())


def build_page(description: Description, lang: str, href: Href, page: int, size: int) -> Page:
    """The page of a description, in ``lang``, showing page ``page`` of every long list."""
    names = Labeller(description.labels, lang, href)
    builder = Builder(by_subject(description.triples), names)
    subject = description.iri
    rows = [window(row, page, size) for row in builder.rows(subject)]
    inverse = inverse_rows(description, names)
    totals = [row.total for row in rows] + [row.total for row in inverse]
    title = pick(
        (o for p in TITLES for o in description.objects(p) if isinstance(o, Literal)), lang
    )
    summary = pick(
        (o for p in SUMMARIES for o in description.objects(p) if isinstance(o, Literal)), lang
    )
    types = [URIRef(t) for t in description.objects(RDF.type) if isinstance(t, URIRef)]
    return Page(
        iri=str(subject),
        title=str(title) if title is not None else compact(str(subject)),
        title_lang=title.language if title is not None else None,
        summary=str(summary) if summary is not None else "",
        summary_lang=summary.language if summary is not None else None,
        types=sorted((names.link(t) for t in types), key=lambda v: v.text),
        rows=rows,
        inverse=inverse,
        crumbs=[names.link(c) for c in description.crumbs],
        page=page,
        pages=max(1, *(math.ceil(total / size) for total in totals)) if totals else 1,
        type_iris=[str(t) for t in types],
    )


def script_json(document: object) -> Markup:
    """JSON safe inside ``<script>``: no ``<``, ``>`` or ``&`` that could close the element."""
    text = json.dumps(document, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # every character that could end the script is escaped above
