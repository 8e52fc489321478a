"""Fixtures of the hostile input suite: the service under gunicorn, as deployed, on loopback.

Two servers: the seed build (dumps, pages, the SPARQL endpoint) under gunicorn, and the small
graph of the page tests whose labels carry markup, behind the test HTTP server. Every test
sends something hostile, checks that the answer is a clean error, then that the server still
answers a light query (``alive``).
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from ..pages.conftest import local_app, local_data_dir
from ..remote.servers import OXIGRAPH, OxigraphServer, publish_data_dir
from ..server.conftest import Listener, listener, serve_app
from ..support.served import ENVIRONMENT, LIGHT_QUERY, LiveServer, free_port, serving, start

__all__ = ["listener", "local_app", "local_data_dir", "serve_app"]
__all__ += ["ENVIRONMENT", "LIGHT_QUERY", "LiveServer", "free_port", "serving", "start"]

#: What must never reach a client: tracebacks, source paths, interpreter internals.
LEAKS = re.compile(
    rb"Traceback|File \"|site-packages|\.py\b|/work/|/tmp/|/root/|/home/|werkzeug\.|"
    rb"pyoxigraph\.|RecursionError|KeyError|TypeError|ValueError|UnicodeDecodeError"
)


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


def raw(server: LiveServer, data: bytes, timeout: float = 10) -> bytes:
    """Send bytes as they are (malformed requests http.client would refuse); the reply."""
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (ConnectionResetError, TimeoutError):
            pass
    return b"".join(chunks)


def assert_clean(status: int, body: bytes, *statuses: int) -> None:
    """An error status (one of ``statuses`` when given), a message, and nothing leaked."""
    assert 400 <= status < 600, (status, body[:300])
    if statuses:
        assert status in statuses, (status, body[:300])
    assert body.strip(), "an error must say what went wrong"
    assert not LEAKS.search(body), body[:500]


def alive(server: LiveServer) -> None:
    """The server still answers a light query, quickly."""
    started = time.monotonic()
    status, _, body = server.request("GET", LIGHT_QUERY)
    assert status == 200 and b"true" in body, (status, body[:300])
    assert time.monotonic() - started < 5


__all__ += ["Listener", "alive", "assert_clean", "raw"]
