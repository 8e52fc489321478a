"""The example queries the README shows run on the seed data and give its answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from cls_kg.graph.store import OxigraphStore

from .support.paths import REPO

QUERIES = sorted((REPO / "docs" / "queries").glob("*.rq"))
README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.stem)
def test_readme_example_query_answers(seed_store: OxigraphStore, query: Path) -> None:
    assert f"`{query.name}`" in README
    rows = seed_store.select(query.read_text(encoding="utf-8"))
    assert rows
    for row in rows[:3]:
        cells = " | ".join(str(value) for value in row.values())
        assert all(str(value) in README for value in row.values()), cells
