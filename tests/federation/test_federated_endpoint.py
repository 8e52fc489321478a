"""Federated queries from /sparql to a local Oxigraph server standing in for INSEE/Wikidata."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from ..support.apps import app_with
from ..support.listener import Listener
from ..support.served import free_port

OXIGRAPH = shutil.which("oxigraph") or str(Path(__import__("sys").executable).parent / "oxigraph")
FIXTURE = Path(__file__).parent / "data" / "remote.ttl"
JOIN = """
PREFIX cls: <https://w3id.org/cls-sante/def#>
PREFIX igeo: <http://rdf.insee.fr/def/geo#>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?territory ?code ?item WHERE {{
  ?territory cls:coversUnit ?commune .
  ?commune igeo:codeINSEE ?code .
  SERVICE <{endpoint}> {{ ?item wdt:P374 ?code }}
}}
"""


def wait_until_up(url: str) -> None:
    """Poll the server until it answers (at most 20 s)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


@pytest.fixture(scope="module")
def remote() -> Iterator[str]:
    """An in-memory Oxigraph server on loopback, loaded with the fixture; its query URL."""
    if not Path(OXIGRAPH).exists():
        pytest.skip("the oxigraph server (PyPI package 'oxigraph') is not installed")
    port = free_port()
    process = subprocess.Popen(
        [OXIGRAPH, "serve", "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/query?query=ASK%7B%7D")
        load = urllib.request.Request(
            f"{base}/store?default",
            data=FIXTURE.read_bytes(),
            headers={"Content-Type": "text/turtle"},
            method="PUT",
        )
        urllib.request.urlopen(load, timeout=5).close()
        yield f"{base}/query"
    finally:
        process.terminate()
        process.wait(5)


def sparql(client: FlaskClient, query: str) -> tuple[int, dict[str, object] | str]:
    """Run a query through /sparql; the JSON body, or the error text."""
    response = client.get(
        "/sparql?query=" + quote(query),
        headers={"Accept": "application/sparql-results+json", "Accept-Language": "en"},
    )
    if response.status_code == 200:
        return 200, response.get_json()
    return response.status_code, response.get_data(as_text=True)


def test_join_with_an_allowed_remote_endpoint(built_data_dir: Path, remote: str) -> None:
    client = app_with(built_data_dir, SERVICE_ALLOWLIST=(remote,)).test_client()
    status, body = sparql(client, JOIN.format(endpoint=remote))
    assert status == 200, body
    assert isinstance(body, dict)
    rows = body["results"]["bindings"]  # type: ignore[index]
    assert [(r["code"]["value"], r["item"]["value"]) for r in rows] == [
        ("25056", "https://example.org/wikidata/Q-test-besancon")
    ]


def test_remote_rows_are_capped_with_a_clear_error(built_data_dir: Path, remote: str) -> None:
    client = app_with(built_data_dir, SERVICE_ALLOWLIST=(remote,), MAX_ROWS=1).test_client()
    status, body = sparql(client, f"SELECT * {{ SERVICE <{remote}> {{ ?s ?p ?o }} }}")
    assert status == 502
    assert "too many rows" in str(body)


@pytest.mark.parametrize(
    "target",
    ["http://127.0.0.1:{port}/query", "http://localhost:{port}/sparql", "file:///etc/passwd"],
)
def test_targets_outside_the_allow_list_are_refused(
    built_data_dir: Path,
    remote: str,
    listener: Listener,
    target: str,
) -> None:
    client = app_with(built_data_dir, SERVICE_ALLOWLIST=(remote,)).test_client()
    status, body = sparql(client, JOIN.format(endpoint=target.format(port=listener.port)))
    assert status == 403, body
    assert listener.connections == []


def test_redirects_from_an_allowed_endpoint_are_not_followed(
    built_data_dir: Path,
    listener: Listener,
) -> None:
    """An allowed endpoint answering 302 to another address does not get it called."""
    elsewhere = socket.socket()
    elsewhere.bind(("127.0.0.1", 0))
    elsewhere.listen()
    target = f"http://127.0.0.1:{elsewhere.getsockname()[1]}/sparql"
    listener.reply = (
        f"HTTP/1.1 302 Found\r\nLocation: {target}\r\nContent-Length: 0\r\n\r\n".encode()
    )
    allowed = f"{listener.url}/sparql"
    client = app_with(built_data_dir, SERVICE_ALLOWLIST=(allowed,)).test_client()
    elsewhere.settimeout(0.5)
    status, _ = sparql(client, f"SELECT * {{ SERVICE <{allowed}> {{ ?s ?p ?o }} }}")
    assert status == 502
    with pytest.raises(TimeoutError):
        elsewhere.accept()
    elsewhere.close()
