"""Fixtures of the server tests: apps on small data folders, live HTTP servers, a listener.

A live server is the real app behind werkzeug's threaded HTTP server on a free loopback
port; it answers from worker processes exactly as under gunicorn.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from cls_kg.server import create_app
from cls_kg.server.core import state

from ..conftest import SHARED
from ..support.served import LiveServer

W3C = SHARED / "w3c"
PROTOCOL_GRAPHS = {
    f"http://kasei.us/2009/09/sparql/data/data{n}.rdf": W3C / "sparql11-protocol" / f"data{n}.nt"
    for n in (1, 2, 3)
}
#: Settings of the test apps: no rate limit unless a test sets one.
TEST_SETTINGS: dict[str, Any] = {"RATE_LIMIT": 0, "QUERY_WORKERS": 2}


def write_data_dir(folder: Path, graphs: Mapping[str, bytes]) -> Path:
    """A data folder as a build leaves it: current -> versions/test/ with store and manifest."""
    version = folder / "versions" / "test"
    version.mkdir(parents=True)
    store = ox.Store(str(version / "store"))
    for name, data in graphs.items():
        store.load(data, ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(name))
    store.flush()
    del store
    manifest = {"version": "test", "built_at": "2026-01-01T00:00:00+00:00"}
    (version / "manifest.json").write_text(json.dumps(manifest))
    (folder / "current").symlink_to(Path("versions") / "test")
    return folder


def app_with(data_dir: Path, **settings: Any) -> Flask:
    """An app on ``data_dir`` with some settings changed from the test defaults."""
    return create_app({**TEST_SETTINGS, "DATA_DIR": data_dir, **settings})


def closing(app: Flask) -> Iterator[Flask]:
    """A fixture's app, its query processes stopped when the fixture ends."""
    yield app
    state.close(app)


@pytest.fixture(scope="session")
def protocol_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dataset of the W3C protocol tests: data1-3 in named graphs, plus one IRI graph."""
    graphs = {name: path.read_bytes() for name, path in PROTOCOL_GRAPHS.items()}
    graphs["http://example.org/extra"] = (
        b"<http://example.org/s> <http://example.org/p> 'x', 'y', 'z' ."
    )
    return write_data_dir(tmp_path_factory.mktemp("protocol"), graphs)


@pytest.fixture(scope="session")
def protocol_app(protocol_data_dir: Path) -> Iterator[Flask]:
    """The app on the protocol dataset."""
    yield from closing(app_with(protocol_data_dir))


@pytest.fixture
def client(protocol_app: Flask) -> FlaskClient:
    """A test client of the protocol app."""
    return protocol_app.test_client()


@pytest.fixture(scope="session")
def seed_app(built_data_dir: Path) -> Iterator[Flask]:
    """The app on the seed build."""
    yield from closing(app_with(built_data_dir))


@pytest.fixture(scope="session")
def serve_app() -> Iterator[Callable[[Flask], LiveServer]]:
    """Start apps behind real HTTP servers on free loopback ports; stop them at the end."""
    servers = []

    def start(app: Flask) -> LiveServer:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return LiveServer(f"http://127.0.0.1:{server.server_port}")

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="session")
def protocol_server(protocol_app: Flask, serve_app: Callable[[Flask], LiveServer]) -> LiveServer:
    """The protocol app, live."""
    return serve_app(protocol_app)


@dataclass
class Listener:
    """A loopback TCP listener that records connections (the stand-in of a remote host)."""

    port: int
    connections: list[bytes] = field(default_factory=list)
    reply: bytes = b""

    @property
    def url(self) -> str:
        """Its base URL."""
        return f"http://127.0.0.1:{self.port}"


def run_listener(sock: socket.socket, listener: Listener) -> None:
    """Accept connections, record what arrives, answer with the canned reply."""
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(2)
            try:
                listener.connections.append(conn.recv(65536))
                conn.sendall(listener.reply)
            except OSError:
                listener.connections.append(b"")


@contextmanager
def open_listener() -> Iterator[Listener]:
    """A listener on a free loopback port, closed on leaving the block."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    found = Listener(sock.getsockname()[1])
    threading.Thread(target=run_listener, args=(sock, found), daemon=True).start()
    try:
        yield found
    finally:
        sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A listener on a free loopback port, closed after the test."""
    with open_listener() as found:
        yield found
