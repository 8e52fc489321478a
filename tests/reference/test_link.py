"""Territory links: the seed territories' units, what the build derives, and from what."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from cls_kg.graph.build import BuildResult, build
from cls_kg.graph.consistency import Consistency
from cls_kg.graph.link import Linked, derived_graph, link, reference_context
from cls_kg.graph.namespaces import CLS, DEFAULT_BASE, records_graph
from cls_kg.graph.reference.divisions import Divisions
from cls_kg.graph.reference.rdf import dataset_iri
from cls_kg.graph.reference.template import Template, on_scratch_copy
from cls_kg.graph.sources import RECORDS_DIR, default_sources, parse_files
from cls_kg.graph.store import OxigraphStore
from cls_kg.graph.validation import ValidationFailed, validate

from ..support.queries import query

IDS = f"{DEFAULT_BASE}id/"
XSD_INTEGER = ox.NamedNode(str(XSD.integer))


def node(path: str) -> ox.NamedNode:
    """An instance IRI under the default base."""
    return ox.NamedNode(IDS + path)


def region_of(divisions: Divisions, departement: str) -> str:
    """The région of a département, from the copy."""
    return next(d["region"] for d in divisions.departements if d["code"] == departement)


def links(store: OxigraphStore, territory: str) -> tuple[set[str], set[str], set[str]]:
    """Composition statuses, units lain within, derived figures of one seed territory."""
    bound = {ox.Variable("territory"): node(f"territory/{territory}")}
    rows = list(store.raw_query(query("territory-links"), substitutions=bound))
    return (
        {row["status"].value for row in rows},
        {row["unit"].value.removeprefix(IDS) for row in rows if row["unit"]},
        {row["derived"].value for row in rows if row["derived"]},
    )


def test_besancon_is_its_commune_with_derived_figures(
    seed_store: OxigraphStore, divisions: Divisions
) -> None:
    population = divisions.communes_by_code["25056"]["population"]
    assert ask(
        seed_store,
        "besancon-figures",
        territory=node("territory/besancon"),
        commune=node("commune/25056"),
        population=ox.Literal(str(population), datatype=XSD_INTEGER),
        dataset=ox.NamedNode(dataset_iri(DEFAULT_BASE)),
    )
    status, within, _ = links(seed_store, "besancon")
    assert status == {str(CLS.CompositionComplete)}
    assert within == {"departement/25", f"region/{divisions.communes_by_code['25056']['region']}"}


def ask(store: OxigraphStore, rq: str, **values: Any) -> bool:
    """An ASK query of the tests' queries/ with variables bound."""
    bound = {ox.Variable(key): value for key, value in values.items()}
    return bool(store.raw_query(query(rq), substitutions=bound))


@pytest.mark.parametrize(
    ("territory", "departements"),
    [
        ("pays-vesoul-val-de-saone", {"70"}),
        ("pays-vosges-saonoises", {"70"}),
        ("pays-centre-ouest-bretagne", {"22", "29"}),
        ("pays-chaumont", {"52"}),
        ("bassin-joinville", {"52"}),
    ],
)
def test_pays_without_sourced_composition_say_so(
    seed_store: OxigraphStore, divisions: Divisions, territory: str, departements: set[str]
) -> None:
    status, within, derived = links(seed_store, territory)
    regions = {f"region/{region_of(divisions, code)}" for code in departements}
    assert status == {str(CLS.CompositionUnknown)}
    assert within == {f"departement/{code}" for code in departements} | regions
    assert derived == set()


def test_derived_graph_names_its_origin(seed_store: OxigraphStore) -> None:
    notice = (Path(__file__).resolve().parents[2] / "graph/reference/data/NOTICE.md").read_text()
    vintage = notice.split("**Vintage**")[1].split("**")[1]
    assert ask(
        seed_store,
        "derived-provenance",
        derived=ox.NamedNode(derived_graph(DEFAULT_BASE)),
        records=ox.NamedNode(records_graph(DEFAULT_BASE)),
        dataset=ox.NamedNode(dataset_iri(DEFAULT_BASE)),
        vintage=ox.Literal(vintage, datatype=ox.NamedNode(str(XSD.gYear))),
    )
    records = ox.NamedNode(records_graph(DEFAULT_BASE))
    assert not ask(seed_store, "derived-only-in-its-graph", records=records)


def test_dumps_carry_the_links_and_the_reference_graph(seed_build: BuildResult) -> None:
    dumps = seed_build.path / "dumps"
    merged = (dumps / "cls-kg.nt").read_text(encoding="utf-8")
    assert f"<{IDS}territory/besancon> <{CLS.coversUnit}> <{IDS}commune/25056> ." in merged
    assert f"<{IDS}commune/25056> <{RDFS.label}> " in merged  # the linked unit travels along
    assert (dumps / "reference.nq.gz").stat().st_size > 1_000_000
    assert seed_build.manifest["graphs"][f"{DEFAULT_BASE}graph/reference"] > 300_000


# --- The link step on records written by the tests ----------------------------------------


def first_epci(divisions: Divisions, size: int) -> dict[str, Any]:
    """A communauté de communes of the copy with at least ``size`` members."""
    return next(e for e in divisions.epci if e["type"] == "CC" and len(e["membres"]) >= size)


def territory_covering(units: list[str], declared: dict[Any, int]) -> Graph:
    """Records of one test territory: complete composition, the given units and figures."""
    graph = Graph()
    territory = URIRef(f"{IDS}territory/essai")
    graph.add((territory, RDF.type, CLS.Territory))
    graph.add((territory, RDFS.label, Literal("Territoire d'essai", lang="fr")))
    graph.add((territory, CLS.compositionStatus, CLS.CompositionComplete))
    for unit in units:
        graph.add((territory, CLS.coversUnit, URIRef(IDS + unit)))
    for figure, value in declared.items():
        graph.add((territory, figure, Literal(value, datatype=XSD.nonNegativeInteger)))
    return graph


Linker = Callable[[Graph, float], Linked]


@pytest.fixture
def linker(reference_template: Template) -> Linker:
    """The link step on a throwaway copy of the reference store."""

    def run(records: Graph, tolerance: float = 0.05) -> Linked:
        def work(store: ox.Store) -> Linked:
            return link(store, records, DEFAULT_BASE, tolerance)

        return on_scratch_copy(reference_template, work)

    return run


def figures(consistency: Consistency) -> dict[str, tuple[int | None, str]]:
    """Figure name -> (derived value, status) of the only territory of a report."""
    (territory,) = consistency.territories
    return {f.name: (f.derived, f.status) for f in territory.figures}


def test_an_epci_gives_population_communes_and_members(
    linker: Linker, divisions: Divisions
) -> None:
    epci = first_epci(divisions, 3)
    members = [divisions.communes_by_code[code] for code in epci["membres"]]
    population = sum(m.get("population", 0) for m in members)
    declared = {
        CLS.declaredPopulation: population,
        CLS.declaredCommuneCount: len(members) * 2,
        CLS.declaredMemberCount: 1,
    }
    linked = linker(territory_covering([f"epci/{epci['code']}"], declared), 0.05)
    found = figures(linked.consistency)
    assert found == {
        "population": (population, "consistent"),
        "communes": (len(members), "gap"),
        "members": (1, "consistent"),
    }


def test_a_commune_reached_twice_is_counted_once(linker: Linker, divisions: Divisions) -> None:
    epci = first_epci(divisions, 2)
    units = [f"epci/{epci['code']}", f"commune/{epci['membres'][0]}"]
    linked = linker(territory_covering(units, {}), 0.05)
    assert figures(linked.consistency)["communes"] == (len(epci["membres"]), "not-declared")
    departements = {divisions.communes_by_code[c]["departement"] for c in epci["membres"]}
    within = {str(o).removeprefix(IDS) for o in linked.derived.objects(None, CLS.withinUnit)}
    assert {f"departement/{code}" for code in departements} <= within


@pytest.mark.parametrize(("tolerance", "status"), [(0.05, "consistent"), (0.01, "gap")])
def test_the_tolerance_decides(
    linker: Linker, divisions: Divisions, tolerance: float, status: str
) -> None:
    commune = divisions.communes_by_code["25056"]
    declared = {CLS.declaredPopulation: round(commune["population"] * 1.03)}
    linked = linker(territory_covering(["commune/25056"], declared), tolerance)
    assert figures(linked.consistency)["population"] == (commune["population"], status)


def test_derived_figures_are_typed_and_sourced(linker: Linker) -> None:
    linked = linker(territory_covering(["commune/25056"], {}), 0.05)
    values = list(linked.derived.objects(None, CLS.derivedPopulation))
    assert [getattr(value, "datatype", None) for value in values] == [XSD.nonNegativeInteger]
    sources = set(linked.derived.objects(None, DCTERMS.source))
    assert URIRef(dataset_iri(DEFAULT_BASE)) in sources
    assert URIRef(f"{IDS}commune/25056") in set(linked.units.subjects())


def test_a_unit_missing_from_the_reference_stops_the_build(tmp_path: Path) -> None:
    records = tmp_path / "records"
    records.mkdir()
    for path in RECORDS_DIR.glob("*.ttl"):
        (records / path.name).write_bytes(path.read_bytes())
    (records / "zz-unknown-unit.ttl").write_text(
        (Path(__file__).resolve().parent / "data" / "unknown-unit.ttl").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed) as failure:
        build(tmp_path / "data", sources=default_sources(records))
    found = {(r.shape, r.value) for r in failure.value.report.results if r.severity == "Violation"}
    assert found == {("clssh:TerritoryShape-coversUnit", f"{IDS}commune/00000")}
    assert not (tmp_path / "data" / "versions").exists()


# --- Context for validating a publisher's file (cls-kg validate) ---------------------------

SOURCES = default_sources()


def check(graph: Graph) -> set[tuple[str, str | None]]:
    """Violations of a handed-in graph validated with the units it points at."""
    context = reference_context(graph) + parse_files(SOURCES.vocabularies)
    shapes, ontology = parse_files(SOURCES.shapes), parse_files(SOURCES.ontology)
    report = validate(graph + context, shapes, ontology=ontology)
    return {(r.shape, r.value) for r in report.results if r.severity == "Violation"}


def test_a_file_pointing_at_known_units_validates(divisions: Divisions) -> None:
    epci = first_epci(divisions, 2)
    assert check(territory_covering(["commune/25056", f"epci/{epci['code']}"], {})) == set()


def test_a_file_pointing_at_an_unknown_unit_does_not() -> None:
    found = check(territory_covering(["commune/00000"], {}))
    assert found == {("clssh:TerritoryShape-coversUnit", f"{IDS}commune/00000")}
