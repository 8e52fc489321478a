"""The French-aware analysis: what people type and what the records say meet."""

from __future__ import annotations

import pytest

from cls_kg.graph.search.text import fold, stem, terms

#: (text, its terms): accents, case, ligatures, elisions, stop words, plurals, feminines.
TERMS = [
    ("Santé mentale", ["sant", "mental"]),
    ("SANTÉS MENTALES", ["sant", "mental"]),
    ("sante mentale", ["sant", "mental"]),
    ("l'accès aux soins", ["acc", "soin"]),
    ("l\u2019Accès au soin", ["acc", "soin"]),
    ("hôpitaux", ["hopital"]),
    ("Hôpital", ["hopital"]),
    ("réseaux", ["reseau"]),
    ("sociale", ["social"]),
    ("personnelles", ["personnel"]),
    ("Œuvre", ["oeuvr"]),
    ("les jeunes et les enfants", ["jeun", "enfant"]),
    ("Prévention du suicide", ["prevention", "suicid"]),
    ("CLS2 — Sète 2016-2020", ["cls2", "set", "2016", "2020"]),
    ("la santé en Bretagne", ["sant", "bretagn"]),
    ("mental health", ["mental", "health"]),
]


@pytest.mark.parametrize(("text", "expected"), TERMS)
def test_terms(text: str, expected: list[str]) -> None:
    """Each text gives the terms a reader expects to match."""
    assert terms(text) == expected


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("santé", "Santes"),
        ("addiction", "Addictions"),
        ("hôpital", "hopitaux"),
        ("précarité", "PRECARITES"),
        ("départemental", "départementale"),
        ("vieillissement", "vieillissements"),
    ],
)
def test_forms_of_one_word_meet(one: str, other: str) -> None:
    """Singular and plural, masculine and feminine, with or without accents: one term."""
    assert terms(one) == terms(other)


@pytest.mark.parametrize(("one", "other"), [("mental", "mentir"), ("soin", "soir"), ("cas", "ca")])
def test_different_words_stay_apart(one: str, other: str) -> None:
    """The stemmer is light: different words do not collapse."""
    assert terms(one) != terms(other)


def test_fold_and_short_words() -> None:
    """Folding removes accents and ligatures; short words are not stemmed."""
    assert fold("Œdème Évalué À Noël") == "oedeme evalue a noel"
    assert stem("cas") == "cas"
    assert stem("2016") == "2016"
