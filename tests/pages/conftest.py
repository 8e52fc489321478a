"""Fixtures of the page tests: the seed build's app, clients of it and of the small app under
the base http://localhost/ with markup in its labels (``local_app``, tests/conftest.py), and a
live server of the seed app.

The apps, the live servers and the data folder writer are those of ``tests/support``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ..support.apps import app_with, closing
from ..support.served import LiveServer


@pytest.fixture
def local(local_app: Flask) -> FlaskClient:
    """A client of the markup app."""
    return local_app.test_client()


@pytest.fixture(scope="session")
def pages_app(built_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app on the seed build (default base), with its own cache folder."""
    yield from closing(app_with(built_data_dir, CACHE_DIR=tmp_path_factory.mktemp("cache")))


@pytest.fixture
def seed(pages_app: Flask) -> FlaskClient:
    """A client of the seed app."""
    return pages_app.test_client()


@pytest.fixture(scope="session")
def seed_server(pages_app: Flask, serve_app: Callable[[Flask], LiveServer]) -> LiveServer:
    """The seed app behind a real HTTP server on loopback."""
    return serve_app(pages_app)
