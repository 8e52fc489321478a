"""The W3C SPARQL 1.1 Protocol tests (``shared/w3c/sparql11-protocol/manifest.ttl``).

Each manifest entry runs as one test against the live endpoint, its requests sent byte for
byte. The endpoint is read-only: the update tests expect a 2xx and get a 403 refusal instead,
which ``READ_ONLY`` lists with the reason; their follow-up queries (checking the effect of
the update) are not sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from xml.etree import ElementTree

import pytest
from rdflib import RDF, Graph, Namespace
from rdflib.collection import Collection
from rdflib.term import Node

from ..support.paths import W3C
from ..support.served import LiveServer

MANIFEST = W3C / "sparql11-protocol" / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
ENDPOINT = "/sparql"

#: Tests whose expected outcome the read-only endpoint refuses on purpose, with the reason.
READ_ONLY = {
    name: "SPARQL Update: the endpoint is read-only and answers 403 (read-only)"
    for name in (
        "update_dataset_default_graph",
        "update_dataset_default_graphs",
        "update_dataset_named_graphs",
        "update_dataset_full",
        "update_post_form",
        "update_post_direct",
        "update_base_uri",
    )
}

#: media types acceptable for each mf:expectedFormat (the manifest's own lists).
EXPECTED_FORMATS = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    },
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples"},
}


@dataclass(frozen=True)
class Exchange:
    """One request of a test and what its response must be."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[int]
    boolean: bool | None
    format: str | None


def items(graph: Graph, node: Node) -> list[Node]:
    """The members of an RDF list."""
    return list(Collection(graph, node))


def body_of(graph: Graph, request: Node) -> bytes | None:
    """The request body, encoded as the manifest says."""
    body = graph.value(request, HT.body)
    if body is None:
        return None
    encoding = str(graph.value(body, CNT.characterEncoding) or "UTF-8")
    return str(graph.value(body, CNT.chars)).encode(encoding)


def exchange(graph: Graph, request: Node) -> Exchange:
    """Read one ht:Request and its expected response."""
    headers = {
        str(graph.value(h, HT.fieldName)): str(graph.value(h, HT.fieldValue))
        for h in items(graph, graph.value(request, HT.headers) or RDF.nil)
    }
    response = graph.value(request, HT.resp)
    statuses = frozenset(
        int(str(status).rsplit("StatusCode", 1)[1][0])
        for status in graph.objects(response, MF.expectedStatus)
    )
    boolean = graph.value(response, MF.expectedBoolean)
    fmt = graph.value(response, MF.expectedFormat)
    path = str(graph.value(request, HT.absolutePath)).replace("/sparql/", ENDPOINT, 1)
    return Exchange(
        str(graph.value(request, HT.methodName)),
        path,
        headers,
        body_of(graph, request),
        statuses,
        None if boolean is None else boolean.toPython(),
        None if fmt is None else str(fmt),
    )


def load_tests() -> list[tuple[str, list[Exchange]]]:
    """Every manifest entry: its local name and its requests, in order."""
    graph = Graph().parse(MANIFEST, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in items(graph, graph.value(manifest, MF.entries)):
        action = graph.value(entry, MF.action)
        requests = items(graph, graph.value(action, HT.requests))
        tests.append((str(entry).rsplit("#", 1)[1], [exchange(graph, r) for r in requests]))
    return tests


TESTS = load_tests()


def parse_boolean(media_type: str, body: bytes) -> bool:
    """The boolean of a SPARQL JSON or XML result."""
    if media_type.endswith("json"):
        value: bool = json.loads(body)["boolean"]
        return value
    element = ElementTree.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert element is not None
    return element.text == "true"


def check(server: LiveServer, step: Exchange) -> None:
    """Send one request and check status, format and boolean as the manifest expects."""
    status, headers, body = server.request(step.method, step.path, step.body, step.headers)
    assert status // 100 in step.statuses, (status, body)
    media_type = headers.get_content_type()
    if step.format is not None:
        assert media_type in EXPECTED_FORMATS[step.format]
    if step.boolean is not None:
        assert parse_boolean(media_type, body) is step.boolean


def check_refused(server: LiveServer, step: Exchange) -> None:
    """An update must be refused with 403 and a message saying the endpoint is read-only."""
    headers = {**step.headers, "Accept-Language": "en"}
    status, _, body = server.request(step.method, step.path, step.body, headers)
    assert status == 403, body
    assert b"read-only" in body


@pytest.mark.parametrize(("name", "steps"), TESTS, ids=[name for name, _ in TESTS])
def test_protocol(name: str, steps: list[Exchange], protocol_server: LiveServer) -> None:
    if name in READ_ONLY:
        check_refused(protocol_server, steps[0])
        return
    for step in steps:
        check(protocol_server, step)


def test_manifest_is_complete() -> None:
    names = [name for name, _ in TESTS]
    assert len(names) == 34
    assert set(READ_ONLY) <= set(names)
    assert sum(1 for name in names if name.startswith("query")) == 13


def test_dataset_parameters_override_the_query_dataset(protocol_server: LiveServer) -> None:
    """query_multiple_dataset, checked beyond the boolean: FROM <data3> gives way."""
    path = "/sparql?named-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf"
    query = b"SELECT ?g FROM <http://kasei.us/2009/09/sparql/data/data3.rdf> { GRAPH ?g { } }"
    status, _, body = protocol_server.request(
        "POST", path, query, {"Content-Type": "application/sparql-query"}
    )
    assert status == 200
    graphs = [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]]
    assert graphs == ["http://kasei.us/2009/09/sparql/data/data1.rdf"]


def test_query_from_clause_without_protocol_dataset(protocol_server: LiveServer) -> None:
    """Without protocol parameters, FROM chooses the default graph (not the union)."""
    query = "SELECT ?s FROM <http://kasei.us/2009/09/sparql/data/data2.rdf> { ?s ?p ?o }"
    status, _, body = protocol_server.request(
        "POST", "/sparql", query.encode(), {"Content-Type": "application/sparql-query"}
    )
    subjects = [b["s"]["value"] for b in json.loads(body)["results"]["bindings"]]
    assert status == 200
    assert subjects == ["http://kasei.us/2009/09/sparql/data/data2.rdf"]
