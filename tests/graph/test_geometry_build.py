"""What a build publishes of the geometries: the territories' shapes in the store, the geometry
dump, and the GeoJSON downloads (RFC 7946) of territories and départements."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pyoxigraph as ox
import shapely

from cls_kg.graph import geometry
from cls_kg.graph.build import BuildResult
from cls_kg.graph.namespaces import DEFAULT_BASE, GEO
from cls_kg.graph.reference.geometries import geometry_graph
from cls_kg.graph.store import OxigraphStore

from ..reference.geojson import collection_problems
from ..support.queries import query

IDS = f"{DEFAULT_BASE}id/"
BESANCON = f"{IDS}territory/besancon"
DOUBS = f"{IDS}departement/25"


def download(seed_build: BuildResult, name: str) -> Any:
    """One GeoJSON file of the seed version's dumps."""
    return json.loads((seed_build.path / "dumps" / name).read_text(encoding="utf-8"))


def test_the_build_conforms_and_lists_the_geometry_files(seed_build: BuildResult) -> None:
    assert seed_build.report.conforms
    listed = {entry["name"] for entry in seed_build.manifest["dumps"]}
    expected = {geometry.GEOMETRY_DUMP, geometry.TERRITORIES_FILE, geometry.DEPARTEMENTS_FILE}
    assert expected <= listed


def test_territories_geojson_is_valid_and_carries_the_contracts(seed_build: BuildResult) -> None:
    data = download(seed_build, geometry.TERRITORIES_FILE)
    assert collection_problems(data) == []
    by_id = {feature["id"]: feature for feature in data["features"]}
    assert BESANCON in by_id  # the only seed territory that states the units it covers
    properties = by_id[BESANCON]["properties"]
    assert properties["iri"] == BESANCON and properties["label"] == "Besançon"
    assert properties["contracts"] >= 2
    assert properties["current_contract"].startswith(f"{IDS}contract/besancon")
    assert properties["status"]
    besancon = shapely.geometry.shape(by_id[BESANCON]["geometry"])
    assert besancon.contains(shapely.Point(6.02, 47.24))


def test_departements_geojson_has_the_coverage_per_year(seed_build: BuildResult) -> None:
    data = download(seed_build, geometry.DEPARTEMENTS_FILE)
    assert collection_problems(data) == []
    assert len(data["features"]) == 101
    doubs = next(f for f in data["features"] if f["id"] == DOUBS)["properties"]
    assert doubs["code"] == "25" and doubs["label"] == "Doubs"
    assert doubs["share_2016"] > 0  # the Besançon CLS of 2016-2018
    assert doubs["share_2010"] == 0


def test_the_geometry_dump_holds_units_and_territories(seed_build: BuildResult) -> None:
    data = gzip.decompress((seed_build.path / "dumps" / geometry.GEOMETRY_DUMP).read_bytes())
    quads = list(ox.parse(data, ox.RdfFormat.N_QUADS))
    graphs = {quad.graph_name.value for quad in quads}
    assert graphs == {geometry_graph(DEFAULT_BASE)}
    wkt = {
        quad.subject.value: quad.object for quad in quads if quad.predicate.value == str(GEO.asWKT)
    }
    assert f"{BESANCON}/geometry" in wkt and f"{IDS}commune/25056/geometry" in wkt
    literal = wkt[f"{BESANCON}/geometry"]
    assert literal.datatype.value == str(GEO.wktLiteral)
    assert shapely.from_wkt(literal.value).is_valid


def test_the_store_answers_geosparql_and_the_accessor(seed_store: OxigraphStore) -> None:
    found = geometry.feature(seed_store, BESANCON)
    assert found is not None and found["properties"]["label"] == "Besançon"
    assert collection_problems({"type": "FeatureCollection", "features": [found]}) == []
    assert geometry.feature(seed_store, f"{IDS}territory/pays-chaumont") is None  # no units
    assert geometry.feature(seed_store, "not an IRI>") is None
    layer = geometry.departements_layer(seed_store, 2016)
    assert collection_problems(layer) == []
    doubs = next(f for f in layer["features"] if f["id"] == DOUBS)["properties"]
    assert doubs["year"] == 2016 and doubs["share"] > 0 and doubs["contracts"] >= 1
    empty = geometry.departements_layer(seed_store, 2010)
    assert all(f["properties"]["share"] == 0 for f in empty["features"])


def test_oxigraph_finds_the_territory_containing_a_point(seed_store: OxigraphStore) -> None:
    rows = seed_store.select(query("geometry-contains-point"))
    assert [str(row["territory"]) for row in rows] == [BESANCON]
