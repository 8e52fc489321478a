"""The engine: runs the compiled shapes as SPARQL queries over the store, collects results.

One query per constraint, so the store does the joins: the focus nodes of a node shape are
found once (SHACL 1.0, section 2.1.3, https://www.w3.org/TR/shacl/#targets) and stored,
then each component (``components.py``) asks one of the query shapes below, each giving
pyshacl's multiplicity of results.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from .model import NodeShape, PropertyShape, RawResult, SparqlConstraint
from .terms import CORE_GRAPHS, FOCUS, MARK, SPARQL_GRAPHS, WRAP, Terms

INSTANCE_OF = f"<{RDF.type}>/<{RDFS.subClassOf}>*"


@dataclass
class Engine:
    """Evaluates compiled shapes over the store; collects pyshacl-shaped results."""

    store: ox.Store
    terms: Terms
    shapes: Graph
    results: list[RawResult] = field(default_factory=list)

    def rows(self, query: str, graphs: list[Any] = CORE_GRAPHS) -> Iterator[Any]:
        """The solutions of a SELECT query over the given graphs (the core ones by default)."""
        solutions = self.store.query(query, default_graph=graphs)
        if not isinstance(solutions, ox.QuerySolutions):
            raise TypeError("a SELECT query was expected")
        yield from solutions

    def add(self, shape: PropertyShape, focus: Node, value: Node | None = None) -> None:
        """A result of a property shape."""
        self.results.append(
            RawResult(
                shape.severity,
                focus,
                shape.path_node,
                value,
                shape.node,
                shape.messages,
                shape.component,
            )
        )

    def add_row(self, shape: PropertyShape, focus: Any, value: Any = None) -> None:
        """A result of a property shape, from terms the store returned."""
        back = self.terms.back
        self.add(shape, back(focus), None if value is None else back(value))

    def materialise(self, node_shape: NodeShape, number: int) -> str:
        """Find the focus nodes once, store them (as objects: literals can be focus nodes),
        and return the pattern that reads them."""
        label = ox.NamedNode(f"{WRAP}shape:{number}")
        query = f"SELECT ?this WHERE {{ {node_shape.focus()} }}"
        focus_nodes = [row["this"] for row in self.rows(query)]
        self.store.extend(ox.Quad(label, MARK, node, FOCUS) for node in focus_nodes)
        return f"GRAPH <{FOCUS.value}> {{ <{label.value}> <{MARK.value}> ?this }}"

    def sparql(self, node_shape: NodeShape, constraint: SparqlConstraint, focus: str) -> None:
        """A SPARQL constraint, run once, joined with the focus nodes."""
        query = (
            f"{constraint.prefixes}\n"
            f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {{ {constraint.select} }} }}"
        )
        for row in self.rows(query, SPARQL_GRAPHS):
            value = row["value"]
            self.results.append(
                RawResult(
                    severity=node_shape.severity,
                    focus=self.terms.back(row["this"]),
                    path=None,
                    value=self.terms.back(value if value is not None else row["this"]),
                    shape=node_shape.node,
                    messages=constraint.messages,
                    component=SH.SPARQLConstraintComponent,
                )
            )

    # The query shapes the components use, each in pyshacl's multiplicity -----------------

    def value_test(self, shape: PropertyShape, focus: str, test: str) -> None:
        """One result per (focus, value) where the SPARQL test fails."""
        query = f"SELECT DISTINCT ?this ?v WHERE {{ {focus} {shape.reach()} FILTER(!({test})) }}"
        for row in self.rows(query):
            self.add_row(shape, row["this"], row["v"])

    def count_test(self, shape: PropertyShape, focus: str, having: str, test: str = "") -> None:
        """One result per focus whose number of (qualifying) values fails ``having``."""
        values = f"{shape.reach()} " + (f"FILTER({test})" if test else "")
        if having == "< 1":  # the common case, one index lookup per focus node
            query = f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ {values} }} }}"
        elif having.startswith(">"):  # no value never counts too many
            query = (
                f"SELECT ?this WHERE {{ {focus} {values} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {having})"
            )
        else:
            query = (
                f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ {values} }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {having})"
            )
        for row in self.rows(query):
            self.add_row(shape, row["this"])

    def class_test(self, shape: PropertyShape, focus: str, classes: list[URIRef]) -> None:
        """One result per (focus, value) where the value is an instance of none of the
        classes: an anti-join with the instances, faster than a test per value."""
        listed = " ".join(f"<{c}>" for c in classes)
        query = (
            f"SELECT DISTINCT ?this ?v WHERE {{ {focus} {shape.reach()} "
            f"MINUS {{ VALUES ?class {{ {listed} }} ?v {INSTANCE_OF} ?class }} }}"
        )
        for row in self.rows(query):
            self.add_row(shape, row["this"], row["v"])

    def pairs(self, shape: PropertyShape, focus: str) -> dict[Node, set[Node]]:
        """Every focus node's value nodes, as rdflib terms (for the checks done in Python)."""
        found: dict[Node, set[Node]] = defaultdict(set)
        for row in self.rows(f"SELECT DISTINCT ?this ?v WHERE {{ {focus} {shape.reach()} }}"):
            found[self.terms.back(row["this"])].add(self.terms.back(row["v"]))
        return found
