"""The spreadsheet tests' material: the filled template, its expected records, the error cases,
and ways to edit tables and save them as a publisher's software does."""

from __future__ import annotations

import copy
import tomllib
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from rdflib import Graph

from cls_kg.graph.spreadsheet.workbook import Tables, read

from .paths import REPO

DATA = REPO / "tests" / "spreadsheet" / "data"
FILLED = DATA / "filled"
EXPECTED = DATA / "filled.ttl"
CASES: list[dict[str, Any]] = tomllib.loads((DATA / "errors.toml").read_text("utf-8"))["case"]


def filled_tables() -> Tables:
    """A fresh copy of the filled template's tables."""
    return copy.deepcopy(read(FILLED))


def expected_graph() -> Graph:
    """The records the filled template must give."""
    return Graph().parse(EXPECTED)


def set_cell(tables: Tables, sheet: str, row: int, header: str, value: str) -> None:
    """Write ``value`` in the cell under ``header`` of ``row`` (header row = 1)."""
    table = tables[sheet]
    column = table[0].index(header)
    line = table[row - 1]
    line.extend([""] * (column + 1 - len(line)))
    line[column] = value


def write_xlsx(tables: Tables, path: Path) -> Path:
    """Tables as a workbook, one worksheet each, the way a publisher's software saves them."""
    workbook = Workbook()
    for default in list(workbook.worksheets):
        workbook.remove(default)
    for name, table in tables.items():
        worksheet = workbook.create_sheet(name)
        for line in table:
            worksheet.append(line)
    workbook.save(path)
    return path


def zip_folder(folder: Path, path: Path, inner: str = "") -> Path:
    """A folder of CSV files zipped, optionally inside a folder of the zip."""
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(folder.glob("*.csv")):
            archive.write(file, f"{inner}{file.name}")
    return path
