"""RemoteStore on its own: configuration, credentials, engine differences, failures.

Stand-ins for the remote host are loopback listeners (``tests/server/conftest.py``): one
that records the request and answers a canned reply, one that accepts and never answers.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from cls_kg.graph.errors import (
    ConfigError,
    NoPublication,
    QuerySyntaxError,
    QueryTimeout,
    StoreUnavailable,
)
from cls_kg.graph.push import conventional
from cls_kg.graph.remote import (
    RemoteConfig,
    RemoteStore,
    virtuoso_message,
    virtuoso_repair,
)
from cls_kg.graph.results import BINDINGS
from cls_kg.graph.store import QueryRequest

from ..support.apps import app_with
from ..support.listener import Listener
from .servers import OxigraphServer, RemoteServer, free_port

EMPTY_POINTER = b'{"head":{"vars":["version","manifest","graph"]},"results":{"bindings":[]}}'


def test_credentials_from_the_url_unless_given() -> None:
    config = RemoteConfig.from_url("https://reader:s3cret@store.example:8890/sparql")
    assert (config.query_url, config.user, config.password) == (
        "https://store.example:8890/sparql",
        "reader",
        "s3cret",
    )
    assert "s3cret" not in repr(config)
    given = RemoteConfig.from_url("https://reader:s3cret@store.example/sparql", password="other")
    assert given.password == "other"


@pytest.mark.parametrize(
    ("url", "options"),
    [("ftp://store.example/sparql", {}), ("store.example", {}), ("http://s/q", {"engine": "x"})],
)
def test_unusable_settings_are_refused(url: str, options: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        RemoteConfig.from_url(url, **options)


def test_app_refuses_a_bad_store_url(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        app_with(tmp_path, STORE_URL="not a url")


def test_conventional_endpoints_beside_the_query_url() -> None:
    assert conventional("http://h:7878/query") == ("http://h:7878/update", "http://h:7878/store")
    assert conventional("http://h/sparql") == (None, None)


class Recorder(BaseHTTPRequestHandler):
    """Records each request's headers and answers an empty pointer, as Oxigraph would."""

    seen: list[dict[str, str]]
    server_version, sys_version = "Oxigraph/0.5.13", ""

    def do_POST(self) -> None:
        """Read the whole request, keep its headers, answer."""
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.seen.append(dict(self.headers))
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(EMPTY_POINTER)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def recorder() -> Iterator[tuple[int, list[dict[str, str]]]]:
    """An HTTP server on loopback that records request headers: its port and the record."""
    seen: list[dict[str, str]] = []
    handler = type("Handler", (Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_port, seen
    server.shutdown()
    server.server_close()


def test_basic_credentials_are_sent(recorder: tuple[int, list[dict[str, str]]]) -> None:
    port, seen = recorder
    store = RemoteStore(RemoteConfig.from_url(f"http://user:pa%20ss@127.0.0.1:{port}/q"))
    with pytest.raises(NoPublication):
        store.publication()
    token = base64.b64encode(b"user:pa%20ss").decode()
    assert seen[0]["Authorization"] == f"Basic {token}"
    assert store.engine.name == "oxigraph"  # told by its Server header


def test_a_query_never_leaves_as_an_update(listener: Listener) -> None:
    store = RemoteStore(RemoteConfig.from_url(f"http://127.0.0.1:{listener.port}/q"))
    for text in ("INSERT DATA { <a:s> <a:p> <a:o> }", "LOAD <http://example.org/x>", "FOO"):
        with pytest.raises(QuerySyntaxError):
            store.answer(QueryRequest(text, {BINDINGS: "json"}))
    assert listener.connections == []


def test_nobody_listening_is_unavailable() -> None:
    store = RemoteStore(RemoteConfig.from_url(f"http://127.0.0.1:{free_port()}/query"))
    with pytest.raises(StoreUnavailable, match="refused"):
        store.publication()


@pytest.fixture
def silent() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_no_answer_in_time_is_a_timeout(silent: int) -> None:
    config = RemoteConfig.from_url(f"http://127.0.0.1:{silent}/query", timeout=0.3)
    with pytest.raises(QueryTimeout):
        RemoteStore(config).publication()


def test_store_down_app_answers_503_and_readyz_says_why(tmp_path: Path) -> None:
    app = app_with(tmp_path, STORE_URL=f"http://127.0.0.1:{free_port()}/query")
    client = app.test_client()
    assert client.get("/healthz").get_json() == {"status": "alive"}
    response = client.get("/sparql", query_string={"query": "ASK {}"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["status"] == "unavailable"
    assert ready.headers["Cache-Control"] == "no-store"


@pytest.fixture
def empty(engine: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteServer]:
    """A server of the engine where nothing was published."""
    from .servers import start

    server = start(engine, tmp_path_factory)
    yield server
    server.stop()


def test_nothing_published_is_503_with_the_command_to_run(
    empty: RemoteServer, tmp_path: Path
) -> None:
    client = app_with(tmp_path, STORE_URL=empty.query_url).test_client()
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert "cls-kg publish --to URL" in response.text
    assert client.get("/readyz").get_json()["code"] == "no-publication"


def test_readyz_names_the_version_and_the_backend(seed_app: object) -> None:
    body = seed_app.test_client().get("/readyz").get_json()  # type: ignore[attr-defined]
    assert body["status"] == "ready" and body["store"] == "remote"
    assert len(body["version"]) == 16


def test_engine_is_told_by_its_server_header(engine: str, protocol_remote: RemoteServer) -> None:
    store = RemoteStore(RemoteConfig.from_url(protocol_remote.query_url))
    store.publication()
    assert store.engine.name == engine


def test_virtuoso_json_is_made_standard() -> None:
    body = json.dumps(
        {
            "head": {"vars": ["s", "n"]},
            "results": {
                "bindings": [
                    {
                        "s": {"type": "bnode", "value": "nodeID://b10003"},
                        "n": {"type": "typed-literal", "datatype": "x:int", "value": "3"},
                    }
                ]
            },
        }
    ).encode()
    binding = json.loads(virtuoso_repair(body))["results"]["bindings"][0]
    assert binding["s"] == {"type": "bnode", "value": "b10003"}
    assert binding["n"]["type"] == "literal"


def test_virtuoso_messages_lose_codes_and_query_echo() -> None:
    text = (
        "Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error at '}'\n\n"
        "SPARQL query:\ndefine sql:big-data-const 0 SELECT * { ?s ?p }"
    )
    assert virtuoso_message(text) == "SPARQL compiler, line 1: syntax error at '}'"


def test_oxigraph_server_binary_is_the_pypi_one() -> None:
    assert OxigraphServer().command()[1] == "serve"
