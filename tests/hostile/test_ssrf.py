"""Server-side request forgery: no query and no input file makes the service connect anywhere.

SERVICE to anything off the allow-list is refused before it runs; FROM, FROM NAMED and the
protocol's dataset parameters only name graphs of the store; LOAD is an update (refused).
The listener stands in for an internal host: it records every connection.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from ..support.apps import app_with
from ..support.hostile import alive, assert_clean
from ..support.listener import Listener, open_listener
from ..support.served import LiveServer, serving

SETTLE = 0.2  # a connection would arrive within this

#: Targets an attacker would aim at: loopback, private ranges, link-local metadata, files.
PRIVATE_TARGETS = [
    "http://127.0.0.1:{port}/sparql",
    "http://localhost:{port}/sparql",
    "http://[::1]:{port}/sparql",
    "http://0.0.0.0:{port}/sparql",
    "http://2130706433:{port}/sparql",
    "http://10.0.0.1/sparql",
    "http://192.168.1.1/sparql",
    "http://169.254.169.254/latest/meta-data/",
    "file:///etc/passwd",
    "gopher://127.0.0.1:{port}/_x",
]


def get_query(server: LiveServer, query: str, **params: str) -> tuple[int, bytes]:
    """GET /sparql with a query; status and body."""
    path = "/sparql?" + urlencode({"query": query, **params})
    status, _, body = server.request("GET", path, headers={"Accept-Language": "en"})
    return status, body


@pytest.mark.parametrize("template", PRIVATE_TARGETS)
def test_service_to_private_targets_is_refused(
    target: LiveServer, listener: Listener, template: str
) -> None:
    endpoint = template.format(port=listener.port)
    status, body = get_query(target, f"SELECT * {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}")
    time.sleep(SETTLE)
    assert_clean(status, body, 403)
    assert b"SERVICE refused" in body
    assert listener.connections == []
    alive(target)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        "SELECT * {{ SERVICE <{url_escaped}> {{ ?s ?p ?o }} }}",
        "SELECT * {{ {nested} SERVICE <{url}> {{ ?s ?p ?o }} {closing} }}",
        "SELECT * {{ {deep} SERVICE <{url}> {{ ?s ?p ?o }} {deep_closing} }}",
        "SELECT * WHERE {{ ?s ?p ?o }} #\nSERVICE <{url}> {{ }}",
    ],
    ids=["silent", "variable", "escaped", "nested", "deeply-nested", "after-comment"],
)
def test_service_in_disguise_is_refused(target: LiveServer, listener: Listener, query: str) -> None:
    url = f"{listener.url}/sparql"
    text = query.format(
        url=url,
        url_escaped=url.replace("s", "\\u0073"),
        nested="{ " * 20,
        closing="} " * 20,
        deep="{ " * 150,
        deep_closing="} " * 150,
    )
    status, body = get_query(target, text)
    time.sleep(SETTLE)
    assert listener.connections == []
    if status != 200:  # only the comment case may run: its SERVICE is no clause
        assert_clean(status, body, 400, 403)
    alive(target)


@pytest.mark.parametrize("clause", ["FROM", "FROM NAMED"])
@pytest.mark.parametrize(
    "where", ["{url}/data.ttl", "file:///etc/passwd", "file:///proc/self/environ"]
)
def test_from_never_fetches(
    target: LiveServer, listener: Listener, clause: str, where: str
) -> None:
    source = where.format(url=listener.url)
    query = f"SELECT * {clause} <{source}> {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} }}"
    status, body = get_query(target, query)
    time.sleep(SETTLE)
    assert status == 200, body[:300]
    assert b"root:" not in body and b"PATH=" not in body
    assert b'"bindings": []' in body or b'"bindings":[]' in body
    assert listener.connections == []
    alive(target)


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_protocol_dataset_never_fetches(
    target: LiveServer, listener: Listener, parameter: str
) -> None:
    status, body = get_query(
        target, "SELECT * { ?s ?p ?o }", **{parameter: f"{listener.url}/data.ttl"}
    )
    time.sleep(SETTLE)
    assert status == 200, body[:300]
    assert listener.connections == []
    alive(target)


def test_load_from_loopback_is_refused(target: LiveServer, listener: Listener) -> None:
    status, body = get_query(target, f"LOAD <{listener.url}/data.ttl>")
    time.sleep(SETTLE)
    assert_clean(status, body, 403)
    assert listener.connections == []
    alive(target)


def test_describe_of_a_remote_iri_does_not_fetch(target: LiveServer, listener: Listener) -> None:
    status, _, body = target.request(
        "GET", "/sparql?query=" + quote(f"DESCRIBE <{listener.url}/x>")
    )
    time.sleep(SETTLE)
    assert status == 200, body[:300]
    assert listener.connections == []


def test_redirect_targets_are_not_followed(target: LiveServer, listener: Listener) -> None:
    """A listener that redirects to loopback: nothing of ours ever asks it in the first place."""
    listener.reply = (
        b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/\r\nContent-Length: 0\r\n\r\n"
    )
    for path in (f"/sparql?query={quote(f'ASK {{ <{listener.url}> ?p ?o }}')}", "/id/x?format=ttl"):
        status, _, _ = target.request("GET", path, headers={"Referer": listener.url})
        assert status in (200, 404)
    time.sleep(SETTLE)
    assert listener.connections == []


@pytest.fixture
def inner() -> Iterator[Listener]:
    """A second listener: the internal host a redirect points at."""
    with open_listener() as found:
        yield found


def test_an_allowed_service_cannot_redirect_to_loopback(
    built_data_dir: Path, listener: Listener, inner: Listener
) -> None:
    listener.reply = (
        f"HTTP/1.1 302 Found\r\nLocation: {inner.url}/secret\r\n"
        "Content-Length: 0\r\nConnection: close\r\n\r\n"
    ).encode()
    endpoint = f"{listener.url}/sparql"
    app = app_with(built_data_dir, SERVICE_ALLOWLIST=(endpoint,))
    query = f"SELECT * {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}"
    response = app.test_client().get("/sparql", query_string={"query": query})
    time.sleep(SETTLE)
    assert len(listener.connections) == 1
    assert inner.connections == []
    assert_clean(response.status_code, response.data, 502)


# --- One reading of the text: what the policy checks is what the engine runs (issue 13) -----

FORM_POST = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT_POST = {"Content-Type": "application/sparql-query"}

#: SPARQL's white space (section 19.8, WS): each ends a comment or separates tokens.
SPARQL_WS = {"CR": "\r", "LF": "\n", "CRLF": "\r\n"}
#: Line ends and spaces of other grammars, not SPARQL's: they end no comment, separate nothing.
OTHER_WS = {
    "TAB": "\t",
    "FF": "\f",
    "VT": "\v",
    "NEL": "\x85",
    "LS": "\u2028",
    "PS": "\u2029",
    "NUL": "\x00",
}


def send_every_way(server: LiveServer, query: str) -> list[tuple[str, int, bytes]]:
    """The query by GET, form POST and direct POST: (way, status, body) of each."""
    english = {"Accept-Language": "en"}
    form = urlencode({"query": query}).encode()
    answers = []
    for way, method, path, body, headers in (
        ("GET", "GET", "/sparql?" + urlencode({"query": query}), None, english),
        ("form", "POST", "/sparql", form, {**FORM_POST, **english}),
        ("direct", "POST", "/sparql", query.encode(), {**DIRECT_POST, **english}),
    ):
        status, _, answer = server.request(method, path, body, headers)
        answers.append((way, status, answer))
    return answers


@pytest.fixture(params=["embedded", "remote"])
def served(request: pytest.FixtureRequest) -> LiveServer:
    """The seed build served by gunicorn on the embedded store, then on a remote one."""
    name = "target" if request.param == "embedded" else "remote_target"
    server: LiveServer = request.getfixturevalue(name)
    return server


def refused_everywhere(server: LiveServer, listener: Listener, query: str, *statuses: int) -> None:
    """Every way of sending the query gets one of ``statuses``; nothing reaches the listener."""
    for way, status, body in send_every_way(server, query):
        assert status in statuses, (way, status, body[:300])
        if status != 200:
            assert_clean(status, body)
    time.sleep(SETTLE / 2)
    assert listener.connections == []
    alive(server)


def test_the_reported_comment_bypass_is_refused(served: LiveServer, listener: Listener) -> None:
    """Issue 13's reproduction: rdflib ended the comment at LF, Oxigraph at CR."""
    query = f"SELECT * WHERE {{ #\rSERVICE <{listener.url}/x> {{ ?x ?p ?o }}\n}}"
    refused_everywhere(served, listener, query, 403)


@pytest.mark.parametrize("end", SPARQL_WS.values(), ids=SPARQL_WS.keys())
def test_a_sparql_line_end_ends_the_comment_so_the_service_is_refused(
    served: LiveServer, listener: Listener, end: str
) -> None:
    query = f"SELECT * WHERE {{ # note{end}SERVICE <{listener.url}/x> {{ ?x ?p ?o }}\n}}"
    refused_everywhere(served, listener, query, 403)


@pytest.mark.parametrize("character", OTHER_WS.values(), ids=OTHER_WS.keys())
def test_other_line_ends_do_not_end_a_comment(
    served: LiveServer, listener: Listener, character: str
) -> None:
    """The SERVICE stays in the comment: the query runs, without it."""
    query = f"SELECT * WHERE {{ # note{character}SERVICE <{listener.url}/x> {{ ?x ?p ?o }}\n}}"
    refused_everywhere(served, listener, query, 200)


@pytest.mark.parametrize("space", [*SPARQL_WS.values(), " ", "\t"], ids=[*SPARQL_WS, "SP", "TAB"])
def test_sparql_white_space_around_service(
    served: LiveServer, listener: Listener, space: str
) -> None:
    query = f"SELECT * WHERE {{{space}SERVICE{space}<{listener.url}/x>{space}{{ ?x ?p ?o }} }}"
    refused_everywhere(served, listener, query, 403)


@pytest.mark.parametrize("character", [c for c in OTHER_WS.values() if c != "\t"])
def test_other_white_space_is_a_syntax_error(
    served: LiveServer, listener: Listener, character: str
) -> None:
    query = f"SELECT * WHERE {{{character}SERVICE{character}<{listener.url}/x> {{ ?x ?p ?o }} }}"
    refused_everywhere(served, listener, query, 400)


#: Disguises of a SERVICE to the listener ({url}); each must be refused (403) or, when the text
#: holds no SERVICE clause at all, run without one (200) or fail to parse (400).
DISGUISES = {
    "escaped-keyword": ("SELECT * {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}", 403),
    "escaped-inner-letter": ("SELECT * {{ SERV\\u0049CE <{url}> {{ ?s ?p ?o }} }}", 403),
    "escaped-iri": ("SELECT * {{ SERVICE <\\u0068ttp{rest}> {{ ?s ?p ?o }} }}", 403),
    "escaped-hash-then-cr": ("SELECT * {{ \\u0023\rSERVICE <{url}> {{ ?s ?p ?o }} }}", 403),
    "escaped-cr-ends-comment": ("SELECT * {{ # x\\u000DSERVICE <{url}> {{ ?s ?p ?o }} }}", 403),
    "escaped-lf-ends-comment": ("SELECT * {{ # x\\u000aSERVICE <{url}> {{ ?s ?p ?o }} }}", 403),
    "hash-in-string": ('SELECT * {{ ?s ?p "#" . SERVICE <{url}> {{ ?s ?p ?o }} }}', 403),
    "hash-in-long-string": ("SELECT * {{ ?s ?p '''#\n''' . SERVICE <{url}> {{ }} }}", 403),
    "hash-in-iri": ("SELECT * {{ ?s <http://e/#> ?o . SERVICE <{url}> {{ }} }}", 403),
    "service-in-string": ('SELECT * {{ ?s ?p "SERVICE <{url}> {{ }}" }}', 200),
    "service-in-long-string": ("SELECT * {{ ?s ?p '''x\rSERVICE <{url}> {{ }}''' }}", 200),
    "quote-in-string": ('SELECT * {{ ?s ?p "\\" # " . SERVICE <{url}> {{ }} }}', 403),
    "escaped-quote": ('SELECT * {{ ?s ?p "\\u0022 . SERVICE <{url}> {{ }} #" }}', 403),
    "lower-case": ("select * {{ service <{url}> {{ ?s ?p ?o }} }}", 403),
    "silent": ("SELECT * {{ SERVICE SILENT <{url}> {{ }} }}", 403),
    "prefixed-name": ("PREFIX x: <{url}/> SELECT * {{ SERVICE x:y {{ }} }}", 403),
    "keyword-as-prefix": ("PREFIX : <{url}/> SELECT * {{ SERVICE:y {{ }} }}", 403),
    "glued-prefix": ("PREFIX x: <{url}/> SELECT * {{ SERVICEx:y {{ ?s ?p ?o }} }}", 400),
    "glued-silent": ("PREFIX x: <{url}/> SELECT * {{ SERVICEsilent x:y {{ }} }}", 400),
    "variable": ("SELECT * {{ BIND(<{url}> AS ?e) SERVICE ?e {{ }} }}", 403),
    "relative-to-base": ("BASE <{url}/> SELECT * {{ SERVICE <x> {{ }} }}", 403),
    "relative-to-endpoint": ("SELECT * {{ SERVICE <x> {{ }} }}", 403),
    "relative-prefix": ("BASE <{url}/> PREFIX p: <a/> SELECT * {{ SERVICE p:b {{ }} }}", 403),
    "in-exists": ("ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ }} }} }}", 403),
    "in-subquery": ("SELECT * {{ {{ SELECT * {{ SERVICE <{url}> {{ }} }} }} }}", 403),
    "after-update": ("ASK {{}} ; LOAD <{url}>", 403),
    "load": ("LOAD <{url}/data.ttl>", 403),
}


@pytest.mark.parametrize(("template", "expected"), DISGUISES.values(), ids=DISGUISES.keys())
def test_disguised_service_never_connects(
    served: LiveServer, listener: Listener, template: str, expected: int
) -> None:
    url = f"{listener.url}/sparql"
    query = template.format(url=url, rest=url[1:])
    refused_everywhere(served, listener, query, expected)


def test_file_iris_are_never_read(served: LiveServer, tmp_path: Path, listener: Listener) -> None:
    """Neither the password file nor a JSON file shaped as SPARQL results."""
    results = tmp_path / "results.json"
    secret = "secret-7f3a"
    results.write_text(
        '{"head":{"vars":["x"]},"results":{"bindings":'
        f'[{{"x":{{"type":"literal","value":"{secret}"}}}}]}}}}',
        encoding="utf-8",
    )
    for iri in ("file:///etc/passwd", results.as_uri(), "file:///etc/nonexistent"):
        for template in (
            "SELECT * {{ SERVICE <{iri}> {{ ?x ?p ?o }} }}",
            "SELECT * {{ #\rSERVICE <{iri}> {{ ?x ?p ?o }}\n}}",
        ):
            for way, status, body in send_every_way(served, template.format(iri=iri)):
                assert status == 403, (way, iri, status, body[:300])
                assert b"root:" not in body and secret.encode() not in body
                assert b"SERVICE refused" in body  # naming the client's own IRI, no more
    alive(served)


@pytest.fixture(scope="module")
def allowing(built_data_dir: Path) -> Iterator[LiveServer]:
    """A server whose allow-list names endpoints that fail: a closed port and files."""
    allowlist = "http://127.0.0.1:1/sparql file:///etc/passwd file:///etc/nonexistent"
    with serving(built_data_dir, CLS_KG_SERVICE_ALLOWLIST=allowlist) as server:
        yield server


#: What a failed SERVICE must not tell: errno texts, paths, file contents.
ORACLE = re.compile(rb"refused|errno|No such file|not found|/etc/|root:|Errno|urlopen", re.I)


@pytest.mark.parametrize(
    "endpoint", ["http://127.0.0.1:1/sparql", "file:///etc/passwd", "file:///etc/nonexistent"]
)
def test_a_failed_service_says_nothing_of_files_or_ports(
    allowing: LiveServer, endpoint: str
) -> None:
    for way, status, body in send_every_way(allowing, f"SELECT * {{ SERVICE <{endpoint}> {{}} }}"):
        assert status == 502, (way, status, body[:300])
        assert_clean(status, body)
        assert not ORACLE.search(body), body[:300]
        assert b"SERVICE" in body
    alive(allowing)


#: Answers of an allowed endpoint that fails, each with text that must not reach the client.
BAD_REPLIES = {
    "server-error": b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 25\r\n"
    b"Connection: close\r\n\r\nerror in /srv/secret.conf",
    "not-json": b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
    b"Content-Length: 18\r\nConnection: close\r\n\r\n/srv/secret.conf {",
    "not-found": b"HTTP/1.1 404 Not Found\r\nContent-Length: 16\r\nConnection: close\r\n\r\n"
    b"/srv/secret.conf",
    "cut-short": b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
    b'Content-Length: 900\r\nConnection: close\r\n\r\n{"head": /srv/secret.conf',
    "nothing": b"",
}


@pytest.mark.parametrize("reply", BAD_REPLIES.values(), ids=BAD_REPLIES.keys())
def test_an_allowed_service_that_fails_gets_the_generic_502(
    built_data_dir: Path, listener: Listener, reply: bytes
) -> None:
    listener.reply = reply
    endpoint = f"{listener.url}/sparql"
    app = app_with(built_data_dir, SERVICE_ALLOWLIST=(endpoint,))
    query = f"SELECT * {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}"
    response = app.test_client().get(
        "/sparql", query_string={"query": query}, headers={"Accept-Language": "en"}
    )
    assert len(listener.connections) == 1
    assert_clean(response.status_code, response.data, 502)
    assert b"secret" not in response.data and not ORACLE.search(response.data)
