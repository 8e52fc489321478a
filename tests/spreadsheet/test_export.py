"""The seed records round-trip through the template: export, import, isomorphic graphs."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from cls_kg.graph.errors import UnknownContract
from cls_kg.graph.namespaces import CLS
from cls_kg.graph.sources import default_sources, parse_files
from cls_kg.graph.spreadsheet.coverage import covered_subgraph, reach
from cls_kg.graph.spreadsheet.export import all_contracts, contract_iri, export
from cls_kg.graph.spreadsheet.importer import import_path
from cls_kg.graph.spreadsheet.layout import NOT_COVERED
from cls_kg.graph.spreadsheet.workbook import write

SEED_CONTRACTS = all_contracts(parse_files(default_sources().records))


def round_trip(records: Graph, contracts: list[URIRef], path: Path) -> Graph:
    """Export some contracts to ``path``, import the file back."""
    write(path, export(records, contracts))
    imported = import_path(path, validate=False)
    assert not imported.problems, [p.what["en"] for p in imported.problems]
    return imported.graph


def test_there_are_seed_contracts() -> None:
    assert len(SEED_CONTRACTS) >= 11


@pytest.mark.parametrize("contract", SEED_CONTRACTS, ids=lambda c: c.rsplit("/", 1)[-1])
def test_each_seed_contract_round_trips(
    seed_records: Graph, contract: URIRef, tmp_path: Path
) -> None:
    back = round_trip(seed_records, [contract], tmp_path / "contrat.xlsx")
    assert isomorphic(back, covered_subgraph(seed_records, [contract]))


@pytest.mark.parametrize("name", ["cls.xlsx", "cls.zip", "cls"])
def test_all_seed_contracts_round_trip_together(
    seed_records: Graph, tmp_path: Path, name: str
) -> None:
    back = round_trip(seed_records, SEED_CONTRACTS, tmp_path / name)
    assert isomorphic(back, covered_subgraph(seed_records, SEED_CONTRACTS))


def test_only_documented_properties_are_left_out(seed_records: Graph) -> None:
    covered = covered_subgraph(seed_records, SEED_CONTRACTS)
    documented = {p for properties in NOT_COVERED.values() for p in properties}
    for nodes in reach(seed_records, SEED_CONTRACTS).values():
        for node in nodes:
            for predicate, value in seed_records.predicate_objects(node):
                if (node, predicate, value) not in covered:
                    assert predicate in documented, (node, predicate, value)


def test_round_trip_keeps_every_resource_of_the_records(seed_records: Graph) -> None:
    covered = set(covered_subgraph(seed_records, SEED_CONTRACTS).subjects())
    kinds = (CLS.Contract, CLS.Territory, CLS.Participation, CLS.Axis, CLS.Action, CLS.Source)
    for kind in kinds:
        assert set(seed_records.subjects(RDF.type, kind)) <= covered, kind


def test_export_writes_identifiers(seed_records: Graph) -> None:
    book = export(seed_records, [contract_iri("besancon-2016-2018")])
    contract = book.rows["Contrat"][0]
    assert contract["identifiant"] == "besancon-2016-2018"
    assert contract["territoire"] == "besancon"
    assert contract["precedent"] == "besancon-cls1"
    assert contract["sources"] == "001_bf1d75e5163262c4"
    signatories = {row["identifiant-organisation"]: row for row in book.rows["Signataires"]}
    assert signatories["ville-besancon"]["role"] == "Porteur"
    assert signatories["ville-besancon"]["signataire"] == "oui"


def test_export_leaves_inherited_sources_empty(seed_records: Graph) -> None:
    book = export(seed_records, [contract_iri("pays-vosges-saonoises-2023-2027")])
    assert all(row["sources"] == "" for row in book.rows["Axes"] + book.rows["Actions"])


def test_unknown_contract(seed_records: Graph) -> None:
    with pytest.raises(UnknownContract):
        export(seed_records, [contract_iri("nulle-part-2099")])
