"""What the store says about one resource: its description, who points at it, where it sits.

Every query is a ``.rq`` file of ``queries/`` with ``$name`` placeholders, filled with terms
written by pyoxigraph (which checks IRIs), and run through the ``Store`` interface, so the
pages work the same on the embedded store and on a remote SPARQL endpoint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from string import Template

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SKOS
from rdflib.term import Node

from cls_kg.graph.results import GRAPH, Answer
from cls_kg.graph.store import QueryRequest, Store, to_rdflib

from .. import queries

Triple = tuple[Node, Node, Node]
LABELS = (RDFS.label, SKOS.prefLabel)


class InvalidIri(ValueError):
    """A request path that cannot be written as an IRI (it names nothing here)."""


@cache
def template(name: str) -> Template:
    """The query ``{name}.rq`` as a template, read once."""
    return Template(queries.load(name))


def iri_term(iri: str) -> str:
    """An IRI written for SPARQL (``<...>``); pyoxigraph refuses what is not an IRI."""
    try:
        return str(ox.NamedNode(iri))
    except ValueError as error:
        raise InvalidIri(iri) from error


def fill(name: str, **values: object) -> str:
    """The query ``name`` with its placeholders filled (IRIs must already be terms)."""
    return template(name).substitute(**{k: str(v) for k, v in values.items()})


def construct(store: Store, query: str, fmt: str = "ntriples") -> Answer:
    """A CONSTRUCT query's triples, serialised in ``fmt``."""
    return store.answer(QueryRequest(query, {GRAPH: fmt}))


def rdflib_triples(triples: Iterable[ox.Triple | ox.Quad]) -> list[Triple]:
    """pyoxigraph triples as distinct rdflib triples."""
    unique = dict.fromkeys(
        (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in triples
    )
    return list(unique)


def triples_of(answer: Answer) -> list[Triple]:
    """The distinct triples of an N-Triples answer, as rdflib terms."""
    return rdflib_triples(ox.parse(answer.body, ox.RdfFormat.N_TRIPLES))


def description_query(iri: str) -> str:
    """The CONSTRUCT query of a resource's description."""
    return fill("describe", this=iri_term(iri))


def description_answer(store: Store, iri: str, fmt: str) -> Answer:
    """The description of ``iri``; a named graph that nothing describes gets its size."""
    answer = construct(store, description_query(iri), fmt)
    if answer.rows == 0:
        return construct(store, fill("graph-description", graph=iri_term(iri)), fmt)
    return answer


def graph_query(graph: str) -> str:
    """The CONSTRUCT query of a whole named graph (the ontology, the shapes)."""
    return fill("graph", graph=iri_term(graph))


@dataclass(frozen=True)
class InverseLinks:
    """Resources that point at the described one through one property: a count and a page."""

    property: URIRef
    count: int
    subjects: list[URIRef]


@dataclass
class Description:
    """Everything a page shows about one resource."""

    iri: URIRef
    triples: list[Triple]
    inverse: list[InverseLinks] = field(default_factory=list)
    crumbs: list[URIRef] = field(default_factory=list)
    labels: dict[Node, list[Literal]] = field(default_factory=dict)

    def objects(self, predicate: Node) -> list[Node]:
        """Values of one property of the resource itself."""
        return [o for s, p, o in self.triples if s == self.iri and p == predicate]


def inverse_counts(store: Store, iri: str) -> list[tuple[URIRef, int]]:
    """How many resources point at ``iri``, per property."""
    rows = store.select(fill("inverse-counts", this=iri_term(iri)))
    return [(URIRef(str(row["p"])), int(str(row["count"]))) for row in rows]


def inverse_page(store: Store, iri: str, prop: URIRef, limit: int, offset: int) -> list[URIRef]:
    """One page of the resources that point at ``iri`` through ``prop``."""
    query = fill(
        "inverse-page", this=iri_term(iri), property=iri_term(prop), limit=limit, offset=offset
    )
    return [URIRef(str(row["s"])) for row in store.select(query)]


def inverse_links(store: Store, iri: str, page: int, size: int) -> list[InverseLinks]:
    """Page ``page`` (from 1) of every property's inverse links, ``size`` links each."""
    offset = (page - 1) * size
    return [
        InverseLinks(prop, count, inverse_page(store, iri, prop, size, offset))
        if count > offset
        else InverseLinks(prop, count, [])
        for prop, count in inverse_counts(store, iri)
    ]


def breadcrumb(store: Store, iri: str) -> list[URIRef]:
    """Territory, contract and axis above ``iri`` (those that exist), then ``iri`` itself."""
    rows = store.select(fill("breadcrumb", this=iri_term(iri)))
    above = [rows[0].get(name) for name in ("territory", "contract", "axis")] if rows else []
    crumbs = [URIRef(str(term)) for term in above if term is not None and str(term) != iri]
    return [*crumbs, URIRef(iri)] if crumbs else []


def labels(store: Store, terms: Iterable[Node]) -> dict[Node, list[Literal]]:
    """Every label of each IRI in ``terms``."""
    iris = sorted({str(term) for term in terms if isinstance(term, URIRef)})
    if not iris:
        return {}
    rows = store.select(fill("labels", terms=" ".join(iri_term(iri) for iri in iris)))
    found: dict[Node, list[Literal]] = {}
    for row in rows:
        label = row["label"]
        if isinstance(label, Literal):
            found.setdefault(row["term"], []).append(label)
    return found


def labels_in(triples: Iterable[Triple]) -> dict[Node, list[Literal]]:
    """The labels a description already carries."""
    found: dict[Node, list[Literal]] = {}
    for s, p, o in triples:
        if p in LABELS and isinstance(o, Literal):
            found.setdefault(s, []).append(o)
    return found


def merge(*tables: Mapping[Node, list[Literal]]) -> dict[Node, list[Literal]]:
    """Label tables joined, without repeating a label."""
    merged: dict[Node, list[Literal]] = {}
    for table in tables:
        for term, found in table.items():
            known = merged.setdefault(term, [])
            known.extend(label for label in found if label not in known)
    return merged


def describe(store: Store, iri: str, page: int = 1, size: int = 50) -> Description | None:
    """The description of ``iri`` for its page; None when the store knows nothing of it."""
    triples = triples_of(description_answer(store, iri, "ntriples"))
    if not any(s == URIRef(iri) for s, _, _ in triples):
        return None
    inverse = inverse_links(store, iri, page, size)
    crumbs = breadcrumb(store, iri)
    known = labels_in(triples)
    wanted = [link.property for link in inverse] + [s for link in inverse for s in link.subjects]
    missing = [term for term in [*wanted, *crumbs] if term not in known]
    return Description(URIRef(iri), triples, inverse, crumbs, merge(known, labels(store, missing)))


def rdf_answer(store: Store, iri: str, fmt: str, graph: bool = False) -> Answer:
    """The description of ``iri`` (or, for a graph document, the whole graph) in ``fmt``."""
    if graph:
        return construct(store, graph_query(iri), fmt)
    return description_answer(store, iri, fmt)
