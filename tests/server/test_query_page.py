"""The query page: editor, bilingual examples, results table with links, escaping, assets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cls_kg.server.examples import EXAMPLES_DIR, examples, parse

from .conftest import app_with
from .test_safety import THREE_ROWS

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_browsers_get_the_editor(client: FlaskClient) -> None:
    response = client.get("/sparql", headers=HTML)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert '<textarea id="query" name="query"' in response.text
    assert "Exemples" in response.text
    assert "<table>" not in response.text  # nothing run yet


def test_page_in_english(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={**HTML, "Accept-Language": "en"})
    assert "Examples" in response.text
    assert 'lang="en"' in response.text


def test_results_table_links_local_data_and_offers_downloads(client: FlaskClient) -> None:
    query = "SELECT ?s ?o WHERE { GRAPH <http://example.org/extra> { ?s ?p ?o } } ORDER BY ?o"
    response = client.get("/sparql", query_string={"query": query}, headers=HTML)
    assert response.status_code == 200
    assert response.text.count("<tr>") == 4
    assert '<a href="http://example.org/s">http://example.org/s</a>' in response.text
    assert "format=csv" in response.text and "format=json" in response.text


def test_page_links_data_iris_to_this_server(seed_app: Flask) -> None:
    query = "SELECT ?c WHERE { ?c a <https://w3id.org/cls-sante/def#Contract> } LIMIT 1"
    response = seed_app.test_client().get("/sparql", query_string={"query": query}, headers=HTML)
    assert re.search(r'<a href="/id/contract/[^"]+">', response.text)


def test_user_text_is_escaped(client: FlaskClient) -> None:
    query = 'SELECT ("<script>alert(1)</script>" AS ?x) ("javascript:alert(1)" AS ?y) {}'
    response = client.get("/sparql", query_string={"query": query}, headers=HTML)
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert 'href="javascript:' not in response.text


def test_non_http_iris_are_not_links(client: FlaskClient) -> None:
    query = "SELECT (<javascript:alert(1)> AS ?x) {}"
    response = client.get("/sparql", query_string={"query": query}, headers=HTML)
    assert 'href="javascript:' not in response.text


def test_errors_show_on_the_page(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT {"}, headers=HTML)
    assert response.status_code == 400
    assert 'class="error"' in response.text
    assert "SELECT {" in response.text  # the query stays in the editor


def test_truncation_is_shown(protocol_data_dir: Path) -> None:
    app = app_with(protocol_data_dir, MAX_ROWS=2)
    response = app.test_client().get("/sparql", query_string={"query": THREE_ROWS}, headers=HTML)
    assert "Résultat tronqué" in response.text


def test_post_from_the_page(client: FlaskClient) -> None:
    response = client.post("/sparql?lang=en", data={"query": "ASK {}", "lang": "en"}, headers=HTML)
    assert response.status_code == 200
    assert "Results" in response.text


@pytest.mark.parametrize("asset", ["sparql.css", "sparql.js"])
def test_assets_are_served_by_the_app(client: FlaskClient, asset: str) -> None:
    assert client.get(f"/static/{asset}").status_code == 200


def test_no_asset_comes_from_elsewhere(client: FlaskClient) -> None:
    page = client.get("/sparql", headers=HTML).text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]


def test_at_least_twelve_bilingual_examples() -> None:
    found = examples()
    assert len(found) >= 12
    for example in found:
        for field in ("title", "description"):
            for lang in ("fr", "en"):
                assert example.texts.get((field, lang)), (example.name, field, lang)
        assert "# title@" not in example.query


def test_example_header_parsing() -> None:
    example = parse(sorted(EXAMPLES_DIR.glob("*.rq"))[0])
    assert example.title("fr") and example.title("en") != example.title("fr")
    assert example.query.lstrip().startswith("PREFIX")


def test_example_link_loads_and_runs_it(seed_app: Flask) -> None:
    name = examples()[0].name
    response = seed_app.test_client().get("/sparql", query_string={"example": name}, headers=HTML)
    assert response.status_code == 200
    assert examples()[0].title("fr") in response.text
    assert "<table>" in response.text
