"""Charts drawn as SVG on the server, each with its data as a table and its SPARQL query.

Every chart is the answer of one query of ``queries/chart-*.rq`` run through the ``Store``
interface; the page links to the query page prefilled with the same text, so anyone can
check the figures. The drawing is plain geometry (``Chart``); ``templates/_figures.html``
writes it as SVG, with a ``<title>`` per bar (the tooltip) and a link where there is a page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import request
from rdflib import URIRef

from cls_kg.graph.coverage import year as year_of
from cls_kg.graph.store import Row, Store

from .describe import fill, iri_term, labels
from .view import Labeller

Say = Callable[..., str]
Href = Callable[[str], str | None]
WIDTH = 640.0
#: Colours of the generations (CSS classes ``gen-1``...), the last one for any later rank.
GENERATIONS = 4
LABEL_CHARS = 36  # longest label drawn in a chart (the table has the whole one)


@dataclass(frozen=True)
class Bar:
    """One bar: its box, CSS class, tooltip and link."""

    x: float
    y: float
    width: float
    height: float
    css: str
    title: str
    href: str | None = None


@dataclass(frozen=True)
class Text:
    """A label drawn in the chart."""

    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass(frozen=True)
class Cell:
    """A cell of a chart's data table, a link when ``href`` is set."""

    text: str
    href: str | None = None
    number: bool = False


@dataclass
class Chart:
    """A chart ready for the template."""

    key: str
    title: str
    width: float = WIDTH
    height: float = 240.0
    bars: list[Bar] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    grid: list[tuple[float, float, float, float]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    head: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    query: str = ""  # the query page, prefilled

    def __bool__(self) -> bool:
        return bool(self.bars)


def query_link(query: str) -> str:
    """The query page with ``query`` in its form."""
    return f"{request.script_root}/sparql?{urlencode({'query': query})}"


def number(row: Row, name: str) -> int:
    """An integer of a row (0 when unbound or not a number)."""
    text = str(row.get(name, ""))
    return int(text) if text.lstrip("-").isdigit() else 0


def short(text: str) -> str:
    """A label cut to fit beside a bar."""
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def ceiling(value: int) -> int:
    """A round top for an axis: 1, 2 or 5 times a power of ten, at least ``value``."""
    if value <= 5:
        return max(value, 1)
    power = 10 ** math.floor(math.log10(value))
    return int(next(step * power for step in (1, 2, 5, 10) if step * power >= value))


def generation_class(generation: str) -> str:
    """The CSS class of a generation (``gen-0``: unknown)."""
    rank = int(generation) if generation.isdigit() else 0
    return f"gen-{min(rank, GENERATIONS)}"


def per_year(store: Store, say: Say) -> Chart:
    """Contracts signed per year, stacked by generation."""
    query = fill("chart-contracts-per-year")
    counts: dict[tuple[int, str], int] = {}
    for row in store.select(query):
        counts[number(row, "year"), str(row.get("generation", ""))] = number(row, "contracts")
    chart = Chart("chart-years", say("chart-years-title"), query=query_link(query))
    if not counts:
        return chart
    years = list(range(min(y for y, _ in counts), max(y for y, _ in counts) + 1))
    generations = sorted({g for _, g in counts}, key=lambda g: (not g.isdigit(), g.zfill(3)))
    names = {
        g: say("chart-generation", n=g) if g else say("chart-generation-unknown")
        for g in generations
    }
    totals = {y: sum(counts.get((y, g), 0) for g in generations) for y in years}
    top = ceiling(max(totals.values()))
    left, right, bottom, upper = 34.0, 8.0, 26.0, 10.0
    plot = chart.height - bottom - upper
    step = (chart.width - left - right) / len(years)
    for tick in range(0, top + 1, 1 if top <= 5 else top // 2):
        y = upper + plot * (1 - tick / top)
        chart.grid.append((left, y, chart.width - right, y))
        chart.texts.append(Text(left - 4, y + 4, str(tick), "end"))
    every = max(1, math.ceil(len(years) / 12))
    for index, when in enumerate(years):
        x, base = left + index * step, upper + plot
        for generation in generations:
            count = counts.get((when, generation), 0)
            if count:
                height = plot * count / top
                base -= height
                title = say("chart-years-bar", year=when, generation=names[generation], n=count)
                chart.bars.append(
                    Bar(
                        round(x + step * 0.15, 1),
                        round(base, 1),
                        round(step * 0.7, 1),
                        round(height, 1),
                        generation_class(generation),
                        title,
                    )
                )
        if index % every == 0:
            chart.texts.append(Text(round(x + step / 2, 1), chart.height - 8, str(when)))
    chart.legend = [(generation_class(g), names[g]) for g in generations]
    chart.head = [say("col-year"), *(names[g] for g in generations), say("chart-total")]
    chart.rows = [
        [
            Cell(str(y)),
            *(Cell(str(counts.get((y, g), 0)), number=True) for g in generations),
            Cell(str(totals[y]), number=True),
        ]
        for y in years
        if totals[y]
    ]
    return chart


def themes_in_force(store: Store, when: int, say: Say, lang: str, href: Href) -> Chart:
    """Per theme, the contracts in force in ``when`` (horizontal bars, most used first)."""
    query = fill("chart-themes-in-force", year=when)
    rows = [r for r in store.select(query) if isinstance(r.get("theme"), URIRef)]
    chart = Chart("chart-themes", say("chart-themes-title", year=when), query=query_link(query))
    names = Labeller(labels(store, [r["theme"] for r in rows]), lang, href)
    found = sorted(
        ((names.link(URIRef(str(r["theme"]))), number(r, "contracts")) for r in rows),
        key=lambda item: (-item[1], item[0].text),
    )
    if not found:
        return chart
    left, right, line = 250.0, 40.0, 22.0
    chart.height = line * len(found) + 8
    top = max(count for _, count in found)
    for index, (theme, count) in enumerate(found):
        y = 4 + index * line
        width = (chart.width - left - right) * count / top
        title = say("chart-themes-bar", theme=theme.text, n=count)
        chart.bars.append(
            Bar(left, y + 3, round(max(width, 1.0), 1), line - 6, "theme", title, theme.href)
        )
        chart.texts.append(Text(left - 6, y + line / 2 + 4, short(theme.text), "end"))
        chart.texts.append(Text(round(left + width + 4, 1), y + line / 2 + 4, str(count), "start"))
    chart.head = [say("col-theme"), say("chart-in-force", year=when)]
    chart.rows = [[Cell(t.text, t.href), Cell(str(n), number=True)] for t, n in found]
    return chart


@dataclass(frozen=True)
class Span:
    """One contract of a territory's timeline (no years: drawn nowhere, listed in the table)."""

    iri: str
    generation: str
    first: int | None
    last: int | None
    status: str | None

    def period(self) -> str:
        """``2016-2019``, ``2016`` or nothing."""
        if self.first is None or self.last is None:
            return ""
        return f"{self.first}-{self.last}" if self.last != self.first else str(self.first)


def spans(rows: Iterable[Row]) -> list[Span]:
    """The contracts of a territory, one per contract, dated ones first by their years."""
    found: dict[str, Span] = {}
    for row in rows:
        iri = str(row["contract"])
        if iri in found:
            continue
        first = year_of(row.get("start")) or year_of(row.get("signed"))
        last = max(first, year_of(row.get("end")) or first) if first is not None else None
        status = str(row["status"]) if row.get("status") is not None else None
        found[iri] = Span(iri, str(row.get("generation", "")), first, last, status)
    return sorted(found.values(), key=lambda s: (s.first is None, s.first or 0, s.last or 0, s.iri))


def timeline(store: Store, territory: str, say: Say, lang: str, href: Href) -> Chart:
    """A territory's successive contracts as bars over the years, each a link."""
    query = fill("chart-territory-timeline", this=iri_term(territory))
    found = spans(store.select(query))
    chart = Chart("chart-timeline", say("chart-timeline-title"), query=query_link(query))
    dated = [(s, s.first, s.last) for s in found if s.first is not None and s.last is not None]
    if not dated:
        return chart
    terms = [URIRef(s.iri) for s in found] + [URIRef(s.status) for s in found if s.status]
    names = Labeller(labels(store, terms), lang, href)
    first, last = min(f for _, f, _ in dated), max(t for _, _, t in dated) + 1
    left, right, line, axis = 180.0, 20.0, 28.0, 24.0
    chart.height = line * len(dated) + axis + 6
    scale = (chart.width - left - right) / (last - first)
    every = max(1, math.ceil((last - first) / 10))
    for tick in range(first, last + 1, every):
        x = round(left + (tick - first) * scale, 1)
        chart.grid.append((x, 2, x, chart.height - axis + 4))
        chart.texts.append(Text(x, chart.height - 6, str(tick)))
    for index, (span, start, end) in enumerate(dated):
        contract = names.link(URIRef(span.iri))
        y = 4 + index * line
        title = say("chart-timeline-bar", contract=contract.text, period=span.period())
        box = (round(left + (start - first) * scale, 1), y + 4)
        size = (round((end + 1 - start) * scale, 1), line - 8)
        css = generation_class(span.generation)
        chart.bars.append(Bar(*box, *size, css, title, contract.href))
        generation = say("chart-generation", n=span.generation) if span.generation else ""
        shown = " · ".join(part for part in (span.period(), generation) if part)
        chart.texts.append(Text(left - 6, y + line / 2 + 4, shown, "end"))
    chart.head = [say("col-contract"), say("col-generation"), say("col-period"), say("col-status")]
    chart.rows = [
        [
            Cell(names.link(URIRef(s.iri)).text, names.link(URIRef(s.iri)).href),
            Cell(s.generation, number=True),
            Cell(s.period()),
            Cell(names.label(URIRef(s.status)) if s.status else ""),
        ]
        for s in found
    ]
    return chart
