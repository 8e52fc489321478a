"""Importing a filled template: the expected records, from every file format, stable IRIs."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from cls_kg.graph.spreadsheet.importer import import_path, import_tables, turtle

from ..support.spreadsheet import (
    FILLED,
    expected_graph,
    filled_tables,
    set_cell,
    write_xlsx,
    zip_folder,
)


def formats(tmp_path: Path) -> dict[str, Path]:
    """The filled template in every accepted form."""
    return {
        "folder": FILLED,
        "zip": zip_folder(FILLED, tmp_path / "cls.zip"),
        "zip-with-folder": zip_folder(FILLED, tmp_path / "nested.zip", "cls/"),
        "xlsx": write_xlsx(filled_tables(), tmp_path / "cls.xlsx"),
    }


@pytest.mark.parametrize("form", ["folder", "zip", "zip-with-folder", "xlsx"])
def test_import_gives_the_expected_records(tmp_path: Path, form: str) -> None:
    imported = import_path(formats(tmp_path)[form], validate=False)
    assert not imported.problems
    assert isomorphic(imported.graph, expected_graph())


def test_filled_template_conforms_to_the_shapes() -> None:
    imported = import_path(FILLED)
    assert imported.conforms, [p.what["en"] for p in imported.problems]
    assert imported.count("Warning") == 0


def test_importing_twice_gives_the_same_iris(tmp_path: Path) -> None:
    first = import_path(FILLED, validate=False).graph
    second = import_path(write_xlsx(filled_tables(), tmp_path / "again.xlsx"), validate=False).graph
    assert set(first.subjects()) == set(second.subjects())
    assert set(first) == set(second)


def test_iris_do_not_depend_on_row_order() -> None:
    tables = filled_tables()
    for name in ("Axes", "Actions", "Signataires", "Contrat"):
        header, *rows = tables[name]
        random.Random(7).shuffle(rows)
        tables[name] = [header, *rows]
    assert set(import_tables(tables, validate=False).graph) == set(expected_graph())


def test_turtle_reads_back() -> None:
    imported = import_path(FILLED, validate=False)
    assert isomorphic(Graph().parse(data=imported.turtle(), format="turtle"), imported.graph)
    assert "@prefix theme:" in turtle(imported.graph)


def test_derived_identifiers() -> None:
    subjects = {str(s) for s in expected_graph().subjects()}
    for path in (
        "contract/val-d-exemple-2019-2023",
        "contract/val-d-exemple-2024-2028/period",
        "contract/val-d-exemple-2024-2028/axis/2/action/1",
        "contract/val-d-exemple-2024-2028/participation/maison-de-sante-du-val-d-exemple",
        "organisation/maison-de-sante-du-val-d-exemple",
    ):
        assert f"https://w3id.org/cls-sante/id/{path}" in subjects


def test_extra_sheets_and_columns_are_ignored_with_a_warning() -> None:
    tables = filled_tables()
    tables["Brouillon"] = [["x"], ["y"]]
    tables["Axes"][0].append("Commentaire interne")
    imported = import_tables(tables, validate=False)
    assert imported.conforms
    assert {p.rule for p in imported.problems} == {
        "spreadsheet:unknown-sheet",
        "spreadsheet:unknown-column",
    }
    assert isomorphic(imported.graph, expected_graph())


def test_missing_contract_sheet() -> None:
    tables = filled_tables()
    del tables["Contrat"]
    imported = import_tables(tables, validate=False)
    assert not imported.conforms
    assert imported.problems[0].rule == "spreadsheet:missing-sheet"


def test_an_organisation_named_on_one_row_and_identified_on_another_is_one() -> None:
    tables = filled_tables()
    set_cell(tables, "Signataires", 3, "Identifiant de l'organisation", "")
    set_cell(tables, "Signataires", 3, "Organisation", "Communauté de communes du Val d'Exemple")
    header, first, *rest = tables["Signataires"]
    tables["Signataires"] = [header, *rest, first]
    imported = import_tables(tables, validate=False)
    assert not imported.problems
    assert set(imported.graph) == set(expected_graph())
