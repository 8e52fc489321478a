"""Shared fixtures: the seed graph built once per session into a temporary data folder."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from cls_kg.graph.build import BuildResult, build
from cls_kg.graph.datadir import current_version
from cls_kg.graph.store import OxigraphStore

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
TEST_DATA = Path(__file__).resolve().parent / "data"

#: The suite builds the seed Turtle records only (a fixed subset whose answers the tests know),
#: in this process and in the servers it starts; the curated CSV folders of graph/records/ are
#: checked by tests/graph/test_curated_records.py.
os.environ["CLS_KG_SEED_ONLY"] = "1"


def national_generator() -> ModuleType:
    """bench/national/generate.py (not a package), loaded once under one module name."""
    if "national_generate" in sys.modules:
        return sys.modules["national_generate"]
    path = REPO / "bench" / "national" / "generate.py"
    spec = importlib.util.spec_from_file_location("national_generate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["national_generate"] = module
    spec.loader.exec_module(module)
    return module


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
