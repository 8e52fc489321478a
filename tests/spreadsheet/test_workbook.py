"""Reading files: XLSX values as typed, CSV delimiters and encodings, unreadable inputs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from cls_kg.graph.errors import SourceError, SpreadsheetUnreadable
from cls_kg.graph.spreadsheet.workbook import cell_text, read

CELLS = [
    (None, ""),
    ("  texte  ", "texte"),
    (2016, "2016"),
    (2016.0, "2016"),
    (0.5, "0.5"),
    (True, "oui"),
    (dt.datetime(2017, 1, 31), "2017-01-31"),
    (dt.date(2017, 1, 31), "2017-01-31"),
    ("ligne 1\r\nligne 2", "ligne 1\nligne 2"),
]


@pytest.mark.parametrize(("value", "text"), CELLS)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_xlsx_dates_and_numbers_read_as_typed(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Contrat"
    sheet.append(["Début", "Date de signature", ""])
    sheet.append([2016, dt.datetime(2017, 1, 31), None])
    sheet.append([None, None, None])
    workbook.save(tmp_path / "f.xlsx")
    assert read(tmp_path / "f.xlsx") == {
        "Contrat": [["Début", "Date de signature"], ["2016", "2017-01-31"]]
    }


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiters(tmp_path: Path, delimiter: str) -> None:
    text = f'N° axe{delimiter}Intitulé\n1{delimiter}"Axe un{delimiter} suite"\n'
    (tmp_path / "Axes.csv").write_text(text, "utf-8")
    assert read(tmp_path)["Axes"] == [["N° axe", "Intitulé"], ["1", f"Axe un{delimiter} suite"]]


UNREADABLE = [
    ("garbage.xlsx", b"not a zip at all", None),
    ("garbage.zip", b"PK\x03\x04 broken", None),
    ("latin1.csv", "Intitulé\nSanté\n".encode("latin-1"), 1),
    ("file.ods", b"", None),
]


@pytest.mark.parametrize(("name", "data", "line"), UNREADABLE, ids=[u[0] for u in UNREADABLE])
def test_unreadable(tmp_path: Path, name: str, data: bytes, line: int | None) -> None:
    target = tmp_path / name
    target.write_bytes(data)
    if name.endswith(".csv"):
        target = tmp_path
    with pytest.raises(SpreadsheetUnreadable) as error:
        read(target)
    assert isinstance(error.value, SourceError)
    assert error.value.line == line


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpreadsheetUnreadable):
        read(tmp_path / "absent.xlsx")


def test_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(SpreadsheetUnreadable):
        read(tmp_path)
