"""The import report as text, JSON and standalone HTML, French by default."""

from __future__ import annotations

import json

import pytest

from cls_kg.graph.spreadsheet.importer import Imported, import_tables
from cls_kg.graph.spreadsheet.report import render, to_html, to_json, to_text

from ..support.spreadsheet import filled_tables, set_cell

MARKUP = '<script>alert("x")</script>'


@pytest.fixture(scope="module")
def broken() -> Imported:
    """The filled template with markup typed into a theme cell and a bad year."""
    tables = filled_tables()
    set_cell(tables, "Axes", 3, "Thèmes", MARKUP)
    set_cell(tables, "Contrat", 3, "Début", "vingt")
    return import_tables(tables, validate=False)


def test_text_report_in_french(broken: Imported) -> None:
    text = to_text(broken)
    assert text.startswith("Import : 2 erreur(s), 0 avertissement(s), 0 information(s).")
    assert "aucun enregistrement n'a été écrit" in text
    assert "[ERREUR] Feuille « Contrat », ligne 3, colonne F (« Début »)" in text
    assert "Correction :" in text


def test_text_report_in_english(broken: Imported) -> None:
    text = to_text(broken, "en")
    assert text.startswith("Import: 2 error(s), 0 warning(s), 0 info(s).")
    assert "[ERROR] Sheet “Contrat”, row 3, column F (“Début”)" in text
    assert "Fix:" in text


def test_json_report(broken: Imported) -> None:
    body = json.loads(to_json(broken, "en"))
    assert body["conforms"] is False
    assert body["summary"] == {"Violation": 2, "Warning": 0, "Info": 0}
    first = body["problems"][0]
    assert (first["sheet"], first["row"], first["column"], first["header"]) == (
        "Contrat",
        3,
        "F",
        "Début",
    )
    assert first["cell"] == "Contrat!F3"
    assert first["rule"] == "spreadsheet:bad-year"
    assert "neither a year nor a date" in first["message"]


def test_html_report_is_standalone_french_and_escaped(broken: Imported) -> None:
    page = to_html(broken, source="<b>cls</b>.xlsx")
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="fr">' in page
    assert "Rapport d&#x27;import du tableur" in page
    assert MARKUP not in page and "<b>cls</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;b&gt;cls&lt;/b&gt;.xlsx" in page
    assert "http" not in page.split("<body>")[0]  # nothing fetched: styles inline


def test_html_report_in_english(broken: Imported) -> None:
    assert '<html lang="en">' in render(broken, "html", "en", "f.xlsx")
    assert "Spreadsheet import report" in render(broken, "html", "en", "f.xlsx")


def test_conforming_report() -> None:
    imported = import_tables(filled_tables(), validate=False)
    assert "Le fichier est conforme" in to_text(imported)
    assert json.loads(to_json(imported))["problems"] == []
