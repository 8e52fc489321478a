"""Server-side request forgery: no query and no input file makes the service connect anywhere.

SERVICE to anything off the allow-list is refused before it runs; FROM, FROM NAMED and the
protocol's dataset parameters only name graphs of the store; LOAD is an update (refused).
The listener stands in for an internal host: it records every connection.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from ..server.conftest import Listener, LiveServer, app_with, open_listener
from .conftest import alive, assert_clean

SETTLE = 0.2  # a connection would arrive within this

#: Targets an attacker would aim at: loopback, private ranges, link-local metadata, files.
PRIVATE_TARGETS = [
    "http://127.0.0.1:{port}/sparql",
    "http://localhost:{port}/sparql",
    "http://[::1]:{port}/sparql",
    "http://0.0.0.0:{port}/sparql",
    "http://2130706433:{port}/sparql",
    "http://10.0.0.1/sparql",
    "http://192.168.1.1/sparql",
    "http://169.254.169.254/latest/meta-data/",
    "file:///etc/passwd",
    "gopher://127.0.0.1:{port}/_x",
]


def get_query(server: LiveServer, query: str, **params: str) -> tuple[int, bytes]:
    """GET /sparql with a query; status and body."""
    path = "/sparql?" + urlencode({"query": query, **params})
    status, _, body = server.request("GET", path, headers={"Accept-Language": "en"})
    return status, body


@pytest.mark.parametrize("template", PRIVATE_TARGETS)
def test_service_to_private_targets_is_refused(
    target: LiveServer, listener: Listener, template: str
) -> None:
    endpoint = template.format(port=listener.port)
    status, body = get_query(target, f"SELECT * {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}")
    time.sleep(SETTLE)
    assert_clean(status, body, 403)
    assert b"SERVICE refused" in body
    assert listener.connections == []
    alive(target)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        "SELECT * {{ SERVICE <{url_escaped}> {{ ?s ?p ?o }} }}",
        "SELECT * {{ {nested} SERVICE <{url}> {{ ?s ?p ?o }} {closing} }}",
        "SELECT * {{ {deep} SERVICE <{url}> {{ ?s ?p ?o }} {deep_closing} }}",
        "SELECT * WHERE {{ ?s ?p ?o }} #\nSERVICE <{url}> {{ }}",
    ],
    ids=["silent", "variable", "escaped", "nested", "deeply-nested", "after-comment"],
)
def test_service_in_disguise_is_refused(target: LiveServer, listener: Listener, query: str) -> None:
    url = f"{listener.url}/sparql"
    text = query.format(
        url=url,
        url_escaped=url.replace("s", "\\u0073"),
        nested="{ " * 20,
        closing="} " * 20,
        deep="{ " * 150,
        deep_closing="} " * 150,
    )
    status, body = get_query(target, text)
    time.sleep(SETTLE)
    assert listener.connections == []
    if status != 200:  # only the comment case may run: its SERVICE is no clause
        assert_clean(status, body, 400, 403)
    alive(target)


@pytest.mark.parametrize("clause", ["FROM", "FROM NAMED"])
@pytest.mark.parametrize(
    "where", ["{url}/data.ttl", "file:///etc/passwd", "file:///proc/self/environ"]
)
def test_from_never_fetches(
    target: LiveServer, listener: Listener, clause: str, where: str
) -> None:
    source = where.format(url=listener.url)
    query = f"SELECT * {clause} <{source}> {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} }}"
    status, body = get_query(target, query)
    time.sleep(SETTLE)
    assert status == 200, body[:300]
    assert b"root:" not in body and b"PATH=" not in body
    assert b'"bindings": []' in body or b'"bindings":[]' in body
    assert listener.connections == []
    alive(target)


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_protocol_dataset_never_fetches(
    target: LiveServer, listener: Listener, parameter: str
) -> None:
    status, body = get_query(
        target, "SELECT * { ?s ?p ?o }", **{parameter: f"{listener.url}/data.ttl"}
    )
    time.sleep(SETTLE)
    assert status == 200, body[:300]
    assert listener.connections == []
    alive(target)


def test_load_from_loopback_is_refused(target: LiveServer, listener: Listener) -> None:
    status, body = get_query(target, f"LOAD <{listener.url}/data.ttl>")
    time.sleep(SETTLE)
    assert_clean(status, body, 403)
    assert listener.connections == []
    alive(target)


def test_describe_of_a_remote_iri_does_not_fetch(target: LiveServer, listener: Listener) -> None:
    status, _, body = target.request(
        "GET", "/sparql?query=" + quote(f"DESCRIBE <{listener.url}/x>")
    )
    time.sleep(SETTLE)
    assert status == 200, body[:300]
    assert listener.connections == []


def test_redirect_targets_are_not_followed(target: LiveServer, listener: Listener) -> None:
    """A listener that redirects to loopback: nothing of ours ever asks it in the first place."""
    listener.reply = (
        b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/\r\nContent-Length: 0\r\n\r\n"
    )
    for path in (f"/sparql?query={quote(f'ASK {{ <{listener.url}> ?p ?o }}')}", "/id/x?format=ttl"):
        status, _, _ = target.request("GET", path, headers={"Referer": listener.url})
        assert status in (200, 404)
    time.sleep(SETTLE)
    assert listener.connections == []


@pytest.fixture
def inner() -> Iterator[Listener]:
    """A second listener: the internal host a redirect points at."""
    with open_listener() as found:
        yield found


def test_an_allowed_service_cannot_redirect_to_loopback(
    built_data_dir: Path, listener: Listener, inner: Listener
) -> None:
    listener.reply = (
        f"HTTP/1.1 302 Found\r\nLocation: {inner.url}/secret\r\n"
        "Content-Length: 0\r\nConnection: close\r\n\r\n"
    ).encode()
    endpoint = f"{listener.url}/sparql"
    app = app_with(built_data_dir, SERVICE_ALLOWLIST=(endpoint,))
    query = f"SELECT * {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}"
    response = app.test_client().get("/sparql", query_string={"query": query})
    time.sleep(SETTLE)
    assert len(listener.connections) == 1
    assert inner.connections == []
    assert_clean(response.status_code, response.data, 502)
