"""SPARQL queries the server runs for itself, kept as .rq files."""

from __future__ import annotations

from functools import cache
from pathlib import Path

QUERIES_DIR = Path(__file__).resolve().parent


@cache
def load(name: str) -> str:
    """The text of ``{name}.rq``, read once."""
    return (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")
