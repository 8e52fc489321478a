"""The curators' CSV folders (tests/data/records/) round-trip through the template, Sources'
"Date de consultation" and the Chiffres sheet included, in every file format."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from cls_kg.graph.namespaces import CLS, CLSV
from cls_kg.graph.spreadsheet.export import all_contracts, all_figures, export
from cls_kg.graph.spreadsheet.identifiers import DATA
from cls_kg.graph.spreadsheet.importer import import_path
from cls_kg.graph.spreadsheet.workbook import write

from ..support.paths import TEST_DATA

FOLDER = TEST_DATA / "records" / "essai-bourgogne-franche-comte"


@pytest.fixture(scope="module")
def imported() -> Graph:
    """The fixture folder's records, as ``cls-kg import`` gives them."""
    result = import_path(FOLDER)
    assert result.conforms, [p.what["en"] for p in result.problems if p.severity == "Violation"]
    return result.graph


def test_the_date_consulted_is_read(imported: Graph) -> None:
    source = URIRef(DATA + "source/essai-bfc-ars")
    assert imported.value(source, CLS.consulted) == Literal("2026-12-05", datatype=XSD.date)


def test_each_announced_figure_is_a_resource(imported: Graph) -> None:
    share = URIRef(DATA + "figure/departement-70-part-population-couverte-2024")
    assert imported.value(share, CLS.zone) == URIRef(DATA + "departement/70")
    assert imported.value(share, CLS.indicator) == CLSV["indicateur/part-population-couverte"]
    assert imported.value(share, CLS.figureValue) == Literal("25.5", datatype=XSD.decimal)
    assert len(all_figures(imported)) == 3


@pytest.mark.parametrize("name", ["cls.xlsx", "cls.zip", "cls"])
def test_a_folder_round_trips(imported: Graph, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    write(path, export(imported, all_contracts(imported), figures=True))
    back = import_path(path, validate=False)
    assert not back.problems, [p.what["en"] for p in back.problems]
    assert isomorphic(back.graph, imported)


@pytest.mark.parametrize(
    ("value", "key"), [("vingt", "bad-decimal"), ("-3", "bad-decimal"), ("", "missing-value")]
)
def test_a_bad_value_is_shown_at_its_cell(tmp_path: Path, value: str, key: str) -> None:
    folder = tmp_path / "dossier"
    folder.mkdir()
    for file in FOLDER.glob("*.csv"):
        text = file.read_text(encoding="utf-8")
        if file.name == "Chiffres.csv":
            text = text.replace(
                "region/27,contrats signés,30,", f"region/27,contrats signés,{value},"
            )
        (folder / file.name).write_text(text, encoding="utf-8")
    problems = [p for p in import_path(folder).problems if p.severity == "Violation"]
    assert [(p.cell.ref, p.rule) for p in problems] == [("Chiffres!C2", f"spreadsheet:{key}")]
