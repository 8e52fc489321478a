"""Real clients against the live endpoint: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.error import HTTPError

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from ..support.served import LiveServer

SELECT = "SELECT ?o WHERE { GRAPH <http://example.org/extra> { ?s ?p ?o } } ORDER BY ?o"
ASK = "ASK { GRAPH ?g { <http://example.org/s> ?p 'y' } }"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <http://example.org/extra> { ?s ?p ?o } }"
EXPECTED = ["x", "y", "z"]
METHODS = [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)]


def wrapper(server: LiveServer, query: str, fmt: str, method: tuple[str, str]) -> Any:
    """A configured SPARQLWrapper."""
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method[0])
    client.setRequestMethod(method[1])
    return client


def column(converted: Any, fmt: str) -> list[str]:
    """The ?o values of a converted SELECT result, whatever the format."""
    if fmt == JSON:
        return [b["o"]["value"] for b in converted["results"]["bindings"]]
    if fmt == XML:
        return [n.firstChild.data for n in converted.getElementsByTagName("literal")]
    rows = list(csv.reader(io.StringIO(converted.decode()), delimiter="\t" if fmt == TSV else ","))
    return [cell.strip('"') for cell in (row[0] for row in rows[1:])]


@pytest.mark.parametrize("method", METHODS, ids=lambda m: "-".join(m))
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select(
    protocol_server: LiveServer, fmt: str, method: tuple[str, str]
) -> None:
    converted = wrapper(protocol_server, SELECT, fmt, method).query().convert()
    assert column(converted, fmt) == EXPECTED


@pytest.mark.parametrize("method", METHODS, ids=lambda m: "-".join(m))
@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(protocol_server: LiveServer, fmt: str, method: tuple[str, str]) -> None:
    converted = wrapper(protocol_server, ASK, fmt, method).query().convert()
    if fmt == JSON:
        assert converted["boolean"] is True
    else:
        assert converted.getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize("method", METHODS, ids=lambda m: "-".join(m))
@pytest.mark.parametrize("fmt", [XML, TURTLE, N3, JSONLD])
def test_sparqlwrapper_construct(
    protocol_server: LiveServer, fmt: str, method: tuple[str, str]
) -> None:
    converted = wrapper(protocol_server, CONSTRUCT, fmt, method).query().convert()
    graph = converted if isinstance(converted, Graph) else Graph().parse(data=converted)
    assert sorted(str(o) for o in graph.objects()) == EXPECTED


@pytest.mark.parametrize("return_format", ["xml", "json", "csv", "tsv"])
def test_rdflib_sparqlstore_select(protocol_server: LiveServer, return_format: str) -> None:
    store = SPARQLStore(f"{protocol_server.url}/sparql", returnFormat=return_format)
    rows = list(Graph(store=store).query(SELECT))
    assert [str(row[0]) for row in rows] == EXPECTED  # type: ignore[index]


def test_rdflib_sparqlstore_ask_construct_and_triples(protocol_server: LiveServer) -> None:
    graph = Graph(store=SPARQLStore(f"{protocol_server.url}/sparql"))
    assert graph.query(ASK).askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert constructed is not None and len(constructed) == 3
    subject = URIRef("http://example.org/s")
    objects = {o for _, _, o in graph.triples((subject, None, None))}
    assert objects == {Literal(v) for v in EXPECTED}


def test_rdflib_update_store_is_refused(protocol_server: LiveServer) -> None:
    endpoint = f"{protocol_server.url}/sparql"
    store = SPARQLUpdateStore(query_endpoint=endpoint, update_endpoint=endpoint)
    with pytest.raises(HTTPError) as refused:
        store.update("CLEAR ALL")
    assert refused.value.code == 403
    assert len(Graph(store=SPARQLStore(endpoint)).query(SELECT)) == 3
