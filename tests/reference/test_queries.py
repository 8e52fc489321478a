"""The cross-dataset example queries run on the seed build; the federated ones are well formed."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.plugins.sparql import prepareQuery

from cls_kg.graph.reference.divisions import Divisions
from cls_kg.graph.reference.rdf import EPCI_KINDS
from cls_kg.graph.store import OxigraphStore

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "queries"
#: The cross-dataset examples are examples of the query page (server/sparql/examples/17-20).
EXAMPLES_DIR = REPO / "server" / "sparql" / "examples"
NAMES = {
    "population-by-region": "17-population-by-region",
    "communes-in-several-cls": "18-communes-in-several-cls",
    "territories-without-cls-in-force": "19-territories-without-cls-in-force",
    "cls-per-epci-kind": "20-cls-per-epci-kind",
}
EXAMPLES = [EXAMPLES_DIR / f"{file}.rq" for file in NAMES.values()]
FEDERATED = sorted((DOCS / "federated").glob("*.rq"))


def rows(store: OxigraphStore, name: str) -> list[dict[str, str]]:
    """The answer of one example query, values as text."""
    text = (EXAMPLES_DIR / f"{NAMES[name]}.rq").read_text(encoding="utf-8")
    return [{key: str(value) for key, value in row.items()} for row in store.select(text)]


def test_there_are_the_four_examples_of_the_issue() -> None:
    assert all(p.exists() for p in EXAMPLES)
    assert set(NAMES) == {
        "population-by-region",
        "communes-in-several-cls",
        "territories-without-cls-in-force",
        "cls-per-epci-kind",
    }


def test_population_covered_per_region(seed_store: OxigraphStore, divisions: Divisions) -> None:
    besancon = divisions.communes_by_code["25056"]
    found = {row["name"]: row for row in rows(seed_store, "population-by-region")}
    region = found["Bourgogne-Franche-Comté"]
    assert region["region"].endswith(f"/region/{besancon['region']}")
    assert (region["territories"], region["communes"]) == ("3", "1")
    assert region["population"] == str(besancon["population"])
    assert (found["Bretagne"]["territories"], found["Bretagne"]["population"]) == ("1", "0")


def test_communes_covered_by_more_than_one_cls(seed_store: OxigraphStore) -> None:
    (row,) = rows(seed_store, "communes-in-several-cls")
    assert (row["code"], row["name"], row["contracts"]) == ("25056", "Besançon", "2")


def test_territories_without_a_cls_in_force(seed_store: OxigraphStore) -> None:
    (row,) = rows(seed_store, "territories-without-cls-in-force")
    assert (row["name"], row["departementName"], row["lastEnd"]) == (
        "Pays Vesoul - Val de Saône",
        "Haute-Saône",
        "2018",
    )


def test_cls_per_epci_kind(seed_store: OxigraphStore, divisions: Divisions) -> None:
    epci = next(e for e in divisions.epci if "25056" in e["membres"])
    (row,) = rows(seed_store, "cls-per-epci-kind")
    assert row["kind"] == EPCI_KINDS[epci["type"]].value
    assert (row["contracts"], row["epciCount"]) == ("2", "1")


@pytest.mark.parametrize("path", FEDERATED, ids=lambda p: p.stem)
def test_federated_example_is_well_formed(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    prepareQuery(text)  # parses only: nothing is sent anywhere
    assert "SERVICE <https://" in text and "CLS_KG_SERVICE_ALLOWLIST" in text
