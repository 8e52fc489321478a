"""Search on everything graph/records/ holds: the seed and the curated national records.

The curated records describe 9 actions, none on mental health: there 'santé mentale' lists
contracts, axes and organisations (the actions of a theme are tested on a generated sample).
The build is the curation checks' (``shipped_build``, tests/conftest.py).
"""

from __future__ import annotations

from cls_kg.graph.build import BuildResult
from cls_kg.graph.search import FILE, FOLDER
from cls_kg.graph.search.reader import Index, Query


def test_mental_health_on_the_shipped_records(shipped_build: BuildResult) -> None:
    """Contracts of the theme, axes named after it, the hospitals of mental health."""
    index = Index(shipped_build.path / FOLDER / FILE)
    with index.connect() as db:
        found = index.search(db, Query("santé mentale"))
        brittany = index.search(db, Query("santé mentale", {"region": "53"}))
    assert found.kinds["contract"] >= 20 and found.kinds["axis"] >= 5
    assert found.kinds["organisation"] >= 1
    axes = next(g for g in found.groups if g.kind == "axis")
    assert all("santé mentale" in hit.label.casefold() for hit in axes.hits)
    assert 0 < brittany.total < found.total


def test_every_resource_is_indexed(shipped_build: BuildResult) -> None:
    """As many documents of each kind as the build counted resources."""
    index = Index(shipped_build.path / FOLDER / FILE)
    with index.connect() as db:
        kinds = index.search(db, Query("")).kinds
    counts = shipped_build.counts
    assert kinds["contract"] == counts["contracts"] and kinds["axis"] == counts["axes"]
    assert kinds["action"] == counts["actions"]
    assert kinds["territory"] == counts["territories"]
    assert kinds["organisation"] >= counts["signatories"]
