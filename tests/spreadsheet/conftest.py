"""Fixtures of the spreadsheet tests: the seed records (the filled template and its expected
records are in ``tests/support/spreadsheet.py``)."""

from __future__ import annotations

import pytest
from rdflib import Graph

from cls_kg.graph.sources import default_sources, parse_files


@pytest.fixture(scope="session")
def seed_records() -> Graph:
    """The shipped records, parsed once."""
    return parse_files(default_sources().records)
