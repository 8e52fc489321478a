"""The template, import and export subcommands of cls-kg, and their exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from cls_kg.cli import EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE, main
from cls_kg.graph.spreadsheet.workbook import read

from ..support.spreadsheet import FILLED, expected_graph, filled_tables, set_cell, write_xlsx


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """Run the command in-process; return its exit status, stdout and stderr."""
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("name", ["modele.xlsx", "modele.zip", "modele"])
def test_template(capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str) -> None:
    status, out, _ = run(capsys, "template", tmp_path / name)
    assert status == EXIT_OK
    assert "Modèle écrit" in out
    assert read(tmp_path / name)["Contrat"][0][:2] == ["Identifiant", "Intitulé"]


def test_import_writes_turtle(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, err = run(capsys, "import", FILLED, "-o", tmp_path / "fiches.ttl")
    assert status == EXIT_OK
    assert "Import : 0 erreur(s)" in out
    assert "triplets écrits" in err
    assert isomorphic(Graph().parse(tmp_path / "fiches.ttl"), expected_graph())


def test_import_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "import", FILLED, "--lang", "en")
    assert status == EXIT_OK
    assert isomorphic(Graph().parse(data=out, format="turtle"), expected_graph())
    assert "Import: 0 error(s)" in err


def test_import_with_problems(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    tables = filled_tables()
    set_cell(tables, "Axes", 3, "Thèmes", "Santé mentalle")
    source = write_xlsx(tables, tmp_path / "cls.xlsx")
    status, out, _ = run(
        capsys, "import", source, "-o", tmp_path / "fiches.ttl", "--format", "json"
    )
    assert status == EXIT_INVALID
    assert not (tmp_path / "fiches.ttl").exists()
    errors = [p for p in json.loads(out)["problems"] if p["severity"] == "Violation"]
    assert [(p["cell"], p["rule"]) for p in errors] == [("Axes!E3", "spreadsheet:unknown-value")]


def test_import_html_report_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    report = tmp_path / "rapport.html"
    status, _, _ = run(
        capsys, "import", FILLED, "-o", tmp_path / "f.ttl", "--format", "html", "--report", report
    )
    assert status == EXIT_OK
    assert "Le fichier est conforme" in report.read_text("utf-8")


def test_import_unreadable(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "cls.xlsx").write_bytes(b"not a workbook")
    status, _, err = run(capsys, "import", tmp_path / "cls.xlsx")
    assert status == EXIT_UNREADABLE
    assert "Fichier illisible" in err and "cls.xlsx" in err


def test_export_then_import(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, _ = run(
        capsys, "export", "--xlsx", tmp_path / "e.xlsx", "pays-vosges-saonoises-2023-2027"
    )
    assert status == EXIT_OK and "1 contrat(s) exporté(s)" in out
    assert read(tmp_path / "e.xlsx")["Contrat"][1][0] == "pays-vosges-saonoises-2023-2027"


def test_export_all_as_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, _ = run(capsys, "export", "--csv", tmp_path / "tous.zip", "--all", "--lang", "en")
    assert status == EXIT_OK and "11 contract(s) exported" in out


def test_export_unknown_contract(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, "export", "--xlsx", tmp_path / "e.xlsx", "nulle-part-2099")
    assert status == EXIT_UNREADABLE
    assert "nulle-part-2099" in err


def test_export_needs_contracts(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, "export", "--xlsx", tmp_path / "e.xlsx")
    assert status == EXIT_UNREADABLE
    assert "--all" in err and not (tmp_path / "e.xlsx").exists()
