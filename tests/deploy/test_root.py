"""The installed package served from the repository root, driven over HTTP as its users do.

One server for the module (``root_server``): queries in every format, pages in every format,
dumps, then the admin journey: an upload of each kind, a refusal, concurrent uploads, rollback.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest

from cls_kg.graph.results import FORMATS, RDF_FORMATS
from cls_kg.server.core.negotiation import BINDINGS, BOOLEAN, GRAPH, MEDIA_TYPES

from ..support.paths import TEST_DATA
from .installed import AUTH, Installed, Server, run
from .records import KINDS, Record, outcome, publish, record, tables, upload

CLS = (
    "PREFIX cls: <https://w3id.org/cls-sante/def#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
)
SELECT = CLS + "SELECT ?c ?label WHERE { ?c a cls:Contract ; rdfs:label ?label } LIMIT 3"
ASK_ANY = CLS + "ASK { ?c a cls:Contract }"
CONSTRUCT = CLS + "CONSTRUCT { ?c a cls:Contract } WHERE { ?c a cls:Contract } LIMIT 3"
QUERIES = {BINDINGS: SELECT, BOOLEAN: ASK_ANY, GRAPH: CONSTRUCT}
#: (kind of result, media type) for every media type the endpoint offers for that kind.
RESULT_TYPES = [(kind, media) for media, kinds in MEDIA_TYPES.items() for kind in kinds]
STREAK = 6  # answers in a row that agree: from both web processes, most likely
PAGE = "/id/contract/pays-vosges-saonoises-2012-2015"
PAGE_TYPES = ["text/html", *(FORMATS[name].media_type for name in RDF_FORMATS)]


def sparql(server: Server, query: str, accept: str = "application/sparql-results+json") -> bytes:
    """A query through GET /sparql; the body of its 200."""
    reply = server.get(f"/sparql?query={quote(query)}", Accept=accept)
    assert reply.status == 200, reply.body[:500]
    return reply.body


def ask(server: Server, iri: str) -> bool:
    """Whether the endpoint knows ``iri`` as a contract."""
    query = f"ASK {{ <{iri}> a <https://w3id.org/cls-sante/def#Contract> }}"
    return bool(json.loads(sparql(server, query))["boolean"])


def served_version(server: Server) -> str:
    """The version ``/health`` says is served."""
    return str(server.get("/health").json()["version"])


def eventually(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Whether ``check()`` becomes true within ``seconds`` and stays so for a few requests.

    Each web process looks for a new version once a second: until both have, answers differ
    by the process that gives them.
    """
    end, streak = time.monotonic() + seconds, 0
    while time.monotonic() < end and streak < STREAK:
        streak = streak + 1 if check() else 0
        time.sleep(0.05 if streak else 0.2)
    return streak >= STREAK


@pytest.mark.parametrize(("kind", "media"), RESULT_TYPES)
def test_sparql_in_every_result_format(root_server: Server, kind: str, media: str) -> None:
    reply = root_server.get(f"/sparql?query={quote(QUERIES[kind])}", Accept=media)
    assert reply.status == 200, reply.body[:500]
    assert (
        reply.headers["Content-Type"].split(";")[0] == FORMATS[MEDIA_TYPES[media][kind]].media_type
    )
    assert reply.body.strip()


def test_sparql_by_post_and_html_query_page(root_server: Server) -> None:
    body = f"query={quote(SELECT)}".encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"}
    reply = root_server.request("POST", "/sparql", body, headers)
    assert reply.status == 200 and reply.body.startswith(b"c,label")
    page = root_server.get("/sparql", Accept="text/html")
    assert page.status == 200 and b"<form" in page.body

    assert b"/static/vendor/codemirror-sparql.min.js" in page.body


def test_query_editor_bundle_and_completions_come_with_the_package(root_server: Server) -> None:
    """The wheel carries the editor's bundle and its licences; completions read the store."""
    for path in ("/static/vendor/codemirror-sparql.min.js", "/static/vendor/NOTICE"):
        assert root_server.get(path).status == 200, path
    reply = root_server.get("/sparql/completions.json")
    assert reply.status == 200
    assert "cls:Contract" in {term["name"] for term in json.loads(reply.body)["terms"]}


def test_site_icon_comes_with_the_package(root_server: Server) -> None:
    """Browsers ask every site for /favicon.ico: the wheel carries it, served as an icon."""
    reply = root_server.get("/favicon.ico")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "image/vnd.microsoft.icon"
    assert reply.body.startswith(b"\x00\x00\x01\x00")


@pytest.mark.parametrize("media", PAGE_TYPES)
def test_a_page_in_every_format(root_server: Server, media: str) -> None:
    reply = root_server.get(PAGE, Accept=media)
    assert reply.status == 200, reply.body[:300]
    assert reply.headers["Content-Type"].split(";")[0] == media
    assert b"saonoises" in reply.body.lower() or b"sa\\u00f4noises" in reply.body.lower()


def test_landing_catalog_and_probes(root_server: Server) -> None:
    for path in (
        "/",
        "/catalog",
        "/.well-known/void",
        "/def",
        "/healthz",
        "/readyz",
        "/health",
        "/history",
    ):
        reply = root_server.get(path)
        assert reply.status == 200, (path, reply.body[:300])


def test_dump_with_and_without_gzip(root_server: Server) -> None:
    plain = root_server.get("/dumps/cls-kg.ttl")
    assert plain.status == 200 and "Content-Encoding" not in plain.headers
    packed = root_server.get("/dumps/cls-kg.ttl", **{"Accept-Encoding": "gzip"})
    assert packed.status == 200 and packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.body) == plain.body
    version = served_version(root_server)
    kept = root_server.get(f"/versions/{version}/dumps/cls-kg.nq")
    assert kept.status == 200 and kept.body


@pytest.mark.parametrize("kind", KINDS)
def test_an_upload_of_each_kind_is_published_and_visible(
    root_server: Server, kind: str, tmp_path: Path
) -> None:
    before = served_version(root_server)
    sent = record(kind, tmp_path)
    assert not ask(root_server, sent.contract)
    reply = publish(root_server, sent, form=kind != "turtle")  # the raw body for one kind
    assert reply.status == 200, reply.body[:1000]
    done = reply.json()
    assert done["state"] == "published" and done["version"] != before
    assert eventually(lambda: served_version(root_server) == done["version"])
    assert eventually(lambda: ask(root_server, sent.contract))
    page = root_server.get(
        sent.contract.removeprefix("https://w3id.org/cls-sante"), Accept="text/html"
    )
    assert page.status == 200 and sent.name.capitalize().encode() in page.body
    report = root_server.get(reply.headers["Location"], Accept="application/json")
    assert report.status == 200 and report.json()["published"] is True


def test_a_refused_upload_changes_nothing(root_server: Server) -> None:
    before = served_version(root_server)
    invalid = Record("mon-cls.ttl", (TEST_DATA / "invalid" / "contract.ttl").read_bytes(), "x")
    reply = outcome(root_server, upload(root_server, invalid, form=False))
    assert reply.status == 422
    body = reply.json()
    assert body["state"] == "refused" and body["published"] is False
    assert body["summary"]["Violation"] > 0 and body["problems"]
    assert body["report"].endswith("/id/report/mon-cls")
    html = outcome(root_server, upload(root_server, invalid, form=False), Accept="text/html")
    assert html.status == 422 and b"mon-cls.ttl" in html.body
    time.sleep(1.2)  # a change would show within a second
    assert eventually(lambda: served_version(root_server) == before)


def test_concurrent_uploads_are_published_one_after_the_other(
    root_server: Server, tmp_path: Path
) -> None:
    sent = [record("turtle", tmp_path, name) for name in ("concurrent", "parallel")]
    accepted = [upload(root_server, each) for each in sent]
    replies = [outcome(root_server, each) for each in accepted]
    assert all(reply.status == 200 for reply in replies), [r.body[:300] for r in replies]
    versions = {reply.json()["version"] for reply in replies}
    assert len(versions) == 2
    assert eventually(lambda: all(ask(root_server, each.contract) for each in sent))


def test_rollback_serves_the_previous_version_again(root_server: Server, tmp_path: Path) -> None:
    sent = record("turtle", tmp_path, "rollback")
    published = publish(root_server, sent).json()["version"]
    assert eventually(lambda: ask(root_server, sent.contract))
    back = root_server.request("POST", "/admin/rollback", None, AUTH)
    assert back.status == 200
    previous = back.json()["version"]
    assert eventually(lambda: served_version(root_server) == previous)
    assert eventually(lambda: not ask(root_server, sent.contract))
    again = root_server.request("POST", f"/admin/rollback?version={published}", None, AUTH)
    assert again.status == 200
    assert eventually(lambda: ask(root_server, sent.contract))
    assert eventually(lambda: published.encode() in root_server.get("/history").body)


def test_publisher_journey_with_the_installed_commands(
    root_server: Server, installed: Installed, tmp_path: Path
) -> None:
    """Template, import, validate and export with ``cls-kg``; upload; roll back with ``cls-kg``."""
    command = installed.command
    run(command, "template", tmp_path / "empty.xlsx", cwd=tmp_path)
    assert (tmp_path / "empty.xlsx").stat().st_size > 0
    filled = tables("cli", tmp_path / "filled")
    run(command, "import", filled, "-o", tmp_path / "val-d-cli.ttl", cwd=tmp_path)
    run(command, "validate", tmp_path / "val-d-cli.ttl", cwd=tmp_path)
    run(command, "export", "--xlsx", tmp_path / "all.xlsx", "--all", cwd=tmp_path)
    sent = Record("val-d-cli.ttl", (tmp_path / "val-d-cli.ttl").read_bytes(), "cli")
    published = publish(root_server, sent).json()["version"]
    assert eventually(lambda: ask(root_server, sent.contract))

    data = root_server.environment["CLS_KG_DATA_DIR"]
    run(command, "rollback", "--data-dir", data, cwd=tmp_path)
    assert eventually(lambda: not ask(root_server, sent.contract))
    run(command, "rollback", published, "--data-dir", data, cwd=tmp_path)
    assert eventually(lambda: served_version(root_server) == published)
