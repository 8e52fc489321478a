"""Fixtures of the open-data tests: the seed build's tables and a generated national sample
built with the full reference data (the seed build served by gunicorn is ``served``, in
tests/conftest.py).

The national sample comes from the generator of ``make bench`` (``tests/support/national.py``)
with ``NATIONAL_CONTRACTS`` contracts instead of 600: building the 600 contracts takes about a
minute on the project's machine, the sample a few seconds, through the same code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cls_kg.graph.build import BuildResult, build
from cls_kg.graph.reference import divisions
from cls_kg.graph.sources import default_sources

from ..support import national

NATIONAL_CONTRACTS = 60
TABLES = "tables"


@pytest.fixture(scope="session")
def national_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """A generated national sample (``NATIONAL_CONTRACTS`` contracts over real territories),
    built with the full reference data."""
    folder = tmp_path_factory.mktemp("national")
    sample = national.generate(divisions.load(), contracts=NATIONAL_CONTRACTS)
    national.write(sample, folder / "records")
    return build(folder / "data", sources=default_sources(folder / "records", folders=False))


@pytest.fixture(scope="session")
def seed_tables(seed_build: BuildResult) -> Path:
    """The tables folder of the seed build."""
    return seed_build.path / TABLES


@pytest.fixture(scope="session")
def national_tables(national_build: BuildResult) -> Path:
    """The tables folder of the national sample."""
    return national_build.path / TABLES
