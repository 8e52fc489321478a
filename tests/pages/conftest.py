"""Fixtures of the page tests: the seed build's app, a small app under the base
http://localhost/ with markup in its labels, and live servers of both.

The apps, the live servers and the data folder writer are those of ``tests/server``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from cls_kg.graph.namespaces import ONTOLOGY_IRI, VOCABULARIES_GRAPH, records_graph

from ..conftest import REPO
from ..server.conftest import LiveServer, app_with, closing, serve_app, write_data_dir

__all__ = ["serve_app"]

DATA = Path(__file__).resolve().parent / "data"
LOCAL_BASE = "http://localhost/"
SHAPES_GRAPH = ONTOLOGY_IRI + "/shapes"
PARTNERS = 120  # organisations pointing at the markup territory: three pages of 50
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
HTML = {"Accept": BROWSER_ACCEPT}


def partners() -> bytes:
    """Many organisations that name the markup territory as their area."""
    lines = [
        f"<{LOCAL_BASE}id/organisation/partner-{n:03d}> "
        f'<http://www.w3.org/2000/01/rdf-schema#label> "Partenaire {n:03d}"@fr ; '
        f"<http://www.w3.org/ns/org#hasSite> <{LOCAL_BASE}id/territory/markup> ."
        for n in range(PARTNERS)
    ]
    return "\n".join(lines).encode()


@pytest.fixture(scope="session")
def local_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the markup record, the ontology, vocabularies and shapes."""
    graphs = {
        records_graph(LOCAL_BASE): (DATA / "markup.ttl").read_bytes() + b"\n" + partners(),
        ONTOLOGY_IRI: (REPO / "ontology" / "cls.ttl").read_bytes(),
        SHAPES_GRAPH: (REPO / "shapes" / "cls-shapes.ttl").read_bytes(),
    }
    folder = tmp_path_factory.mktemp("local")
    write_data_dir(folder, graphs)
    store_vocabularies(folder)
    return folder


def store_vocabularies(folder: Path) -> None:
    """Add the vocabularies (several Turtle files, each with its prefixes) to the store."""
    store = ox.Store(str(folder / "versions" / "test" / "store"))
    for path in sorted((REPO / "ontology/vocabularies").glob("*.ttl")):
        store.load(
            path.read_bytes(), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(VOCABULARIES_GRAPH)
        )
    store.flush()
    del store


@pytest.fixture(scope="session")
def local_app(local_data_dir: Path) -> Iterator[Flask]:
    """The app on the markup record, under the base http://localhost/."""
    yield from closing(app_with(local_data_dir, BASE_URI=LOCAL_BASE))


@pytest.fixture
def local(local_app: Flask) -> FlaskClient:
    """A client of the markup app."""
    return local_app.test_client()


@pytest.fixture(scope="session")
def pages_app(built_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app on the seed build (default base), with its own cache folder."""
    yield from closing(app_with(built_data_dir, CACHE_DIR=tmp_path_factory.mktemp("cache")))


@pytest.fixture
def seed(pages_app: Flask) -> FlaskClient:
    """A client of the seed app."""
    return pages_app.test_client()


@pytest.fixture(scope="session")
def seed_server(pages_app: Flask, serve_app: Callable[[Flask], LiveServer]) -> LiveServer:
    """The seed app behind a real HTTP server on loopback."""
    return serve_app(pages_app)
