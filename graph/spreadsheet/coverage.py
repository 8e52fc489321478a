"""Which triples of the records belong to a contract's part of the template: what an export
followed by an import gives back exactly.

From each contract the walk reaches its period, participations and their organisations,
territory, objectives, axes and their actions, then the sources (``source/…``) all of them
cite. Of each resource it keeps the properties the template's columns and links write
(``layout.covered_properties``) and the types of ``layout.TYPES``; an organisation is a
``cls:Signatory`` there only when it signs one of the exported contracts. Not covered: the
contract's meetings, evaluations and decisions (``layout.NOT_COVERED``), and anything the
walk does not reach.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF
from rdflib.term import Node

from ..namespaces import CLS
from .identifiers import keys_of
from .layout import TYPES, covered_properties

#: How the walk goes from one kind of resource to the next.
WALK: tuple[tuple[str, URIRef, str], ...] = (
    ("contract", DCTERMS.temporal, "period"),
    ("contract", CLS.participation, "participation"),
    ("participation", CLS.agent, "organisation"),
    ("contract", CLS.territory, "territory"),
    ("contract", CLS.generalObjective, "objective"),
    ("contract", CLS.hasAxis, "axis"),
    ("axis", CLS.hasAction, "action"),
)


def reach(graph: Graph, contracts: Iterable[URIRef]) -> dict[str, set[Node]]:
    """Every resource of each kind the template describes for these contracts."""
    found: dict[str, set[Node]] = {kind: set() for kind in TYPES}
    found["contract"] = set(contracts)
    for source_kind, predicate, kind in WALK:
        for node in list(found[source_kind]):
            found[kind].update(graph.objects(node, predicate))
    cited = {s for nodes in found.values() for n in nodes for s in graph.objects(n, DCTERMS.source)}
    found["source"] = {
        s for s in cited if keys_of("source", s) and (s, RDF.type, CLS.Source) in graph
    }
    return found


def kept(
    graph: Graph, node: Node, kind: str, signatories: set[Node]
) -> Iterable[tuple[Node, Node, Node]]:
    """The covered triples about one resource."""
    properties = covered_properties(kind)
    for predicate, value in graph.predicate_objects(node):
        if predicate not in properties:
            continue
        if predicate == RDF.type and not allowed_type(kind, node, value, signatories):
            continue
        yield (node, predicate, value)


def allowed_type(kind: str, node: Node, value: Node, signatories: set[Node]) -> bool:
    """The types the template writes; cls:Signatory only for a signatory of these contracts."""
    if value == CLS.Signatory:
        return node in signatories
    return value in TYPES[kind]


def covered_subgraph(graph: Graph, contracts: Iterable[URIRef]) -> Graph:
    """The part of the records the template carries for these contracts."""
    selected = list(contracts)
    signatories = {o for c in selected for o in graph.objects(c, CLS.signatory)}
    out = Graph()
    for kind, nodes in reach(graph, selected).items():
        for node in nodes:
            for triple in kept(graph, node, kind, signatories):
                out.add(triple)
    return out
