"""The tabular distributions of a version (graph/tables/): every CSV file validates against
its Table Schema with frictionless — types, formats, required fields, enumerations from the
SKOS schemes, primary keys and the foreign keys between the files — on the seed build and on
a generated national sample; the manifest lists each file with its digest; the XLSX workbook
holds the same rows."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from frictionless import Package, Schema

from cls_kg.graph.build import BuildResult
from cls_kg.graph.tables import DATAPACKAGE, TABLES, WORKBOOK
from cls_kg.graph.tables.columns import CLSV

BUILDS = ("seed_build", "national_build")


def problems(folder: Path) -> list[str]:
    """Every error frictionless finds in the data package of a tables folder."""
    report = Package(str(folder / DATAPACKAGE)).validate()
    return [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors]


def csv_rows(path: Path) -> list[list[str]]:
    """A CSV file's rows, header first."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize("name", BUILDS)
def test_every_csv_validates_against_its_table_schema(
    name: str, request: pytest.FixtureRequest
) -> None:
    result: BuildResult = request.getfixturevalue(name)
    assert problems(result.path / "tables") == []


@pytest.mark.parametrize("name", BUILDS)
def test_every_table_has_rows_and_an_iri_per_row(name: str, request: pytest.FixtureRequest) -> None:
    folder = request.getfixturevalue(name).path / "tables"
    for table in TABLES:
        rows = csv_rows(folder / f"{table.name}.csv")
        assert rows[0] == [c.name for c in table.columns], table.name
        assert len(rows) > 1, f"{table.name} is empty"
        key = rows[0].index("iri" if "iri" in rows[0] else "sujet")
        assert all(r[key].startswith("https://w3id.org/cls-sante/id/") for r in rows[1:])


def test_the_national_sample_fills_every_table(national_build: BuildResult) -> None:
    counts = {e["name"]: e.get("rows") for e in national_build.manifest["tables"]}
    assert counts["contrats.csv"] == 60
    assert counts["actions.csv"] > 1000
    assert counts["couverture.csv"] > 100


def test_column_names_are_french_snake_case() -> None:
    for table in TABLES:
        for column in table.columns:
            assert column.name.isascii() and column.name == column.name.lower(), column.name
            assert all(part.isalnum() for part in column.name.split("_")), column.name


def test_schemas_carry_enumerations_from_the_vocabularies(seed_tables: Path) -> None:
    schema = json.loads((seed_tables / "contrats.schema.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in schema["fields"]}
    assert fields["statut"]["constraints"]["enum"] == sorted(
        ["en-elaboration", "signe", "en-vigueur", "echu", "evalue"]
    )
    assert schema["primaryKey"] == ["iri"]
    assert {"fields": "territoire", "reference": {"resource": "territoires", "fields": "iri"}} in (
        schema["foreignKeys"]
    )
    Schema(str(seed_tables / "contrats.schema.json"))  # a valid Table Schema
    themes = json.loads((seed_tables / "liens.schema.json").read_text(encoding="utf-8"))
    assert CLSV.removesuffix("/") not in json.dumps(themes["fields"][0])


@pytest.mark.parametrize(
    ("table", "column", "value", "error"),
    [
        ("contrats", "statut", "annule", "constraint-error"),  # not in the scheme
        ("contrats", "territoire", "https://w3id.org/cls-sante/id/territory/nowhere", "foreign"),
        ("couverture", "population_couverte", "-3", "constraint-error"),
        ("contrats", "mois_signature", "2016-13", "type-error"),
    ],
)
def test_a_broken_cell_is_reported(
    seed_tables: Path, tmp_path: Path, table: str, column: str, value: str, error: str
) -> None:
    folder = tmp_path / "tables"
    shutil.copytree(seed_tables, folder)
    rows = csv_rows(folder / f"{table}.csv")
    rows[1][rows[0].index(column)] = value
    with (folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    package = json.loads((folder / DATAPACKAGE).read_text(encoding="utf-8"))
    for resource in package["resources"]:  # the digests no longer hold: drop them
        resource.pop("hash"), resource.pop("bytes")
    (folder / DATAPACKAGE).write_text(json.dumps(package), encoding="utf-8")
    found = problems(folder)
    assert found and all(table in p for p in found), found
    report = Package(str(folder / DATAPACKAGE)).validate()
    assert error in {e.type.split("-key")[0] for t in report.tasks for e in t.errors} | {
        e.type for t in report.tasks for e in t.errors
    }


def test_the_manifest_lists_every_file_with_its_digest(seed_build: BuildResult) -> None:
    folder = seed_build.path / "tables"
    listed = {e["name"]: e for e in seed_build.manifest["tables"]}
    assert set(listed) == {p.name for p in folder.iterdir()}
    for name, e in listed.items():
        data = (folder / name).read_bytes()
        assert e["bytes"] == len(data) and e["sha256"] == hashlib.sha256(data).hexdigest()
    assert {f"{t.name}.csv" for t in TABLES} | {f"{t.name}.schema.json" for t in TABLES} <= set(
        listed
    )
    assert {"csv-metadata.json", DATAPACKAGE, WORKBOOK} <= set(listed)


def test_the_workbook_holds_the_same_rows(seed_tables: Path) -> None:
    book = openpyxl.load_workbook(seed_tables / WORKBOOK, read_only=True)
    assert book.sheetnames == ["a_propos", *(t.name for t in TABLES)]
    for table in TABLES:
        sheet = [list(r) for r in book[table.name].iter_rows(values_only=True)]
        rows = csv_rows(seed_tables / f"{table.name}.csv")
        assert len(sheet) == len(rows) and sheet[0] == rows[0]
        width = len(rows[0])  # a row's empty cells at its end are not written
        as_text = [["" if v is None else str(v) for v in row] + [""] * width for row in sheet]
        as_text = [row[:width] for row in as_text]
        numbers = {i for i, c in enumerate(table.columns) if c.type in ("integer", "number")}
        for got, want in zip(as_text[1:], rows[1:], strict=True):
            assert [g for i, g in enumerate(got) if i not in numbers] == [
                w for i, w in enumerate(want) if i not in numbers
            ]
            assert [float(g or 0) for i, g in enumerate(got) if i in numbers] == [
                float(w or 0) for i, w in enumerate(want) if i in numbers
            ]
