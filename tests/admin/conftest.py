"""Fixtures of the admin API tests: a copy of the seed build per test, apps with a token."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from cls_kg.graph.spreadsheet.tables import Book
from cls_kg.graph.spreadsheet.workbook import write as write_workbook
from cls_kg.server import create_app

DATA = Path(__file__).resolve().parent.parent / "spreadsheet" / "data"
FILLED_CSV = DATA / "filled"
FILLED_TTL = DATA / "filled.ttl"
TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SETTINGS: dict[str, Any] = {"RATE_LIMIT": 0, "QUERY_WORKERS": 1, "ADMIN_NAME": "Alice"}


@pytest.fixture
def data_dir(built_data_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the seed build: the tests publish into it."""
    copy = tmp_path / "data"
    shutil.copytree(built_data_dir, copy, symlinks=True)
    return copy


def app_on(data_dir: Path, **settings: Any) -> Flask:
    """An app on ``data_dir`` with the admin token set, unless a test says otherwise."""
    return create_app({**SETTINGS, "DATA_DIR": data_dir, "ADMIN_TOKEN": TOKEN, **settings})


@pytest.fixture
def client(data_dir: Path) -> Iterator[FlaskClient]:
    """A client of an app with the admin API on."""
    yield app_on(data_dir).test_client()


def fill_template(path: Path) -> Path:
    """An empty template (``cls-kg template``) filled with openpyxl from the CSV example."""
    write_workbook(path, Book())
    workbook = load_workbook(path)
    for table in sorted(FILLED_CSV.glob("*.csv")):
        sheet = workbook[table.stem]
        columns = {cell.value: cell.column for cell in sheet[1] if cell.value}
        with table.open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                for header, value in row.items():
                    if value:
                        sheet.cell(row=number, column=columns[header], value=value)
    workbook.save(path)
    return path
