"""The admin API in the tests: the token, apps with it, a filled template to upload, and the
outcome of an upload (its job polled until done)."""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from werkzeug.test import TestResponse

from cls_kg.graph.spreadsheet.tables import Book
from cls_kg.graph.spreadsheet.workbook import write as write_workbook
from cls_kg.server import create_app

from .paths import REPO

DATA = REPO / "tests" / "spreadsheet" / "data"
FILLED_CSV = DATA / "filled"
FILLED_TTL = DATA / "filled.ttl"
TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SETTINGS: dict[str, Any] = {"RATE_LIMIT": 0, "QUERY_WORKERS": 1, "ADMIN_NAME": "Alice"}
JOB_DEADLINE = 120.0  # seconds a publication job may take in the tests


def app_on(data_dir: Path, **settings: Any) -> Flask:
    """An app on ``data_dir`` with the admin token set, unless a test says otherwise."""
    return create_app({**SETTINGS, "DATA_DIR": data_dir, "ADMIN_TOKEN": TOKEN, **settings})


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
