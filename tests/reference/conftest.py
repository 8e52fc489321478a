"""Fixtures of the reference tests: the shipped copy, a template store, a stand-in package."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from cls_kg.graph.namespaces import DEFAULT_BASE
from cls_kg.graph.reference.divisions import DATA_DIR, Divisions, load
from cls_kg.graph.reference.template import ReferenceSource, Template, template
from cls_kg.graph.reference.update import Updated, refresh_from

from .package import tarball


@pytest.fixture(scope="session")
def divisions() -> Divisions:
    """The shipped copy, read once."""
    return load(DATA_DIR)


@pytest.fixture(scope="session")
def reference_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The template store of the shipped copy under the default base (shared in-process)."""
    return template(tmp_path_factory.mktemp("cache"), ReferenceSource(DATA_DIR, DEFAULT_BASE))


@pytest.fixture(scope="session")
def reference_store(reference_template: Template) -> ox.Store:
    """The reference graph alone, read-only, for questions about the conversion."""
    return ox.Store.read_only(str(reference_template.store))


@pytest.fixture
def fake_copy(tmp_path: Path) -> Updated:
    """A copy refreshed from the stand-in package (offline)."""
    return refresh_from(tarball(tmp_path), tmp_path / "copy")
