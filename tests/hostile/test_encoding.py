"""Malformed percent-encoding, invalid UTF-8, control characters in paths and query strings."""

from __future__ import annotations

import pytest

from ..support.hostile import alive, assert_clean, raw
from ..support.served import LiveServer
from .test_sizes import body_of, status_of

PATHS = [
    "/sparql?query=ASK%ZZ%7B%7D",
    "/sparql?query=ASK%7B%7D%",
    "/sparql?query=%ff%fe%fd",
    "/sparql?query=ASK%C3%28%7B%7D",
    "/sparql?query=ASK%00%7B%7D",
    "/sparql?query=%ED%A0%80",
    "/sparql?format=%ff",
    "/sparql?query=ASK%7B%7D&format=%00",
    "/id/%ff%fe",
    "/id/%",
    "/id/%zz",
    "/id/a%00b",
    "/id/a%00b.ttl",
    "/id/a%0D%0ASet-Cookie:%20x=1",
    "/id/a%0A%3Chttp://e/s%3E%20%3Chttp://e/p%3E%20%3Chttp://e/o%3E%20.",
    "/id/%C0%AE%C0%AE/",
    "/?theme=%ff&status=%00&kind=%",
    "/?lang=%ff",
    "/dumps/%ff",
    "/dumps/%00",
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("accept", ["text/turtle", "text/html", "application/json"])
def test_malformed_encoding_gets_a_clean_answer(target: LiveServer, path: str, accept: str) -> None:
    status, headers, body = target.request("GET", path, headers={"Accept": accept})
    assert status < 500, (status, body[:300])
    if status >= 400:
        assert_clean(status, body)
    assert "x=1" not in (headers.get("Set-Cookie") or "")
    if status == 404 and accept == "text/turtle":
        assert not any(line.startswith(b"<http://e/s>") for line in body.splitlines()), body
    alive(target)


@pytest.mark.parametrize(
    "path",
    [
        b"/id/\xff\xfe",
        b"/sparql?query=ASK\xff{}",
        b"/id/a b",
        b"/id/\x00",
        b"/\xc0\xae\xc0\xae/etc/passwd",
    ],
)
def test_raw_bytes_in_the_request_line(target: LiveServer, path: bytes) -> None:
    reply = raw(target, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    status = status_of(reply)
    assert status < 500 and status != 0, reply[:300]
    if status >= 400:
        assert_clean(status, body_of(reply))
    assert b"root:" not in reply
    alive(target)


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "x-unknown"])
def test_bodies_not_in_utf8_are_refused(target: LiveServer, charset: str) -> None:
    status, _, body = target.request(
        "POST",
        "/sparql",
        "ASK {}".encode("utf-16"),
        {"Content-Type": f"application/sparql-query; charset={charset}"},
    )
    assert_clean(status, body, 415)
    alive(target)


def test_invalid_utf8_body_is_refused(target: LiveServer) -> None:
    for content_type, body in [
        ("application/sparql-query", b'ASK { ?s ?p "\xff\xfe" }'),
        ("application/x-www-form-urlencoded", b"query=ASK%7B%7D\xff%ff"),
    ]:
        status, _, answer = target.request("POST", "/sparql", body, {"Content-Type": content_type})
        assert status < 500, (status, answer[:300])
        if status >= 400:
            assert_clean(status, answer)
    alive(target)
