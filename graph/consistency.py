"""The consistency report: figures the sources announce against figures derived from INSEE data.

For each territory and each figure (population, communes, member groupings), the declared
value (``cls:declared*``) is compared with the derived one (``cls:derived*``): within the
tolerance it is consistent, beyond it is a gap; without a derived value it cannot be compared,
because the composition is unknown or the figure does not apply. The build prints the report
(French by default) and writes it as ``consistency.json`` in the version folder.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from rdflib.term import Node

from cls_kg.i18n import known, say, translator

from .namespaces import CLS

DEFAULT_TOLERANCE = 0.05

#: Figure -> the variables of territory-figures.rq holding its declared and derived values.
FIGURES: dict[str, tuple[str, str]] = {
    "population": ("declaredPopulation", "derivedPopulation"),
    "communes": ("declaredCommunes", "derivedCommunes"),
    "members": ("declaredMembers", "derivedMembers"),
}

#: Value of cls:compositionStatus -> its name in the report.
COMPOSITIONS: dict[str, str] = {
    str(CLS.CompositionComplete): "complete",
    str(CLS.CompositionUnknown): "unknown",
}

#: Statuses that count as a problem, in the order the summary lists them.
SUMMARY_ORDER = ("gap", "unknown-composition", "consistent", "not-derivable", "not-declared")


@dataclass(frozen=True)
class Figure:
    """One figure of one territory: what the source says, what the reference data gives."""

    name: str
    declared: int | None
    derived: int | None
    status: str
    gap: float | None = None


@dataclass(frozen=True)
class TerritoryFigures:
    """The figures of one territory and the state of its composition."""

    territory: str
    label: str
    composition: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class Announced:
    """A figure a source announces for a zone at a date, and what the graph holds for it
    (``held``: None for an indicator the graph cannot count)."""

    figure: str
    zone: str
    zone_label: str
    indicator: str
    value: float
    date: str
    held: float | None
    sources: str = ""


@dataclass(frozen=True)
class RegionRow:
    """One row of the coverage table: a région (``region`` empty: territories without one)."""

    region: str
    label: str
    contracts: int
    territories: int
    linked: int
    sourced: int
    announced: float | None = None
    announced_date: str | None = None
    held: float | None = None


@dataclass(frozen=True)
class CurationIssue:
    """A curation check the shipped records fail (``shapes/curation/``)."""

    focus: str
    value: str | None
    fr: str
    en: str


@dataclass(frozen=True)
class Consistency:
    """The report of one build."""

    tolerance: float
    reference: dict[str, str]
    territories: tuple[TerritoryFigures, ...]
    regions: tuple[RegionRow, ...] = ()
    announced: tuple[Announced, ...] = ()
    curation: tuple[CurationIssue, ...] | None = None  # None: the checks did not run

    def summary(self) -> dict[str, int]:
        """How many figures have each status."""
        statuses = [f.status for t in self.territories for f in t.figures]
        return {status: statuses.count(status) for status in SUMMARY_ORDER}

    def gaps(self) -> list[tuple[TerritoryFigures, Figure]]:
        """The figures beyond the tolerance."""
        return [(t, f) for t in self.territories for f in t.figures if f.status == "gap"]

    def to_json(self) -> str:
        """The report for tools (and the version folder)."""
        body = {
            "tolerance": self.tolerance,
            "reference": self.reference,
            "summary": self.summary(),
            "territories": [asdict(t) for t in self.territories],
            "regions": [asdict(r) for r in self.regions],
            "announced": [asdict(a) for a in self.announced],
            "curation": None if self.curation is None else [asdict(c) for c in self.curation],
        }
        return json.dumps(body, ensure_ascii=False, indent=2)

    def to_text(self, lang: str = "fr") -> str:
        """The report a person reads: one block per territory, one line per figure."""
        words = translator("consistency", lang)
        lines = [words("heading", reference=self.reference_text(lang), pct=self.pct())]
        for territory in self.territories:
            lines.extend(territory_lines(territory, words))
        lines.append(words("summary", **self.summary()))
        if self.regions:
            lines.extend(["", *coverage_table(self.regions, words)])
        if self.announced:
            lines.extend(["", words("announced-heading")])
            lines.extend(announced_line(a, words) for a in self.announced)
        if self.curation is None:
            return "\n".join(lines)
        lines.extend(["", words("curation", count=len(self.curation))])
        for issue in self.curation:
            lines.append(f"  {issue.focus}" + (f" ({issue.value})" if issue.value else ""))
            lines.append(f"    {getattr(issue, lang)}")
        return "\n".join(lines)

    def reference_text(self, lang: str) -> str:
        """The reference dataset as the heading names it."""
        name = self.reference.get("identifier", "?")
        vintage = self.reference.get("vintage")
        return f"{name}, {say('consistency.vintage', lang)} {vintage}" if vintage else name

    def pct(self) -> str:
        """The tolerance as a percentage."""
        return f"{self.tolerance * 100:g}"


def number(value: float | None) -> str:
    """A figure as the report shows it: whole numbers without decimals, a dash for none."""
    if value is None:
        return "—"
    return f"{value:g}" if value != int(value) else str(int(value))


#: The label of the coverage table's total row (each contract and territory once).
TOTAL = "France"


def coverage_table(rows: Sequence[RegionRow], words: Callable[..., str]) -> list[str]:
    """The coverage table: one line per région, the territories without one, then the total."""
    lines = [words("coverage-heading"), table_line(*words("coverage-columns").split("|"))]
    for row in rows:
        if not row.region and not row.territories:
            continue
        announced = (
            f"{number(row.announced)} ({row.announced_date})" if row.announced is not None else "—"
        )
        label = row.label or words("no-region")
        cells = (row.contracts, row.territories, row.linked, row.sourced)
        lines.append(table_line(label, *cells, announced, number(row.held)))
    total = next((r for r in rows if not r.region and r.label == TOTAL), None)
    if total is not None:
        share = f"{100 * total.linked / total.territories:.0f} %" if total.territories else "—"
        lines.append(
            words(
                "coverage-total",
                contracts=total.contracts,
                territories=total.territories,
                linked=total.linked,
                share=share,
            )
        )
    return lines


def table_line(*cells: object) -> str:
    """One line of the coverage table, columns aligned."""
    label, *counts, announced, held = (str(c) for c in cells)
    numbers = " ".join(f"{c:>11}" for c in counts)
    return f"  {label[:30]:<30} {numbers}  {announced:<18} {held:>8}"


def announced_line(figure: Announced, words: Callable[..., str]) -> str:
    """One announced figure against what the graph holds."""
    indicator = "indicator-" + figure.indicator
    return words(
        "announced",
        zone=figure.zone_label,
        indicator=words(indicator) if known(f"consistency.{indicator}") else figure.indicator,
        date=figure.date,
        value=number(figure.value),
        held=number(figure.held),
        sources=figure.sources.rsplit("/", 1)[-1]
        if " " not in figure.sources
        else ", ".join(s.rsplit("/", 1)[-1] for s in figure.sources.split()),
    )


def territory_lines(territory: TerritoryFigures, words: Callable[..., str]) -> list[str]:
    """The lines of one territory: its name and composition, then its figures."""
    head = f"  {territory.label} — {words('composition-' + territory.composition)}"
    if not territory.figures:
        return [head + words("no-figure")]
    return [head] + [figure_line(figure, words) for figure in territory.figures]


def figure_line(figure: Figure, words: Callable[..., str]) -> str:
    """One figure: declared, derived, and the verdict."""
    gap = words("gap-value", gap=figure.gap * 100) if figure.gap is not None else ""
    return words(
        "figure",
        name=words(figure.name),
        declared=shown(figure.declared),
        derived=shown(figure.derived),
        status=words(figure.status) + gap,
    )


def shown(value: int | None) -> str:
    """A figure, or a dash when there is none."""
    return "—" if value is None else str(value)


def as_int(row: Mapping[str, Node], name: str) -> int | None:
    """An integer binding of a row, if bound."""
    return int(str(row[name])) if name in row else None


def status_of(declared: int | None, derived: int | None, complete: bool, tolerance: float) -> str:
    """The verdict on one figure."""
    if derived is None:
        return "not-derivable" if complete else "unknown-composition"
    if declared is None:
        return "not-declared"
    return "consistent" if abs(relative_gap(declared, derived)) <= tolerance else "gap"


def relative_gap(declared: int, derived: int) -> float:
    """(derived - declared) / declared; any difference from a declared zero is a full gap."""
    if declared == 0:
        return 0.0 if derived == 0 else 1.0
    return (derived - declared) / declared


def figure(name: str, row: Mapping[str, Node], complete: bool, tolerance: float) -> Figure | None:
    """One figure of a row, or None when neither a declared nor a derived value exists."""
    declared_var, derived_var = FIGURES[name]
    declared, derived = as_int(row, declared_var), as_int(row, derived_var)
    if declared is None and derived is None:
        return None
    status = status_of(declared, derived, complete, tolerance)
    gap = None
    if status == "gap" and declared is not None and derived is not None:
        gap = relative_gap(declared, derived)
    return Figure(name, declared, derived, status, gap)


def territory_figures(row: Mapping[str, Node], tolerance: float) -> TerritoryFigures:
    """The figures of one row of territory-figures.rq."""
    composition = COMPOSITIONS.get(str(row.get("composition", "")), "unstated")
    complete = composition == "complete"
    found = (figure(name, row, complete, tolerance) for name in FIGURES)
    label = str(row.get("label", row["territory"]))
    return TerritoryFigures(str(row["territory"]), label, composition, tuple(f for f in found if f))


def compare(
    rows: Sequence[Mapping[str, Node]], reference: Mapping[str, Node], tolerance: float
) -> Consistency:
    """The report from the rows of territory-figures.rq and the reference dataset's row."""
    info = {name: str(value) for name, value in reference.items()}
    return Consistency(tolerance, info, tuple(territory_figures(row, tolerance) for row in rows))


def from_json(text: str) -> Consistency:
    """A report read back from its JSON (the version folder's consistency.json)."""
    body: dict[str, Any] = json.loads(text)
    territories = tuple(
        TerritoryFigures(
            t["territory"], t["label"], t["composition"], tuple(Figure(**f) for f in t["figures"])
        )
        for t in body["territories"]
    )
    regions = tuple(RegionRow(**r) for r in body.get("regions", []))
    announced = tuple(Announced(**a) for a in body.get("announced", []))
    checked = body.get("curation")
    curation = None if checked is None else tuple(CurationIssue(**c) for c in checked)
    return Consistency(
        body["tolerance"], body["reference"], territories, regions, announced, curation
    )
