"""Slugging rules and the IRI patterns: stable, readable, reversible."""

from __future__ import annotations

import pytest

from cls_kg.graph.spreadsheet.identifiers import (
    DATA,
    PATTERNS,
    iri,
    is_identifier,
    keys_of,
    slug,
    strip_kind,
)

SLUGS = [
    ("Pays des Vosges Saônoises", "pays-des-vosges-saonoises"),
    ("Besançon", "besancon"),
    ("  Saint-Étienne  ", "saint-etienne"),
    ("Cœur de Lorraine", "coeur-de-lorraine"),
    ("L'Haÿ-les-Roses", "l-hay-les-roses"),
    ("CLS n°2 — 2016/2018", "cls-n-2-2016-2018"),
    ("Pays Vesoul - Val de Saône", "pays-vesoul-val-de-saone"),
]


@pytest.mark.parametrize(("text", "expected"), SLUGS)
def test_slug(text: str, expected: str) -> None:
    assert slug(text) == expected
    assert is_identifier(expected)


@pytest.mark.parametrize("text", ["Besançon", "a b", "-a", "a--b", "A", ""])
def test_not_an_identifier(text: str) -> None:
    assert not is_identifier(text)


@pytest.mark.parametrize("kind", sorted(PATTERNS))
def test_patterns_read_back(kind: str) -> None:
    keys = {name: f"{name}-x1" for name in ("contract", "organisation", "territory", "source")}
    keys |= {"axis": "2", "action": "3", "objective": "1"}
    node = iri(kind, **keys)
    assert str(node).startswith(DATA)
    found = keys_of(kind, node)
    assert found is not None
    assert iri(kind, **found) == node


def test_model_patterns() -> None:
    assert (
        str(iri("action", contract="c", axis="1", action="2"))
        == f"{DATA}contract/c/axis/1/action/2"
    )
    participation = iri("participation", contract="c", organisation="o")
    assert str(participation) == f"{DATA}contract/c/participation/o"
    assert keys_of("contract", iri("axis", contract="c", axis="1")) is None


def test_full_iri_as_identifier() -> None:
    assert strip_kind("contract", f"{DATA}contract/besancon-cls1") == "besancon-cls1"
    assert strip_kind("contract", "besancon-cls1") == "besancon-cls1"
