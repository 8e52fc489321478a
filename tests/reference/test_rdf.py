"""The reference copy as RDF: INSEE's classes and properties, IRIs under the base, one graph."""

from __future__ import annotations

import gzip
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib.namespace import XSD

from cls_kg.graph.namespaces import CLSV, DEFAULT_BASE, IGEO
from cls_kg.graph.reference.divisions import DATA_DIR, Divisions
from cls_kg.graph.reference.rdf import (
    EPCI_KINDS,
    REGION_ZONES,
    dataset_iri,
    reference_graph,
    reference_nquads,
    reference_quads,
)
from cls_kg.graph.reference.template import Template

from ..support.queries import query

XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
IDS = f"{DEFAULT_BASE}id/"


def ask(store: ox.Store, rq: str, **values: Any) -> bool:
    """An ASK query of queries/ with the given variables bound, on the union of the graphs."""
    bound = {ox.Variable(key): value for key, value in values.items()}
    return bool(store.query(query(rq), substitutions=bound, use_default_graph_as_union=True))


def iri(path: str) -> ox.NamedNode:
    """An instance IRI under the default base."""
    return ox.NamedNode(IDS + path)


def epci_of(divisions: Divisions, code: str) -> dict[str, Any]:
    """The EPCI a commune belongs to, from the copy."""
    return next(epci for epci in divisions.epci if code in epci["membres"])


def test_besancon_as_the_copy_describes_it(reference_store: ox.Store, divisions: Divisions) -> None:
    commune = divisions.communes_by_code["25056"]
    epci = epci_of(divisions, "25056")
    assert ask(
        reference_store,
        "commune",
        graph=ox.NamedNode(reference_graph(DEFAULT_BASE)),
        commune=iri("commune/25056"),
        code=ox.Literal("25056"),
        name=ox.Literal(commune["nom"], language="fr"),
        siren=ox.Literal(commune["siren"]),
        population=ox.Literal(str(commune["population"]), datatype=XSD_INTEGER),
        departement=iri("departement/25"),
        region=iri(f"region/{commune['region']}"),
        epci=iri(f"epci/{epci['code']}"),
        epciSiren=ox.Literal(epci["code"]),
        kind=EPCI_KINDS[epci["type"]],
    )


def test_a_wrong_population_is_not_found(reference_store: ox.Store, divisions: Divisions) -> None:
    """The commune query can fail: the same question with another population is false."""
    commune = divisions.communes_by_code["25056"]
    epci = epci_of(divisions, "25056")
    assert not ask(
        reference_store,
        "commune",
        commune=iri("commune/25056"),
        population=ox.Literal(str(commune["population"] + 1), datatype=XSD_INTEGER),
        departement=iri("departement/25"),
        epci=iri(f"epci/{epci['code']}"),
    )


def test_one_unit_per_record_of_the_copy(reference_store: ox.Store, divisions: Divisions) -> None:
    counts = {
        str(row["class"].value): int(row["units"].value)
        for row in reference_store.query(query("units-per-class"), use_default_graph_as_union=True)
    }
    in_regions = [d for d in divisions.departements if d["zone"] in REGION_ZONES]
    assert counts == {
        str(IGEO.Commune): len(divisions.communes),
        str(IGEO.Intercommunalite): len(divisions.epci),
        str(IGEO.Departement): len(in_regions),
        str(IGEO.CollectiviteDOutreMer): len(divisions.departements) - len(in_regions),
        str(IGEO.Region): len([r for r in divisions.regions if r["zone"] in REGION_ZONES]),
    }


EPCI_SLUGS = ("communaute-de-communes", "communaute-d-agglomeration", "communaute-urbaine")


def test_every_epci_kind_of_the_copy_is_mapped(divisions: Divisions) -> None:
    assert {epci["type"] for epci in divisions.epci} <= set(EPCI_KINDS)
    slugs = (*EPCI_SLUGS, "metropole")
    concepts = {str(CLSV[f"type-territoire/{slug}"]) for slug in slugs}
    assert {kind.value for kind in EPCI_KINDS.values()} <= concepts


def test_overseas_communes_lie_in_their_collectivity(
    reference_store: ox.Store, divisions: Divisions
) -> None:
    commune = next(c for c in divisions.communes if c["zone"] == "com")
    collectivite = iri(f"collectivite-outre-mer/{commune['departement']}")
    assert ask(
        reference_store,
        "overseas-commune",
        commune=iri(f"commune/{commune['code']}"),
        collectivite=collectivite,
    )


def test_the_dataset_describes_its_version_vintage_and_licence(reference_store: ox.Store) -> None:
    notice = (DATA_DIR / "NOTICE.md").read_text(encoding="utf-8")
    version = notice.split("version **")[1].split("**")[0]
    vintage = notice.split("**Vintage**")[1].split("**")[1]
    assert ask(
        reference_store,
        "dataset",
        dataset=ox.NamedNode(dataset_iri(DEFAULT_BASE)),
        version=ox.Literal(version),
        vintage=ox.Literal(vintage, datatype=ox.NamedNode(str(XSD.gYear))),
    )


def test_every_quad_is_in_the_reference_graph(reference_template: Template) -> None:
    graph = reference_graph(DEFAULT_BASE).encode()
    lines = gzip.decompress(reference_template.dump.read_bytes()).splitlines()
    assert lines and all(line.endswith(b"<" + graph + b"> .") for line in lines)
    assert len(lines) == reference_template.quads


@pytest.mark.parametrize("base", ["http://localhost:8000/", "https://example.org/cls/"])
def test_another_base_moves_every_unit_and_the_dataset(base: str, divisions: Divisions) -> None:
    quads = reference_quads(divisions, base, DATA_DIR)
    subjects = {quad.subject.value for quad in quads}
    assert all(subject.startswith(f"{base}id/") for subject in subjects)
    assert dataset_iri(base) in subjects
    assert {quad.graph_name.value for quad in quads} == {reference_graph(base)}


def test_conversion_is_deterministic(divisions: Divisions) -> None:
    first = ox.serialize(
        reference_quads(divisions, DEFAULT_BASE, DATA_DIR), format=ox.RdfFormat.N_QUADS
    )
    assert first == reference_nquads(DEFAULT_BASE)
