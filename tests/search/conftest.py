"""Fixtures of the search tests: the seed build's app, a generated national sample (the
seed has no action on mental health); the seed build served by gunicorn is ``served``
(tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from cls_kg.graph.build import BuildResult, build
from cls_kg.graph.reference import divisions
from cls_kg.graph.sources import default_sources

from ..support import national
from ..support.apps import app_with

SAMPLE_CONTRACTS = 30


@pytest.fixture(scope="session")
def seed_client(built_data_dir: Path) -> FlaskClient:
    """The seed build's app, rate limit and page cache off."""
    return app_with(built_data_dir, RATE_LIMIT=0, PAGE_CACHE_BYTES=0).test_client()


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """A generated national sample built with the full reference data."""
    folder = tmp_path_factory.mktemp("search-sample")
    sample = national.generate(divisions.load(), contracts=SAMPLE_CONTRACTS)
    national.write(sample, folder / "records")
    return build(folder / "data", sources=default_sources(folder / "records", folders=False))


@pytest.fixture(scope="session")
def sample_client(sample_build: BuildResult) -> FlaskClient:
    """The national sample's app."""
    data_dir = sample_build.path.parent.parent
    return app_with(data_dir, RATE_LIMIT=0, PAGE_CACHE_BYTES=0).test_client()
