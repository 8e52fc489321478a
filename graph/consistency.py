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
class Consistency:
    """The report of one build."""

    tolerance: float
    reference: dict[str, str]
    territories: tuple[TerritoryFigures, ...]

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
        }
        return json.dumps(body, ensure_ascii=False, indent=2)

    def to_text(self, lang: str = "fr") -> str:
        """The report a person reads: one block per territory, one line per figure."""
        words = TEXT[lang]
        lines = [words["heading"].format(reference=self.reference_text(lang), pct=self.pct())]
        for territory in self.territories:
            lines.extend(territory_lines(territory, words))
        lines.append(words["summary"].format(**self.summary()))
        return "\n".join(lines)

    def reference_text(self, lang: str) -> str:
        """The reference dataset as the heading names it."""
        name = self.reference.get("identifier", "?")
        vintage = self.reference.get("vintage")
        return f"{name}, {TEXT[lang]['vintage']} {vintage}" if vintage else name

    def pct(self) -> str:
        """The tolerance as a percentage."""
        return f"{self.tolerance * 100:g}"


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
    return Consistency(body["tolerance"], body["reference"], territories)


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
    },
}
