"""Settings in layers: defaults, CLS_KG_* variables, then the test's mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from cls_kg.graph.errors import ConfigError
from cls_kg.server import create_app
from cls_kg.server.core.config import SETTINGS, load


def test_defaults() -> None:
    values = load({}, None)
    assert values["DATA_DIR"] == Path("var").absolute()  # relative: the working directory's
    assert values["BASE_URI"] == "https://w3id.org/cls-sante/"
    assert values["QUERY_TIMEOUT"] == 30.0
    assert values["SERVICE_ALLOWLIST"] == ()
    assert values["RATE_LIMIT"] > 0  # safe by default


def test_environment_then_mapping() -> None:
    environ = {
        "CLS_KG_QUERY_TIMEOUT": "2.5",
        "CLS_KG_MAX_ROWS": "7",
        "CLS_KG_SERVICE_ALLOWLIST": "https://a.example/sparql, https://b.example/sparql",
        "CLS_KG_DATA_DIR": "/srv/cls",
    }
    values = load(environ, {"MAX_ROWS": 9})
    assert values["QUERY_TIMEOUT"] == 2.5
    assert values["MAX_ROWS"] == 9
    assert values["DATA_DIR"] == Path("/srv/cls")
    assert values["SERVICE_ALLOWLIST"] == ("https://a.example/sparql", "https://b.example/sparql")


@pytest.mark.parametrize(
    ("environ", "overrides"),
    [
        ({"CLS_KG_MAX_ROWS": "many"}, None),
        ({}, {"QUERY_TIMEOUT": 0}),
        ({}, {"RATE_LIMIT": -1}),
    ],
)
def test_bad_values_are_refused(environ: dict[str, str], overrides: dict[str, int] | None) -> None:
    with pytest.raises(ConfigError):
        load(environ, overrides)


def test_create_app_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLS_KG_RATE_LIMIT", "0")
    app = create_app({"MAX_BODY_BYTES": 1234})
    assert app.config["RATE_LIMIT"] == 0
    assert app.config["MAX_CONTENT_LENGTH"] == 1234


def test_every_setting_documents_itself() -> None:
    assert all(setting.help for setting in SETTINGS.values())


def test_no_build_is_503(tmp_path: Path) -> None:
    client = create_app({"DATA_DIR": tmp_path, "RATE_LIMIT": 0}).test_client()
    response = client.get("/sparql", query_string={"query": "ASK {}"})
    assert response.status_code == 503
    assert "cls-kg build" in response.text
