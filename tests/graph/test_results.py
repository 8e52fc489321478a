"""Result serialisers: terms in each format, row caps, and OxigraphStore.answer."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from rdflib import Graph

from cls_kg.graph.errors import NotAcceptable, QueryEvaluationError, QuerySyntaxError
from cls_kg.graph.results import (
    BINDINGS,
    BOOLEAN,
    GRAPH,
    XSD,
    capped,
    term_csv,
    term_json,
    term_tsv,
    term_xml,
)
from cls_kg.graph.store import Dataset, OxigraphStore, QueryRequest

IRI = ox.NamedNode("http://e/a")
FR = ox.Literal("été", language="fr")
TYPED = ox.Literal("5", datatype=ox.NamedNode(XSD + "decimal"))
BNODE = ox.BlankNode("b1")


@pytest.mark.parametrize(
    ("term", "json_form", "xml", "csv", "tsv"),
    [
        (
            IRI,
            {"type": "uri", "value": "http://e/a"},
            "<uri>http://e/a</uri>",
            "http://e/a",
            "<http://e/a>",
        ),
        (
            FR,
            {"type": "literal", "value": "été", "xml:lang": "fr"},
            '<literal xml:lang="fr">été</literal>',
            "été",
            '"été"@fr',
        ),
        (
            TYPED,
            {"type": "literal", "value": "5", "datatype": XSD + "decimal"},
            f'<literal datatype="{XSD}decimal">5</literal>',
            "5",
            f'"5"^^<{XSD}decimal>',
        ),
        (
            ox.Literal("a<b"),
            {"type": "literal", "value": "a<b"},
            "<literal>a&lt;b</literal>",
            "a<b",
            '"a<b"',
        ),
        (BNODE, {"type": "bnode", "value": "b1"}, "<bnode>b1</bnode>", "_:b1", "_:b1"),
    ],
)
def test_terms(term: object, json_form: dict[str, str], xml: str, csv: str, tsv: str) -> None:
    assert term_json(term) == json_form
    assert term_xml(term) == xml
    assert term_csv(term) == csv
    assert term_tsv(term) == tsv


def test_capped() -> None:
    assert capped(iter(range(5)), 3) == ([0, 1, 2], True)
    assert capped(iter(range(3)), 3) == ([0, 1, 2], False)
    assert capped(iter(range(3)), None) == ([0, 1, 2], False)


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    """Two named graphs in memory."""
    memory = ox.Store()
    for graph, value in (("http://e/g1", "1"), ("http://e/g2", "2")):
        memory.add(ox.Quad(IRI, ox.NamedNode("http://e/p"), ox.Literal(value), ox.NamedNode(graph)))
    return OxigraphStore(memory)


def test_answer_uses_the_union_and_the_format_of_the_kind(store: OxigraphStore) -> None:
    request = QueryRequest("SELECT ?o { ?s ?p ?o } ORDER BY ?o", {BINDINGS: "json", BOOLEAN: "xml"})
    answer = store.answer(request)
    assert (answer.kind, answer.format, answer.rows, answer.truncated) == (
        BINDINGS,
        "json",
        2,
        False,
    )
    assert [b["o"]["value"] for b in json.loads(answer.body)["results"]["bindings"]] == ["1", "2"]
    assert b"<boolean>true</boolean>" in store.answer(QueryRequest("ASK {}", request.formats)).body


def test_answer_with_a_protocol_dataset(store: OxigraphStore) -> None:
    request = QueryRequest("SELECT ?o { ?s ?p ?o }", {BINDINGS: "csv"}, Dataset(("http://e/g2",)))
    assert store.answer(request).body == b"o\r\n2\r\n"


def test_answer_graph_is_capped(store: OxigraphStore) -> None:
    request = QueryRequest("CONSTRUCT WHERE { ?s ?p ?o }", {GRAPH: "turtle"}, row_limit=1)
    answer = store.answer(request)
    assert answer.truncated and answer.rows == 1
    assert len(Graph().parse(data=answer.body, format="turtle")) == 1


def test_answer_refuses_an_unacceptable_kind(store: OxigraphStore) -> None:
    with pytest.raises(NotAcceptable):
        store.answer(QueryRequest("ASK {}", {BINDINGS: "csv"}))


def test_answer_errors(store: OxigraphStore) -> None:
    with pytest.raises(QuerySyntaxError):
        store.answer(QueryRequest("SELECT", {BINDINGS: "json"}))
    with pytest.raises(QueryEvaluationError):
        store.answer(
            QueryRequest("SELECT * { SERVICE <http://127.0.0.1:1/> {} }", {BINDINGS: "json"})
        )
    with pytest.raises(QuerySyntaxError):
        store.answer(QueryRequest("ASK {}", {BOOLEAN: "json"}, Dataset(("not an iri",))))
