"""The /sparql endpoint through Flask's test client: protocol, formats, errors, CORS."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Namespace, URIRef
from rdflib.query import Result

from cls_kg.graph.namespaces import DEFAULT_BASE

from ..support.served import LiveServer

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SELECT = "SELECT ?o WHERE { <http://example.org/s> ?p ?o } ORDER BY ?o"
ASK = "ASK { <http://example.org/s> ?p 'x' }"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <http://example.org/extra> { ?s ?p ?o } }"
DESCRIBE = "DESCRIBE <http://example.org/s>"
RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


def values(body: bytes, media_type: str) -> list[str]:
    """The ?o column of a result, parsed by pyoxigraph's own parser (CSV by csv)."""
    if media_type == "text/csv":
        rows = list(csv.reader(io.StringIO(body.decode())))
        assert rows[0] == ["o"]
        return [row[0] for row in rows[1:]]
    solutions = ox.parse_query_results(body, RESULT_FORMATS[media_type])
    return [solution["o"].value for solution in solutions]


def test_get_form_post_and_direct_post_agree(client: FlaskClient) -> None:
    by_get = client.get("/sparql", query_string={"query": SELECT})
    by_form = client.post("/sparql", data={"query": SELECT})
    by_body = client.post("/sparql", data=SELECT, content_type="application/sparql-query")
    for response in (by_get, by_form, by_body):
        assert response.status_code == 200
        assert response.mimetype == "application/sparql-results+json"
        assert values(response.data, response.mimetype) == ["x", "y", "z"]


@pytest.mark.parametrize("media_type", RESULT_FORMATS)
def test_select_in_every_result_format(client: FlaskClient, media_type: str) -> None:
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert values(response.data, media_type) == ["x", "y", "z"]


@pytest.mark.parametrize("media_type", list(RESULT_FORMATS)[:2])
def test_ask_in_json_and_xml(client: FlaskClient, media_type: str) -> None:
    response = client.get("/sparql", query_string={"query": ASK}, headers={"Accept": media_type})
    assert response.mimetype == media_type
    assert bool(ox.parse_query_results(response.data, RESULT_FORMATS[media_type])) is True


@pytest.mark.parametrize("media_type", GRAPH_FORMATS)
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE])
def test_graphs_in_every_rdf_format(client: FlaskClient, media_type: str, query: str) -> None:
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    graph = Graph().parse(data=response.data, format=GRAPH_FORMATS[media_type])
    assert len(graph) == 3


@pytest.mark.parametrize(
    ("query", "accept"),
    [(ASK, "text/csv"), (SELECT, "text/turtle"), (CONSTRUCT, "text/csv"), (SELECT, "image/png")],
)
def test_no_acceptable_format_is_406(client: FlaskClient, query: str, accept: str) -> None:
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert response.status_code == 406
    assert "text/csv" not in response.headers["Content-Type"]


def test_format_parameter_overrides_accept(client: FlaskClient) -> None:
    response = client.get(
        "/sparql", query_string={"query": SELECT, "format": "tsv"}, headers={"Accept": "text/html"}
    )
    assert response.mimetype == "text/tab-separated-values"


def test_syntax_error_is_400_with_the_parser_message(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p "})
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "Requête SPARQL invalide" in response.text
    assert "error at 1:" in response.text


def test_errors_in_english_and_as_json_on_request(client: FlaskClient) -> None:
    headers = {"Accept-Language": "en-GB,en;q=0.9", "Accept": "application/sparql-results+json"}
    response = client.get("/sparql", query_string={"query": "SELECT ?x {"}, headers=headers)
    error = response.get_json()["error"]
    assert error["status"] == 400
    assert error["code"] == "syntax"
    assert error["message"].startswith("Invalid SPARQL query")


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405_with_allow(client: FlaskClient, method: str) -> None:
    response = client.open("/sparql", method=method, query_string={"query": ASK})
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST", "OPTIONS"}
    assert "Méthode non autorisée" in response.text


def test_cors_and_vary(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ASK})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-CLS-Result-Truncated" in response.headers["Access-Control-Expose-Headers"]
    assert {"Accept", "Accept-Language"} <= set(response.headers["Vary"].split(", "))


def test_cors_preflight(client: FlaskClient) -> None:
    headers = {
        "Origin": "https://example.org",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    response = client.options("/sparql", headers=headers)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", "ASK {}"),
        ("", "ASK {}"),
        ("application/sparql-query; charset=UTF-16", "ASK {}"),
        ("application/x-www-form-urlencoded; charset=latin-1", "query=ASK%7B%7D"),
    ],
)
def test_unsupported_bodies_are_415(client: FlaskClient, content_type: str, body: str) -> None:
    response = client.post("/sparql", data=body, content_type=content_type)
    assert response.status_code == 415


def test_body_not_utf8_is_415(client: FlaskClient) -> None:
    response = client.post(
        "/sparql", data="ASK {}".encode("utf-16"), content_type="application/sparql-query"
    )
    assert response.status_code == 415


def test_repeated_query_is_400(client: FlaskClient) -> None:
    response = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert response.status_code == 400
    assert "query" in response.text
    direct = client.post(
        "/sparql?query=ASK%7B%7D", data="ASK {}", content_type="application/sparql-query"
    )
    assert direct.status_code == 400


def test_post_without_query_is_400(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"default-graph-uri": "http://example.org/g"})
    assert response.status_code == 400
    assert "query" in response.text


@pytest.mark.parametrize(
    "send",
    [
        lambda c: c.get("/sparql", query_string={"update": "CLEAR ALL"}),
        lambda c: c.post("/sparql", data={"update": "DROP ALL"}),
        lambda c: c.post("/sparql", data="CLEAR ALL", content_type="application/sparql-update"),
        lambda c: c.get("/sparql", query_string={"query": "CLEAR ALL"}),
        lambda c: c.get("/sparql", query_string={"query": "LOAD <http://127.0.0.1:9/x.ttl>"}),
        lambda c: c.post(
            "/sparql", data={"query": "PREFIX e: <http://e/> INSERT DATA { e:a e:b e:c }"}
        ),
    ],
    ids=["get-update", "form-update", "direct-update", "clear-as-query", "load", "insert"],
)
def test_updates_are_refused(client: FlaskClient, send: object) -> None:
    response = send(client)  # type: ignore[operator]
    assert response.status_code == 403
    assert "lecture seule" in response.text


def test_store_is_unchanged_after_refused_updates(client: FlaskClient) -> None:
    client.post("/sparql", data="CLEAR ALL", content_type="application/sparql-update")
    response = client.get("/sparql", query_string={"query": SELECT, "format": "json"})
    assert values(response.data, "application/sparql-results+json") == ["x", "y", "z"]


def test_service_description_in_turtle(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format="turtle")
    endpoint = URIRef(DEFAULT_BASE + "sparql")
    service = graph.value(None, SD.endpoint, endpoint)
    assert service is not None
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    names = set(graph.objects(None, SD.name))
    assert URIRef("http://example.org/extra") in names
    assert URIRef("http://kasei.us/2009/09/sparql/data/data1.rdf") in names


def test_service_description_names_the_configured_base_whatever_the_host(
    protocol_server: LiveServer,
) -> None:
    headers = {"Host": "attacker.example", "Accept": "text/turtle"}
    status, _, body = protocol_server.request("GET", "/sparql", headers=headers)
    assert status == 200
    graph = Graph().parse(data=body, format="turtle")
    assert list(graph.objects(None, SD.endpoint)) == [URIRef(DEFAULT_BASE + "sparql")]
    assert b"attacker.example" not in body


@pytest.mark.parametrize("media_type", GRAPH_FORMATS)
def test_service_description_in_every_rdf_format(client: FlaskClient, media_type: str) -> None:
    response = client.get("/sparql", headers={"Accept": media_type})
    assert response.mimetype == media_type
    graph = Graph().parse(data=response.data, format=GRAPH_FORMATS[media_type])
    assert len(list(graph.subjects(SD.endpoint, None))) == 1


def test_service_description_by_default_and_406_for_results_only(client: FlaskClient) -> None:
    assert client.get("/sparql").mimetype == "text/turtle"
    refused = client.get("/sparql", headers={"Accept": "application/sparql-results+json"})
    assert refused.status_code == 406


def test_dataset_parameters(client: FlaskClient) -> None:
    query = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    data1 = "http://kasei.us/2009/09/sparql/data/data1.rdf"
    union = client.get("/sparql", query_string={"query": query, "format": "json"})
    only = client.get(
        "/sparql", query_string={"query": query, "format": "json", "default-graph-uri": data1}
    )
    count = lambda r: int(r.get_json()["results"]["bindings"][0]["n"]["value"])  # noqa: E731
    assert count(union) == 6
    assert count(only) == 1


def test_invalid_graph_iri_is_400(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ASK, "default-graph-uri": "not an iri"})
    assert response.status_code == 400


def test_json_results_parse_with_rdflib(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": SELECT})
    result = Result.parse(io.BytesIO(response.data), format="json")
    assert [str(row[0]) for row in result] == ["x", "y", "z"]


def test_health(client: FlaskClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert json.loads(response.data)["version"] == "test"


def test_home_leads_to_the_query_page(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200  # the landing page (tests/pages), linking to the editor
    assert 'href="/sparql"' in response.text
