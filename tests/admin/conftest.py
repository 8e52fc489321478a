"""Fixtures of the admin API tests: a copy of the seed build per test, apps with a token
(``tests/support/admin.py``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from cls_kg.server.core import state

from ..support.admin import app_on


@pytest.fixture
def data_dir(built_data_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the seed build: the tests publish into it."""
    copy = tmp_path / "data"
    shutil.copytree(built_data_dir, copy, symlinks=True)
    return copy


@pytest.fixture
def client(data_dir: Path) -> Iterator[FlaskClient]:
    """A client of an app with the admin API on."""
    app = app_on(data_dir)
    yield app.test_client()
    state.close(app)
