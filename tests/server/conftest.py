"""Fixtures of the server tests: the protocol app's client and the app on the seed build.

The protocol dataset, its app and live server, ``serve_app`` and ``listener`` are shared with
other folders: they are in tests/conftest.py (helpers in ``tests/support/apps.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ..support.apps import app_with, closing


@pytest.fixture
def client(protocol_app: Flask) -> FlaskClient:
    """A test client of the protocol app."""
    return protocol_app.test_client()


@pytest.fixture(scope="session")
def seed_app(built_data_dir: Path) -> Iterator[Flask]:
    """The app on the seed build."""
    yield from closing(app_with(built_data_dir))
