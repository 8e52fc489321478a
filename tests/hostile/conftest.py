"""Fixtures of the hostile input suite: the service under gunicorn, as deployed, on loopback.

Two servers: the seed build (dumps, pages, the SPARQL endpoint) under gunicorn, and the small
graph of the page tests whose labels carry markup, behind the test HTTP server. Every test
sends something hostile, checks that the answer is a clean error, then that the server still
answers a light query (``alive``, tests/support/hostile.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from ..remote.servers import OXIGRAPH, OxigraphServer, publish_data_dir
from ..support.served import LiveServer, serving


@pytest.fixture(scope="session")
def target(built_data_dir: Path) -> Iterator[LiveServer]:
    """The seed build served by gunicorn."""
    with serving(built_data_dir) as server:
        yield server


@pytest.fixture(scope="session")
def remote_target(
    built_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The seed build published to an Oxigraph server, served by gunicorn on that store."""
    if not OXIGRAPH.exists():
        pytest.skip(f"no {OXIGRAPH}: pip install oxigraph")
    store = OxigraphServer()
    store.start()
    try:
        publish_data_dir(built_data_dir, tmp_path_factory.mktemp("version"), store.config())
        with serving(built_data_dir, CLS_KG_STORE_URL=store.query_url) as server:
            yield server
    finally:
        store.stop()


@pytest.fixture(scope="session")
def markup_target(local_app: Flask, serve_app: Callable[[Flask], LiveServer]) -> LiveServer:
    """The graph with markup in its labels (base http://localhost/), live in this process."""
    return serve_app(local_app)
