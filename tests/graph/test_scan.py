"""The lexical scan: keywords told apart from strings, IRIs, comments, variables, names."""

from __future__ import annotations

import pytest

from cls_kg.graph.scan import depth, first_keyword, keywords, looks_like_update, names_dataset

#: query -> does it choose its own dataset with FROM?
DATASET_CASES = [
    ("SELECT * FROM <http://g> { ?s ?p ?o }", True),
    ("select * from named <http://g> { graph ?g { ?s ?p ?o } }", True),
    ("PREFIX from: <http://f/> SELECT * FROM:x { ?s ?p ?o }", True),
    ("SELECT * FROM<http://g>{?s ?p ?o}", True),
    ("SELECT ?from { ?from ?p ?o }", False),
    ("SELECT * { ?s ?p 'taken from a FROM clause' }", False),
    ('SELECT * { ?s ?p """multi\nline FROM""" }', False),
    ("SELECT * { ?s <http://e/FROM> ?o }", False),
    ("SELECT * { ?s ex:from ?o }", False),
    ("# FROM <http://g>\nSELECT * { ?s ?p ?o }", False),
    ("SELECT * { ?s ex:a\\#FROM ?o }", False),
    ("SELECT * { ?s ?p ?o }", False),
]


@pytest.mark.parametrize(("query", "expected"), DATASET_CASES)
def test_names_dataset(query: str, expected: bool) -> None:
    assert names_dataset(query) is expected


@pytest.mark.parametrize(
    ("query", "keyword"),
    [
        ("PREFIX a: <http://a/> BASE <http://b/> SELECT * {}", "SELECT"),
        ("# comment\nclear all", "CLEAR"),
        ("PREFIX : <http://a/> INSERT DATA { :a :b :c }", "INSERT"),
        ("{ }", None),
        ("", None),
    ],
)
def test_first_keyword(query: str, keyword: str | None) -> None:
    assert first_keyword(query) == keyword


def test_updates_are_recognised() -> None:
    assert looks_like_update("LOAD <http://x>")
    assert looks_like_update("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert not looks_like_update("SELECT * { ?s ?p ?o }")
    assert not looks_like_update("ASK { ?s <http://e/delete> ?o }")


def test_keywords_skip_literals() -> None:
    assert list(keywords("SELECT ?x { ?x ?p 'SERVICE' . FILTER (?x) }")) == ["SELECT", "FILTER"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ASK {}", 1),
        ("SELECT * { { ?s ?p [ <p> ( 1 2 ) ] } FILTER ((1)) }", 4),
        ("SELECT * { ?s ?p '{{{{' . <http://e/((((> ?p ?o } # {{{{", 1),
        ("ASK " + "{" * 300 + "}" * 300, 300),
        ("", 0),
    ],
)
def test_depth_counts_brackets_outside_strings_iris_and_comments(query: str, expected: int) -> None:
    assert depth(query) == expected
