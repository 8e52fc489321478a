"""The reference tests' SPARQL questions, one .rq file each (tests/reference/queries/)."""

from __future__ import annotations

from .paths import REPO

QUERIES = REPO / "tests" / "reference" / "queries"


def query(name: str) -> str:
    """The text of one of the tests' .rq files."""
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
