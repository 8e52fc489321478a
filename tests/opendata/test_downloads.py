"""The downloads page (``/donnees``) and the tabular files, over real HTTP on the seed build
served by gunicorn: every distribution listed with its schema, size, date, licence and a
preview; each file at a per-version URL with ETag, Last-Modified, 304 and gzip."""

from __future__ import annotations

import gzip
import hashlib
import re

import pytest

from cls_kg.graph.build import BuildResult
from cls_kg.graph.tables import TABLES

from ..pages.checks import check_html
from ..support.served import LiveServer

BROWSER = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def page_fr(served: LiveServer) -> str:
    """The downloads page, in French."""
    status, headers, body = served.request("GET", "/donnees", headers=BROWSER)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    check_html(body.decode())
    return body.decode()


def links(page: str) -> set[str]:
    """Every link of a page."""
    return set(re.findall(r'href="([^"]+)"', page))


def test_the_page_lists_every_distribution(page_fr: str, seed_build: BuildResult) -> None:
    found = links(page_fr)
    version = seed_build.version
    for e in seed_build.manifest["tables"]:
        assert f"/versions/{version}/tables/{e['name']}" in found, e["name"]
    for e in seed_build.manifest["dumps"]:
        assert f"/dumps/{e['name']}" in found, e["name"]
    assert {"/sparql", "/catalog"} <= found
    assert "https://www.etalab.gouv.fr/licence-ouverte-open-licence/" in found


def test_the_page_shows_schema_rows_size_date_licence_and_preview(
    page_fr: str, seed_build: BuildResult
) -> None:
    assert "Données à télécharger" in page_fr and 'lang="fr"' in page_fr
    assert "Licence Ouverte 2.0" in page_fr
    assert seed_build.manifest["built_at"][:10] in page_fr
    assert f'href="/versions/{seed_build.version}/tables/contrats.schema.json"' in page_fr
    rows = {e["name"]: e["rows"] for e in seed_build.manifest["tables"] if "rows" in e}
    assert f'<td class="number">{rows["contrats.csv"]}</td>' in page_fr
    assert page_fr.count("<details") == len(TABLES)  # one preview per CSV file
    assert "Contrat Local de Santé de Besançon 2016-2018" in page_fr  # a previewed row


@pytest.mark.parametrize(
    "how", [{"path": "/donnees?lang=en"}, {"path": "/donnees", "Accept-Language": "en"}]
)
def test_the_page_in_english(served: LiveServer, how: dict[str, str]) -> None:
    headers = {k: v for k, v in how.items() if k != "path"} | BROWSER
    status, _, body = served.request("GET", how["path"], headers=headers)
    assert status == 200
    assert "Downloads" in body.decode() and "Données à télécharger" not in body.decode()


def test_the_landing_page_links_to_it(served: LiveServer) -> None:
    _, _, body = served.request("GET", "/", headers=BROWSER)
    assert 'href="/donnees"' in body.decode()


@pytest.mark.parametrize("name", ["contrats.csv", "contrats.schema.json", "cls-kg.xlsx"])
def test_a_file_at_its_version_url(served: LiveServer, seed_build: BuildResult, name: str) -> None:
    path = f"/versions/{seed_build.version}/tables/{name}"
    status, headers, body = served.request("GET", path)
    assert status == 200
    entry = next(e for e in seed_build.manifest["tables"] if e["name"] == name)
    assert hashlib.sha256(body).hexdigest() == entry["sha256"]
    assert headers["ETag"] == f'"{entry["sha256"]}"'
    assert "immutable" in headers["Cache-Control"] and headers["Last-Modified"]
    again = served.request("GET", path, headers={"If-None-Match": headers["ETag"]})
    assert again[0] == 304 and again[2] == b""
    since = served.request("GET", path, headers={"If-Modified-Since": headers["Last-Modified"]})
    assert since[0] == 304


def test_media_types(served: LiveServer, seed_build: BuildResult) -> None:
    expected = {
        "contrats.csv": "text/csv",
        "contrats.schema.json": "application/json",
        "csv-metadata.json": "application/csvm+json",
        "cls-kg.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    for name, media in expected.items():
        _, headers, _ = served.request("GET", f"/versions/{seed_build.version}/tables/{name}")
        assert headers["Content-Type"].split(";")[0] == media, name


def test_gzip_when_accepted(served: LiveServer, seed_build: BuildResult) -> None:
    path = f"/versions/{seed_build.version}/tables/liens.csv"
    status, headers, body = served.request("GET", path, headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    entry = next(e for e in seed_build.manifest["tables"] if e["name"] == "liens.csv")
    assert hashlib.sha256(gzip.decompress(body)).hexdigest() == entry["sha256"]
    assert headers["ETag"] == f'"{entry["sha256"]}-gzip"' and "Accept-Encoding" in headers["Vary"]


def test_the_current_versions_files(served: LiveServer, seed_build: BuildResult) -> None:
    status, headers, body = served.request("GET", "/tables/contrats.csv")
    assert status == 200 and "immutable" not in headers["Cache-Control"]
    versioned = served.request("GET", f"/versions/{seed_build.version}/tables/contrats.csv")
    assert body == versioned[2] and headers["ETag"] == versioned[1]["ETag"]


@pytest.mark.parametrize(
    "path",
    [
        "/versions/0000000000000000/tables/contrats.csv",  # no such version
        "/versions/not-a-version/tables/contrats.csv",
        "/versions/{version}/tables/manifest.json",  # a file of the version, not a table
        "/versions/{version}/tables/..%2Fmanifest.json",
        "/tables/nothing.csv",
    ],
)
def test_unknown_files_are_404(served: LiveServer, seed_build: BuildResult, path: str) -> None:
    status, _, _ = served.request("GET", path.format(version=seed_build.version))
    assert status == 404


def test_every_dump_has_its_version_url(
    served: LiveServer, page_fr: str, seed_build: BuildResult
) -> None:
    for e in seed_build.manifest["dumps"]:
        path = f"/versions/{seed_build.version}/dumps/{e['name']}"
        assert f'href="{path}"' in page_fr
        status, headers, body = served.request("GET", path)
        assert status == 200 and hashlib.sha256(body).hexdigest() == e["sha256"]
        assert served.request("GET", path, headers={"If-None-Match": headers["ETag"]})[0] == 304
