"""The consistency report: verdicts, tolerance, text in French and English, JSON in the version."""

from __future__ import annotations

import json

import pytest

from cls_kg.graph.build import BuildResult
from cls_kg.graph.consistency import (
    Consistency,
    Figure,
    TerritoryFigures,
    from_json,
    relative_gap,
    status_of,
)
from cls_kg.graph.datadir import CONSISTENCY_FILE
from cls_kg.graph.reference.divisions import Divisions


@pytest.mark.parametrize(
    ("declared", "derived", "complete", "status"),
    [
        (100, 104, True, "consistent"),
        (100, 96, True, "consistent"),
        (100, 106, True, "gap"),
        (100, 90, True, "gap"),
        (0, 0, True, "consistent"),
        (0, 3, True, "gap"),
        (None, 50, True, "not-declared"),
        (100, None, False, "unknown-composition"),
        (6, None, True, "not-derivable"),
    ],
)
def test_verdict_on_one_figure(
    declared: int | None, derived: int | None, complete: bool, status: str
) -> None:
    assert status_of(declared, derived, complete, 0.05) == status


def test_gap_is_relative_to_the_announced_figure() -> None:
    assert relative_gap(80_000, 88_000) == pytest.approx(0.10)
    assert relative_gap(144, 120) == pytest.approx(-1 / 6)


def report() -> Consistency:
    """A report with a gap, a figure that cannot be compared, and a territory without figures."""
    return Consistency(
        0.05,
        {"identifier": "@etalab/decoupage-administratif@6.0.0", "vintage": "2026"},
        (
            TerritoryFigures(
                "https://e.org/t/a", "Pays A", "complete",
                (Figure("population", 80_000, 88_000, "gap", 0.1),),
            ),
            TerritoryFigures(
                "https://e.org/t/b", "Pays B", "unknown",
                (Figure("communes", 144, None, "unknown-composition"),),
            ),
            TerritoryFigures("https://e.org/t/c", "Pays C", "unknown", ()),
        ),
    )  # fmt: skip


def test_text_in_french_names_gaps_and_what_cannot_be_compared() -> None:
    text = report().to_text("fr")
    assert "millésime 2026" in text and "tolérance 5 %" in text
    assert (
        "population : annoncé 80000, calculé 88000 → ÉCART au-delà de la tolérance (+10.0 %)"
        in text
    )
    assert "impossible de comparer : composition inconnue" in text
    assert "Pays C — composition non sourcée ; aucun chiffre" in text
    assert text.splitlines()[-1].startswith("Bilan : 1 écart(s), 1 chiffre(s)")


def test_text_in_english() -> None:
    text = report().to_text("en")
    assert "vintage 2026" in text and "tolerance 5 %" in text
    assert "cannot compare: composition unknown" in text and "GAP beyond the tolerance" in text


def test_json_round_trip() -> None:
    assert from_json(report().to_json()) == report()
    assert json.loads(report().to_json())["summary"]["gap"] == 1


def test_seed_build_writes_and_returns_the_report(
    seed_build: BuildResult, divisions: Divisions
) -> None:
    consistency = seed_build.consistency
    assert consistency is not None
    written = (seed_build.path / CONSISTENCY_FILE).read_text(encoding="utf-8")
    assert from_json(written) == consistency
    assert seed_build.manifest["consistency"] == consistency.summary()
    found = {t.label: {f.name: (f.declared, f.derived, f.status) for f in t.figures}
             for t in consistency.territories}  # fmt: skip
    assert found["Pays des Vosges Saônoises"] == {
        "population": (80000, None, "unknown-composition"),
        "communes": (144, None, "unknown-composition"),
        "members": (6, None, "unknown-composition"),
    }
    population = divisions.communes_by_code["25056"]["population"]
    assert found["Besançon"] == {
        "population": (None, population, "not-declared"),
        "communes": (None, 1, "not-declared"),
    }
    assert consistency.summary()["gap"] == 0
