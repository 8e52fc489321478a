"""Dumps: media types, validators, 304, gzip, and nothing outside the manifest's list."""

from __future__ import annotations

import gzip
import hashlib

import pytest
from flask.testing import FlaskClient

from .checks import parse_rdf

TYPES = {
    "cls-kg.ttl": "text/turtle",
    "cls-kg.nt": "application/n-triples",
    "cls-kg.jsonld": "application/ld+json",
    "cls-kg.nq": "application/n-quads",
}


@pytest.mark.parametrize(("name", "media_type"), sorted(TYPES.items()))
def test_media_type_etag_last_modified(seed: FlaskClient, name: str, media_type: str) -> None:
    response = seed.head(f"/dumps/{name}")
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.headers["ETag"].strip('"')
    assert response.headers["Last-Modified"]
    assert "Accept-Encoding" in response.vary


def test_body_is_the_file_and_etag_its_digest(seed: FlaskClient) -> None:
    response = seed.get("/dumps/cls-kg.ttl")
    assert response.headers["ETag"] == f'"{hashlib.sha256(response.data).hexdigest()}"'
    assert len(parse_rdf(response.data, "text/turtle")) > 1000


def test_conditional_requests_get_304(seed: FlaskClient) -> None:
    first = seed.get("/dumps/cls-kg.ttl")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert seed.get("/dumps/cls-kg.ttl", headers={"If-None-Match": etag}).status_code == 304
    assert seed.get("/dumps/cls-kg.ttl", headers={"If-Modified-Since": modified}).status_code == 304
    assert seed.get("/dumps/cls-kg.ttl", headers={"If-None-Match": '"other"'}).status_code == 200


def test_gzip_when_accepted(seed: FlaskClient) -> None:
    plain = seed.get("/dumps/cls-kg.ttl").data
    packed = seed.get("/dumps/cls-kg.ttl", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.headers["ETag"] != seed.get("/dumps/cls-kg.ttl").headers["ETag"]
    assert gzip.decompress(packed.data) == plain
    again = seed.get(
        "/dumps/cls-kg.ttl",
        headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]},
    )
    assert again.status_code == 304
    refused = seed.get("/dumps/cls-kg.ttl", headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers


@pytest.mark.parametrize(
    "path",
    [
        "/dumps/../manifest.json",
        "/dumps/..%2fmanifest.json",
        "/dumps/%2e%2e%2fmanifest.json",
        "/dumps/..%5cmanifest.json",
        "/dumps/manifest.json",
        "/dumps/store",
        "/dumps/.",
        "/dumps/",
        "/dumps/cls-kg.ttl%00.nq",
        "/dumps//etc/passwd",
        "/dumps/%2fetc%2fpasswd",
    ],
)
def test_no_path_traversal(seed: FlaskClient, path: str) -> None:
    response = seed.get(path)
    assert response.status_code == 404
    assert b'"version"' not in response.data and b"root:" not in response.data
