"""The SPARQL the search index reads the built graph with, kept as .rq files."""

from __future__ import annotations

from pathlib import Path

QUERIES_DIR = Path(__file__).resolve().parent


def load(name: str) -> str:
    """The text of ``{name}.rq``."""
    return (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")
