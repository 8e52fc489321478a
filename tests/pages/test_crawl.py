"""A crawler from ``/``: it reaches every contract, axis and action of the seed data, every
local link it finds answers 200, and every page it reads passes the HTML checks."""

from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cls_kg.graph.store import OxigraphStore

from ..support.pages import HTML
from .checks import RDF_PARSERS, check_html, parse_rdf, same_graph

BASE = "https://w3id.org/cls-sante/"
#: Paths checked (200) but not read further: reference units, the query page, downloads.
LEAVES = (
    "/sparql",
    "/dumps/",
    "/static/",
    "/graph/",
    "/id/commune/",
    "/id/epci/",
    "/id/departement/",
    "/id/region/",
)
SEED_CLASSES = """
PREFIX cls: <https://w3id.org/cls-sante/def#>
SELECT ?thing WHERE { VALUES ?class { cls:Contract cls:Axis cls:Action } ?thing a ?class }
"""


def local_links(page: str) -> list[str]:
    """The links of a page that stay on this server, without fragments."""
    links = check_html(page).links
    return [
        urldefrag(link)[0] for link in links if not urlsplit(link).netloc and link.startswith("/")
    ]


def crawl(client: FlaskClient) -> tuple[set[str], dict[str, int]]:
    """Pages read (by path) and the status of every local link met."""
    queue, read, status = deque(["/"]), set(), {}
    while queue:
        path = queue.popleft()
        if path in status:
            continue
        leaf = "?" in path or path.startswith(LEAVES)
        response = (
            client.head(path) if path.startswith("/dumps/") else client.get(path, headers=HTML)
        )
        status[path] = response.status_code
        if leaf or response.status_code != 200 or response.mimetype != "text/html":
            continue
        read.add(path)
        queue.extend(link for link in local_links(response.text) if link not in status)
    return read, status


@pytest.fixture(scope="module")
def crawled(pages_app: Flask) -> tuple[set[str], dict[str, int]]:
    """One crawl of the seed site, shared by the tests of this module."""
    return crawl(pages_app.test_client())


def test_crawler_reaches_every_contract_axis_and_action(
    crawled: tuple[set[str], dict[str, int]], seed_store: OxigraphStore
) -> None:
    read, status = crawled
    dead = {path: code for path, code in status.items() if code != 200}
    assert not dead, dead
    wanted = {"/" + str(row["thing"])[len(BASE) :] for row in seed_store.select(SEED_CLASSES)}
    assert len(wanted) == 11 + 15 + 9
    assert wanted <= read, sorted(wanted - read)
    assert {"/def", "/def/shapes", "/catalog", "/.well-known/void", "/def/theme"} <= read


def test_every_resource_read_is_the_same_graph_in_every_rdf_format(
    crawled: tuple[set[str], dict[str, int]], seed: FlaskClient
) -> None:
    resources = sorted(path for path in crawled[0] if path.startswith(("/id/", "/def")))
    assert len(resources) > 100
    for path in resources:
        graphs = []
        for media_type in RDF_PARSERS:
            response = seed.get(path, headers={"Accept": media_type})
            assert response.status_code == 200 and response.mimetype == media_type, path
            graphs.append(parse_rdf(response.data, media_type))
        assert len(graphs[0]) > 0 and same_graph(graphs), path
