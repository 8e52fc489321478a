"""Shared fixtures: the seed graph built once per session into a temporary data folder, and the
apps, live servers and builds several folders of tests read (each set up once per session).

Helpers (apps, servers, listeners, paths) are in ``tests/support``: import them from there.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from flask import Flask
from werkzeug.serving import make_server

from cls_kg.graph.build import BuildResult, build
from cls_kg.graph.datadir import current_version
from cls_kg.graph.sources import default_sources
from cls_kg.graph.store import OxigraphStore

#: The helpers' own checks (``assert`` in tests/support) report as the tests' asserts do.
pytest.register_assert_rewrite("tests.support")

from .support import modules  # noqa: E402
from .support.apps import PROTOCOL_GRAPHS, app_with, closing, write_data_dir  # noqa: E402
from .support.listener import Listener, open_listener  # noqa: E402
from .support.pages import LOCAL_BASE, write_local_data_dir  # noqa: E402
from .support.paths import REPO  # noqa: E402
from .support.served import LiveServer, serving  # noqa: E402

#: The suite builds the seed Turtle records only (a fixed subset whose answers the tests know),
#: in this process and in the servers it starts; the curated CSV folders of graph/records/ are
#: built once (``shipped_build``) for tests/graph/test_curated_records.py and the search tests.
os.environ["CLS_KG_SEED_ONLY"] = "1"


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Fail the run when a file of the checkout was loaded twice (tests/support/modules.py)."""
    plugins = session.config.pluginmanager.get_plugins()
    loaded = [p for p in plugins if isinstance(p, ModuleType)]
    loaded += [item.module for item in session.items if isinstance(item, pytest.Function)]
    lines = modules.problems(REPO, loaded)
    if not lines:
        return
    print("\nmodules loaded twice (tests/support/modules.py):", *lines, sep="\n", file=sys.stderr)
    if session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """One build of the shipped sources, shared by every test that only reads it."""
    return build(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def built_data_dir(seed_build: BuildResult) -> Path:
    """The data folder holding the seed build (``current`` points at it)."""
    return seed_build.path.parent.parent


@pytest.fixture(scope="session")
def seed_store(built_data_dir: Path) -> OxigraphStore:
    """The seed build's store, opened read-only as the server opens it."""
    return OxigraphStore.open_read_only(current_version(built_data_dir) / "store")


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """One build of everything graph/records/ holds (the seed and the curated CSV folders),
    for the curation checks and the search tests that only read it."""
    return build(tmp_path_factory.mktemp("shipped"), sources=default_sources(folders=True))


@pytest.fixture(scope="session")
def served(built_data_dir: Path) -> Iterator[LiveServer]:
    """The seed build served as deployed, ``cls-kg serve``'s gunicorn on loopback, for tests that
    only read it (the hostile tests attack servers of their own: ``target``)."""
    with serving(built_data_dir) as server:
        yield server


@pytest.fixture(scope="session")
def serve_app() -> Iterator[Callable[[Flask], LiveServer]]:
    """Start apps behind real HTTP servers on free loopback ports; stop them at the end."""
    servers = []

    def start(app: Flask) -> LiveServer:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return LiveServer(f"http://127.0.0.1:{server.server_port}")

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="session")
def protocol_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dataset of the W3C protocol tests: data1-3 in named graphs, plus one IRI graph."""
    graphs = {name: path.read_bytes() for name, path in PROTOCOL_GRAPHS.items()}
    graphs["http://example.org/extra"] = (
        b"<http://example.org/s> <http://example.org/p> 'x', 'y', 'z' ."
    )
    return write_data_dir(tmp_path_factory.mktemp("protocol"), graphs)


@pytest.fixture(scope="session")
def protocol_app(protocol_data_dir: Path) -> Iterator[Flask]:
    """The app on the protocol dataset (the server and W3C tests)."""
    yield from closing(app_with(protocol_data_dir))


@pytest.fixture(scope="session")
def protocol_server(protocol_app: Flask, serve_app: Callable[[Flask], LiveServer]) -> LiveServer:
    """The protocol app, live."""
    return serve_app(protocol_app)


@pytest.fixture(scope="session")
def local_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the markup record, the ontology, vocabularies and shapes."""
    return write_local_data_dir(tmp_path_factory.mktemp("local"))


@pytest.fixture(scope="session")
def local_app(local_data_dir: Path) -> Iterator[Flask]:
    """The app on the markup record, under the base http://localhost/ (the page and hostile
    tests)."""
    yield from closing(app_with(local_data_dir, BASE_URI=LOCAL_BASE))


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A listener on a free loopback port, closed after the test."""
    with open_listener() as found:
        yield found
