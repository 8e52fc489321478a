"""The SERVICE allow-list and the read-only rule, without HTTP."""

from __future__ import annotations

import pytest

from cls_kg.graph.errors import QuerySyntaxError
from cls_kg.server.core.errors import ProtocolError, QueryRefused
from cls_kg.server.sparql.policy import MAX_DEPTH, check, explain, mentions_service, service_targets

ALLOWED = ("https://query.example/sparql",)


@pytest.mark.parametrize(
    ("query", "targets"),
    [
        (
            "SELECT * { SERVICE <https://query.example/sparql> { ?s ?p ?o } }",
            ["https://query.example/sparql"],
        ),
        (
            "PREFIX q: <https://query.example/> SELECT * { SERVICE SILENT q:sparql {} }",
            ["https://query.example/sparql"],
        ),
        (
            "PREFIX : <https://query.example/> SELECT * { SERVICE :sparql {} }",
            ["https://query.example/sparql"],
        ),
        ("SELECT * { ?s ?p 'service' }", []),
        ("SELECT * { \\u0053ERVICE <http://x/> {} }", ["http://x/"]),
    ],
)
def test_service_targets(query: str, targets: list[str]) -> None:
    assert service_targets(query) == targets


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { ?s ?p ?o }",
        "SELECT * { SERVICE <https://query.example/sparql> { ?s ?p ?o } }",
        "SELECT * { ?s ?p 'un service de santé' }",
        "BASE <https://query.example/> SELECT * { SERVICE <sparql> {} }",
    ],
)
def test_allowed(query: str) -> None:
    check(query, ALLOWED)


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("SELECT * { SERVICE <https://other.example/sparql> {} }", "service-not-allowed"),
        ("SELECT * { SERVICE ?endpoint {} }", "service-not-allowed"),
        ("BASE <https://other.example/> SELECT * { SERVICE <sparql> {} }", "service-not-allowed"),
        ("SELECT * { SERVICE <sparql> {} }", "service-not-allowed"),
        ("SELECT * { ?s ?p 1SERVICE <https://other.example/> {} }", "service-not-allowed"),
    ],
)
def test_refused(query: str, key: str) -> None:
    with pytest.raises(QueryRefused) as refused:
        check(query, ALLOWED)
    assert refused.value.key == key


def test_mentions_service_sees_escapes() -> None:
    assert mentions_service("\\u0053\\u0045RVICE")
    assert not mentions_service("SELECT * { ?s ?p ?o }")


def test_explain_turns_updates_into_refusals() -> None:
    error = QuerySyntaxError("error at 1:1")
    assert isinstance(explain(error, "DROP ALL"), QueryRefused)
    assert explain(error, "SELECT {") is error


def test_allowed_service_nested_within_the_depth_limit_is_read() -> None:
    """No parser recursion decides: the tokens are read flat, at any nesting."""
    nested = "{ " * 150 + "SERVICE <https://query.example/sparql> {} " + "} " * 150
    check(f"SELECT * {nested}", ALLOWED)
    with pytest.raises(QueryRefused) as refused:
        check(f"SELECT * {nested.replace('query.example', 'other.example')}", ALLOWED)
    assert refused.value.key == "service-not-allowed"


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 10_000])
def test_deep_nesting_is_refused_before_the_engine(levels: int) -> None:
    with pytest.raises(ProtocolError) as refused:
        check("SELECT * " + "{" * levels + "}" * levels, ())
    assert refused.value.key == "too-deep"


def test_many_brackets_side_by_side_are_fine() -> None:
    check("SELECT * { " + "{ ?s ?p ?o } UNION " * 300 + "{} }", ())
