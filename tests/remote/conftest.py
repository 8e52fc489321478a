"""Fixtures of the remote-store tests: SPARQL servers each holding a dataset published with
``cls-kg publish``, and apps configured with them.

Every fixture is parametrised by the engine: Oxigraph (the ``oxigraph`` command of the PyPI
package, always) and Virtuoso (Debian's ``virtuoso-opensource``, when
``CLS_KG_TEST_VIRTUOSO=1``: ``make test-virtuoso``). The app fixtures have the names of those
of ``tests/server`` and ``tests/pages`` (``protocol_app``, ``client``, ``seed_app``,
``pages_app``, ``seed``, ``local_app``, ``local``): the test functions imported into this
folder's ``test_same_*`` modules are the very tests of those folders, run here against each
remote engine. What an engine cannot do is listed in ``KNOWN_DIFFERENCES`` with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ..support.pages import LOCAL_BASE
from ..support.served import LiveServer
from .servers import OXIGRAPH, RemoteServer, publish_data_dir, remote_app, start

VIRTUOSO = os.environ.get("CLS_KG_TEST_VIRTUOSO") == "1"
ENGINES = [
    pytest.param(
        "oxigraph",
        marks=pytest.mark.skipif(
            not OXIGRAPH.exists(), reason=f"no {OXIGRAPH}: pip install oxigraph"
        ),
    ),
    pytest.param(
        "virtuoso",
        marks=pytest.mark.skipif(
            not VIRTUOSO, reason="make test-virtuoso (CLS_KG_TEST_VIRTUOSO=1)"
        ),
    ),
]

#: Tests an engine fails by nature: (engine, test name) -> the reason. Each is checked to
#: fail still (strict), so a fixed engine or a new workaround shows.
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {
    ("virtuoso", "test_syntax_error_is_400_with_the_parser_message"): (
        "the 400 carries Virtuoso's own parser message ('SPARQL compiler, line 2: syntax "
        "error at ...'), not Oxigraph's 'error at 1:18' the test looks for"
    ),
    ("virtuoso", "test_the_word_service_elsewhere_is_harmless"): (
        "Virtuoso 7.2 raises an error for CONTAINS() on an IRI where SPARQL 1.1 (17.2) "
        "makes the FILTER false: the client gets a 500 with Virtuoso's message"
    ),
    ("virtuoso", "test_dataset_parameters_override_the_query_dataset"): (
        "Virtuoso 7.2 matches no graph with GRAPH ?g {} (an empty group), which the test "
        "queries; the service's own graph list does not depend on it (Store.graph_names)"
    ),
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the known differences of each engine as expected failures, with their reason."""
    for item in items:
        engine = getattr(item, "callspec", None) and item.callspec.params.get("engine")
        reason = KNOWN_DIFFERENCES.get((str(engine), getattr(item, "originalname", item.name)))
        if reason:
            item.add_marker(pytest.mark.xfail(reason=reason, strict=True))


def remote_server(
    engine: str, tmp: pytest.TempPathFactory, data_dir: Path
) -> Iterator[RemoteServer]:
    """A server of ``engine`` holding the version ``data_dir`` serves."""
    server = start(engine, tmp)
    try:
        publish_data_dir(data_dir, tmp.mktemp("version"), server.config())
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The remote engine under test."""
    name: str = request.param
    return name


@pytest.fixture(scope="session")
def protocol_remote(
    engine: str, tmp_path_factory: pytest.TempPathFactory, protocol_data_dir: Path
) -> Iterator[RemoteServer]:
    """The W3C protocol dataset, published to a server of the engine."""
    yield from remote_server(engine, tmp_path_factory, protocol_data_dir)


@pytest.fixture(scope="session")
def seed_remote(
    engine: str, tmp_path_factory: pytest.TempPathFactory, built_data_dir: Path
) -> Iterator[RemoteServer]:
    """The seed build (with the reference data), published to a server of the engine."""
    yield from remote_server(engine, tmp_path_factory, built_data_dir)


@pytest.fixture(scope="session")
def local_remote(
    engine: str, tmp_path_factory: pytest.TempPathFactory, local_data_dir: Path
) -> Iterator[RemoteServer]:
    """The markup record under http://localhost/, published to a server of the engine."""
    yield from remote_server(engine, tmp_path_factory, local_data_dir)


@pytest.fixture(scope="session")
def protocol_app(protocol_data_dir: Path, protocol_remote: RemoteServer) -> Flask:
    """The protocol app, on the remote store."""
    return remote_app(protocol_data_dir, protocol_remote)


@pytest.fixture
def client(protocol_app: Flask) -> FlaskClient:
    """A test client of the remote protocol app."""
    return protocol_app.test_client()


@pytest.fixture(scope="session")
def seed_app(
    built_data_dir: Path, seed_remote: RemoteServer, tmp_path_factory: pytest.TempPathFactory
) -> Flask:
    """The seed app, on the remote store."""
    return remote_app(built_data_dir, seed_remote, CACHE_DIR=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def pages_app(seed_app: Flask) -> Flask:
    """The pages tests' seed app is the same remote app."""
    return seed_app


@pytest.fixture
def seed(seed_app: Flask) -> FlaskClient:
    """A client of the remote seed app."""
    return seed_app.test_client()


@pytest.fixture(scope="session")
def local_app(local_data_dir: Path, local_remote: RemoteServer) -> Flask:
    """The markup app under http://localhost/, on the remote store."""
    return remote_app(local_data_dir, local_remote, BASE_URI=LOCAL_BASE)


@pytest.fixture
def local(local_app: Flask) -> FlaskClient:
    """A client of the remote markup app."""
    return local_app.test_client()


@pytest.fixture
def capped(protocol_data_dir: Path, protocol_remote: RemoteServer) -> FlaskClient:
    """A client of a remote protocol app that returns at most two rows."""
    return remote_app(protocol_data_dir, protocol_remote, MAX_ROWS=2).test_client()


@pytest.fixture(scope="session")
def protocol_server(protocol_app: Flask, serve_app: Callable[[Flask], LiveServer]) -> LiveServer:
    """The remote protocol app behind a real HTTP server."""
    return serve_app(protocol_app)


@pytest.fixture(scope="session")
def seed_server(seed_app: Flask, serve_app: Callable[[Flask], LiveServer]) -> LiveServer:
    """The remote seed app behind a real HTTP server."""
    return serve_app(seed_app)
