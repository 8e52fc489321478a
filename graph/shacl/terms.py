"""The data as the engine sees it: an in-memory Oxigraph store, and literals as pyshacl reads them.

Oxigraph canonicalises typed literals when it stores them ("12"^^xsd:nonNegativeInteger
becomes an xsd:integer), so the core components see each typed literal under a wrapped
datatype that keeps it verbatim and records whether pyshacl (through rdflib) finds it
well-typed; sh:pattern and sh:lessThan are decided in Python on the rdflib terms, as pyshacl
decides them. The data graph is mixed with the ontology's axioms as pyshacl mixes them
(SHACL 1.0, section 3.2, https://www.w3.org/TR/shacl/#data-graph).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
from pyshacl.rdfutil.inoculate import inoculate
from pyshacl.validator import USE_FULL_MIXIN
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from ..errors import StoreError
from ..store import to_oxigraph, to_rdflib
from .model import Unsupported

# --------------------------------------------------------------------------------------------
# Literal checks, as pyshacl and rdflib decide them
# --------------------------------------------------------------------------------------------

ACTUAL_TYPES: dict[Node, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


def well_typed(literal: Literal) -> bool:
    """pyshacl's sh:datatype check of a literal against its own datatype."""
    if getattr(literal, "ill_typed", None) is True:
        return False
    expected = None if literal.datatype is None else ACTUAL_TYPES.get(literal.datatype)
    return expected is None or isinstance(literal.value, expected)


def value_string(value: Node) -> str:
    """The text sh:pattern matches, as pyshacl builds it."""
    plain = isinstance(value, Literal) and value.datatype in (None, RDF.langString, XSD.string)
    if plain and isinstance(value, Literal) and value.value is not None:
        return str(value.value)
    return str(value)


def matches_pattern(value: Node, pattern: re.Pattern[str]) -> bool:
    """pyshacl's sh:pattern check (blank nodes never match)."""
    if isinstance(value, BNode):
        return False
    text = value_string(value)
    return bool(pattern.match(text) or pattern.search(text))


def less_than(value: Node, other: Node, or_equal: bool) -> bool:
    """pyshacl's comparison for sh:lessThan / sh:lessThanOrEquals."""
    if isinstance(value, BNode) or isinstance(other, BNode):
        raise Unsupported("sh:lessThan on a blank node")
    left, left_text = comparable(value)
    right, right_text = comparable(other)
    if left_text != right_text:
        return False
    return bool(left <= right if or_equal else left < right)


def in_range(value: Node, bound: Node, compare: Callable[[Any, Any], bool]) -> bool:
    """Whether ``compare(value, bound)`` holds (sh:minInclusive ...); a value that is no
    well-typed literal, or not comparable with the bound, is out of range."""
    if not isinstance(value, Literal) or not isinstance(bound, Literal) or not well_typed(value):
        return False
    try:
        return value.value is not None and bool(compare(value.value, bound.value))
    except TypeError:  # (a date and a number, or a date-time with and one without a zone)
        return False


def comparable(node: Node) -> tuple[Any, bool]:
    """The node as pyshacl compares it, and whether it is compared as a string."""
    if isinstance(node, URIRef):
        return str(node), True
    if isinstance(node, Literal) and isinstance(node.value, str):
        return node.value, True
    return node, False


# --------------------------------------------------------------------------------------------
# Loading the data into Oxigraph
# --------------------------------------------------------------------------------------------


WRAP = "urn:x-cls-kg:shacl:"


def wrapped_datatype(literal: Literal) -> str:
    """The datatype IRI a typed literal is stored under in the core graph: its own, behind a
    prefix saying whether pyshacl finds it well-typed (Oxigraph then keeps it verbatim)."""
    return f"{WRAP}{'ok' if well_typed(literal) else 'ill'}:{literal.datatype}"


class Terms:
    """Conversions between rdflib and Oxigraph terms, both ways.

    Oxigraph canonicalises typed literals when it stores them ("12"^^xsd:nonNegativeInteger
    becomes "12"^^xsd:integer, "1.50" becomes "1.5"), so the core components see every typed
    literal with a wrapped datatype (:func:`wrapped_datatype`), which it stores as given;
    SPARQL-based constraints see the literals as they are.
    """

    def __init__(self) -> None:
        self.core: dict[tuple[Node, bool], ox.NamedNode | ox.BlankNode | ox.Literal] = {}
        self.plain: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}
        self.literals: dict[ox.Literal, Literal] = {}

    def to_core(self, term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        """The term as the core components see it (cached by term and ill-typedness: rdflib
        holds "none"^^xsd:boolean as an ill-typed "false", equal to the well-typed one)."""
        key = (term, getattr(term, "ill_typed", None) is True)
        found = self.core.get(key)
        if found is None:
            if isinstance(term, Literal) and term.datatype is not None:
                found = ox.Literal(str(term), datatype=ox.NamedNode(wrapped_datatype(term)))
            else:
                found = self.to_plain(term)
            self.core[key] = found
        return found

    def to_plain(self, term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        """The term as it is (cached); remembers literals to map them back."""
        found = self.plain.get(term)
        if found is None:
            found = self.plain[term] = convert(term)
            if isinstance(term, Literal):
                # (Oxigraph lower-cases language tags; rdflib already holds "a"@FR and "a"@fr
                # for one term, so no two values merge.)
                self.literals.setdefault(found, term)  # type: ignore[arg-type]
        return found

    def back(self, term: Any) -> Node:
        """The rdflib term a query returned, with the lexical form rdflib had."""
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            if datatype.startswith(WRAP):
                original = datatype[len(WRAP) :].split(":", 1)[1]
                return Literal(term.value, datatype=URIRef(original))
            known = self.literals.get(term)
            if known is not None:
                return known
        try:
            return to_rdflib(term)
        except StoreError as error:
            raise Unsupported(f"unexpected term {term!r}") from error


def core_text(term: Node) -> str:
    """An IRI or literal of the shapes graph in SPARQL syntax, as the core graphs hold it
    (a blank node of the shapes graph names nothing in the data)."""
    if isinstance(term, BNode):
        raise Unsupported(f"blank node {term} as a term of a shape")
    return str(Terms().to_core(term))


def convert(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as an Oxigraph term (lexical forms as rdflib holds them)."""
    try:
        return to_oxigraph(term)
    except (TypeError, ValueError) as error:
        raise Unsupported(f"term {term!r}: {error}") from error


#: The graphs of the store: triples without typed literals, then typed-literal triples as the
#: core components see them (wrapped) and as SPARQL constraints see them (as they are).
COMMON = ox.DefaultGraph()
WRAPPED = ox.NamedNode(WRAP + "wrapped")
PLAIN = ox.NamedNode(WRAP + "plain")
FOCUS = ox.NamedNode(WRAP + "focus")
MARK = ox.NamedNode(WRAP + "focus-of")
CORE_GRAPHS = [COMMON, WRAPPED]
SPARQL_GRAPHS = [COMMON, PLAIN]


def quads(graph: Graph, terms: Terms) -> Iterator[ox.Quad]:
    """The triples of ``graph`` as quads of the three graphs."""
    core, plain, cached = terms.to_core, terms.to_plain, terms.plain.get
    quad = ox.Quad
    for s, p, o in graph:
        subject, predicate = cached(s) or plain(s), cached(p) or plain(p)
        if isinstance(o, Literal) and o.datatype is not None:
            yield quad(subject, predicate, core(o), WRAPPED)  # type: ignore[arg-type]
            yield quad(subject, predicate, plain(o), PLAIN)  # type: ignore[arg-type]
        else:
            # (no graph argument: the default graph, and Quad() is much faster without one)
            yield quad(subject, predicate, cached(o) or plain(o))  # type: ignore[arg-type]


def load(data: Graph, extra: Graph) -> tuple[ox.Store, Terms]:
    """An in-memory store holding ``data`` and ``extra``, and the term conversions.

    The cyclic garbage collector is paused meanwhile: the conversion creates a million
    objects next to the rdflib graph's millions, and each collection would scan them all.
    """
    store = ox.Store()
    terms = Terms()
    collecting = gc.isenabled()
    gc.disable()
    try:
        store.bulk_extend(quads(data, terms))
        store.bulk_extend(quads(extra, terms))
    finally:
        if collecting:
            gc.enable()
    return store, terms


def ontology_axioms(ontology: Graph | None) -> Graph:
    """What pyshacl mixes into the data graph from the ontology: its RDFS and OWL axioms
    (``inoculate``), or all of it when PYSHACL_USE_FULL_MIXIN is set."""
    mixed = Graph()
    if ontology is not None:
        if USE_FULL_MIXIN:
            return ontology
        inoculate(mixed, ontology)  # type: ignore[arg-type]
    return mixed
