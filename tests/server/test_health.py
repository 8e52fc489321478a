"""Liveness, readiness and caching headers of the service (embedded store; the remote
store's are in tests/remote)."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from ..support.apps import app_with


def test_healthz_touches_nothing(tmp_path: Path) -> None:
    client = app_with(tmp_path).test_client()  # no build at all
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "alive"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_names_the_version(client: FlaskClient) -> None:
    body = client.get("/readyz").get_json()
    assert body == {
        "status": "ready",
        "version": "test",
        "builtAt": "2026-01-01T00:00:00+00:00",
        "store": "embedded",
    }


def test_readyz_without_a_build_is_503_with_the_reason(tmp_path: Path) -> None:
    response = app_with(tmp_path).test_client().get("/readyz", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert response.get_json()["code"] == "no-build"
    assert "cls-kg build" in response.get_json()["message"]
    assert response.headers["Retry-After"] == "30"


def test_public_answers_may_be_cached_errors_not(client: FlaskClient) -> None:
    ok = client.get("/sparql", query_string={"query": "ASK {}"})
    assert ok.headers["Cache-Control"] == "public, max-age=60"
    posted = client.post("/sparql", data={"query": "ASK {}"})
    assert "Cache-Control" not in posted.headers
    private = client.get(
        "/sparql", query_string={"query": "ASK {}"}, headers={"Authorization": "x"}
    )
    assert private.headers["Cache-Control"] == "no-store"
    cookie = client.get("/?lang=en")
    assert cookie.headers["Cache-Control"] == "private, no-cache"


def test_max_age_is_a_setting(protocol_data_dir: Path) -> None:
    client = app_with(protocol_data_dir, HTTP_MAX_AGE=0).test_client()
    assert client.get("/sparql", query_string={"query": "ASK {}"}).headers["Cache-Control"] == (
        "no-cache"
    )


def test_favicon_is_the_icon_served_without_the_store(tmp_path: Path) -> None:
    client = app_with(tmp_path, RATE_LIMIT=1).test_client()  # no build: no store to query
    for _ in range(3):  # browsers ask on every page: never rate limited
        response = client.get("/favicon.ico")
        assert response.status_code == 200
        assert response.mimetype == "image/vnd.microsoft.icon"
        assert response.data.startswith(b"\x00\x00\x01\x00")  # an ICO file's header
        assert response.cache_control.public and response.cache_control.max_age == 7 * 24 * 3600
