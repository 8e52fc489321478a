"""SERVICE blocks are replaced by the solutions their endpoint gives (no network here)."""

from __future__ import annotations

import pytest

from cls_kg.graph.errors import FederationError, QuerySyntaxError
from cls_kg.graph.federation import Solutions, inline_services, service_blocks

REMOTE = "https://remote.example/sparql"
ONE_ROW: Solutions = (
    ["item", "label"],
    [
        {
            "item": {"type": "uri", "value": "https://e.org/q1"},
            "label": {"type": "literal", "value": 'say "hi"', "xml:lang": "fr"},
        },
        {"item": {"type": "bnode", "value": "b0"}},
    ],
)


def fake(answer: Solutions | Exception) -> tuple[list[tuple[str, str]], object]:
    """A fetcher that records its calls and answers ``answer``."""
    calls: list[tuple[str, str]] = []

    def fetch(endpoint: str, query: str, timeout: float) -> Solutions:
        calls.append((endpoint, query))
        if isinstance(answer, Exception):
            raise answer
        return answer

    return calls, fetch


def test_service_block_becomes_values() -> None:
    calls, fetch = fake(ONE_ROW)
    query = (
        "PREFIX r: <https://remote.example/>\n"
        "SELECT * WHERE { ?s ?p ?o . SERVICE r:sparql { ?item ?x ?label } }"
    )
    inlined = inline_services(query, 5, 100, fetch)  # type: ignore[arg-type]
    assert "SERVICE" not in inlined
    assert 'VALUES (?item ?label) { (<https://e.org/q1> "say \\"hi\\""@fr) (<urn:cls-kg:' in inlined
    assert "UNDEF)" in inlined
    endpoint, remote = calls[0]
    assert endpoint == REMOTE
    assert remote == "SELECT * WHERE { ?item ?x ?label } LIMIT 101"


def test_the_remote_pattern_is_sent_with_iris_in_full() -> None:
    """Prefixed names and relative IRIs are written as full IRIs; only the BASE travels."""
    calls, fetch = fake(ONE_ROW)
    query = (
        "BASE <https://base.example/a/> PREFIX r: <https://remote.example/> PREFIX : <x/>\n"
        f"SELECT * {{ SERVICE <{REMOTE}> {{ ?s r:p\\~q <../b> , :c # {{\r}} }} }}"
    )
    inline_services(query, 5, None, fetch)  # type: ignore[arg-type]
    assert calls[0][1] == (
        "BASE <https://base.example/a/>\nSELECT * WHERE { ?s <https://remote.example/p~q> "
        "<https://base.example/b> , <https://base.example/a/x/c> }"  # the comment ended at CR
    )


def test_silent_service_that_fails_gives_one_empty_solution() -> None:
    _, fetch = fake(FederationError("service-failed", "down"))
    query = f"SELECT * {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <{REMOTE}> {{ ?s ?q ?v }} }} }}"
    inlined = inline_services(query, 5, 100, fetch)  # type: ignore[arg-type]
    assert "VALUES () { () }" in inlined


def test_failing_service_is_an_error() -> None:
    _, fetch = fake(FederationError("service-failed", "down"))
    with pytest.raises(FederationError):
        inline_services(f"SELECT * {{ SERVICE <{REMOTE}> {{ ?s ?p ?o }} }}", 5, 100, fetch)  # type: ignore[arg-type]


def test_remote_rows_beyond_the_cap_are_refused_not_cut() -> None:
    _, fetch = fake(ONE_ROW)
    with pytest.raises(FederationError) as error:
        inline_services(f"SELECT * {{ SERVICE <{REMOTE}> {{ ?s ?p ?o }} }}", 5, 1, fetch)  # type: ignore[arg-type]
    assert error.value.key == "service-too-many-rows"


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT * {{ SERVICE <{REMOTE}> {{ SERVICE <{REMOTE}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * {{ SERVICE <{REMOTE}> {{ ?s ?p ?o ",
        "SELECT * { SERVICE undeclared:x { ?s ?p ?o } }",
    ],
)
def test_unsupported_service_blocks_are_refused(query: str) -> None:
    with pytest.raises((FederationError, QuerySyntaxError)):
        service_blocks(query)


def test_service_in_strings_and_comments_is_not_a_block() -> None:
    query = 'SELECT * { ?s ?p "SERVICE <x> { }" } # SERVICE <y> { }'
    assert service_blocks(query) == []
