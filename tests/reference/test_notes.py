"""What the composition notes say of the reference data still holds for the shipped copy."""

from __future__ import annotations

import pytest

from cls_kg.graph.reference.divisions import Divisions
from cls_kg.graph.sources import RECORDS_DIR

COMPOSITION = (RECORDS_DIR / "composition.ttl").read_text(encoding="utf-8")


def named(divisions: Divisions, name: str) -> list[tuple[str, str]]:
    """(code, département) of every commune of the copy with this name."""
    return [(c["code"], c["departement"]) for c in divisions.communes if c["nom"] == name]


@pytest.mark.parametrize(
    ("name", "communes"),
    [
        ("Besançon", [("25056", "25")]),
        ("Lure", [("70310", "70")]),
        ("Joinville", [("52250", "52")]),
        ("Froncles", [("52211", "52")]),
    ],
)
def test_names_the_notes_rely_on_are_unique(
    divisions: Divisions, name: str, communes: list[tuple[str, str]]
) -> None:
    assert named(divisions, name) == communes


def test_chaumont_is_ambiguous_as_the_note_says(divisions: Divisions) -> None:
    departements = sorted(dep for _, dep in named(divisions, "Chaumont"))
    assert departements == ["18", "52", "61", "74", "89"]
    assert "cinq communes nommées Chaumont" in COMPOSITION
    big = [
        c["code"] for c in divisions.communes if c["nom"] == "Chaumont" and c["population"] > 1000
    ]
    assert big == ["52121"]  # the note's "seule de ces cinq communes qui dépasse 1 000 habitants"


def test_ville_de_besancon_has_the_commune_siren(divisions: Divisions) -> None:
    assert f'cls:siren "{divisions.communes_by_code["25056"]["siren"]}"' in COMPOSITION
