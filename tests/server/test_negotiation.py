"""Content negotiation, table-driven: Accept headers (and format parameters) -> formats."""

from __future__ import annotations

import pytest

from cls_kg.graph.results import BINDINGS, BOOLEAN, FORMATS, GRAPH
from cls_kg.server.core.negotiation import (
    FORMAT_PARAMETER,
    MEDIA_TYPES,
    MediaRange,
    choose,
    error_format,
    parse_accept,
    quality,
)

SELECT_JSON = {BINDINGS: "json", BOOLEAN: "json", GRAPH: "turtle"}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

#: (Accept header, format parameter) -> (format per kind, HTML page?)
CASES: list[tuple[str | None, str | None, dict[str, str], bool]] = [
    (None, None, SELECT_JSON, False),
    ("", None, SELECT_JSON, False),
    ("*/*", None, SELECT_JSON, False),
    ("*", None, SELECT_JSON, False),
    ("application/sparql-results+json", None, {BINDINGS: "json", BOOLEAN: "json"}, False),
    ("application/sparql-results+xml", None, {BINDINGS: "xml", BOOLEAN: "xml"}, False),
    ("text/csv", None, {BINDINGS: "csv"}, False),
    ("text/tab-separated-values", None, {BINDINGS: "tsv"}, False),
    ("text/turtle", None, {GRAPH: "turtle"}, False),
    ("application/n-triples", None, {GRAPH: "ntriples"}, False),
    ("application/ld+json", None, {GRAPH: "jsonld"}, False),
    ("application/rdf+xml", None, {GRAPH: "rdfxml"}, False),
    ("application/json", None, {BINDINGS: "json", BOOLEAN: "json", GRAPH: "jsonld"}, False),
    ("application/xml", None, {BINDINGS: "xml", BOOLEAN: "xml", GRAPH: "rdfxml"}, False),
    # q-values: the highest wins; ties go to the server's order
    (
        "text/csv;q=0.5, application/sparql-results+xml",
        None,
        {BINDINGS: "xml", BOOLEAN: "xml"},
        False,
    ),
    (
        "text/csv, application/sparql-results+xml;q=0.5",
        None,
        {BINDINGS: "csv", BOOLEAN: "xml"},
        False,
    ),
    ("text/csv;q=0.9, text/tab-separated-values;q=0.9", None, {BINDINGS: "csv"}, False),
    # wildcards, and the most specific range deciding a type's q
    ("text/*", None, {BINDINGS: "csv", BOOLEAN: "xml", GRAPH: "turtle"}, False),
    (
        "text/*;q=0.5, text/tab-separated-values",
        None,
        {BINDINGS: "tsv", BOOLEAN: "xml", GRAPH: "turtle"},
        False,
    ),
    ("application/*", None, {BINDINGS: "json", BOOLEAN: "json", GRAPH: "ntriples"}, False),
    ("*/*;q=0.1, text/turtle", None, {**SELECT_JSON, GRAPH: "turtle"}, False),
    ("text/csv;q=0, */*", None, SELECT_JSON, False),
    ("application/sparql-results+json;q=0", None, {}, False),
    # parameters, case, spaces
    (
        "Application/SPARQL-Results+JSON; charset=utf-8",
        None,
        {BINDINGS: "json", BOOLEAN: "json"},
        False,
    ),
    (" text/turtle ; q=1.0 ", None, {GRAPH: "turtle"}, False),
    # malformed ranges are ignored
    ("garbage, text/csv", None, {BINDINGS: "csv"}, False),
    ("text/csv;q=abc", None, {}, False),
    # browsers get the page; clients that list HTML lower do not
    (BROWSER, None, {BINDINGS: "xml", BOOLEAN: "xml", GRAPH: "rdfxml"}, True),
    ("text/html", None, {}, True),
    (
        "application/sparql-results+json, text/html;q=0.5",
        None,
        {BINDINGS: "json", BOOLEAN: "json"},
        False,
    ),
    # the format parameter overrides Accept
    (BROWSER, "csv", {BINDINGS: "csv"}, False),
    ("text/csv", "json", {BINDINGS: "json", BOOLEAN: "json", GRAPH: "jsonld"}, False),
    (None, "ttl", {GRAPH: "turtle"}, False),
    (None, "text/tab-separated-values", {BINDINGS: "tsv"}, False),
    (None, "html", {}, True),
    (None, "nonsense", SELECT_JSON, False),
    ("text/csv", "n3", {GRAPH: "turtle"}, False),
    ("text/n3", None, {GRAPH: "turtle"}, False),
]


@pytest.mark.parametrize(("accept", "param", "formats", "html"), CASES)
def test_choose(accept: str | None, param: str | None, formats: dict[str, str], html: bool) -> None:
    choice = choose(accept, param)
    assert dict(choice.formats) == formats
    assert choice.html is html


@pytest.mark.parametrize(
    ("header", "media_type", "q"),
    [
        ("text/*;q=0.3, text/csv;q=0.7, */*;q=0.1", "text/csv", 0.7),
        ("text/*;q=0.3, text/csv;q=0.7, */*;q=0.1", "text/turtle", 0.3),
        ("text/*;q=0.3, text/csv;q=0.7, */*;q=0.1", "application/json", 0.1),
        ("text/csv", "application/json", 0.0),
        ("text/csv;q=2", "text/csv", 1.0),
    ],
)
def test_quality_uses_the_most_specific_range(header: str, media_type: str, q: float) -> None:
    assert quality(parse_accept(header), media_type) == q


def test_parse_accept() -> None:
    assert parse_accept("text/csv;q=0.5, */*") == [
        MediaRange("text", "csv", 0.5),
        MediaRange("*", "*", 1.0),
    ]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text"),
        ("*/*", "text"),
        ("application/json", "json"),
        ("application/sparql-results+json", "json"),
        ("text/csv", "text"),
        ("text/plain;q=0.2, application/json", "json"),
    ],
)
def test_error_format(accept: str | None, expected: str) -> None:
    assert error_format(accept) == expected


def test_tables_name_only_known_formats() -> None:
    for table in (MEDIA_TYPES, FORMAT_PARAMETER):
        for row in table.values():
            for kind, fmt in row.items():
                assert kind in FORMATS[fmt].kinds


def test_every_format_has_its_media_type_in_the_table() -> None:
    """And each format's own media type stands for that format only."""
    for fmt in FORMATS.values():
        assert set(MEDIA_TYPES[fmt.media_type].values()) == {fmt.name}
