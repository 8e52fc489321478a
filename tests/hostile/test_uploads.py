"""Uploads that cost far more than their size (issue 13, items 6 and 7): the work per upload is
bounded, reports are capped, a broken worksheet is a report naming the sheet (not a 500).

Reproductions of the attack pass: a 33 KB XLSX declaring ``<dimension ref="A1:XFD1048576"/>``
(openpyxl padded every row to 16,384 cells: 3,000 rows took 7.6 s and 400 MB), a 150 KB zip of
CSV files with 20,000 bad rows (18 s, 2 GB, a 57 MB 422 body), a truncated worksheet (500).
The reading functions are tested directly, then the same files over HTTP through the admin API
of a served instance (whatever it answers first: the outcome is polled).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import time
import tracemalloc
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from openpyxl import Workbook
from rdflib import Graph

from cls_kg.graph.errors import SpreadsheetRefused
from cls_kg.graph.reports import problems_of_error, save_report
from cls_kg.graph.spreadsheet.importer import Imported, import_path
from cls_kg.graph.spreadsheet.limits import Limits
from cls_kg.graph.spreadsheet.problems import Cell, MoreProblems, Problem, capped, problem
from cls_kg.graph.spreadsheet.workbook import read, read_zip

from ..support.admin import TOKEN, fill_template
from ..support.hostile import alive
from ..support.served import LiveServer, start

CONTRACT_HEADERS = (Path(__file__).parent.parent / "spreadsheet" / "data" / "filled").joinpath(
    "Contrat.csv"
)
LIMITS = Limits()
AUTH = {"Authorization": f"Bearer {TOKEN}"}
#: Seconds and bytes an upload's refusal may take, whatever the file.
QUICK = 10.0
SMALL = 500_000  # a report of 5,000 problems quoting 10 kB each was 338 kB


# --- the hostile files ----------------------------------------------------------------------


def xlsx_bytes(rows: int) -> bytes:
    """A workbook with a Contrat sheet of ``rows`` short rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Contrat")
    sheet.append(["Identifiant", "Intitulé"])
    for number in range(rows):
        sheet.append([f"c{number}", "x"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rewrite_sheet(
    data: bytes, change: dict[str, str] | None = None, cut: int | None = None
) -> bytes:
    """The workbook with its first worksheet's XML edited (text replaced) or cut short."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            member = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = re.sub(r"<dimension[^>]*/>", "", member.decode())
                for old, new in (change or {}).items():
                    text = text.replace(old, new, 1)
                member = text.encode()[:cut]
            archive.writestr(info, member)
    return out.getvalue()


DIMENSION = '<dimension ref="A1:XFD1048576"/><sheetData>'
FAR_ROW = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'


def dimension_bomb(far_row: bool) -> bytes:
    """1,500 rows declaring 16,384 columns and a million rows (with a value at the last row)."""
    change = {"<sheetData>": DIMENSION} | ({"</sheetData>": FAR_ROW} if far_row else {})
    return rewrite_sheet(xlsx_bytes(1500), change)


def bad_rows_zip(rows: int) -> bytes:
    """A zip with one CSV sheet: the template's Contrat headers, then ``rows`` bad rows."""
    headers = CONTRACT_HEADERS.read_text(encoding="utf-8").splitlines()[0]
    row = "bad id {}," + ",".join(["??"] * headers.count(",")) + "\n"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        body = "".join(row.format(number) for number in range(rows))
        archive.writestr("Contrat.csv", headers + "\n" + body)
    return out.getvalue()


def written(tmp_path: Path, name: str, data: bytes) -> Path:
    """The file on disk."""
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refusal(path: Path) -> SpreadsheetRefused:
    """What reading the file refuses it for."""
    with pytest.raises(SpreadsheetRefused) as refused:
        read(path)
    return refused.value


# --- reading, directly ----------------------------------------------------------------------


def test_declared_dimension_is_not_trusted(tmp_path: Path) -> None:
    path = written(tmp_path, "bomb.xlsx", dimension_bomb(far_row=False))
    assert path.stat().st_size < 100_000
    tracemalloc.start()
    started = time.monotonic()
    try:
        table = read(path)["Contrat"]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 3
    assert peak < 50_000_000, peak
    assert len(table) == 1501 and max(len(row) for row in table) == 2


def test_a_value_past_the_row_limit_refuses_the_sheet(tmp_path: Path) -> None:
    started = time.monotonic()
    refused = refusal(written(tmp_path, "bomb.xlsx", dimension_bomb(far_row=True)))
    assert time.monotonic() - started < 3
    assert (refused.key, refused.sheet) == ("too-many-rows", "Contrat")
    assert refused.line == 1048576


def test_twenty_thousand_bad_rows_are_refused_at_the_row_limit(tmp_path: Path) -> None:
    path = written(tmp_path, "bad.zip", bad_rows_zip(20_000))
    started = time.monotonic()
    refused = refusal(path)
    assert time.monotonic() - started < 3
    assert (refused.key, refused.sheet, refused.line) == ("too-many-rows", "Contrat", 2002)
    (said,) = problems_of_error(refused, "bad.zip")
    assert said.where("fr") == "Feuille « Contrat », ligne 2002"
    assert "au plus 2000 lignes" in said.what["fr"] and "at most 2000 rows" in said.what["en"]


def test_bad_rows_stop_the_reading_after_the_problem_limit(tmp_path: Path) -> None:
    path = written(tmp_path, "bad.zip", bad_rows_zip(1500))
    started = time.monotonic()
    imported = import_path(path)
    assert time.monotonic() - started < QUICK
    assert not imported.conforms
    assert len(imported.problems) <= LIMITS.problems + 1
    rules = [p.rule for p in imported.problems]
    assert "spreadsheet:reading-stopped" in rules


def test_columns_and_cells_are_bounded(tmp_path: Path) -> None:
    wide = "a," * 150 + "b\n"
    folder = tmp_path / "wide"
    folder.mkdir()
    (folder / "Contrat.csv").write_text("Identifiant\n" + wide, encoding="utf-8")
    assert refusal(folder).key == "too-many-columns"
    (folder / "Contrat.csv").write_text("Identifiant\n" + "," * 1_000_000, encoding="utf-8")
    started = time.monotonic()
    assert refusal(folder).key == "too-many-columns"
    assert time.monotonic() - started < 1
    (folder / "Contrat.csv").write_text("Identifiant,Intitulé\n" + "a,b\n" * 100, encoding="utf-8")
    archive = tmp_path / "cells.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(folder / "Contrat.csv", "Contrat.csv")
    with pytest.raises(SpreadsheetRefused) as refused:
        read_zip(archive, Limits(cells=50))
    assert refused.value.key == "too-many-cells"


@pytest.mark.parametrize("cut", [60, None], ids=["first-bytes", "half"])
def test_a_truncated_worksheet_is_refused_naming_the_sheet(tmp_path: Path, cut: int | None) -> None:
    whole = fill_template(tmp_path / "filled.xlsx").read_bytes()
    sheet = zipfile.ZipFile(io.BytesIO(whole)).read("xl/worksheets/sheet1.xml")
    path = written(tmp_path, "cut.xlsx", rewrite_sheet(whole, cut=cut or len(sheet) // 2))
    refused = refusal(path)
    assert (refused.key, refused.sheet) == ("unreadable-sheet", "Contrat")
    (said,) = problems_of_error(refused, "cut.xlsx")
    assert said.what["fr"].startswith("La feuille « Contrat » est illisible")


# --- reports --------------------------------------------------------------------------------


def many_problems(count: int, value: str) -> list[Problem]:
    """``count`` problems quoting a long value, on as many rows of the Contrat sheet."""
    return [
        problem("bad-count", Cell("Contrat", row, 10, "Nombre"), value=value)
        for row in range(2, count + 2)
    ]


def test_a_list_of_problems_is_cut_and_counted() -> None:
    found = [*many_problems(300, "x"), problem("missing-sheet", Cell("Contrat"))]
    warnings = [problem("unknown-column", Cell("Contrat", 1, 1, "?"), "Warning")] * 250
    listed = capped([*warnings, *found], 200)
    assert len(listed) == 201 and isinstance(listed[-1], MoreProblems)
    assert listed[-1].count == 351 and listed[-1].severity == "Violation"  # never conforms
    assert "351" in listed[-1].what["fr"] and "351" in listed[-1].what["en"]
    again = capped([*listed, problem("missing-sheet", Cell("Contrat"))], 200)
    assert len(again) == 201 and again[-1].count == 352  # type: ignore[attr-defined]


def test_reports_kept_stay_small(tmp_path: Path) -> None:
    imported = Imported(Graph(), tuple(many_problems(5000, "v" * 10_000)))
    folder = save_report(tmp_path, "big", "big.xlsx", imported, None)
    sizes = {path.name: path.stat().st_size for path in folder.iterdir()}
    assert max(sizes.values()) < SMALL, sizes
    body = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert len(body["problems"]["fr"]) == LIMITS.problems + 1
    assert "4800" in body["problems"]["en"][-1]["message"]


# --- over HTTP, through the admin API of a served instance ------------------------------------


@pytest.fixture(scope="module")
def admin_target(
    built_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A private copy of the seed build served by gunicorn, with the admin API on."""
    data_dir = tmp_path_factory.mktemp("uploads") / "data"
    shutil.copytree(built_data_dir, data_dir, symlinks=True)
    process, server = start(data_dir, CLS_KG_ADMIN_TOKEN=TOKEN)
    yield server
    process.terminate()
    process.wait(timeout=30)


def upload(server: LiveServer, name: str, data: bytes) -> tuple[int, bytes, float]:
    """Send a file to the admin API and follow its job: the final status, body and seconds."""
    started = time.monotonic()
    headers = {**AUTH, "Content-Type": "application/octet-stream"}
    status, answer, body = server.request("POST", f"/admin/records?filename={name}", data, headers)
    location = urlsplit(answer.get("Location", "")).path
    while status == 202 or (status == 200 and answer.get("Retry-After")):
        assert time.monotonic() - started < 60, body[:300]
        time.sleep(0.2)
        status, answer, body = server.request("GET", location, headers=AUTH)
    return status, body, time.monotonic() - started


@pytest.mark.parametrize(
    ("name", "data", "rule"),
    [
        ("bomb.xlsx", dimension_bomb(far_row=True), "spreadsheet:too-many-rows"),
        ("bad.zip", bad_rows_zip(20_000), "spreadsheet:too-many-rows"),
        ("badrows.zip", bad_rows_zip(1500), "spreadsheet:reading-stopped"),
    ],
    ids=["dimension-bomb", "20000-bad-rows", "1500-bad-rows"],
)
def test_costly_uploads_get_a_small_422_quickly(
    admin_target: LiveServer, name: str, data: bytes, rule: str
) -> None:
    status, body, took = upload(admin_target, name, data)
    assert status == 422, body[:300]
    assert len(body) < SMALL and took < QUICK + 10, (len(body), took)
    rules = [p["rule"] for p in json.loads(body)["problems"]]
    assert rule in rules and len(rules) <= LIMITS.problems + 1
    record = Path(name).stem
    report_status, _, report = admin_target.request("GET", f"/id/report/{record}.json")
    assert report_status == 200 and len(report) < SMALL
    alive(admin_target)


def test_a_truncated_worksheet_gets_a_422_naming_the_sheet(
    admin_target: LiveServer, tmp_path: Path
) -> None:
    whole = fill_template(tmp_path / "filled.xlsx").read_bytes()
    status, body, _ = upload(admin_target, "cut.xlsx", rewrite_sheet(whole, cut=2000))
    assert status == 422, body[:300]
    (found,) = [
        p for p in json.loads(body)["problems"] if p["rule"] == "spreadsheet:unreadable-sheet"
    ]
    assert found["sheet"] == "Contrat"
