"""Fixtures of the admin API tests: a copy of the seed build per test, apps with a token."""

from __future__ import annotations

import csv
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from werkzeug.test import TestResponse

from cls_kg.graph.spreadsheet.tables import Book
from cls_kg.graph.spreadsheet.workbook import write as write_workbook
from cls_kg.server import create_app
from cls_kg.server.core import state

DATA = Path(__file__).resolve().parent.parent / "spreadsheet" / "data"
FILLED_CSV = DATA / "filled"
FILLED_TTL = DATA / "filled.ttl"
TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SETTINGS: dict[str, Any] = {"RATE_LIMIT": 0, "QUERY_WORKERS": 1, "ADMIN_NAME": "Alice"}
JOB_DEADLINE = 120.0  # seconds a publication job may take in the tests


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
    app = app_on(data_dir)
    yield app.test_client()
    state.close(app)


def fill_template(path: Path, tables: Path = FILLED_CSV) -> Path:
    """An empty template (``cls-kg template``) filled with openpyxl from the CSV example."""
    write_workbook(path, Book())
    workbook = load_workbook(path)
    for table in sorted(tables.glob("*.csv")):
        sheet = workbook[table.stem]
        columns = {cell.value: cell.column for cell in sheet[1] if cell.value}
        with table.open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                for header, value in row.items():
                    if value:
                        sheet.cell(row=number, column=columns[header], value=value)
    workbook.save(path)
    return path


def outcome(client: FlaskClient, accepted: TestResponse, **headers: str) -> TestResponse:
    """The outcome of an upload answered 202: its status URL, polled until the job is done."""
    assert accepted.status_code == 202, accepted.get_data(as_text=True)
    status_url = accepted.headers["Location"]
    end = time.monotonic() + JOB_DEADLINE
    while time.monotonic() < end:
        response = client.get(status_url, headers={**AUTH, **headers})
        if response.status_code != 200 or response.get_json()["state"] not in ("queued", "running"):
            return response
        assert response.headers["Retry-After"] == "1"
        time.sleep(0.1)
    raise AssertionError(f"the job at {status_url} did not end")
