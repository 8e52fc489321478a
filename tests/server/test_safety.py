"""Safe by default: no fetching, SERVICE only to allowed endpoints, real timeouts, announced
row caps, body size limit, rate limiting."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cls_kg.server.core.errors import RateLimited
from cls_kg.server.core.ratelimit import TokenBuckets

from ..support.apps import app_with
from ..support.listener import Listener
from ..support.served import LiveServer

SETTLE = 0.1  # a SERVICE call would connect before the answer; the listener may lag a bit
#: 10^10 solutions: minutes of work for any engine, whatever the data.
VALUES_10 = " ".join(f"VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}" for i in range(10))
PATHOLOGICAL = f"SELECT (COUNT(*) AS ?n) WHERE {{ {VALUES_10} }}"


def ask(client: FlaskClient, query: str, **headers: str) -> Any:
    """GET a query."""
    return client.get("/sparql", query_string={"query": query}, headers=headers)


# --- FROM and FROM NAMED never fetch -----------------------------------------------------


@pytest.mark.parametrize("clause", ["FROM", "FROM NAMED"])
def test_from_never_connects(client: FlaskClient, listener: Listener, clause: str) -> None:
    query = f"SELECT * {clause} <{listener.url}/data.ttl> {{ ?s ?p ?o }}"
    response = ask(client, query)
    time.sleep(SETTLE)
    assert response.status_code == 200
    assert json.loads(response.data)["results"]["bindings"] == []
    assert listener.connections == []


@pytest.mark.parametrize("clause", ["FROM", "FROM NAMED"])
def test_from_never_reads_files(client: FlaskClient, tmp_path: Path, clause: str) -> None:
    secret = tmp_path / "secret.ttl"
    secret.write_text("<http://example.org/secret> <http://example.org/p> 'leaked' .")
    pattern = "{ ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } }"
    query = f"SELECT * {clause} <{secret.as_uri()}> {{ {pattern} }}"
    response = ask(client, query)
    assert response.status_code == 200
    assert b"leaked" not in response.data


# --- SERVICE only to the allow-list -------------------------------------------------------

REFUSED_SERVICES = [
    "SELECT * {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * {{ service silent <{url}/sparql> {{ ?s ?p ?o }} }}",
    "PREFIX r: <{url}/> SELECT * {{ SERVICE r:sparql {{ ?s ?p ?o }} }}",
    "PREFIX : <{url}/> SELECT * {{ SERVICE:sparql{{ ?s ?p ?o }} }}",
    "SELECT * {{ OPTIONAL {{ SERVICE <{url}/a> {{ ?s ?p ?o }} }} }}",
    "SELECT * {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}/b> {{ ?s ?p ?o }} }} }}",
    "SELECT * {{ {{ SELECT * {{ SERVICE <{url}/c> {{ ?s ?p ?o }} }} }} }}",
    "ASK {{ MINUS {{ SERVICE <{url}/d> {{ ?s ?p ?o }} }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}/e> {{ ?s ?p ?o }} }}",
    "SELECT * {{ SERVICE <{url}/\\u0073parql> {{ ?s ?p ?o }} }}",
    "SELECT * {{ VALUES ?e {{ <{url}/sparql> }} SERVICE ?e {{ ?s ?p ?o }} }}",
    "SELECT * {{ ?s ?p 1SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
    "BASE <{url}/> SELECT * {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
]


@pytest.mark.parametrize("template", REFUSED_SERVICES)
def test_service_is_refused_without_connecting(
    client: FlaskClient, listener: Listener, template: str
) -> None:
    response = ask(client, template.format(url=listener.url), **{"Accept-Language": "en"})
    time.sleep(SETTLE)
    assert response.status_code == 403, response.text
    assert "SERVICE refused" in response.text
    assert listener.connections == []


def test_the_word_service_elsewhere_is_harmless(client: FlaskClient) -> None:
    query = 'SELECT ?o { ?s ?p ?o FILTER (!CONTAINS(?o, "service")) } # no SERVICE here'
    response = ask(client, query)
    assert response.status_code == 200


SERVICE_REPLY = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
    b"Connection: close\r\nContent-Length: 84\r\n\r\n"
    b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"far"}}]}}'
)


def test_allowed_service_is_called(protocol_data_dir: Path, listener: Listener) -> None:
    listener.reply = SERVICE_REPLY.replace(
        b"84", str(len(SERVICE_REPLY.split(b"\r\n\r\n")[1])).encode()
    )
    endpoint = f"{listener.url}/sparql"
    app = app_with(protocol_data_dir, SERVICE_ALLOWLIST=(endpoint,))
    response = ask(app.test_client(), f"SELECT ?x {{ SERVICE <{endpoint}> {{ ?x ?y ?z }} }}")
    assert response.status_code == 200, response.text
    assert [b["x"]["value"] for b in response.get_json()["results"]["bindings"]] == ["far"]
    assert len(listener.connections) == 1
    other = ask(app.test_client(), f"SELECT * {{ SERVICE <{listener.url}/other> {{ ?s ?p ?o }} }}")
    assert other.status_code == 403


# --- a real timeout ------------------------------------------------------------------------


def test_timeout_stops_the_query_and_others_still_get_answers(
    protocol_data_dir: Path, serve_app: Callable[[Flask], LiveServer]
) -> None:
    server = serve_app(app_with(protocol_data_dir, QUERY_TIMEOUT=1.0))
    heavy: dict[str, Any] = {}

    def run_heavy() -> None:
        started = time.monotonic()
        heavy["status"], _, heavy["body"] = server.request(
            "GET", "/sparql?query=" + quote(PATHOLOGICAL), headers={"Accept-Language": "en"}
        )
        heavy["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run_heavy)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    status, _, body = server.request("GET", "/sparql?query=" + quote("ASK { ?s ?p ?o }"))
    light_seconds = time.monotonic() - started
    thread.join(timeout=30)
    assert status == 200 and b"true" in body
    assert light_seconds < 0.7  # answered while the heavy query was still running
    assert heavy["status"] == 503
    assert b"ran past the 1 s limit" in heavy["body"]
    assert 1.0 <= heavy["seconds"] < 5
    again, _, _ = server.request("GET", "/sparql?query=" + quote("ASK {}"))
    assert again == 200


# --- announced row cap ---------------------------------------------------------------------

THREE_ROWS = "SELECT ?o { GRAPH <http://example.org/extra> { ?s ?p ?o } } ORDER BY ?o"


@pytest.fixture
def capped(protocol_data_dir: Path) -> FlaskClient:
    """A client of an app that returns at most two rows."""
    return app_with(protocol_data_dir, MAX_ROWS=2).test_client()


def test_row_cap_is_announced_in_headers_and_json(capped: FlaskClient) -> None:
    response = ask(capped, THREE_ROWS)
    document = response.get_json()
    assert response.headers["X-CLS-Result-Truncated"] == "true"
    assert response.headers["X-CLS-Row-Limit"] == "2"
    assert document["truncated"] is True
    assert document["rowLimit"] == 2
    assert len(document["results"]["bindings"]) == 2


@pytest.mark.parametrize(("fmt", "lines"), [("csv", 3), ("tsv", 3)])
def test_row_cap_in_csv_and_tsv(capped: FlaskClient, fmt: str, lines: int) -> None:
    response = capped.get("/sparql", query_string={"query": THREE_ROWS, "format": fmt})
    assert response.headers["X-CLS-Result-Truncated"] == "true"
    assert len(response.text.splitlines()) == lines


def test_row_cap_in_xml(capped: FlaskClient) -> None:
    response = capped.get("/sparql", query_string={"query": THREE_ROWS, "format": "xml"})
    assert response.text.count("<result>") == 2
    assert "truncated" in response.text


def test_row_cap_on_graphs(capped: FlaskClient) -> None:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <http://example.org/extra> { ?s ?p ?o } }"
    response = capped.get("/sparql", query_string={"query": query, "format": "nt"})
    assert response.headers["X-CLS-Result-Truncated"] == "true"
    assert len(response.text.splitlines()) == 2


def test_results_at_the_cap_are_not_truncated(capped: FlaskClient) -> None:
    response = ask(capped, THREE_ROWS + " LIMIT 2")
    assert response.headers["X-CLS-Result-Truncated"] == "false"
    assert "truncated" not in response.get_json()


# --- request body limit ---------------------------------------------------------------------


def test_large_bodies_are_413(protocol_data_dir: Path) -> None:
    client = app_with(protocol_data_dir, MAX_BODY_BYTES=100).test_client()
    query = "ASK { " + "?s ?p ?o . " * 20 + "}"
    direct = client.post("/sparql", data=query, content_type="application/sparql-query")
    form = client.post("/sparql", data={"query": query})
    small = client.post("/sparql", data="ASK {}", content_type="application/sparql-query")
    assert direct.status_code == 413
    assert form.status_code == 413
    assert "100 octets" in direct.text
    assert small.status_code == 200


# --- rate limiting --------------------------------------------------------------------------


def test_rate_limit_is_429_with_retry_after(protocol_data_dir: Path) -> None:
    client = app_with(protocol_data_dir, RATE_LIMIT=3).test_client()
    statuses = [ask(client, "ASK {}").status_code for _ in range(3)]
    refused = ask(client, "ASK {}")
    other = client.get(
        "/sparql", query_string={"query": "ASK {}"}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) == 20
    assert "Trop de requêtes" in refused.text
    assert other.status_code == 200


def test_token_buckets_refill() -> None:
    now = [0.0]
    buckets = TokenBuckets(60, clock=lambda: now[0])
    assert [buckets.take("a") for _ in range(60)] == [0.0] * 60
    assert buckets.take("a") == pytest.approx(1.0)
    now[0] = 2.5
    assert buckets.take("a") == 0.0
    assert buckets.take("a") == 0.0
    assert buckets.take("a") > 0
    assert buckets.take("b") == 0.0


def test_rate_limit_zero_disables(protocol_app: Flask) -> None:
    assert protocol_app.config["RATE_LIMIT"] == 0
    assert "cls_kg.ratelimit" not in protocol_app.extensions
    assert RateLimited("rate-limited", "3").detail == "3"
