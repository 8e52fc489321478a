"""Facts the seed pages state, asked of the built graph (one ASK query per fact, in .rq files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cls_kg.graph.store import OxigraphStore

FACTS = sorted((Path(__file__).resolve().parent.parent / "queries" / "facts").glob("*.rq"))


@pytest.mark.parametrize("query", FACTS, ids=lambda p: p.stem)
def test_seed_fact_holds(seed_store: OxigraphStore, query: Path) -> None:
    assert seed_store.ask(query.read_text(encoding="utf-8")), query.read_text().splitlines()[0]


def test_a_fact_the_seeds_do_not_state_does_not_hold(seed_store: OxigraphStore) -> None:
    """The fact queries can fail: the same shape of query with a wrong count is false."""
    text = (FACTS[0].parent / "cob-2017-six-axes-36-actions.rq").read_text(encoding="utf-8")
    assert not seed_store.ask(text.replace("?axes = 6", "?axes = 7"))
