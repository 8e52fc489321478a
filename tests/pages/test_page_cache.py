"""The page cache: a hit is the miss's answer, per representation, per version, bounded."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from werkzeug.test import TestResponse

from cls_kg.graph.errors import ConfigError
from cls_kg.graph.namespaces import records_graph
from cls_kg.server import create_app
from cls_kg.server.core.store import Versions
from cls_kg.server.pages.pagecache import OVERHEAD, Entry, PageCache, cache_of

from ..support.apps import app_with, write_data_dir
from ..support.pages import HTML, LOCAL_BASE

THING = "/id/thing/a"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
SEE_ALSO = "<http://www.w3.org/2000/01/rdf-schema#seeAlso>"
TURTLE = {"Accept": "text/turtle"}
THINGS = 12  # resources of the small graph


def graph(label: str) -> bytes:
    """A few resources under the local base; the first is labelled ``label``."""
    lines = [f'<{LOCAL_BASE}id/thing/a> {LABEL} "{label}"@fr .']
    lines += [
        f'<{LOCAL_BASE}id/thing/{n:02d}> {LABEL} "Chose {n}"@fr ; '
        f"{SEE_ALSO} <{LOCAL_BASE}id/thing/a> ."
        for n in range(THINGS)
    ]
    return "\n".join(lines).encode()


def add_version(folder: Path, name: str, label: str) -> None:
    """Write another version of the small graph and point ``current`` at it, as a build does."""
    version = folder / "versions" / name
    version.mkdir(parents=True)
    store = ox.Store(str(version / "store"))
    store.load(graph(label), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(records_graph(LOCAL_BASE)))
    store.flush()
    del store
    manifest = {"version": name, "built_at": "2026-01-02T00:00:00+00:00"}
    (version / "manifest.json").write_text(json.dumps(manifest))
    swap = folder / "current.new"
    swap.symlink_to(Path("versions") / name)
    os.replace(swap, folder / "current")


def small_folder(folder: Path, label: str = "Avant") -> Path:
    """A data folder serving the small graph."""
    return write_data_dir(folder, {records_graph(LOCAL_BASE): graph(label)})


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """An app with the page cache on, on the small graph."""
    folder = small_folder(tmp_path_factory.mktemp("page-cache"))
    return app_with(folder, BASE_URI=LOCAL_BASE, PAGE_CACHE_BYTES=1_000_000)


def cache(app: Flask) -> PageCache:
    """The app's page cache (it must be on)."""
    found = cache_of(app)
    assert found is not None
    return found


def same_answer(first: TestResponse, second: TestResponse) -> None:
    """Same status, headers (in order) and bytes."""
    assert second.status_code == first.status_code
    assert list(second.headers.items()) == list(first.headers.items())
    assert second.get_data() == first.get_data()


def test_hit_is_the_miss_answer(app: Flask) -> None:
    client = app.test_client()
    hits = cache(app).hits
    miss = client.get(THING, headers=HTML)
    assert miss.status_code == 200 and "Avant" in miss.text
    hit = client.get(THING, headers=HTML)
    assert cache(app).hits == hits + 1
    same_answer(miss, hit)
    assert hit.headers["Cache-Control"].startswith("public")
    assert "Access-Control-Allow-Origin" in hit.headers


def test_each_representation_has_its_entry(app: Flask) -> None:
    client = app.test_client()
    page = client.get(THING, headers=HTML)
    turtle = client.get(THING, headers=TURTLE)
    english = client.get(THING, headers={**HTML, "Accept-Language": "en"})
    assert page.content_type.startswith("text/html")
    assert turtle.content_type.startswith("text/turtle")
    assert '<html lang="fr">' in page.text and '<html lang="en">' in english.text
    client.set_cookie("lang", "en")
    assert '<html lang="en">' in client.get(THING, headers=HTML).text
    client.delete_cookie("lang")
    other_host = client.get(THING, headers={**HTML, "Host": "mirror.example"})
    assert "mirror.example" not in other_host.text  # the JSON-LD url is the base's (issue 13)
    same_answer(turtle, client.get(THING, headers=TURTLE))
    same_answer(english, client.get(THING, headers={**HTML, "Accept-Language": "en"}))


def test_per_request_headers_are_not_kept(app: Flask) -> None:
    client = app.test_client()
    switch = f"{THING}?lang=en"
    first = client.get(switch, headers=HTML)
    assert "lang=en" in first.headers["Set-Cookie"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    client.delete_cookie("lang")
    hits = cache(app).hits
    again = client.get(switch, headers=HTML)  # a hit, still a switch: the cookie again
    assert cache(app).hits == hits + 1
    assert "lang=en" in again.headers["Set-Cookie"]
    remembered = client.get(switch, headers=HTML)  # the cookie is sent: nothing to set
    assert "Set-Cookie" not in remembered.headers
    assert remembered.headers["Cache-Control"].startswith("public")
    assert remembered.get_data() == first.get_data()
    private = client.get(THING, headers={**HTML, "Authorization": "Bearer x"})
    assert private.headers["Cache-Control"] == "no-store"


def test_head_answers_like_get(app: Flask) -> None:
    client = app.test_client()
    path = "/id/thing/03"
    head = client.head(path, headers=HTML)  # a miss: the entry keeps the whole body
    assert head.status_code == 200 and head.get_data() == b""
    get = client.get(path, headers=HTML)
    assert int(get.headers["Content-Length"]) == len(get.get_data()) > 0
    assert list(client.head(path, headers=HTML).headers.items()) == list(get.headers.items())


def test_unknown_resources_are_kept_errors_are_not(app: Flask) -> None:
    client = app.test_client()
    entries = len(cache(app))
    missing = client.get("/id/thing/nowhere", headers=HTML)
    assert missing.status_code == 404
    assert len(cache(app)) == entries + 1
    same_answer(missing, client.get("/id/thing/nowhere", headers=HTML))
    refused = client.get(THING, headers={"Accept": "image/png"})
    assert refused.status_code == 406
    assert client.get(THING, headers={"Accept": "image/png"}).status_code == 406
    assert len(cache(app)) == entries + 1


def test_landing_page_is_kept(app: Flask) -> None:
    client = app.test_client()
    first = client.get("/", headers=HTML)
    assert first.status_code == 200
    hits = cache(app).hits
    same_answer(first, client.get("/", headers=HTML))
    assert cache(app).hits == hits + 1


def test_a_new_version_is_served_at_once(tmp_path: Path) -> None:
    folder = small_folder(tmp_path)
    app = app_with(folder, BASE_URI=LOCAL_BASE, PAGE_CACHE_BYTES=1_000_000)
    client = app.test_client()
    assert "Avant" in client.get(THING, headers=HTML).text
    assert "Avant" in client.get(THING, headers=HTML).text
    add_version(folder, "second", "Après")
    time.sleep(Versions.TTL)  # the server picks up a new version within a second
    assert "Après" in client.get(THING, headers=HTML).text


def test_zero_disables_the_cache(tmp_path: Path) -> None:
    folder = small_folder(tmp_path)
    app = app_with(folder, BASE_URI=LOCAL_BASE, PAGE_CACHE_BYTES=0)
    client = app.test_client()
    first, second = (client.get(THING, headers=HTML) for _ in range(2))
    same_answer(first, second)
    assert cache_of(app) is None


def test_the_byte_bound_holds(tmp_path: Path) -> None:
    folder = small_folder(tmp_path)
    app = app_with(folder, BASE_URI=LOCAL_BASE, PAGE_CACHE_BYTES=40_000)  # a few pages
    client = app.test_client()
    sizes = []
    for n in range(THINGS):
        response = client.get(f"/id/thing/{n:02d}", headers=HTML)
        assert response.status_code == 200
        sizes.append(len(response.get_data()))
        assert cache(app).used <= 40_000
    assert 0 < len(cache(app)) < THINGS
    assert cache(app).used == sum(entry.size for entry in cache(app).entries.values())
    assert max(sizes) * 4 <= 40_000  # each page could be kept: the bound did the evicting


def entry(size: int) -> Entry:
    """An entry counting ``size`` bytes."""
    return Entry(200, (), b"", size)


def test_least_recently_used_goes_first() -> None:
    table = PageCache(1000)
    for name in "abcd":
        table.put((name,), entry(250))
    assert table.get(("a",)) is not None  # a is now the most recent
    table.put(("e",), entry(250))
    assert [key[0] for key in table.entries] == ["c", "d", "a", "e"]
    assert table.used == 1000
    table.put(("big",), entry(251))  # more than a quarter of the budget: not kept
    assert ("big",) not in table.entries
    table.put(("c",), entry(100))  # replacing an entry counts its new size only
    assert table.used == 850 and len(table) == 4


def test_entries_count_their_overhead() -> None:
    table = PageCache(10 * OVERHEAD)
    for n in range(100):
        response = Flask(__name__).response_class(b"", 200)
        found = Entry.of(response, (str(n),))
        assert found is not None
        table.put((str(n),), found)
    assert len(table) < 10


def test_a_negative_budget_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="PAGE_CACHE_BYTES"):
        create_app({"DATA_DIR": tmp_path, "PAGE_CACHE_BYTES": -1})
