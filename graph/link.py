"""Step 2b of the flow: link the records to the reference data, and derive what follows.

The curated records say which official units a territory covers (``cls:coversUnit``) or lies
in (``cls:withinUnit``) and whether its composition is complete (``cls:compositionStatus``).
This step adds the records to a throwaway store that holds the reference graph (a copy of
``reference/template.py``'s) and runs the queries of ``queries/``: the départements and
régions each territory lies in, its population and number of communes (only when its
composition is complete), the reference units the records point at (for validation and the
single-file dumps), and the input of the consistency report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from . import queries
from .consistency import Consistency, compare
from .coverage import (
    compare_announced,
    coverage_graph,
    read_holdings,
    region_rows,
    total_row,
)
from .namespaces import CLS, DEFAULT_BASE, PREFIXES, records_graph
from .reference.divisions import DATA_DIR, load
from .reference.rdf import dataset_iri, unit_quads
from .sources import oxigraph_triples
from .store import OxigraphStore, Row, to_rdflib

#: Properties that point from a territory at official units.
LINKS = (CLS.coversUnit, CLS.withinUnit, CLS.zone)

#: Queries whose CONSTRUCT results make up the derived graph, in order.
DERIVATIONS = ("derived-within", "derived-figures", "derived-provenance")

#: SELECT queries the coverage figures are computed from (``coverage.py``), after those.
COVERAGE = ("coverage-contracts", "coverage-territories", "coverage-communes")
#: Those that read the reference data only: their rows are kept per reference template.
REFERENCE_ONLY = ("zone-populations", "zones")
COVERAGE_QUERIES = COVERAGE + REFERENCE_ONLY

#: (query, reference template key) -> rows, for the queries of ``REFERENCE_ONLY``.
KEPT: dict[tuple[str, str], list[Row]] = {}


def coverage_rows(store: OxigraphStore, name: str, reference_key: str | None) -> list[Row]:
    """The rows of one coverage query; a reference-only query runs once per template (a
    scan of every commune that would otherwise cost each build a fifth of a second)."""
    if name not in REFERENCE_ONLY or reference_key is None:
        return select(store, name, {})
    key = (name, reference_key)
    if key not in KEPT:
        KEPT[key] = select(store, name, {})
    return KEPT[key]


#: Properties whose range is xsd:nonNegativeInteger (Oxigraph stores it as xsd:integer).
NON_NEGATIVE: frozenset[Node] = frozenset(
    {
        CLS.derivedPopulation,
        CLS.derivedCommuneCount,
        CLS.derivedMemberCount,
        CLS.municipalPopulation,
        CLS.contractsInForce,
        CLS.coveredCommuneCount,
        CLS.coveredPopulation,
        CLS.zonePopulation,
        CLS.unmeasuredTerritories,
    }
)


def derived_graph(base: str) -> str:
    """Name of the named graph that holds what the build derives from the reference data."""
    return f"{base}graph/derived"


@dataclass(frozen=True)
class Linked:
    """What the link step adds to the records."""

    derived: Graph
    units: Graph
    consistency: Consistency


def add_triples(store: ox.Store, triples: list[ox.Triple], graph: str) -> None:
    """Add triples to one named graph of a store."""
    name = ox.NamedNode(graph)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)


def add_records(
    store: ox.Store, records: Graph, base: str, triples: list[ox.Triple] | None = None
) -> OxigraphStore:
    """The records next to the reference data, as the published store will hold them.

    ``triples`` are the records as pyoxigraph triples, if the caller has them already.
    """
    add_triples(
        store, oxigraph_triples(records) if triples is None else triples, records_graph(base)
    )
    return OxigraphStore(store)


def bindings(base: str) -> dict[str, str]:
    """The IRIs the link queries may take as pre-bound variables, by variable name."""
    return {
        "dataset": dataset_iri(base),
        "graph": derived_graph(base),
        "records": records_graph(base),
    }


def run(store: OxigraphStore, name: str, values: Mapping[str, str]) -> Any:
    """Run one query of ``queries/`` with the given variables bound (those it mentions)."""
    text = queries.load(name)
    substitutions = {
        ox.Variable(variable): ox.NamedNode(iri)
        for variable, iri in values.items()
        if re.search(rf"[?$]{variable}\b", text)
    }
    return store.raw_query(text, substitutions=substitutions)


def rdflib_triple(triple: ox.Triple | ox.Quad) -> tuple[Node, Node, Node]:
    """A pyoxigraph triple as rdflib terms, with the datatypes the records would have.

    Oxigraph stores xsd:nonNegativeInteger as xsd:integer: the properties with that range
    get it back. An xsd:string literal becomes a simple literal, as rdflib parses one.
    """
    predicate, value = to_rdflib(triple.predicate), to_rdflib(triple.object)
    if predicate in NON_NEGATIVE:
        value = Literal(str(value), datatype=XSD.nonNegativeInteger)
    elif isinstance(value, Literal) and value.datatype == XSD.string:
        value = Literal(str(value))
    return to_rdflib(triple.subject), predicate, value


def construct(store: OxigraphStore, name: str, values: Mapping[str, str]) -> Graph:
    """The triples one CONSTRUCT query of ``queries/`` builds, as an rdflib graph."""
    graph = Graph()
    for triple in run(store, name, values):
        graph.add(rdflib_triple(triple))
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def select(store: OxigraphStore, name: str, values: Mapping[str, str]) -> list[Row]:
    """The solutions of one SELECT query of ``queries/``, as rdflib terms."""
    solutions = run(store, name, values)
    names = [variable.value for variable in solutions.variables]
    return [
        {name: to_rdflib(solution[name]) for name in names if solution[name] is not None}
        for solution in solutions
    ]


def derive(store: OxigraphStore, base: str) -> Graph:
    """The derived graph; each query sees what the previous ones derived."""
    derived = Graph()
    for name in DERIVATIONS:
        found = construct(store, name, bindings(base))
        derived += found
        add_triples(store.store, oxigraph_triples(found), derived_graph(base))
    return derived


def reference_context(graph: Graph, base: str = DEFAULT_BASE, directory: Path = DATA_DIR) -> Graph:
    """The reference data's description of the units a graph points at, for validating it
    without the whole reference graph (``cls-kg validate``)."""
    iris = {str(unit) for p in LINKS for unit in graph.objects(None, p)}
    context = Graph()
    for quad in unit_quads(load(directory), base, iris):
        context.add(rdflib_triple(quad))
    return context


def link(
    reference: ox.Store,
    records: Graph,
    base: str,
    tolerance: float,
    triples: list[ox.Triple] | None = None,
    reference_key: str | None = None,
) -> Linked:
    """Derive links and figures, pick the units the records use, and compare the figures.

    ``reference`` is a writable store holding the reference graph; the records and what is
    derived are added to it. ``triples`` are the records as pyoxigraph triples, if known;
    ``reference_key`` identifies the reference template (``reference/template.py``).
    """
    store = add_records(reference, records, base, triples)
    derived = derive(store, base)
    rows_of = {name: coverage_rows(store, name, reference_key) for name in COVERAGE_QUERIES}
    held = read_holdings(rows_of)
    coverage = coverage_graph(held, base, URIRef(dataset_iri(base)))
    add_triples(store.store, oxigraph_triples(coverage), derived_graph(base))
    derived += coverage
    units = construct(store, "linked-units", bindings(base))
    dataset = select(store, "reference-dataset", bindings(base))
    rows = select(store, "territory-figures", {})
    announced = compare_announced(held, select(store, "announced-figures", {}))
    report = compare(rows, dataset[0] if dataset else {}, tolerance)
    regions = (*region_rows(held, announced), total_row(held))
    report = replace(report, regions=regions, announced=announced)
    return Linked(derived, units, report)
