"""The landing page ``/``: what the dataset is, its figures, the contracts with filters.

Filters are a plain GET form (``?status=signe&theme=sante-mentale&kind=pays``): each value is
the notation of a concept of its scheme; an unknown value filters nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from flask import Blueprint, Flask, Response, current_app, render_template, request
from rdflib import URIRef
from rdflib.term import Node

from cls_kg.graph import geometry
from cls_kg.graph.coverage import YEARS
from cls_kg.graph.store import Row, Store

from ..core import published, ratelimit, state
from ..core.language import language, remember_language
from ..core.store import get_store, served
from . import charts, maps, pagecache, render
from .describe import fill, iri_term, labels
from .view import Labeller, Value

bp = Blueprint("landing", __name__)
bp.before_request(ratelimit.limit)
bp.after_request(remember_language)

FACETS = ("status", "theme", "kind")
COUNTS = ("contracts", "territories", "signatories", "axes", "actions", "declaredActions")


@dataclass(frozen=True)
class Option:
    """One choice of a filter."""

    notation: str
    iri: str
    label: str
    lang: str | None = None  # the label's language, when not the page's


@dataclass(frozen=True)
class ContractLine:
    """One contract of the list."""

    contract: Value
    territory: Value
    status: Value | None
    generation: str
    period: str


class Figures(state.Recent[tuple[Any, ...], dict[str, Any]]):
    """The maps and charts an app made last, by version, year, language and script root."""

    NAME: ClassVar[str] = "landing"
    SIZE: ClassVar[int] = 64


def init_app(app: Flask) -> None:
    """Give the app its table of figures made."""
    state.register(app, Figures())


def number(row: Row, name: str) -> int:
    """An integer of a result row; 0 when unbound."""
    value = row.get(name)
    return int(str(value)) if value is not None else 0


def options(store: Store) -> dict[str, list[tuple[str, str]]]:
    """Per facet, the (notation, IRI) of each concept one can filter on."""
    found: dict[str, list[tuple[str, str]]] = {facet: [] for facet in FACETS}
    for row in store.select(fill("filter-options")):
        found[str(row["facet"])].append((str(row["notation"]), str(row["concept"])))
    return found


def chosen(choices: dict[str, list[tuple[str, str]]]) -> dict[str, str | None]:
    """The IRI of each facet's value in the query string, None when absent or unknown."""
    wanted = {facet: request.args.get(facet, "") for facet in FACETS}
    return {
        facet: next((iri for notation, iri in choices[facet] if notation == wanted[facet]), None)
        for facet in FACETS
    }


def contract_rows(store: Store, filters: dict[str, str | None]) -> list[Row]:
    """The contracts matching the filters."""
    values = {facet: iri_term(iri) if iri else "UNDEF" for facet, iri in filters.items()}
    return store.select(fill("contracts", **values))


def period(row: Row) -> str:
    """A contract's period as ``2016-2019`` (or one end)."""
    start, end = row.get("start"), row.get("end")
    if start is None and end is None:
        return ""
    return f"{start or '…'}-{end or '…'}"


def contract_line(row: Row, names: Labeller) -> ContractLine:
    """A row of the contracts query as a line of the list."""
    status = row.get("status")
    return ContractLine(
        contract=names.link(URIRef(str(row["contract"]))),
        territory=names.link(URIRef(str(row["territory"]))),
        status=names.link(URIRef(str(status))) if status is not None else None,
        generation=str(row.get("generation", "")),
        period=period(row),
    )


def terms_of(rows: Iterable[Row], *names: str) -> list[Node]:
    """Every IRI bound to one of ``names`` in ``rows``."""
    return [row[n] for row in rows for n in names if isinstance(row.get(n), URIRef)]


def gather(store: Store, lang: str) -> dict[str, Any]:
    """Everything the landing page shows."""
    choices = options(store)
    filters = chosen(choices)
    contracts = contract_rows(store, filters)
    themes = store.select(fill("actions-per-theme"))
    regions = store.select(fill("contracts-per-region"))
    concepts = [URIRef(iri) for facet in choices.values() for _, iri in facet]
    terms = [
        *terms_of(contracts, "contract", "territory", "status"),
        *terms_of(themes, "theme"),
        *terms_of(regions, "region"),
        *concepts,
    ]
    names = Labeller(labels(store, terms), lang, render.href)
    counts = store.select(fill("landing-counts"))[0]
    lines = sorted((contract_line(row, names) for row in contracts), key=line_order)
    return {
        "counts": {n: number(counts, n) for n in COUNTS},
        "themes": sorted(
            (
                (
                    names.link(URIRef(str(r["theme"]))),
                    *(number(r, n) for n in ("contracts", "axes", "actions")),
                )
                for r in themes
            ),
            key=lambda item: (-item[3], -item[1], item[0].text),
        ),
        "regions": sorted(
            ((names.link(URIRef(str(r["region"]))), number(r, "contracts")) for r in regions),
            key=lambda item: item[0].text,
        ),
        "options": {
            facet: sorted(
                (Option(n, i, *names.named(URIRef(i))) for n, i in found), key=lambda o: o.label
            )
            for facet, found in choices.items()
        },
        "selected": {facet: request.args.get(facet, "") for facet in FACETS},
        "filtered": any(filters.values()),
        "contracts": lines,
    }


def line_order(line: ContractLine) -> tuple[str, str, str]:
    """Contracts by territory, then generation, then label."""
    return line.territory.text.casefold(), line.generation.zfill(3), line.contract.text


def figures(store: Store, lang: str) -> dict[str, Any]:
    """The national map of the chosen year (``?annee=``) and the charts, made once per
    version, year, language and script root (the contract filters do not change them)."""
    when = maps.chosen_year(request.args.get("annee"))
    key = (served().key, when, lang, request.script_root)
    return state.of(Figures).get(key, partial(make_figures, store, lang, when))


def make_figures(store: Store, lang: str, when: int) -> dict[str, Any]:
    """The national map of ``when`` and the charts."""
    say = render.translator(lang)
    has = geometry.DEPARTEMENTS_FILE in published.current().dumps
    national = maps.national_map(store, when, say, render.href)
    return {
        "year": when,
        "years": list(YEARS),
        "national": national,
        "national_query": charts.query_link(national.query),
        "national_geojson": f"{request.script_root}/dumps/{geometry.DEPARTEMENTS_FILE}"
        if has
        else None,
        "charts": [
            charts.per_year(store, say),
            charts.themes_in_force(store, when, say, lang, render.href),
        ],
    }


def dumps() -> list[tuple[str, str, int]]:
    """The dumps of the served version: name, link, size."""
    base = current_app.config["BASE_URI"]
    version = published.current()
    return [
        (name, render.href(f"{base}dumps/{name}") or "", dump.bytes)
        for name, dump in sorted(version.dumps.items())
    ]


@bp.route("/")
def home() -> Response:
    """The landing page, reused while the same version is served."""
    return pagecache.cached(page)


def page() -> Response:
    """The landing page, made."""
    lang = language()
    store = get_store()
    data = gather(store, lang)
    version = published.current()
    html = render_template(
        "landing.html",
        **render.context(lang),
        **data,
        **figures(store, lang),
        dumps=dumps(),
        version=version.manifest.get("version", ""),
        built_at=version.built_at.date().isoformat(),
    )
    response = Response(html, 200, content_type="text/html; charset=utf-8")
    response.vary.update(("Accept-Language", "Cookie"))
    return response
