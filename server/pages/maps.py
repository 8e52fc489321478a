"""Maps drawn as SVG on the server: no tile server, no script, nothing from another host.

Shapes come from the build's geometries (``cls_kg.graph.geometry``, read only): GeoJSON
coordinates in longitude/latitude, projected here with an equirectangular projection
corrected by the cosine of the map's middle latitude (good enough at the scale of a
département or of France), into an SVG ``viewBox``. The national map draws the overseas
départements as insets, each with its own frame. Paths are drawn on the pixel grid with
relative moves and drop points that fall on the previous one, so a page stays light.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import pairwise
from typing import Any

from cls_kg.graph import geometry
from cls_kg.graph.coverage import YEARS
from cls_kg.graph.namespaces import data_namespace
from cls_kg.graph.reference.geometries import LAYERS
from cls_kg.graph.store import Store

from .describe import fill, iri_term

Position = Sequence[float]
Ring = Sequence[Position]
Polygons = Sequence[Sequence[Ring]]  # a GeoJSON MultiPolygon's coordinates
Box = tuple[float, float, float, float]  # min lon, min lat, max lon, max lat

WIDTH = 640.0  # the national map's viewBox width
HEIGHT = 600.0
TERRITORY_WIDTH = 480.0
METRO_FRAME: Box = (120.0, 4.0, 636.0, 596.0)  # x0, y0, x1, y1 of metropolitan France
#: Overseas départements drawn as insets on the national map, in this order (left column).
INSETS = ("971", "972", "973", "974", "976")
INSET_SIZE = 104.0
#: Share classes of the national map: (lowest share included, CSS class); the first is "none".
CLASSES: tuple[tuple[float, str], ...] = (
    (0.0, "share-0"),
    (0.05, "share-1"),
    (25.0, "share-2"),
    (50.0, "share-3"),
    (75.0, "share-4"),
)


@dataclass(frozen=True)
class Shape:
    """One drawn area: its path, its CSS class, a link and a tooltip."""

    d: str
    css: str
    title: str
    href: str | None = None


@dataclass(frozen=True)
class Frame:
    """The box of an inset on the national map, with its name."""

    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass
class MapView:
    """A map ready for the template: its box, shapes, insets, legend and data table."""

    key: str  # the map's id in the page
    width: float
    height: float
    shapes: list[Shape] = field(default_factory=list)
    frames: list[Frame] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (CSS class, label)
    rows: list[tuple[str, str | None, str, str]] = field(default_factory=list)
    geojson: str | None = None  # where to download the map's GeoJSON
    query: str = ""  # the SPARQL query of the map's figures

    def __bool__(self) -> bool:
        return bool(self.shapes)


Projector = Callable[[Position], tuple[float, float]]


def bounds(polygons: Iterable[Polygons]) -> Box:
    """The longitude/latitude box of some shapes."""
    lons: list[float] = []
    lats: list[float] = []
    for shape in polygons:
        for polygon in shape:
            for ring in polygon:
                lons.extend(p[0] for p in ring)
                lats.extend(p[1] for p in ring)
    return min(lons), min(lats), max(lons), max(lats)


def projector(box: Box, frame: tuple[float, float, float, float]) -> Projector:
    """A projection of ``box`` (lon/lat) into ``frame`` (x0, y0, x1, y1), centred, to scale."""
    west, south, east, north = box
    squeeze = math.cos(math.radians((south + north) / 2))
    span_x, span_y = max((east - west) * squeeze, 1e-9), max(north - south, 1e-9)
    x0, y0, x1, y1 = frame
    scale = min((x1 - x0) / span_x, (y1 - y0) / span_y)
    left = x0 + ((x1 - x0) - span_x * scale) / 2
    top = y0 + ((y1 - y0) - span_y * scale) / 2
    return lambda p: (left + (p[0] - west) * squeeze * scale, top + (north - p[1]) * scale)


def ring_path(ring: Ring, project: Projector) -> str:
    """One closed ring as SVG path commands on the pixel grid: a first point, then relative
    moves; points on the previous pixel are dropped (a page stays light)."""
    points: list[tuple[int, int]] = []
    for position in ring:
        x, y = project(position)
        point = (round(x), round(y))
        if not points or points[-1] != point:
            points.append(point)
    if len(points) < 3:
        return ""
    moves = " ".join(f"{x - px} {y - py}" for (px, py), (x, y) in pairwise(points))
    return f"M{points[0][0]} {points[0][1]}l{moves}Z"


def path(shape: Polygons, project: Projector) -> str:
    """A multipolygon as one SVG path (holes drawn with the even-odd rule)."""
    return "".join(ring_path(ring, project) for polygon in shape for ring in polygon)


def share_class(share: float) -> str:
    """The CSS class of a share of population covered (percent)."""
    return [css for lowest, css in CLASSES if share >= lowest][-1]


def legend(say: Callable[..., str]) -> list[tuple[str, str]]:
    """The national map's legend: one line per share class."""
    labels = [say("map-share-none")]
    uppers = [lowest for lowest, _ in CLASSES[2:]] + [100.0]
    labels += [
        say("map-share-range", low=f"{lowest:g}", high=f"{high:g}")
        for lowest, high in zip([0.0, *uppers[:-1]], uppers, strict=True)
    ]
    return list(zip((css for _, css in CLASSES), labels, strict=True))


def chosen_year(value: str | None) -> int:
    """The year of the national map: ``?annee=`` when it is one of ``YEARS``, else this year."""
    today = min(max(date.today().year, YEARS.start), YEARS.stop - 1)
    return int(value) if value and value.isdigit() and int(value) in YEARS else today


@cache
def national_frames() -> dict[str, tuple[Projector, Frame | None]]:
    """Per département code, how to project it: metropolitan France, or its inset."""
    copy = geometry.shipped_copy()
    if copy is None:
        return {}
    layer = copy.geometries.layer("departements")
    records = copy.divisions.by_code["departements"]
    metro = [
        s
        for code, r in records.items()
        if r.get("zone") == "metro"
        if (s := layer.coordinates(code))
    ]
    found: dict[str, tuple[Projector, Frame | None]] = {}
    whole = projector(bounds(metro), METRO_FRAME)
    for code, record in records.items():
        if record.get("zone") == "metro":
            found[code] = (whole, None)
    for rank, code in enumerate(INSETS):
        shape = layer.coordinates(code)
        if shape is None or code not in records:
            continue
        top = 6.0 + rank * (INSET_SIZE + 12.0)
        frame = Frame(4.0, top, INSET_SIZE, INSET_SIZE, str(records[code]["nom"]))
        inner = (frame.x + 4, frame.y + 4, frame.x + frame.width - 4, frame.y + frame.height - 4)
        found[code] = (projector(bounds([shape]), inner), frame)
    return found


@cache
def national_paths() -> dict[str, str]:
    """The SVG path of every drawn département (shipped shapes: computed once per process)."""
    copy = geometry.shipped_copy()
    if copy is None:
        return {}
    layer = copy.geometries.layer("departements")
    drawn: dict[str, str] = {}
    for code, (project, _) in national_frames().items():
        shape = layer.coordinates(code)
        if shape is not None:
            drawn[code] = path(shape, project)
    return drawn


def decimal(value: float, say: Callable[..., str]) -> str:
    """A share with one decimal, written the page's language's way."""
    return f"{value:.1f}".replace(".", say("decimal"))


def national_map(
    store: Store, when: int, say: Callable[..., str], href: Callable[[str], str | None]
) -> MapView:
    """France, each département coloured by the share of its population covered by a CLS
    in force in ``when``, a link to its page; with the legend and the data table."""
    drawn = national_paths()
    view = MapView("map-france", WIDTH, HEIGHT, legend=legend(say))
    view.frames = [frame for _, frame in national_frames().values() if frame is not None]
    view.query = fill("map-departements", year=when)
    for row in store.select(view.query):
        code, name = str(row["code"]), str(row["name"])
        share = float(str(row["share"])) if "share" in row else 0.0
        contracts = str(row.get("contracts", 0))
        link = href(str(row["zone"]))
        shown = decimal(share, say)
        title = say("map-departement-title", name=name, share=shown, n=contracts)
        if code in drawn:
            view.shapes.append(Shape(drawn[code], share_class(share), title, link))
        view.rows.append((name, link, shown, contracts))
    return view


def feature_shape(
    item: dict[str, Any], project: Projector, href: Callable[[str], str | None]
) -> Shape:
    """One feature of a territory's map as a shape of its layer."""
    properties = item["properties"]
    layer = properties.get("layer", "commune")
    label = properties.get("label") or properties.get("iri", "")
    return Shape(
        path(item["geometry"]["coordinates"], project),
        f"layer-{layer}",
        str(label),
        href(str(properties["iri"])) if properties.get("iri") else None,
    )


def territory_features(store: Store, iri: str, base: str) -> list[dict[str, Any]]:
    """A territory's outline (its geometry in the store), then its EPCI and communes (shipped
    shapes), as GeoJSON features with a ``layer``: ``geometry.territory_map`` for one
    territory, without reading every territory of the store."""
    copy = geometry.shipped_copy()
    outline = geometry.feature(store, iri) if iri else None
    if copy is None or outline is None:
        return []
    outline["properties"]["layer"] = "territory"
    rows = store.select(fill("map-territory-units", this=iri_term(iri)))
    units = sorted(u for row in rows if (u := geometry.unit_of(str(row["unit"]), base)))
    epci = sorted(code for stem, code in units if stem == "epci")
    communes = sorted({c for unit in units for c in copy.communes_of(*unit)})
    ids = data_namespace(base)
    found = []
    for layer, stem, codes in (("commune", "communes", communes), ("epci", "epci", epci)):
        for code in codes:
            unit = geometry.unit_feature(f"{ids}{LAYERS[stem]}/{code}", base)
            if unit is not None:
                unit["properties"]["layer"] = layer
                found.append(unit)
    return [*found, outline]


def territory_map(
    store: Store,
    iri: str,
    base: str,
    href: Callable[[str], str | None],
    geojson: str | None,
    say: Callable[..., str],
) -> MapView:
    """A territory's map: its communes, its EPCI and its outline, each a link."""
    features = [f for f in territory_features(store, iri, base) if f.get("geometry")]
    view = MapView("map-territory", TERRITORY_WIDTH, TERRITORY_WIDTH, geojson=geojson)
    if not features:
        return view
    box = bounds(f["geometry"]["coordinates"] for f in features)
    west, south, east, north = box
    across = max((east - west) * math.cos(math.radians((south + north) / 2)), 1e-9)
    view.height = round(min(max(TERRITORY_WIDTH * (north - south) / across, 160.0), 640.0), 1)
    project = projector(box, (6.0, 6.0, view.width - 6.0, view.height - 6.0))
    view.shapes = [feature_shape(f, project, href) for f in features]
    for item in features:
        properties = item["properties"]
        if properties.get("layer") in ("commune", "epci"):
            layer = say(f"map-layer-{properties['layer']}")
            label = str(properties.get("label") or "")
            code = str(properties.get("code", ""))
            view.rows.append((label, href(str(properties["iri"])), layer, code))
    view.rows.sort(key=lambda row: row[2] != say("map-layer-epci"))  # EPCI first
    return view
