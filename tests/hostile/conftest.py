"""Fixtures of the hostile input suite: the service under gunicorn, as deployed, on loopback.

Two servers: the seed build (dumps, pages, the SPARQL endpoint) under gunicorn, and the small
graph of the page tests whose labels carry markup, behind the test HTTP server. Every test
sends something hostile, checks that the answer is a clean error, then that the server still
answers a light query (``alive``).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from ..pages.conftest import local_app, local_data_dir
from ..remote.servers import OXIGRAPH, OxigraphServer, publish_data_dir
from ..server.conftest import Listener, LiveServer, listener, serve_app

__all__ = ["listener", "local_app", "local_data_dir", "serve_app"]

#: Settings of the servers under attack: a short timeout, no rate limit (tests send bursts).
ENVIRONMENT = {
    "CLS_KG_RATE_LIMIT": "0",
    "CLS_KG_QUERY_TIMEOUT": "2",
    "CLS_KG_QUERY_WORKERS": "2",
    "CLS_KG_BODY_TIMEOUT": "2",
}
LIGHT_QUERY = "/sparql?query=ASK%7B%7D"
#: What must never reach a client: tracebacks, source paths, interpreter internals.
LEAKS = re.compile(
    rb"Traceback|File \"|site-packages|\.py\b|/work/|/tmp/|/root/|/home/|werkzeug\.|"
    rb"pyoxigraph\.|RecursionError|KeyError|TypeError|ValueError|UnicodeDecodeError"
)


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(
    data_dir: Path, workers: int = 2, **environment: str
) -> tuple[subprocess.Popen[bytes], LiveServer]:
    """``cls-kg serve``'s gunicorn on a free port, once it answers a light query."""
    port = free_port()
    code = (
        "import sys, pathlib; from cls_kg.server.wsgi.serve import serve; "
        "serve('127.0.0.1', int(sys.argv[1]), pathlib.Path(sys.argv[2]), None, int(sys.argv[3]))"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(port), str(data_dir), str(workers)],
        env={**os.environ, **ENVIRONMENT, **environment},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = LiveServer(f"http://127.0.0.1:{port}")
    answered = 0
    for _ in range(400):  # until both web processes answer (a few answers in a row)
        try:
            answered = answered + 1 if server.request("GET", LIGHT_QUERY)[0] == 200 else 0
        except OSError:
            answered = 0
            time.sleep(0.05)
        if answered == 6:
            return process, server
    process.kill()
    raise RuntimeError("the server did not start")


@pytest.fixture(scope="session")
def target(built_data_dir: Path) -> Iterator[LiveServer]:
    """The seed build served by gunicorn."""
    process, server = start(built_data_dir)
    yield server
    process.terminate()
    process.wait(timeout=30)


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
        process, server = start(built_data_dir, CLS_KG_STORE_URL=store.query_url)
        yield server
        process.terminate()
        process.wait(timeout=30)
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
