"""The curation checks of the shipped records (shapes/curation/): status, sourced and located
territory, and no overlapping periods on one territory without a remark naming the other."""

from __future__ import annotations

import pytest
from rdflib import Graph

from cls_kg.graph.sources import CURATION_DIR, default_sources, parse_files
from cls_kg.graph.validation import Report, validate

SOURCES = default_sources(folders=False)
CURATION = parse_files(sorted(CURATION_DIR.glob("*.ttl")))
ONTOLOGY = parse_files(SOURCES.ontology)
VOCABULARIES = parse_files(SOURCES.vocabularies)

PREFIXES = """
@base <https://w3id.org/cls-sante/id/> .
@prefix cls: <https://w3id.org/cls-sante/def#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix statut: <https://w3id.org/cls-sante/def/statut/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<territory/t> a cls:Territory ; dct:source <source/s> ; cls:withinUnit <departement/70> .
"""


def contract(name: str, start: str, end: str, note: str = "") -> str:
    """A contract of territory t with a period, a status and maybe a remark."""
    remark = f' ; skos:note "{note}"@fr' if note else ""
    return (
        f"<contract/{name}> a cls:Contract ; cls:territory <territory/t> ; "
        f"cls:status statut:signe ; dct:temporal <contract/{name}/period>{remark} .\n"
        f'<contract/{name}/period> dcat:startDate "{start}"^^xsd:gYear ; '
        f'dcat:endDate "{end}"^^xsd:gYear .\n'
    )


def check(turtle: str) -> Report:
    """The curation checks' report on some records."""
    data = Graph().parse(data=PREFIXES + turtle, format="turtle") + VOCABULARIES
    return validate(data, CURATION, ontology=ONTOLOGY)


def violations(report: Report) -> list[tuple[str, str | None]]:
    """(focus, value) of each violation."""
    return [(r.focus.rsplit("/", 1)[-1], r.value) for r in report.results]


@pytest.mark.parametrize(
    ("periods", "overlap"),
    [
        ((("2016", "2019"), ("2019", "2023")), False),  # ends the year the next one starts
        ((("2012", "2015"), ("2016", "2019")), False),
        ((("2016", "2020"), ("2019", "2023")), True),
        ((("2016", "2016"), ("2016", "2019")), True),  # same start year
    ],
)
def test_overlapping_periods_on_one_territory(
    periods: tuple[tuple[str, str], tuple[str, str]], overlap: bool
) -> None:
    (a, b), (c, d) = periods
    found = violations(check(contract(f"t-{a}-{b}", a, b) + contract(f"t-{c}-{d}", c, d)))
    assert found == (
        [(f"t-{a}-{b}", f"https://w3id.org/cls-sante/id/contract/t-{c}-{d}")] if overlap else []
    )


def test_a_remark_naming_the_other_contract_explains_an_overlap() -> None:
    explained = "Signé avant la fin du précédent (t-2016-2020), d'après la page."
    other = "Une remarque qui ne nomme pas l'autre contrat."
    assert (
        violations(
            check(
                contract("t-2016-2020", "2016", "2020")
                + contract("t-2019-2023", "2019", "2023", explained)
            )
        )
        == []
    )
    assert (
        len(
            violations(
                check(
                    contract("t-2016-2020", "2016", "2020", other)
                    + contract("t-2019-2023", "2019", "2023")
                )
            )
        )
        == 1
    )


def test_a_contract_needs_a_status_and_a_sourced_located_territory() -> None:
    turtle = (
        "<contract/u> a cls:Contract ; cls:territory <territory/u> .\n"
        "<territory/u> a cls:Territory .\n"
        "<contract/v> a cls:Contract ; cls:territory <territory/v> ; cls:status statut:signe .\n"
        "<territory/v> a cls:Territory ; dct:source <source/s> .\n"
    )
    found = violations(check(turtle))
    territory = "https://w3id.org/cls-sante/id/territory/"
    assert sorted(found, key=str) == sorted(
        [("u", None), ("u", f"{territory}u"), ("v", f"{territory}v")], key=str
    )
    report = check(turtle)
    assert all({"fr", "en"} <= set(r.messages) for r in report.results)
