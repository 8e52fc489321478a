"""SPARQL queries the build and the tests run, kept as .rq files."""

from __future__ import annotations

from pathlib import Path

QUERIES_DIR = Path(__file__).resolve().parent


def load(name: str) -> str:
    """The text of ``{name}.rq``."""
    return (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")


def load_update(name: str) -> str:
    """The text of the SPARQL Update template ``{name}.ru``."""
    return (QUERIES_DIR / f"{name}.ru").read_text(encoding="utf-8")
