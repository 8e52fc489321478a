"""Long flat queries: refused before they run, with a 400 naming the limit (issue 13, item 4).

The nesting guard alone let through queries that are flat but long, and a query process died
of each (stack overflow in the engine's recursion): 10,000 terms of ``+``, 20,000 UNIONs,
50,000 ``||``, a 10,000-step property path. Each shape is now counted from the query's tokens
and refused with a message that names the setting and its value; the server stays healthy.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from cls_kg.server.sparql.policy import Limits

from ..support.apps import app_with
from ..support.hostile import alive, assert_clean
from ..support.served import LiveServer

DIRECT = {"Content-Type": "application/sparql-query", "Accept-Language": "en"}
DEFAULTS = Limits()


def plus(n: int) -> str:
    """A projection adding ``n`` terms (issue 13: 10,000 terms, 30 KB)."""
    return "SELECT (" + "+".join(["?x"] * n) + " AS ?y) {}"


def either(n: int) -> str:
    """A FILTER of ``n`` alternatives (issue 13: 50,000, and quadratic before that)."""
    return "SELECT * { FILTER(" + "||".join(["?x"] * n) + ") }"


def unions(n: int) -> str:
    """``n`` groups joined by UNION (issue 13: 20,000)."""
    return "SELECT * { " + " UNION ".join(["{}"] * n) + " }"


def path(n: int) -> str:
    """A property path of ``n`` steps (issue 13: 10,000)."""
    return "SELECT * { ?s " + "/".join(["<http://e/p>"] * n) + " ?o }"


def negations(n: int) -> str:
    """``n`` negations in a row."""
    return "ASK { FILTER(" + "!" * n + "true) }"


def triples(n: int) -> str:
    """``n`` triple patterns sharing their subject."""
    return "SELECT * { " + " ".join(f"?s <http://e/p> ?o{i} ." for i in range(n)) + " }"


def optionals(n: int) -> str:
    """``n`` OPTIONAL groups in a row (a query process died at 3,000)."""
    return "SELECT * { " + "OPTIONAL { } " * n + "}"


def binds(n: int) -> str:
    """``n`` BINDs in a row (a query process died at 3,000)."""
    return "SELECT * { " + " ".join(f"BIND(1 AS ?b{i})" for i in range(n)) + " }"


#: Shape -> (its builder, the size issue 13 reported or that killed a query process).
SHAPES: dict[str, tuple[Callable[[int], str], int]] = {
    "plus": (plus, 10_000),
    "or": (either, 50_000),
    "union": (unions, 20_000),
    "path": (path, 10_000),
    "not": (negations, 10_000),
    "triples": (triples, 10_000),
    "optional": (optionals, 3_000),
    "bind": (binds, 3_000),
}

#: Shape -> the setting that stops it just past its limit, and that limit.
JUST_PAST: dict[str, tuple[str, int]] = {
    "plus": ("CLS_KG_MAX_QUERY_OPERATORS", DEFAULTS.expression),
    "or": ("CLS_KG_MAX_QUERY_OPERATORS", DEFAULTS.expression),
    "union": ("CLS_KG_MAX_QUERY_UNIONS", DEFAULTS.unions),
    "path": ("CLS_KG_MAX_QUERY_PATH_STEPS", DEFAULTS.path),
    "not": ("CLS_KG_MAX_QUERY_OPERATORS", DEFAULTS.expression),
    "triples": ("CLS_KG_MAX_QUERY_TRIPLES", DEFAULTS.triples),
    "optional": ("CLS_KG_MAX_QUERY_PATTERNS", DEFAULTS.patterns),
    "bind": ("CLS_KG_MAX_QUERY_PATTERNS", DEFAULTS.patterns),
}


def post(server: LiveServer, query: str) -> tuple[int, bytes, float]:
    """POST the query directly; status, body and seconds taken."""
    started = time.monotonic()
    status, _, body = server.request("POST", "/sparql", query.encode(), DIRECT)
    return status, body, time.monotonic() - started


def healthy(server: LiveServer) -> None:
    """/healthz and a light query answer fast."""
    started = time.monotonic()
    status, _, _ = server.request("GET", "/healthz")
    assert status == 200
    assert time.monotonic() - started < 2
    alive(server)


@pytest.fixture(params=["embedded", "remote"])
def served(request: pytest.FixtureRequest) -> LiveServer:
    """The seed build on the embedded store, then on a remote one."""
    server: LiveServer = request.getfixturevalue(
        "target" if request.param == "embedded" else "remote_target"
    )
    return server


@pytest.mark.parametrize("shape", SHAPES)
def test_the_reported_shapes_get_a_400_naming_a_limit(served: LiveServer, shape: str) -> None:
    build, size = SHAPES[shape]
    status, body, took = post(served, build(size))
    assert_clean(status, body, 400)
    assert b"CLS_KG_MAX_QUERY_" in body, body[:300]
    assert took < 3, took
    healthy(served)


@pytest.mark.parametrize("shape", SHAPES)
def test_just_past_a_limit_the_message_names_it_and_its_value(
    target: LiveServer, shape: str
) -> None:
    build, _ = SHAPES[shape]
    setting, limit = JUST_PAST[shape]
    status, body, _ = post(target, build(limit + 2))
    assert_clean(status, body, 400)
    assert setting.encode() in body, body[:300]
    assert f"> {limit}".encode() in body, body[:300]


@pytest.mark.parametrize("shape", [s for s in SHAPES if s != "triples"])
def test_within_the_limits_the_query_runs(target: LiveServer, shape: str) -> None:
    build, _ = SHAPES[shape]
    status, body, _ = post(target, build(JUST_PAST[shape][1] // 4))
    assert status == 200, body[:300]


def test_a_flood_of_long_queries_leaves_the_server_healthy(target: LiveServer) -> None:
    for shape in SHAPES.values():
        for _ in range(3):
            status, _, _ = post(target, shape[0](shape[1]))
            assert status == 400
    healthy(target)


def test_the_limits_are_settings(built_data_dir: Path) -> None:
    client = app_with(built_data_dir, MAX_QUERY_OPERATORS=3, MAX_QUERY_CHARS=60).test_client()
    answer = client.get("/sparql", query_string={"query": plus(5)}, headers=DIRECT)
    assert answer.status_code == 400
    assert "4 > 3" in answer.text and "CLS_KG_MAX_QUERY_OPERATORS" in answer.text
    answer = client.get("/sparql", query_string={"query": plus(3)}, headers=DIRECT)
    assert answer.status_code == 200, answer.text
    answer = client.get("/sparql", query_string={"query": triples(3)}, headers=DIRECT)
    assert answer.status_code == 400 and "CLS_KG_MAX_QUERY_CHARS" in answer.text
