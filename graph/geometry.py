"""Geometries of CLS territories and official units: what a build writes, and what map
pages read.

The official units' geometries are shipped (``reference/geometries.py``) and loaded with the
reference template into the named graph ``{base}graph/geometry``. A build adds the geometry
of each territory that covers official units (``cls:coversUnit``): their shapes dissolved
(shapely), as ``geo:hasGeometry``/``geo:asWKT`` in the same named graph, and writes, in the
version's ``dumps/``, that graph (``geometry.nq.gz``), the territories (``territories.geojson``)
and the départements with their coverage by CLS in force per year (``departements.geojson``).

Map pages call ``feature``, ``unit_feature``, ``territory_map`` and ``departements_layer``:
GeoJSON (RFC 7946, CRS84) dictionaries, ready for ``json.dumps``.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from string import Template as TextTemplate
from typing import Any

import pyoxigraph as ox

from . import queries
from .coverage import YEARS, year
from .namespaces import DEFAULT_BASE, data_namespace
from .reference import divisions as reference_divisions
from .reference import geometries as shipped
from .reference.divisions import DATA_DIR, Divisions
from .reference.geometries import (
    Coordinates,
    Geometries,
    feature_collection,
    feature_quads,
    geometry_graph,
)
from .reference.template import GEOMETRY_DUMP, Template
from .store import OxigraphStore, Row, Store

TERRITORIES_FILE = "territories.geojson"
DEPARTEMENTS_FILE = "departements.geojson"
PRECISION = 4  # decimals kept of a dissolved shape (the shipped grid is 1e-4 degree)

#: Folder of a unit's IRI under {base}id/ -> the layer of its shape.
FOLDER_LAYERS: dict[str, str] = {folder: stem for stem, folder in shipped.LAYERS.items()}


@dataclass(frozen=True)
class Shipped:
    """The shipped copy: divisions (who is in what) and geometries (shapes)."""

    divisions: Divisions
    geometries: Geometries

    def communes_of(self, stem: str, code: str) -> set[str]:
        """The communes a unit is made of (a commune: itself)."""
        by_code = self.divisions.by_code
        if stem == "communes":
            return {code}
        if stem == "epci":
            return set(by_code["epci"].get(code, {}).get("membres", []))
        field_name = "departement" if stem == "departements" else "region"
        return {c["code"] for c in self.divisions.communes if c[field_name] == code}

    def coordinates(self, stem: str, code: str) -> Coordinates | None:
        """The shipped shape of one unit."""
        return self.geometries.layer(stem).coordinates(code)


@cache
def shipped_copy(directory: Path = DATA_DIR) -> Shipped | None:
    """The shipped copy of ``directory``, or None when it has no geometries."""
    found = shipped.load(directory)
    return Shipped(reference_divisions.load(directory), found) if found else None


def unit_of(iri: str, base: str) -> tuple[str, str] | None:
    """(layer, code) of an official unit's IRI, or None for anything else."""
    ids = data_namespace(base)
    folder, _, code = iri.removeprefix(ids).partition("/")
    stem = FOLDER_LAYERS.get(folder) if iri.startswith(ids) else None
    return (stem, code) if stem and code and "/" not in code else None


def rounded(coordinates: Any) -> Any:
    """Nested tuples of positions as lists, each number rounded to ``PRECISION``."""
    if isinstance(coordinates, float | int):
        return round(float(coordinates), PRECISION)
    return [rounded(part) for part in coordinates]


def dissolve(parts: list[Coordinates]) -> Coordinates | None:
    """The union of several multipolygons (shapely: imported here, by builds and maps only)."""
    import shapely
    from shapely.geometry import mapping, shape

    from .reference.geometries_update import without_slivers

    shapes = [shape({"type": "MultiPolygon", "coordinates": p}) for p in parts]
    try:
        merged = shapely.coverage_union_all(shapes)
    except shapely.errors.GEOSException:  # the parts overlap: the general union
        merged = shapely.union_all(shapes)
    # On the grid of the shipped shapes, valid there (rounding alone could make it invalid).
    snapped = shapely.set_precision(without_slivers(merged), 10**-PRECISION)
    oriented = shapely.orient_polygons(snapped, exterior_cw=False)
    found: Coordinates = [rounded(mapping(p)["coordinates"]) for p in polygons(oriented)]
    return found or None


def polygons(shape: Any) -> list[Any]:
    """The polygons of a polygonal geometry (the polygonal parts of a collection)."""
    if shape.geom_type == "Polygon":
        return [] if shape.is_empty else [shape]
    return [p for part in getattr(shape, "geoms", []) for p in polygons(part)]


def shape_of(units: Iterable[tuple[str, str]], copy: Shipped) -> Coordinates | None:
    """A territory's shape from the units it covers: one unit's own, else its communes'
    dissolved (each commune once, whatever units it is reached through)."""
    units = sorted(set(units))
    if len(units) == 1 and (own := copy.coordinates(*units[0])):
        return own
    communes = {code for unit in units for code in copy.communes_of(*unit)}
    parts = [found for c in sorted(communes) if (found := copy.coordinates("communes", c))]
    return dissolve(parts) if parts else None


# --- Reading the store ------------------------------------------------------------------------


def text(row: Row, name: str) -> str | None:
    """A value of a row as text, or None."""
    value = row.get(name)
    return None if value is None else str(value)


@dataclass
class Contract:
    """One contract of a territory, as the territories' GeoJSON shows it."""

    iri: str
    label: str | None = None
    start: int | None = None
    end: int | None = None
    signed: int | None = None
    statuses: dict[str, str] = field(default_factory=dict)  # IRI -> French label

    def rank(self) -> tuple[int, int, str]:
        """Which contract is current: the latest start, else the latest signature."""
        return (self.start or self.signed or 0, self.signed or 0, self.iri)


@dataclass
class Territory:
    """One territory: its label, the units it covers, its contracts."""

    iri: str
    label: str | None = None
    units: set[str] = field(default_factory=set)
    contracts: dict[str, Contract] = field(default_factory=dict)

    def current(self) -> Contract | None:
        """The current contract (``Contract.rank``), or None."""
        return max(self.contracts.values(), key=Contract.rank, default=None)

    def properties(self) -> dict[str, Any]:
        """Flat properties for GIS clients (QGIS reads them as attribute columns)."""
        current = self.current()
        return {
            "iri": self.iri,
            "label": self.label,
            "contracts": len(self.contracts),
            "current_contract": current.iri if current else None,
            "current_contract_label": current.label if current else None,
            "status": ", ".join(sorted(set(current.statuses.values()))) if current else None,
            "start": current.start if current else None,
            "end": current.end if current else None,
        }


def territories(store: Store) -> dict[str, Territory]:
    """Every territory of the store with its units and contracts."""
    found: dict[str, Territory] = {}
    for row in store.select(queries.load("geometry-territories")):
        territory = found.setdefault(str(row["territory"]), Territory(str(row["territory"])))
        territory.label = territory.label or text(row, "label")
        if unit := text(row, "unit"):
            territory.units.add(unit)
    for row in store.select(queries.load("geometry-contracts")):
        holder = found.get(str(row["territory"]))
        if holder is None:
            continue
        iri = str(row["contract"])
        contract = holder.contracts.setdefault(iri, Contract(iri))
        contract.label = contract.label or text(row, "label")
        contract.start = contract.start or year(row.get("start"))
        contract.end = contract.end or year(row.get("end"))
        contract.signed = contract.signed or year(row.get("signed"))
        if status := text(row, "status"):
            contract.statuses[status] = text(row, "statusLabel") or status.rsplit("/", 1)[-1]
    return found


def territory_shapes(
    found: Mapping[str, Territory], base: str, copy: Shipped
) -> dict[str, Coordinates]:
    """The shape of every territory that covers official units with a shipped shape."""
    shapes: dict[str, Coordinates] = {}
    for iri, territory in sorted(found.items()):
        units = [u for unit in territory.units if (u := unit_of(unit, base))]
        if units and (shape := shape_of(units, copy)):
            shapes[iri] = shape
    return shapes


@dataclass(frozen=True)
class Coverage:
    """The coverage of one département in one year."""

    share: float
    contracts: int
    covered: int
    population: int


@dataclass
class Departement:
    """One département and its coverage per year (absent: no CLS in force that year)."""

    iri: str
    code: str
    name: str
    years: dict[int, Coverage] = field(default_factory=dict)

    def properties(self, when: int | None = None) -> dict[str, Any]:
        """Flat properties: for one year (``share``...), or every year (``share_2024``...)."""
        base = {"iri": self.iri, "code": self.code, "label": self.name}
        if when is not None:
            found = self.years.get(when, Coverage(0.0, 0, 0, 0))
            return base | {
                "year": when,
                "share": found.share,
                "contracts": found.contracts,
                "covered_population": found.covered,
            }
        return base | {f"share_{y}": self.years[y].share if y in self.years else 0.0 for y in YEARS}


def departements(store: Store) -> dict[str, Departement]:
    """The départements of the store with their derived coverage figures."""
    found: dict[str, Departement] = {}
    for row in store.select(queries.load("geometry-departements")):
        iri = str(row["zone"])
        departement = found.setdefault(iri, Departement(iri, str(row["code"]), str(row["name"])))
        when = year(row.get("year"))
        if when is not None and "share" in row:
            departement.years[when] = Coverage(
                float(str(row["share"])),
                int(str(row["contracts"])),
                int(str(row["covered"])),
                int(str(row["population"])),
            )
    return found


# --- What a build writes ----------------------------------------------------------------------


def territory_nquads(shapes: Mapping[str, Coordinates], base: str) -> bytes:
    """The territories' geometries as N-Quads of the geometry graph."""
    graph = ox.NamedNode(geometry_graph(base))
    quads = [q for iri, coords in sorted(shapes.items()) for q in feature_quads(iri, coords, graph)]
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def write_json(path: Path, data: dict[str, Any]) -> None:
    """A GeoJSON file (UTF-8, compact, stable key order)."""
    path.write_text(
        json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        encoding="utf-8",
    )


def territories_collection(
    found: Mapping[str, Territory], shapes: Mapping[str, Coordinates]
) -> dict[str, Any]:
    """The territories that have a shape, as a FeatureCollection."""
    return feature_collection(
        [shipped.feature(shapes[iri], found[iri].properties(), iri) for iri in sorted(shapes)]
    )


def departements_collection(
    found: Mapping[str, Departement], copy: Shipped, when: int | None = None
) -> dict[str, Any]:
    """The départements with a shipped shape and their coverage (one year, or every year)."""
    features = []
    for iri, departement in sorted(found.items(), key=lambda item: item[1].code):
        shape = copy.coordinates("departements", departement.code)
        if shape:
            features.append(shipped.feature(shape, departement.properties(when), iri))
    return feature_collection(features)


def write_geometry(
    dumps: Path, store: OxigraphStore, base: str, reference: Template, directory: Path
) -> dict[str, int]:
    """The build's part (``build.write_version``, once the dumps are written): territories'
    geometries into the version's store, and the geometry dump and GeoJSON files; returns the
    size of the geometry graph for the manifest. ``directory`` is the reference copy's folder;
    without geometries, nothing is done."""
    copy = shipped_copy(directory)
    if copy is None:
        return {}
    found = territories(store)
    shapes = territory_shapes(found, base, copy)
    added = territory_nquads(shapes, base)
    if added:
        store.store.bulk_load(added, ox.RdfFormat.N_QUADS)
        store.store.flush()
    units = reference.geometry_dump.read_bytes() if reference.geometry_dump.is_file() else b""
    (dumps / GEOMETRY_DUMP).write_bytes(units + gzip.compress(added, compresslevel=6, mtime=0))
    write_json(dumps / TERRITORIES_FILE, territories_collection(found, shapes))
    write_json(dumps / DEPARTEMENTS_FILE, departements_collection(departements(store), copy))
    graph = str(ox.NamedNode(geometry_graph(base)))
    rows = store.select(query_template("geometry-size").substitute(graph=graph))
    return {geometry_graph(base): int(str(rows[0]["triples"]))}


# --- What map pages call ----------------------------------------------------------------------

NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
POSITION = re.compile(rf"({NUMBER})\s+({NUMBER})")


def parse_wkt(wkt: str) -> Coordinates | None:
    """GeoJSON MultiPolygon coordinates of a WKT POLYGON or MULTIPOLYGON (a CRS IRI in front
    is read as CRS84, the only one cls-kg writes); None for anything else or EMPTY."""
    body = re.sub(r"^\s*<[^>]*>\s*", "", wkt).strip()
    kind, _, rest = body.partition("(")
    kind = kind.strip().upper()
    if kind not in ("POLYGON", "MULTIPOLYGON") or not rest:
        return None
    nested = POSITION.sub(r"[\1,\2]", "(" + rest)
    try:
        parsed = json.loads(nested.replace("(", "[").replace(")", "]"))
    except ValueError:
        return None
    result: Coordinates = [parsed] if kind == "POLYGON" else parsed
    return result


@cache
def query_template(name: str) -> TextTemplate:
    """The query ``{name}.rq`` as a template with ``$`` placeholders."""
    return TextTemplate(queries.load(name))


def feature(store: Store, iri: str) -> dict[str, Any] | None:
    """The GeoJSON Feature of anything the store gives a WKT geometry (an official unit or a
    territory), with its French label; None when it has none (or ``iri`` is not an IRI)."""
    try:
        term = str(ox.NamedNode(iri))
    except ValueError:
        return None
    query = query_template("geometry-of").substitute(feature=term)
    rows = store.select(query)
    coordinates = parse_wkt(str(rows[0]["wkt"])) if rows else None
    if coordinates is None:
        return None
    return shipped.feature(coordinates, {"iri": iri, "label": text(rows[0], "label")}, iri)


def unit_feature(
    iri: str, base: str = DEFAULT_BASE, directory: Path = DATA_DIR
) -> dict[str, Any] | None:
    """The GeoJSON Feature of an official unit from the shipped copy (no store needed)."""
    unit, copy = unit_of(iri, base), shipped_copy(directory)
    if unit is None or copy is None:
        return None
    shape = copy.coordinates(*unit)
    if shape is None:
        return None
    record = copy.divisions.by_code[unit[0]].get(unit[1], {})
    properties = {"iri": iri, "code": unit[1], "label": record.get("nom"), "kind": unit[0]}
    return shipped.feature(shape, properties, iri)


def territory_map(
    store: Store, iri: str, base: str = DEFAULT_BASE, directory: Path = DATA_DIR
) -> dict[str, Any]:
    """A territory page's map: the territory's shape (``layer`` "territory"), the EPCI it
    covers ("epci") and its communes ("commune"), as one FeatureCollection."""
    copy = shipped_copy(directory)
    found = territories(store).get(iri)
    if copy is None or found is None:
        return feature_collection([])
    units = sorted(u for unit in found.units if (u := unit_of(unit, base)))
    features: list[dict[str, Any]] = []
    if units and (shape := shape_of(units, copy)):
        features.append(shipped.feature(shape, found.properties() | {"layer": "territory"}, iri))
    ids = data_namespace(base)
    epci = sorted(code for stem, code in units if stem == "epci")
    communes = sorted({c for unit in units for c in copy.communes_of(*unit)})
    for layer, stem, codes in (("epci", "epci", epci), ("commune", "communes", communes)):
        for code in codes:
            unit_iri = f"{ids}{shipped.LAYERS[stem]}/{code}"
            if found_unit := unit_feature(unit_iri, base, directory):
                found_unit["properties"]["layer"] = layer
                features.append(found_unit)
    return feature_collection(features)


def departements_layer(store: Store, when: int, directory: Path = DATA_DIR) -> dict[str, Any]:
    """The national map of one year: every département with the share of its population
    covered by a CLS in force (``share``, percent; 0 when none is), its contracts in force
    and covered population, from the build's derived coverage figures."""
    copy = shipped_copy(directory)
    if copy is None:
        return feature_collection([])
    return departements_collection(departements(store), copy, when)
