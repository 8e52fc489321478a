"""Sections a resource page adds for some classes: a scheme's concepts, a contract's plan.

``SECTIONS`` maps a class to the function that gathers its section; a page shows the
sections of every class of the resource, each drawn by ``templates/sections/{name}.html``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request
from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from cls_kg.graph import geometry
from cls_kg.graph.namespaces import CLS
from cls_kg.graph.store import Row, Store
from cls_kg.i18n import translator as area_translator

from ..core import published
from . import charts, maps
from .charts import Chart
from .describe import fill, iri_term, labels
from .maps import MapView
from .view import Labeller, Page, Value, foreign, pick

Href = Callable[[str], str | None]


@dataclass(frozen=True)
class Entry:
    """One line of a section: a linked resource, a note, a text and sub-entries."""

    value: Value
    note: str = ""
    text: str = ""
    children: tuple[Entry, ...] = ()
    text_lang: str | None = None  # the text's language, when not the page's


@dataclass(frozen=True)
class Section:
    """A titled list of entries, drawn by the template ``sections/{name}.html``."""

    name: str
    title_key: str
    entries: list[Entry] = field(default_factory=list)

    def shown(self) -> bool:
        """Whether the page shows the section: it has something to show."""
        return bool(self.entries)


@dataclass(frozen=True)
class FigureSection(Section):
    """A map or a chart, drawn by ``sections/map.html`` or ``sections/chart.html``."""

    view: MapView | None = None
    chart: Chart | None = None

    def shown(self) -> bool:
        """Shown when the map or chart has something drawn."""
        return bool(self.view) or bool(self.chart)


def position(row: Row, name: str) -> int:
    """A position (``cls:position``) for sorting; unnumbered items last."""
    value = row.get(name)
    return int(str(value)) if value is not None and str(value).isdigit() else 1_000_000


def concepts(store: Store, page: Page, lang: str, href: Href) -> Section:
    """The concepts of a scheme: label, notation, definition in the page's language."""
    rows = store.select(fill("scheme-concepts", this=iri_term(page.iri)))
    found: dict[Any, dict[str, Any]] = {}
    for row in rows:
        entry = found.setdefault(row["concept"], {"definitions": [], "notation": ""})
        if isinstance(row.get("definition"), Literal):
            entry["definitions"].append(row["definition"])
        entry["notation"] = str(row.get("notation", entry["notation"]))
    names = Labeller(labels(store, found), lang, href)
    entries = [concept_entry(names.link(URIRef(c)), data, lang) for c, data in found.items()]
    return Section("concepts", "section-concepts", sorted(entries, key=lambda e: e.value.text))


def concept_entry(link: Value, data: dict[str, Any], lang: str) -> Entry:
    """A concept's line: its link, notation and definition (in its language when not the page's)."""
    definition = pick(data["definitions"], lang)
    if definition is None:
        return Entry(link, data["notation"])
    return Entry(
        link, data["notation"], str(definition), text_lang=foreign(definition.language, lang)
    )


def outline(store: Store, page: Page, lang: str, href: Href) -> Section:
    """A contract's axes, in their order, each with its actions."""
    rows = store.select(fill("contract-outline", this=iri_term(page.iri)))
    axes: dict[Any, tuple[int, list[tuple[int, Any]]]] = {}
    for row in rows:
        _, actions = axes.setdefault(row["axis"], (position(row, "axisPosition"), []))
        if "action" in row:
            actions.append((position(row, "actionPosition"), row["action"]))
    terms = [*axes, *(a for _, acts in axes.values() for _, a in acts)]
    names = Labeller(labels(store, terms), lang, href)
    entries = [
        Entry(
            names.link(URIRef(axis)),
            str(rank) if rank < 1_000_000 else "",
            children=tuple(Entry(names.link(URIRef(a))) for _, a in sorted(set(actions))),
        )
        for axis, (rank, actions) in sorted(axes.items(), key=lambda item: item[1][0])
    ]
    return Section("outline", "section-outline", entries)


def translator(lang: str) -> Callable[..., str]:
    """Messages in the page's language (``pages.translator``, which imports this module)."""
    return area_translator("web", lang)


def geojson_link() -> str | None:
    """Where the territories' GeoJSON of the served version is, when it has one."""
    name = geometry.TERRITORIES_FILE
    has = name in published.current().dumps
    return f"{request.script_root}/dumps/{name}" if has else None


def territory_map(store: Store, page: Page, lang: str, href: Href) -> Section:
    """A territory's map: its communes, its EPCI, its outline."""
    say = translator(lang)
    base = current_app.config["BASE_URI"]
    view = maps.territory_map(store, page.iri, base, href, geojson_link(), say)
    return FigureSection("map", "section-map-territory", view=view)


def contract_map(store: Store, page: Page, lang: str, href: Href) -> Section:
    """A contract's territory on a map."""
    rows = store.select(fill("map-contract-territory", this=iri_term(page.iri)))
    territory = str(rows[0]["territory"]) if rows else ""
    say = translator(lang)
    base = current_app.config["BASE_URI"]
    view = maps.territory_map(store, territory, base, href, geojson_link(), say)
    return FigureSection("map", "section-map-contract", view=view)


def timeline(store: Store, page: Page, lang: str, href: Href) -> Section:
    """A territory's successive contracts over the years."""
    chart = charts.timeline(store, page.iri, translator(lang), lang, href)
    return FigureSection("chart", "section-timeline", chart=chart)


#: Class IRI -> the sections its resources get, in this order.
SECTIONS: dict[str, tuple[Callable[[Store, Page, str, Href], Section], ...]] = {
    str(SKOS.ConceptScheme): (concepts,),
    str(CLS.Contract): (contract_map, outline),
    str(CLS.Territory): (timeline, territory_map),
}


def render(store: Store, page: Page, lang: str, href: Href) -> list[Section]:
    """The sections of a page's classes, those with something to show."""
    makers = (make for t in page.type_iris for make in SECTIONS.get(t, ()))
    return [section for make in makers if (section := make(store, page, lang, href)).shown()]
