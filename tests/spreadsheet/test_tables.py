"""The empty template: its sheets, French headers, notes and controlled lists."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from rdflib.namespace import RDF

from cls_kg.graph.sources import default_sources, parse_files
from cls_kg.graph.spreadsheet.layout import (
    LISTS,
    LISTS_SHEET,
    NOTES_SHEET,
    SHEETS,
    Sheet,
    VocabularyList,
)
from cls_kg.graph.spreadsheet.tables import Book
from cls_kg.graph.spreadsheet.workbook import read, write

VOCABULARIES = parse_files((*default_sources().vocabularies, *default_sources().ontology))
SHEET_NAMES = [*(s.name for s in SHEETS), NOTES_SHEET, LISTS_SHEET]
DATA_SHEETS = [
    "Contrat",
    "Territoire",
    "Signataires",
    "Objectifs",
    "Axes",
    "Actions",
    "Sources",
    "Chiffres",
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty template as XLSX."""
    path = tmp_path_factory.mktemp("template") / "modele.xlsx"
    write(path, Book())
    return path


def test_sheets_in_order(template: Path) -> None:
    assert [s.name for s in SHEETS] == DATA_SHEETS
    assert load_workbook(template).sheetnames == SHEET_NAMES


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda s: s.name)
def test_french_headers(template: Path, sheet: Sheet) -> None:
    assert read(template)[sheet.name] == [[c.header for c in sheet.columns]]


def test_headers_are_unique_per_sheet() -> None:
    for sheet in SHEETS:
        headers = [c.header for c in sheet.columns]
        assert len(set(headers)) == len(headers), sheet.name


def test_notes_explain_every_column(template: Path) -> None:
    notes = read(template)[NOTES_SHEET]
    explained = {(row[0], row[2]) for row in notes[1:] if len(row) > 5 and row[5]}
    for sheet in SHEETS:
        for column in sheet.columns:
            assert (sheet.name, column.header) in explained


@pytest.mark.parametrize("spec", LISTS, ids=lambda s: s.key)
def test_lists_come_from_the_vocabularies(template: Path, spec: VocabularyList) -> None:
    listes = read(template)[LISTS_SHEET]
    index = listes[0].index(spec.title)
    shown = [row[index] for row in listes[1:] if index < len(row) and row[index]]
    concepts = set(VOCABULARIES.subjects(RDF.type, spec.rdf_class))
    assert len(shown) == len(concepts) > 1


def test_themes_list_has_the_17_themes(template: Path) -> None:
    listes = read(template)[LISTS_SHEET]
    themes = [row[0] for row in listes[1:] if row and row[0]]
    assert len(themes) == 17 and "Santé mentale" in themes


def test_controlled_columns_offer_their_list(template: Path) -> None:
    workbook = load_workbook(template)
    for sheet in SHEETS:
        rules = {
            str(v.sqref).split(":")[0][:-1]: v
            for v in workbook[sheet.name].data_validations.dataValidation
        }
        for index, column in enumerate(sheet.columns, start=1):
            if column.vocabulary is None:
                continue
            letter = chr(64 + index)
            assert letter in rules, (sheet.name, column.header)
            assert rules[letter].formula1.startswith(f"={LISTS_SHEET}!$")
            assert rules[letter].errorStyle == ("information" if column.multi else "stop")


def test_csv_folder_has_the_same_layout(template: Path, tmp_path: Path) -> None:
    write(tmp_path / "modele", Book())
    assert sorted(p.stem for p in (tmp_path / "modele").glob("*.csv")) == sorted(SHEET_NAMES)
    assert read(tmp_path / "modele") == read(template)


def test_csv_files_are_utf8_with_french_headers(tmp_path: Path) -> None:
    write(tmp_path / "modele.zip", Book())
    assert read(tmp_path / "modele.zip")["Signataires"][0][1] == "Identifiant de l'organisation"
    write(tmp_path / "dossier", Book())
    data = (tmp_path / "dossier" / "Contrat.csv").read_bytes()
    assert data.decode("utf-8-sig").startswith("Identifiant,Intitulé,")
