"""Every kind of problem, reported at the right sheet, row and column, in French and English.

The cases are data: data/errors.toml changes one cell of the filled template per case.
"""

from __future__ import annotations

from typing import Any

import pytest

from cls_kg.graph.spreadsheet.importer import Imported, import_tables
from cls_kg.graph.spreadsheet.problems import Cell, Problem, column_letter

from ..support.spreadsheet import CASES, filled_tables, set_cell

LANGS = ("fr", "en")


def run(case: dict[str, Any]) -> Imported:
    """Import the filled template with the case's cell changed."""
    tables = filled_tables()
    set_cell(tables, case["sheet"], case["row"], case["header"], case["value"])
    return import_tables(tables, validate=case.get("shacl", False))


def found(imported: Imported, case: dict[str, Any]) -> Problem:
    """The problem the case expects, at the expected cell."""
    matches = [p for p in imported.problems if p.rule == case["rule"] and p.cell.ref == case["at"]]
    seen = [(p.rule, p.cell.ref) for p in imported.problems]
    assert matches, f"expected {case['rule']} at {case['at']}, got {seen}"
    return matches[0]


@pytest.fixture(scope="module")
def results() -> dict[str, Imported]:
    """Each case imported once (the SHACL cases take a couple of seconds each)."""
    return {case["name"]: run(case) for case in CASES}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_problem_is_reported_at_its_cell(
    results: dict[str, Imported], case: dict[str, Any], lang: str
) -> None:
    problem = found(results[case["name"]], case)
    assert problem.severity == case.get("severity", "Violation")
    assert case[f"what_{lang}"] in problem.what[lang]
    assert case[f"fix_{lang}"] in problem.fix[lang]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_cell_names_sheet_row_and_column(
    results: dict[str, Imported], case: dict[str, Any]
) -> None:
    problem = found(results[case["name"]], case)
    assert problem.cell.sheet == case["sheet"]
    assert problem.cell.row is not None
    if problem.cell.column is not None:
        assert problem.cell.header is not None
        assert problem.cell.ref == f"{case['sheet']}!{problem.cell.letter}{problem.cell.row}"


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c.get("severity", "Violation") == "Violation"],
    ids=lambda c: c["name"],
)
def test_errors_block_the_import(results: dict[str, Imported], case: dict[str, Any]) -> None:
    assert not results[case["name"]].conforms


def test_shacl_results_are_not_repeated_at_a_flagged_cell() -> None:
    tables = filled_tables()
    set_cell(tables, "Axes", 2, "Intitulé", "")
    imported = import_tables(tables)
    at_cell = [p for p in imported.problems if p.cell.ref == "Axes!C2"]
    assert [p.rule for p in at_cell] == ["spreadsheet:missing-value"]


CELLS = [
    (Cell("Contrat", 5, 8, "Statut"), "fr", "Feuille « Contrat », ligne 5, colonne H (« Statut »)"),
    (Cell("Contrat", 5, 8, "Statut"), "en", "Sheet “Contrat”, row 5, column H (“Statut”)"),
    (Cell("Axes", 1, None, "Intitulé"), "fr", "Feuille « Axes », ligne 1, colonne « Intitulé »"),
    (Cell("Axes", 4), "en", "Sheet “Axes”, row 4"),
]


@pytest.mark.parametrize(("cell", "lang", "text"), CELLS)
def test_cell_in_words(cell: Cell, lang: str, text: str) -> None:
    problem = Problem("Violation", cell, "rule", {"fr": "", "en": ""}, {"fr": "", "en": ""})
    assert problem.where(lang) == text


@pytest.mark.parametrize(
    ("index", "letters"), [(1, "A"), (16, "P"), (26, "Z"), (27, "AA"), (53, "BA")]
)
def test_column_letter(index: int, letters: str) -> None:
    assert column_letter(index) == letters
