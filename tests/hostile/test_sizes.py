"""Oversized and deeply nested input: bodies, headers, request lines, huge and deep queries."""

from __future__ import annotations

import socket
import time
from urllib.parse import quote

import pytest

from ..support.hostile import alive, assert_clean, raw
from ..support.served import LiveServer

MAX_BODY = 1_000_000  # CLS_KG_MAX_BODY_BYTES's default


def status_of(reply: bytes) -> int:
    """The status code of a raw HTTP reply (0 when the connection was closed without one)."""
    parts = reply.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def body_of(reply: bytes) -> bytes:
    """The body of a raw HTTP reply."""
    return reply.partition(b"\r\n\r\n")[2]


@pytest.mark.parametrize(
    "content_type", ["application/sparql-query", "application/x-www-form-urlencoded"]
)
def test_body_over_the_limit_is_413(target: LiveServer, content_type: str) -> None:
    body = b"query=" + b"#" * (MAX_BODY + 10)
    status, _, answer = target.request("POST", "/sparql", body, {"Content-Type": content_type})
    assert_clean(status, answer, 413)
    alive(target)


def test_a_lying_content_length_is_refused_without_reading(target: LiveServer) -> None:
    request = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Connection: close\r\nContent-Length: 1000000000000\r\n\r\nASK {}"
    )
    started = time.monotonic()
    reply = raw(target, request)
    assert status_of(reply) == 413, reply[:300]
    assert time.monotonic() - started < 5
    assert_clean(413, body_of(reply))
    alive(target)


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /sparql?query=" + b"A" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n"
        + b"".join(b"X-%d: y\r\n" % i for i in range(500))
        + b"\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nAccept: " + b"text/html;q=0.1, " * 2000 + b"\r\n\r\n",
    ],
    ids=["request-line", "one-header", "many-headers", "long-accept"],
)
def test_oversized_headers_are_refused(target: LiveServer, request_bytes: bytes) -> None:
    reply = raw(target, request_bytes)
    assert 400 <= status_of(reply) < 500, reply[:300]
    assert b"Traceback" not in reply
    alive(target)


def test_a_1_mb_query_gets_an_answer_or_a_clean_error(target: LiveServer) -> None:
    values = " ".join(f'"{n}"' for n in range(120_000))
    query = f"SELECT (COUNT(*) AS ?n) {{ VALUES ?v {{ {values} }} }}"
    assert len(query) > 900_000
    body = query.encode()[: MAX_BODY - 1] if len(query) >= MAX_BODY else query.encode()
    status, _, answer = target.request(
        "POST", "/sparql", body, {"Content-Type": "application/sparql-query"}
    )
    assert status == 200 or (400 <= status < 600), status
    if status != 200:
        assert_clean(status, answer)
    alive(target)


@pytest.mark.parametrize("depth", [250, 10_000, 100_000])
@pytest.mark.parametrize(
    "shape",
    [
        "SELECT * WHERE {open} ?s ?p ?o {close}",
        "SELECT * {{ FILTER({popen}1{pclose}) }}",
        "SELECT * {{ ?s ?p {bopen}{bclose} }}",
        "SELECT * {{ {open} SERVICE <http://127.0.0.1:1/> {{}} {close} }}",
    ],
    ids=["groups", "parentheses", "blank-node-lists", "service"],
)
def test_deep_nesting_is_refused(target: LiveServer, depth: int, shape: str) -> None:
    query = shape.format(
        open="{" * depth,
        close="}" * depth,
        popen="(" * depth,
        pclose=")" * depth,
        bopen="[ <p> " * depth,
        bclose="]" * depth,
    )
    status, _, body = target.request(
        "POST",
        "/sparql",
        query.encode(),
        {"Content-Type": "application/sparql-query", "Accept-Language": "en"},
    )
    assert_clean(status, body, 400, 403)
    alive(target)


def test_pathological_query_times_out_and_others_are_served(target: LiveServer) -> None:
    values = " ".join(f"VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}" for i in range(10))
    status, _, body = target.request(
        "GET", "/sparql?query=" + quote(f"SELECT (COUNT(*) AS ?n) {{ {values} }}")
    )
    assert_clean(status, body, 503)
    alive(target)


def test_a_body_that_never_arrives_gets_408_within_the_body_timeout(target: LiveServer) -> None:
    """Content-Length announces more than is sent (slowloris): the thread is not held."""
    request = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 100\r\n\r\nASK {"
    )
    started = time.monotonic()
    reply = raw(target, request, timeout=20)
    waited = time.monotonic() - started
    assert status_of(reply) == 408, reply[:300]
    assert 1.5 < waited < 10, waited  # CLS_KG_BODY_TIMEOUT=2 in the suite's environment
    assert_clean(408, body_of(reply))
    assert "2 s" in body_of(reply).decode()
    alive(target)


def test_a_slow_body_does_not_stop_other_clients(target: LiveServer) -> None:
    port = int(target.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=20) as slow:
        slow.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100\r\n\r\nASK"
        )
        for _ in range(3):
            alive(target)
        assert status_of(slow.recv(65536)) == 408
