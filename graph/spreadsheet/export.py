"""From records to a filled template: the inverse of the import on what the template covers.

Identifiers are written out from the records' IRIs, so importing the export gives back the
same IRIs. A part's sources (objective, axis, action) are left empty when they are the
contract's, since that is what an empty cell means on import.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF
from rdflib.term import Node

from ..errors import UnknownContract
from ..folders import parse_records
from ..namespaces import CLS
from ..sources import default_sources
from .cells import render_cell
from .identifiers import iri, keys_of
from .layout import (
    ACTION,
    AXIS,
    CONTRACT,
    FIGURE,
    OBJECTIVE,
    PARTICIPATION,
    SOURCE,
    TERRITORY,
    Sheet,
)
from .tables import Book

Row = dict[str, str]


def key(kind: str, node: Node | None) -> str:
    """The identifier in an IRI of ``kind`` (the IRI itself when it does not follow the pattern)."""
    keys = keys_of(kind, node)
    return keys[kind] if keys else ("" if node is None else str(node))


def plain(graph: Graph, sheet: Sheet, subjects: dict[str, Node]) -> Row:
    """The plain columns of a row, each read from the resource it describes."""
    row: Row = {}
    for column in sheet.columns:
        subject = subjects.get(sheet.subject_of(column))
        if column.generic and subject is not None:
            assert column.predicate is not None
            row[column.key] = render_cell(graph.objects(subject, column.predicate), column)
    return row


def by_position(graph: Graph, nodes: Iterable[Node]) -> list[Node]:
    """Parts in the order of their number."""
    return sorted(nodes, key=lambda node: (position(graph, node), str(node)))


def position(graph: Graph, node: Node) -> int:
    """A part's number, 0 when it has none."""
    value = graph.value(node, CLS.position)
    return int(str(value)) if value is not None else 0


class Exporter:
    """Fills a Book with the rows of some contracts, collecting what they point at."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.book = Book()
        self.territories: dict[Node, None] = {}
        self.described: list[Node] = []

    def part(self, sheet: Sheet, contract: Node, subjects: dict[str, Node], extra: Row) -> None:
        """A row of a contract's part; its sources stay empty when they are the contract's."""
        row = plain(self.graph, sheet, subjects) | {"contrat": key("contract", contract)} | extra
        own = set(self.graph.objects(subjects[sheet.kind], DCTERMS.source))
        if own == set(self.graph.objects(contract, DCTERMS.source)):
            row["sources"] = ""
        self.book.add(sheet, row)
        self.described.extend(subjects.values())

    def contract(self, contract: Node) -> None:
        """The Contrat row, then the contract's signatories, objectives, axes and actions."""
        g = self.graph
        territory, period = g.value(contract, CLS.territory), g.value(contract, DCTERMS.temporal)
        subjects = {"contract": contract} | ({"period": period} if period is not None else {})
        row = plain(g, CONTRACT, subjects) | {
            "identifiant": key("contract", contract),
            "territoire": key("territory", territory),
            "precedent": key("contract", g.value(contract, CLS.previousContract)),
        }
        self.book.add(CONTRACT, row)
        self.described.extend(subjects.values())
        if territory is not None:
            self.territories[territory] = None
        self.signatories(contract)
        for objective in by_position(g, g.objects(contract, CLS.generalObjective)):
            self.part(OBJECTIVE, contract, {"objective": objective}, {})
        for axis in by_position(g, g.objects(contract, CLS.hasAxis)):
            self.part(AXIS, contract, {"axis": axis}, {})
            for action in by_position(g, g.objects(axis, CLS.hasAction)):
                self.part(ACTION, contract, {"action": action}, {"axe": key("axis", axis)})

    def signatories(self, contract: Node) -> None:
        """One Signataires row per participation, the organisation described on each."""
        g = self.graph
        signed = set(g.objects(contract, CLS.signatory))
        for participation in sorted(g.objects(contract, CLS.participation), key=str):
            agent = g.value(participation, CLS.agent)
            subjects = {"participation": participation}
            subjects |= {"organisation": agent} if agent is not None else {}
            row = plain(g, PARTICIPATION, subjects) | {
                "contrat": key("contract", contract),
                "identifiant-organisation": key("organisation", agent),
                "signataire": "oui" if agent in signed else "non",
            }
            self.book.add(PARTICIPATION, row)
            self.described.extend(subjects.values())

    def territory(self, territory: Node) -> None:
        """One Territoire row."""
        row = plain(self.graph, TERRITORY, {"territory": territory}) | {
            "identifiant": key("territory", territory),
            "autorite": key("organisation", self.graph.value(territory, CLS.authority)),
        }
        self.book.add(TERRITORY, row)
        self.described.append(territory)

    def figure(self, figure: Node) -> None:
        """One Chiffres row."""
        self.book.add(FIGURE, plain(self.graph, FIGURE, {"figure": figure}))
        self.described.append(figure)

    def sources(self) -> None:
        """One Sources row per source of the exported resources that the records describe."""
        cited = {s for node in self.described for s in self.graph.objects(node, DCTERMS.source)}
        for source in sorted(cited, key=str):
            if keys_of("source", source) and (source, RDF.type, CLS.Source) in self.graph:
                row = plain(self.graph, SOURCE, {"source": source})
                self.book.add(SOURCE, row | {"identifiant": key("source", source)})


def check_contracts(graph: Graph, contracts: Sequence[URIRef]) -> None:
    """Every contract asked for is in the records."""
    for contract in contracts:
        if (contract, RDF.type, CLS.Contract) not in graph:
            raise UnknownContract(str(contract))


def export(graph: Graph, contracts: Sequence[URIRef], figures: bool = False) -> Book:
    """The filled template for some contracts of the records (and, with ``figures``, every
    figure the records announce: they belong to no contract)."""
    check_contracts(graph, contracts)
    exporter = Exporter(graph)
    for contract in contracts:
        exporter.contract(contract)
    for territory in exporter.territories:
        exporter.territory(territory)
    for figure in all_figures(graph) if figures else []:
        exporter.figure(figure)
    exporter.sources()
    return exporter.book


def all_figures(graph: Graph) -> list[URIRef]:
    """Every announced figure of the records, in IRI order."""
    found = graph.subjects(RDF.type, CLS.AnnouncedFigure)
    return sorted(s for s in found if isinstance(s, URIRef))


def all_contracts(graph: Graph) -> list[URIRef]:
    """Every contract of the records, in IRI order."""
    return sorted(s for s in graph.subjects(RDF.type, CLS.Contract) if isinstance(s, URIRef))


def contract_iri(name: str) -> URIRef:
    """A contract named by its IRI, or by its identifier (the end of its IRI)."""
    return (
        URIRef(name) if name.startswith(("http://", "https://")) else iri("contract", contract=name)
    )


def export_records(records_dir: Path | None, names: Sequence[str], everything: bool) -> Book:
    """The filled template for the named contracts (or all) of a folder of records."""
    sources = default_sources(records_dir)
    graph = parse_records(sources.records, sources.folders)
    contracts = all_contracts(graph) if everything else [contract_iri(n) for n in names]
    return export(graph, contracts, figures=everything)
