"""Path traversal: resource, dump and asset paths never reach the file system beyond them."""

from __future__ import annotations

import pytest

from ..support.hostile import alive, assert_clean, raw
from ..support.served import LiveServer
from .test_sizes import status_of

TRAVERSALS = [
    "/dumps/../manifest.json",
    "/dumps/..%2fmanifest.json",
    "/dumps/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/dumps/%2e%2e/manifest.json",
    "/dumps/%2e%2e%2fmanifest.json",
    "/dumps/..%5cmanifest.json",
    "/dumps/manifest.json",
    "/dumps/store",
    "/dumps/.",
    "/dumps/cls-kg.ttl%00.gz",
    "/dumps//etc/passwd",
    "/dumps/%252e%252e%252fmanifest.json",
    "/id/../../../../etc/passwd",
    "/id/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/id/..%2f..%2f..%2fetc%2fpasswd",
    "/id/....//....//etc/passwd",
    "/static/../../../../etc/passwd",
    "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/static/%2e%2e/%2e%2e/server/__init__.py",
    "/static/%2e%2e/__init__.py",
    "/static/..%5c..%5cconfig.py",
    "/..%2f..%2f..%2fetc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "//etc/passwd",
    "/def/..%2f..%2f..%2fetc%2fpasswd",
]
SECRETS = (b"root:", b'"built_at"', b"from __future__", b"import ", b"sha256")


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_reads_nothing(target: LiveServer, path: str) -> None:
    status, _, body = target.request("GET", path, headers={"Accept": "text/turtle"})
    assert status in (400, 404), (status, body[:300])
    assert_clean(status, body)
    assert not any(secret in body for secret in SECRETS), body[:300]
    alive(target)


@pytest.mark.parametrize(
    "path", [b"/dumps/../../etc/passwd", b"/static/../../../etc/passwd", b"/id/../../etc/passwd"]
)
def test_unnormalised_request_lines(target: LiveServer, path: bytes) -> None:
    reply = raw(target, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert 400 <= status_of(reply) < 500, reply[:300]
    assert b"root:" not in reply
    alive(target)


def test_a_listed_dump_is_still_served(target: LiveServer) -> None:
    status, _, body = target.request("GET", "/dumps/cls-kg.ttl")
    assert status == 200 and b"@prefix" in body
