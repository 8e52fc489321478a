"""The admin API refuses what it must, and a refused upload changes nothing published."""

from __future__ import annotations

import json
from pathlib import Path

from flask.testing import FlaskClient

from cls_kg.graph.build import current_version

from ..conftest import TEST_DATA
from .conftest import AUTH, app_on


def post(client: FlaskClient, name: str, body: bytes, **headers: str) -> object:
    """POST a raw file to the admin API with the token."""
    return client.post(f"/admin/records?filename={name}", data=body, headers={**AUTH, **headers})


def test_no_token_configured_means_the_api_is_off(data_dir: Path) -> None:
    client = app_on(data_dir, ADMIN_TOKEN="").test_client()
    response = client.post("/admin/records?filename=a.ttl", data=b"x", headers=AUTH)
    assert response.status_code == 404
    assert "API d'administration désactivée" in response.get_data(as_text=True)


def test_missing_or_wrong_token_is_refused(client: FlaskClient) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        response = client.post("/admin/records?filename=a.ttl", data=b"x", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_upload_size_is_limited(data_dir: Path) -> None:
    client = app_on(data_dir, ADMIN_MAX_UPLOAD_BYTES=100).test_client()
    response = post(client, "big.ttl", b"#" * 1000)
    assert response.status_code == 413
    assert "100" in response.get_data(as_text=True)


def test_unknown_kind_is_refused(client: FlaskClient) -> None:
    response = post(client, "notes.docx", b"hello")
    assert response.status_code == 400


def test_invalid_record_returns_the_report_and_changes_nothing(
    client: FlaskClient, data_dir: Path
) -> None:
    before = current_version(data_dir)
    body = (TEST_DATA / "invalid" / "contract.ttl").read_bytes()
    response = post(client, "mon-cls.ttl", body, Accept="application/json")
    assert response.status_code == 422
    report = response.get_json()
    assert report["published"] is False and report["summary"]["Violation"] > 0
    assert all(p["message"] and p["fix"] for p in report["problems"])
    assert current_version(data_dir) == before
    assert sorted(p.name for p in (data_dir / "versions").iterdir()) == [before.name]
    page = client.get("/id/report/mon-cls", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "mon-cls.ttl" in page.get_data(as_text=True)
    assert client.get("/id/report/mon-cls.json").get_json()["conforms"] is False


def test_unsafe_inputs_are_reported_not_parsed(client: FlaskClient, data_dir: Path) -> None:
    before = current_version(data_dir)
    remote = json.dumps({"@context": "http://example.org/context.jsonld", "@id": "x"})
    cases = {
        "remote.jsonld": remote.encode(),
        "broken.ttl": b"@prefix x: <y> . x:a x:b",
        "fake.xlsx": b"<!DOCTYPE x [<!ENTITY a 'b'>]><x/>",
    }
    for name, body in cases.items():
        response = post(client, name, body)
        assert response.status_code == 422, name
        assert response.get_json()["problems"][0]["rule"] == "upload:unreadable"
    assert current_version(data_dir) == before


def test_refusal_as_html_when_asked(client: FlaskClient) -> None:
    response = post(client, "broken.ttl", b"garbage", Accept="text/html")
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    assert "broken.ttl" in response.get_data(as_text=True)


def test_unknown_report_is_not_found(client: FlaskClient) -> None:
    assert client.get("/id/report/nothing-here").status_code == 404


def test_rollback_without_a_previous_version_is_not_found(client: FlaskClient) -> None:
    response = client.post("/admin/rollback", headers=AUTH)
    assert response.status_code == 404
    assert client.post("/admin/rollback?version=../x", headers=AUTH).status_code == 404
