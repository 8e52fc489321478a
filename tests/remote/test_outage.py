"""The remote store goes away mid-run: clean 503s on every route, then recovery by itself.

The store is an on-disk Oxigraph server (so that its data survives the restart), killed with
SIGKILL while a long query runs, then started again on the same port and folder.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from cls_kg.graph.remote import POINTER_TTL

from ..server.test_safety import PATHOLOGICAL
from .servers import OXIGRAPH, OxigraphServer, publish_data_dir, remote_app

pytestmark = pytest.mark.skipif(not OXIGRAPH.exists(), reason="pip install oxigraph")

TURTLE = {"Accept": "text/turtle"}
HTML = {"Accept": "text/html"}
#: Every kind of route that reads the store: path, query string, headers.
ROUTES: list[tuple[str, dict[str, str], dict[str, str]]] = [
    ("/sparql", {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}, {}),
    ("/sparql", {"query": "ASK {}"}, HTML),
    ("/sparql", {}, TURTLE),
    ("/", {}, HTML),
    ("/id/contract/anything", {}, HTML),
    ("/id/contract/anything.ttl", {}, {}),
    ("/def", {}, HTML),
    ("/catalog", {}, TURTLE),
    ("/.well-known/void", {}, HTML),
    ("/health", {}, {}),
]
UP = {200, 404}  # /id/contract/anything is not in the protocol dataset


@pytest.fixture
def disk_server(tmp_path: Path, protocol_data_dir: Path) -> Iterator[OxigraphServer]:
    """An on-disk Oxigraph server holding the protocol dataset."""
    server = OxigraphServer(location=tmp_path / "db")
    server.start()
    publish_data_dir(protocol_data_dir, tmp_path / "version", server.config())
    yield server
    server.stop()


def get(app: Flask, route: tuple[str, dict[str, str], dict[str, str]]) -> TestResponse:
    """One request of the table."""
    path, query, headers = route
    return app.test_client().get(path, query_string=query, headers=headers)


def wait_until_ready(app: Flask, seconds: float = 10.0) -> Any:
    """Poll /readyz until 200; its last answer."""
    deadline = time.monotonic() + seconds
    while True:
        response = app.test_client().get("/readyz")
        if response.status_code == 200 or time.monotonic() > deadline:
            return response
        time.sleep(0.1)


def test_kill_gives_clean_503s_then_recovery(
    disk_server: OxigraphServer, protocol_data_dir: Path
) -> None:
    app = remote_app(protocol_data_dir, disk_server, QUERY_TIMEOUT=20.0)
    assert {get(app, route).status_code for route in ROUTES} <= UP
    running: list[TestResponse] = []
    slow = threading.Thread(
        target=lambda: running.append(get(app, ("/sparql", {"query": PATHOLOGICAL}, {})))
    )
    slow.start()
    time.sleep(0.5)
    disk_server.kill()
    slow.join(timeout=20)
    time.sleep(POINTER_TTL)  # the version read before the kill is trusted that long
    for response in [*running, *(get(app, route) for route in ROUTES)]:
        assert response.status_code == 503, response.request.path
        assert response.headers.get("Retry-After") == "5", response.request.path
        assert "Traceback" not in response.text
        assert "ne répond pas" in response.text or "ne répond pas" in response.get_data(
            as_text=True
        )
    assert app.test_client().get("/healthz").status_code == 200
    ready = app.test_client().get("/readyz", headers={"Accept-Language": "en"})
    assert ready.status_code == 503
    assert ready.get_json()["code"] == "store-unavailable"
    assert "not answering" in ready.get_json()["message"]
    disk_server.start()  # same port, same folder
    assert wait_until_ready(app).get_json()["version"] == "test"
    assert {get(app, route).status_code for route in ROUTES} <= UP
