"""The consistency report: figures the sources announce against figures derived from INSEE data.

For each territory and each figure (population, communes, member groupings), the declared
value (``cls:declared*``) is compared with the derived one (``cls:derived*``): within the
tolerance it is consistent, beyond it is a gap; without a derived value it cannot be compared,
because the composition is unknown or the figure does not apply. The build prints the report
(French by default) and writes it as ``consistency.json`` in the version folder.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from rdflib.term import Node

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
        words = TEXT[lang]
        lines = [words["heading"].format(reference=self.reference_text(lang), pct=self.pct())]
        for territory in self.territories:
            lines.extend(territory_lines(territory, words))
        lines.append(words["summary"].format(**self.summary()))
        if self.regions:
            lines.extend(["", *coverage_table(self.regions, words)])
        if self.announced:
            lines.extend(["", words["announced-heading"]])
            lines.extend(announced_line(a, words) for a in self.announced)
        if self.curation is None:
            return "\n".join(lines)
        lines.extend(["", words["curation"].format(count=len(self.curation))])
        for issue in self.curation:
            lines.append(f"  {issue.focus}" + (f" ({issue.value})" if issue.value else ""))
            lines.append(f"    {getattr(issue, lang)}")
        return "\n".join(lines)

    def reference_text(self, lang: str) -> str:
        """The reference dataset as the heading names it."""
        name = self.reference.get("identifier", "?")
        vintage = self.reference.get("vintage")
        return f"{name}, {TEXT[lang]['vintage']} {vintage}" if vintage else name

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


def coverage_table(rows: Sequence[RegionRow], words: Mapping[str, str]) -> list[str]:
    """The coverage table: one line per région, the territories without one, then the total."""
    lines = [words["coverage-heading"], table_line(*words["coverage-columns"].split("|"))]
    for row in rows:
        if not row.region and not row.territories:
            continue
        announced = (
            f"{number(row.announced)} ({row.announced_date})" if row.announced is not None else "—"
        )
        label = row.label or words["no-region"]
        cells = (row.contracts, row.territories, row.linked, row.sourced)
        lines.append(table_line(label, *cells, announced, number(row.held)))
    total = next((r for r in rows if not r.region and r.label == TOTAL), None)
    if total is not None:
        share = f"{100 * total.linked / total.territories:.0f} %" if total.territories else "—"
        lines.append(
            words["coverage-total"].format(
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


def announced_line(figure: Announced, words: Mapping[str, str]) -> str:
    """One announced figure against what the graph holds."""
    return words["announced"].format(
        zone=figure.zone_label,
        indicator=words.get("indicator-" + figure.indicator, figure.indicator),
        date=figure.date,
        value=number(figure.value),
        held=number(figure.held),
        sources=figure.sources.rsplit("/", 1)[-1]
        if " " not in figure.sources
        else ", ".join(s.rsplit("/", 1)[-1] for s in figure.sources.split()),
    )


def territory_lines(territory: TerritoryFigures, words: Mapping[str, str]) -> list[str]:
    """The lines of one territory: its name and composition, then its figures."""
    head = f"  {territory.label} — {words['composition-' + territory.composition]}"
    if not territory.figures:
        return [head + words["no-figure"]]
    return [head] + [figure_line(figure, words) for figure in territory.figures]


def figure_line(figure: Figure, words: Mapping[str, str]) -> str:
    """One figure: declared, derived, and the verdict."""
    gap = words["gap-value"].format(gap=figure.gap * 100) if figure.gap is not None else ""
    return words["figure"].format(
        name=words[figure.name],
        declared=shown(figure.declared),
        derived=shown(figure.derived),
        status=words[figure.status] + gap,
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


TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "heading": "Cohérence des chiffres annoncés (référence : {reference} ; "
        "tolérance {pct} %) :",
        "vintage": "millésime",
        "composition-complete": "composition sourcée",
        "composition-unknown": "composition non sourcée",
        "composition-unstated": "composition non renseignée",
        "no-figure": " ; aucun chiffre annoncé ni calculé.",
        "figure": "    {name} : annoncé {declared}, calculé {derived} → {status}",
        "gap-value": " ({gap:+.1f} %)",
        "population": "population",
        "communes": "communes",
        "members": "groupements membres",
        "consistent": "cohérent",
        "gap": "ÉCART au-delà de la tolérance",
        "unknown-composition": "impossible de comparer : composition inconnue",
        "not-derivable": "non calculable depuis les unités du territoire",
        "not-declared": "non annoncé par la source",
        "summary": "Bilan : {gap} écart(s), {unknown-composition} chiffre(s) impossible(s) à "
        "comparer (composition inconnue), {consistent} cohérent(s).",
        "coverage-heading": "Couverture par région (un contrat compte dans chaque région de son "
        "territoire ; liés : territoires rattachés à des unités officielles ; sourcée : "
        "composition complète et sourcée ; annoncé : dernier nombre de CLS signés annoncé) :",
        "coverage-columns": "Région|contrats|territoires|liés|sourcée|annoncé (date)|détenus",
        "coverage-total": "  Total : {contracts} contrat(s), {territories} territoire(s), dont "
        "{linked} liés à des unités officielles ({share}).",
        "no-region": "(sans région)",
        "announced-heading": "Chiffres annoncés par les sources, comparés au graphe (le graphe "
        "donne une borne basse) :",
        "announced": "  {zone}, {indicator} au {date} : annoncé {value}, dans le graphe {held} "
        "(source : {sources})",
        "indicator-contrats-signes": "contrats signés",
        "indicator-contrats-en-vigueur": "contrats en vigueur",
        "indicator-contrats-en-elaboration": "contrats en élaboration",
        "indicator-part-population-couverte": "part de la population couverte (%)",
        "indicator-population-couverte": "population couverte",
        "indicator-communes-couvertes": "communes couvertes",
        "curation": "Contrôles de curation des fiches livrées (docs/DATA.md) : {count} "
        "violation(s).",
    },
    "en": {
        "heading": "Consistency of the announced figures (reference: {reference}; "
        "tolerance {pct} %):",
        "vintage": "vintage",
        "composition-complete": "composition sourced",
        "composition-unknown": "composition not sourced",
        "composition-unstated": "composition not stated",
        "no-figure": "; no figure announced or derived.",
        "figure": "    {name}: announced {declared}, derived {derived} → {status}",
        "gap-value": " ({gap:+.1f} %)",
        "population": "population",
        "communes": "communes",
        "members": "member groupings",
        "consistent": "consistent",
        "gap": "GAP beyond the tolerance",
        "unknown-composition": "cannot compare: composition unknown",
        "not-derivable": "cannot be derived from the territory's units",
        "not-declared": "not announced by the source",
        "summary": "Summary: {gap} gap(s), {unknown-composition} figure(s) that cannot be "
        "compared (composition unknown), {consistent} consistent.",
        "coverage-heading": "Coverage per région (a contract counts in every région of its "
        "territory; linked: territories tied to official units; sourced: complete, sourced "
        "composition; announced: latest number of signed CLS announced):",
        "coverage-columns": "Région|contracts|territories|linked|sourced|announced (date)|held",
        "coverage-total": "  Total: {contracts} contract(s), {territories} territory(ies), "
        "{linked} of them linked to official units ({share}).",
        "no-region": "(no région)",
        "announced-heading": "Figures announced by the sources, compared with the graph (the "
        "graph gives a lower bound):",
        "announced": "  {zone}, {indicator} on {date}: announced {value}, in the graph {held} "
        "(source: {sources})",
        "indicator-contrats-signes": "contracts signed",
        "indicator-contrats-en-vigueur": "contracts in force",
        "indicator-contrats-en-elaboration": "contracts being drawn up",
        "indicator-part-population-couverte": "share of the population covered (%)",
        "indicator-population-couverte": "population covered",
        "indicator-communes-couvertes": "communes covered",
        "curation": "Curation checks of the shipped records (docs/DATA.md): {count} violation(s).",
    },
}
