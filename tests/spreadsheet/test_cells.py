"""Cell codecs: what a publisher may type in each kind of column, and what it becomes."""

from __future__ import annotations

from dataclasses import replace

import pytest
from rdflib import Literal, URIRef
from rdflib.term import Node

from cls_kg.graph.errors import CellError
from cls_kg.graph.spreadsheet.cells import parse_cell, render_cell
from cls_kg.graph.spreadsheet.identifiers import DATA
from cls_kg.graph.spreadsheet.layout import CONTRACT, PARTICIPATION, SOURCE, TERRITORY

THEME = "https://w3id.org/cls-sante/def/theme/"
XSD = "http://www.w3.org/2001/XMLSchema#"  # a string: pytest's collection warns on rdflib's XSD
GYEAR, DATE, MONTH = URIRef(XSD + "gYear"), URIRef(XSD + "date"), URIRef(XSD + "gYearMonth")
COUNT, RANK = URIRef(XSD + "nonNegativeInteger"), URIRef(XSD + "positiveInteger")
COLUMNS = {
    "start": CONTRACT.column("debut"),
    "signed": CONTRACT.column("date-signature"),
    "count": CONTRACT.column("actions-annoncees"),
    "rank": CONTRACT.column("rang"),
    "themes": CONTRACT.column("themes"),
    "status": CONTRACT.column("statut"),
    "sources": CONTRACT.column("sources"),
    "remarks": CONTRACT.column("remarques"),
    "units": TERRITORY.column("unites"),
    "siren": PARTICIPATION.column("siren"),
    "signs": PARTICIPATION.column("signataire"),
    "language": SOURCE.column("langue"),
    "id": CONTRACT.column("identifiant"),
}

READ = [
    ("start", "2016", [Literal("2016", datatype=GYEAR)]),
    ("start", "01/03/2016", [Literal("2016-03-01", datatype=DATE)]),
    ("signed", "2012-06", [Literal("2012-06", datatype=MONTH)]),
    ("signed", "6/2012", [Literal("2012-06", datatype=MONTH)]),
    ("signed", "31/1/2017", [Literal("2017-01-31", datatype=DATE)]),
    ("count", "12 500", [Literal("12500", datatype=COUNT)]),
    ("count", "0", [Literal("0", datatype=COUNT)]),
    ("rank", "02", [Literal("2", datatype=RANK)]),
    (
        "themes",
        "SANTE MENTALE;addictions",
        [URIRef(THEME + "sante-mentale"), URIRef(THEME + "addictions")],
    ),
    ("themes", "Mental health", [URIRef(THEME + "sante-mentale")]),
    ("status", "evalue", [URIRef("https://w3id.org/cls-sante/def/statut/evalue")]),
    ("sources", "001_bf1d75e5163262c4", [URIRef(DATA + "source/001_bf1d75e5163262c4")]),
    (
        "sources",
        "dataset/decoupage-administratif",
        [URIRef(DATA + "dataset/decoupage-administratif")],
    ),
    ("sources", "https://example.org/a", [URIRef("https://example.org/a")]),
    (
        "remarks",
        "une ; deux\ntrois",
        [Literal("une ; deux", lang="fr"), Literal("trois", lang="fr")],
    ),
    (
        "units",
        "Commune/2a004 ; departement/70",
        [URIRef(DATA + "commune/2A004"), URIRef(DATA + "departement/70")],
    ),
    ("siren", "212 500 565", [Literal("212500565")]),
    ("signs", "Oui", [Literal(True)]),
    ("signs", "non", [Literal(False)]),
    ("language", "FR", [URIRef("http://id.loc.gov/vocabulary/iso639-1/fr")]),
    ("id", f"{DATA}contract/besancon-cls1", [Literal("besancon-cls1")]),
]

REFUSED = [
    ("start", "2016-2018", "bad-year"),
    ("start", "06/2016", "bad-year"),
    ("signed", "30/02/2017", "bad-date"),
    ("count", "-3", "bad-count"),
    ("count", "vingt", "bad-count"),
    ("rank", "0", "bad-rank"),
    ("themes", "Santé mental ; Cuisine", "unknown-value"),
    ("status", "Signé ; Évalué", "single-value"),
    ("sources", "une source", "bad-reference"),
    ("units", "25056", "bad-unit"),
    ("siren", "21250056", "bad-siren"),
    ("signs", "peut-être", "bad-yesno"),
    ("language", "français", "bad-language"),
    ("id", "Besançon 2016", "bad-identifier"),
]


@pytest.mark.parametrize(("column", "text", "expected"), READ)
def test_reads(column: str, text: str, expected: list[Node]) -> None:
    assert parse_cell(text, COLUMNS[column]) == expected


@pytest.mark.parametrize(("column", "text", "key"), REFUSED)
def test_refuses(column: str, text: str, key: str) -> None:
    with pytest.raises(CellError) as refused:
        parse_cell(text, COLUMNS[column])
    assert refused.value.key == key


def test_unknown_value_suggests_the_closest_labels() -> None:
    with pytest.raises(CellError) as refused:
        parse_cell("Santé mentalle", COLUMNS["themes"])
    assert refused.value.values["suggestions"][0] == "Santé mentale"


@pytest.mark.parametrize(("column", "text", "expected"), READ)
def test_render_reads_back(column: str, text: str, expected: list[Node]) -> None:
    rendered = render_cell(expected, COLUMNS[column])
    assert sorted(parse_cell(rendered, COLUMNS[column]), key=str) == sorted(expected, key=str)


def test_render_keeps_the_column_language() -> None:
    english = replace(CONTRACT.column("intitule"), lang="en")
    values = [Literal("Contrat", lang="fr"), Literal("Contract", lang="en")]
    assert render_cell(values, english) == "Contract"
    assert render_cell(values, CONTRACT.column("intitule")) == "Contrat"
