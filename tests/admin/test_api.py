"""The admin API refuses what it must, and a refused upload changes nothing published.

Uploads answer 202 with the status URL of their job; the outcome (``outcome``) is read there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from cls_kg.graph.datadir import current_version

from ..support.admin import AUTH, app_on, outcome
from ..support.paths import TEST_DATA


def post(client: FlaskClient, name: str, body: bytes, **headers: str) -> TestResponse:
    """POST a raw file to the admin API with the token."""
    return client.post(f"/admin/records?filename={name}", data=body, headers={**AUTH, **headers})


def publish(client: FlaskClient, name: str, body: bytes, **headers: str) -> TestResponse:
    """POST a raw file, then wait for its job's outcome."""
    return outcome(client, post(client, name, body), **headers)


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
    response = publish(client, "mon-cls.ttl", body, Accept="application/json")
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
        response = publish(client, name, body)
        assert response.status_code == 422, name
        assert response.get_json()["problems"][0]["rule"] == "upload:unreadable"
    assert current_version(data_dir) == before


def test_refusal_as_html_when_asked(client: FlaskClient) -> None:
    response = publish(client, "broken.ttl", b"garbage", Accept="text/html")
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    assert "broken.ttl" in response.get_data(as_text=True)


def test_unknown_report_is_not_found(client: FlaskClient) -> None:
    assert client.get("/id/report/nothing-here").status_code == 404


def test_rollback_without_a_previous_version_is_not_found(client: FlaskClient) -> None:
    response = client.post("/admin/rollback", headers=AUTH)
    assert response.status_code == 404
    assert client.post("/admin/rollback?version=../x", headers=AUTH).status_code == 404


def test_job_status_needs_the_token_and_a_known_job(client: FlaskClient) -> None:
    accepted = post(client, "broken.ttl", b"garbage")
    assert accepted.status_code == 202
    assert accepted.get_json()["status"] == accepted.headers["Location"]
    assert client.get(accepted.headers["Location"]).status_code == 401
    assert outcome(client, accepted).get_json()["state"] == "refused"
    for job in ("0123456789abcdef", "../../etc", "x"):
        assert client.get(f"/admin/jobs/{job}", headers=AUTH).status_code == 404


CONTEXT = {"cls": "https://w3id.org/cls-sante/def#"}
#: Upload -> the rule its report must name (issue 13, item 7).
REFUSED_UPLOADS: dict[str, tuple[bytes, str]] = {
    "relative.ttl": (
        b"@prefix cls: <https://w3id.org/cls-sante/def#> .\n<id/contract/x> a cls:Contract .\n"
        b"<../../../x> a cls:Contract .",
        "upload:relative-iri",
    ),
    "relative.jsonld": (
        json.dumps({"@context": CONTEXT, "@id": "id/contract/x", "@type": "cls:Contract"}).encode(),
        "upload:relative-iri",
    ),
    "named.jsonld": (
        json.dumps(
            {
                "@context": CONTEXT,
                "@id": "https://w3id.org/cls-sante/id/graph/mine",
                "@graph": [
                    {"@id": "https://w3id.org/cls-sante/id/contract/q", "@type": "cls:Contract"}
                ],
            }
        ).encode(),
        "upload:named-graph",
    ),
    "outside.ttl": (
        b"@prefix cls: <https://w3id.org/cls-sante/def#> .\n"
        b"<https://evil.example/c> a cls:Contract .",
        "upload:outside-base",
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSED_UPLOADS))
def test_relative_iris_named_graphs_and_outside_subjects_are_refused(
    client: FlaskClient, data_dir: Path, name: str
) -> None:
    before = current_version(data_dir)
    body, rule = REFUSED_UPLOADS[name]
    response = publish(client, name, body, Accept="application/json")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert rule in {problem["rule"] for problem in response.get_json()["problems"]}
    assert "file:" not in text and "staging" not in text and str(data_dir) not in text
    assert current_version(data_dir) == before
