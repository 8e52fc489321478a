"""Updates and LOAD through every route: refused, and the store is unchanged afterwards."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest

from ..support.hostile import alive, assert_clean
from ..support.served import LiveServer

MARK = "http://example.org/hostile/inserted"
UPDATES = [
    f"INSERT DATA {{ <{MARK}> <{MARK}> <{MARK}> }}",
    f"PREFIX x: <http://example.org/> INSERT DATA {{ <{MARK}> x:p 1 }}",
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "DROP DEFAULT",
    "LOAD <file:///etc/passwd>",
    f"WITH <{MARK}> INSERT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
    f"# a comment first\ninsert data {{ <{MARK}> <{MARK}> <{MARK}> }}",
    f"ASK {{}} ; INSERT DATA {{ <{MARK}> <{MARK}> <{MARK}> }}",
    f"\\u0049NSERT DATA {{ <{MARK}> <{MARK}> <{MARK}> }}",
]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}
UPDATE = {"Content-Type": "application/sparql-update"}


def routes(update: str) -> list[tuple[str, str, bytes | None, dict[str, str]]]:
    """Every way of sending ``update``: method, path, body, headers."""
    encoded = quote(update)
    form = lambda name: urlencode({name: update}).encode()  # noqa: E731
    routes = []
    for path in ("/sparql", "/id/contract/x", "/", "/def", "/catalog"):
        routes += [
            ("GET", f"{path}?query={encoded}", None, {}),
            ("GET", f"{path}?update={encoded}", None, {}),
            ("POST", path, form("query"), FORM),
            ("POST", path, form("update"), FORM),
            ("POST", path, update.encode(), DIRECT),
            ("POST", path, update.encode(), UPDATE),
            ("PUT", path, update.encode(), UPDATE),
            ("PATCH", path, update.encode(), UPDATE),
            ("DELETE", path, None, {}),
        ]
    return routes


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_everywhere(target: LiveServer, update: str) -> None:
    for method, path, body, headers in routes(update):
        status, _, answer = target.request(method, path, body, headers)
        if path.startswith("/sparql") or method != "GET":
            assert_clean(status, answer, 400, 403, 405, 415)
        else:  # a page ignores parameters it does not know
            assert status in (200, 404), (method, path, status)
    check = quote(f"ASK {{ <{MARK}> ?p ?o }}")
    status, _, answer = target.request("GET", f"/sparql?query={check}")
    assert status == 200 and b"false" in answer
    status, _, answer = target.request("GET", "/sparql?query=" + quote("ASK { ?s ?p ?o }"))
    assert status == 200 and b"true" in answer
    alive(target)


def test_update_refusal_says_why(target: LiveServer) -> None:
    status, _, body = target.request(
        "POST", "/sparql", UPDATES[0].encode(), {**UPDATE, "Accept-Language": "en"}
    )
    assert_clean(status, body, 403)
    assert b"read-only" in body


#: Updates whose words only appear once escapes are expanded or a comment has ended.
DISGUISED = [
    f"\\u0049NSERT DATA {{ <{MARK}> <{MARK}> <{MARK}> }}",
    f"INS\\u0045RT DATA {{ <{MARK}> <{MARK}> <{MARK}> }}",
    "# comment\rDROP ALL",
    "\\u0044ROP ALL",
    f"\\u004C\\u004F\\u0041\\u0044 <{MARK}>",
]


@pytest.fixture(params=["embedded", "remote"])
def served(request: pytest.FixtureRequest) -> LiveServer:
    """The seed build on the embedded store, then on a remote one."""
    server: LiveServer = request.getfixturevalue(
        "target" if request.param == "embedded" else "remote_target"
    )
    return server


@pytest.mark.parametrize("update", DISGUISED)
def test_disguised_updates_are_refused_as_updates(served: LiveServer, update: str) -> None:
    """Escapes come first (SPARQL 1.1, 19.2): ``\\u0049NSERT`` is INSERT, so 403, not 400."""
    english = {"Accept-Language": "en"}
    for method, path, body, headers in (
        ("GET", f"/sparql?query={quote(update)}", None, english),
        ("POST", "/sparql", urlencode({"query": update}).encode(), {**FORM, **english}),
        ("POST", "/sparql", update.encode(), {**DIRECT, **english}),
    ):
        status, _, answer = served.request(method, path, body, headers)
        assert_clean(status, answer, 403)
        assert b"read-only" in answer
    status, _, answer = served.request("GET", "/sparql?query=" + quote(f"ASK {{ <{MARK}> ?p ?o }}"))
    assert status == 200 and b"false" in answer
    alive(served)
