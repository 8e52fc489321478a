"""The query page: editor, bilingual examples, results table with links, escaping, assets,
the editor's completions and its vendored bundle."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cls_kg.graph.namespaces import CLS, PREFIXES
from cls_kg.server.core import state
from cls_kg.server.sparql.examples import EXAMPLES_DIR, examples, parse

from ..support.apps import app_with
from .test_safety import THREE_ROWS

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_browsers_get_the_editor(client: FlaskClient) -> None:
    response = client.get("/sparql", headers=HTML)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert '<textarea id="query" name="query"' in response.text
    assert "Exemples" in response.text
    assert "<table>" not in response.text  # nothing run yet
    assert 'src="/static/vendor/codemirror-sparql.min.js"' in response.text
    assert 'data-completions="/sparql/completions.json' in response.text
    assert '<label id="query-label" for="query">' in response.text


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


@pytest.mark.parametrize(
    ("settings", "lang", "said"),
    [
        ({"MAX_ROWS": 2}, "fr", "limite de 2 lignes"),
        ({"MAX_ROWS": 2}, "en", "limit of 2 rows"),
        ({"MAX_RESULT_BYTES": 150}, "fr", "limite de 150 octets : 1 ligne(s) renvoyée(s)"),
        ({"MAX_RESULT_BYTES": 150}, "en", "limit of 150 bytes: 1 row(s) returned"),
    ],
)
def test_truncation_names_the_limit_that_cut(
    protocol_data_dir: Path, settings: dict[str, int], lang: str, said: str
) -> None:
    app = app_with(protocol_data_dir, **settings)
    try:
        query = {"query": THREE_ROWS, "lang": lang}
        response = app.test_client().get("/sparql", query_string=query, headers=HTML)
    finally:
        state.close(app)
    warning = re.search(r'<p class="warning">(.*?)</p>', response.text)
    assert warning and said in warning.group(1)


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


VENDOR = Path(__file__).resolve().parents[2] / "server" / "static" / "vendor"
EDITOR = Path(__file__).resolve().parents[2] / "tools" / "editor"
DOWNLOADS = {
    "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1": ["json", "csv", "tsv", "xml"],
    "ASK {}": ["json", "xml"],
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1": ["turtle", "jsonld", "ntriples"],
}


@pytest.mark.parametrize("query", DOWNLOADS)
def test_downloads_in_each_format_of_the_result(client: FlaskClient, query: str) -> None:
    page = client.get("/sparql", query_string={"query": query}, headers=HTML).text
    section = page[page.index('class="downloads"') :].split("</p>")[0]
    formats = re.findall(r"format=(\w+)", section)
    assert formats == DOWNLOADS[query]
    for link in re.findall(r'href="([^"]+)"', section):
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
        assert response.data


def test_syntax_errors_carry_their_position(client: FlaskClient) -> None:
    """The editor marks the error at the line and column the parser reports ("at L:C")."""
    query = "SELECT *\nWHERE {\n  ?s ?p ?o .\n  FILTRE(?o)\n}"
    response = client.get("/sparql", query_string={"query": query}, headers=HTML)
    assert response.status_code == 400
    assert re.search(r"\bat 4:\d+", response.text)


def completions(app: Flask, lang: str = "fr") -> dict[str, Any]:
    """The editor's completions document."""
    response = app.test_client().get(f"/sparql/completions.json?lang={lang}")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert {"Accept-Language", "Cookie"} <= set(response.vary)
    return json.loads(response.data)


def test_completions_come_from_the_ontology_and_vocabularies(seed_app: Flask) -> None:
    found = completions(seed_app)
    prefixes, terms = found["prefixes"], found["terms"]
    assert {name: str(ns) for name, ns in PREFIXES.items()}.items() <= prefixes.items()
    assert prefixes["theme"] == "https://w3id.org/cls-sante/def/theme/"
    by_name = {term["name"]: term for term in terms}
    assert by_name["cls:Contract"] == {
        "name": "cls:Contract",
        "iri": str(CLS.Contract),
        "kind": "class",
        "label": by_name["cls:Contract"]["label"],
    }
    assert by_name["cls:Contract"]["label"].lower().startswith("contrat")
    assert by_name["cls:territory"]["kind"] == "property"
    assert by_name["theme:sante-mentale"]["kind"] == "concept"
    assert by_name["clsv:theme"]["kind"] == "scheme"
    for term in terms:
        prefix, local = term["name"].split(":", 1)
        assert term["iri"] == prefixes[prefix] + local
        assert set(term) == {"name", "iri", "kind", "label"}


def test_completion_labels_follow_the_language(seed_app: Flask) -> None:
    labels = {t["name"]: t["label"] for t in completions(seed_app, "en")["terms"]}
    assert labels["theme:sante-mentale"] == "Mental health"


def test_editor_bundle_is_vendored_whole() -> None:
    """One minified file, small, nothing fetched from another host, its licences beside it."""
    bundle = (VENDOR / "codemirror-sparql.min.js").read_text(encoding="utf-8")
    assert len(bundle.encode()) < 500_000
    urls = set(re.findall(r"(?:https?:)?//[A-Za-z0-9.-]+\.[a-z]{2,}[^\s\"'`)]*", bundle))
    assert urls <= {"http://www.w3.org/2000/svg"}  # an XML namespace name, never fetched
    assert "import(" not in bundle and "fetch(" not in bundle
    notice = (VENDOR / "NOTICE").read_text(encoding="utf-8").splitlines()
    listed = [line.split() for line in notice if line.endswith(".LICENSE.txt")]
    assert {"@codemirror/legacy-modes", "@codemirror/view", "codemirror"} <= {n for n, *_ in listed}
    for name, version, licence, path in listed:
        assert re.fullmatch(r"\d+\.\d+\.\d+", version) and licence == "(MIT)", name
        assert (VENDOR / path).read_text(encoding="utf-8").strip(), path


def test_editor_build_recipe_pins_exact_versions() -> None:
    recipe = json.loads((EDITOR / "package.json").read_text(encoding="utf-8"))
    pinned = {**recipe["dependencies"], **recipe["devDependencies"]}
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in pinned.values())
    notice = (VENDOR / "NOTICE").read_text(encoding="utf-8")
    for name in recipe["dependencies"]:
        assert f"{name} {pinned[name]} " in notice, name


def test_vendored_bundle_is_served(client: FlaskClient) -> None:
    response = client.get("/static/vendor/codemirror-sparql.min.js")
    assert response.status_code == 200
    assert b"ClsCodeMirror" in response.data


def test_completions_without_an_ontology_still_give_the_prefixes(protocol_app: Flask) -> None:
    found = completions(protocol_app)
    assert found["terms"] == []
    assert found["prefixes"]["cls"] == str(CLS)
