"""Shared fixtures: the seed graph built once per session into a temporary data folder."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from cls_kg.graph.build import BuildResult, build
from cls_kg.graph.datadir import current_version
from cls_kg.graph.store import OxigraphStore

from .support import modules
from .support.served import LiveServer, serving

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
TEST_DATA = Path(__file__).resolve().parent / "data"

#: The suite builds the seed Turtle records only (a fixed subset whose answers the tests know),
#: in this process and in the servers it starts; the curated CSV folders of graph/records/ are
#: checked by tests/graph/test_curated_records.py.
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
def served(built_data_dir: Path) -> Iterator[LiveServer]:
    """The seed build served as deployed, ``cls-kg serve``'s gunicorn on loopback, for tests that
    only read it (the hostile tests attack servers of their own: ``target``)."""
    with serving(built_data_dir) as server:
        yield server
