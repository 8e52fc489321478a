"""Problems in the publisher's terms: a cell (sheet, row as shown, column letter and header),
what is wrong and how to fix it, in French and English.

A report stays small whatever the file: values are quoted up to ``CLIP`` characters, and a
list of problems is cut to the first N (``capped``), the rest counted in one last line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from cls_kg.i18n import LANGUAGES, say, translator

from ..errors import CellError

SEVERITY_ORDER = ("Violation", "Warning", "Info")
#: Characters of a value (or of a message quoting one) a report keeps.
CLIP = 200


def clip(text: str | None, size: int = CLIP) -> str | None:
    """A value as a report quotes it: the first ``size`` characters, then "…"."""
    if text is None or len(text) <= size:
        return text
    return text[:size] + "…"


def column_letter(index: int) -> str:
    """Spreadsheet letters of a 1-based column index: 1 -> A, 27 -> AA."""
    letters = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass(frozen=True)
class Cell:
    """Where a problem is: a sheet, a row (header = 1) and a column, as far as known."""

    sheet: str
    row: int | None = None
    column: int | None = None
    header: str | None = None

    @property
    def letter(self) -> str | None:
        """The column letter, when the column exists in the file."""
        return column_letter(self.column) if self.column else None

    @property
    def ref(self) -> str:
        """The usual spreadsheet reference: Contrat!H5, Contrat!5, Contrat."""
        return f"{self.sheet}!{self.letter or ''}{self.row or ''}".rstrip("!")

    def describe(self, lang: str) -> str:
        """The cell in words: feuille « Contrat », ligne 5, colonne H (« Statut »)."""
        words = translator("import", lang)
        parts = [words("sheet", sheet=self.sheet)]
        if self.row:
            parts.append(words("row", row=self.row))
        if self.letter:
            parts.append(words("column", letter=self.letter, header=self.header))
        elif self.header:
            parts.append(words("missing-column", header=self.header))
        return ", ".join(parts)

    def order(self) -> tuple[int, int]:
        """Row then column, for sorting."""
        return (self.row or 0, self.column or 0)


@dataclass(frozen=True)
class Problem:
    """One problem, with its text in every language."""

    severity: str
    cell: Cell
    rule: str
    what: Mapping[str, str] = field(default_factory=dict)
    fix: Mapping[str, str] = field(default_factory=dict)
    value: str | None = None
    resource: str | None = None
    property: str | None = None

    def where(self, lang: str) -> str:
        """The cell in words, capitalised to start a line."""
        text = self.cell.describe(lang)
        return text[:1].upper() + text[1:]

    def as_dict(self, lang: str) -> dict[str, object]:
        """The problem for JSON: location, texts in ``lang``, and the technical details."""
        return {
            "severity": self.severity,
            "sheet": self.cell.sheet,
            "row": self.cell.row,
            "column": self.cell.letter,
            "header": self.cell.header,
            "cell": self.cell.ref,
            "message": self.what[lang],
            "fix": self.fix[lang],
            "value": self.value,
            "rule": self.rule,
            "resource": self.resource,
            "property": self.property,
        }


def quoted(value: object, lang: str) -> str:
    """A list of values quoted the way each language quotes."""
    if isinstance(value, list | tuple):
        return ", ".join(say("import.quote", lang, value=v) for v in value) or "—"
    return str(value)


def texts(key: str, values: Mapping[str, object]) -> tuple[dict[str, str], dict[str, str]]:
    """The what/fix texts of a problem key in every language."""
    what: dict[str, str] = {}
    fix: dict[str, str] = {}
    for lang in LANGUAGES:
        filled = {name: quoted(value, lang) for name, value in values.items()}
        what[lang] = say(f"problem.{key}", lang, **filled)
        fix[lang] = say(f"problem.{key}.fix", lang, **filled)
    return what, fix


def problem(
    key: str, cell: Cell, severity: str = "Violation", value: str | None = None, **values: object
) -> Problem:
    """A problem of the template's own checks, named by its key in ``i18n/problem.toml``."""
    return make(key, cell, severity, value, values)


def make(
    key: str, cell: Cell, severity: str, value: str | None, values: Mapping[str, object]
) -> Problem:
    """A problem from its key, place, severity, value and the other words of its message."""
    value = clip(value)
    filled = {"value": value or "", "header": cell.header or "", "sheet": cell.sheet, **values}
    what, fix = texts(key, filled)
    return Problem(severity, cell, f"spreadsheet:{key}", what, fix, value)


def at_cell(error: CellError, cell: Cell) -> Problem:
    """The problem a codec raised, placed at the cell it was reading."""
    return make(error.key, cell, "Violation", error.value, error.values)


def clipped(found: Problem) -> Problem:
    """A problem whose texts quote long values no further than ``CLIP`` (SHACL messages may)."""
    long = (found.value, *found.what.values(), *found.fix.values())
    if all(len(text or "") <= 2 * CLIP for text in long):
        return found
    return replace(
        found,
        value=clip(found.value),
        what={lang: clip(text, 2 * CLIP) or "" for lang, text in found.what.items()},
        fix={lang: clip(text, 2 * CLIP) or "" for lang, text in found.fix.items()},
    )


@dataclass(frozen=True)
class MoreProblems(Problem):
    """The last line of a cut list: how many problems are not listed, and how many are errors."""

    count: int = 0
    violations: int = 0


def more_problems(sheet: str, count: int, violations: int, limit: int) -> MoreProblems:
    """The line that counts the problems a report does not list: an error itself when some of
    them are, so that a cut list never makes a refused file conform."""
    values = {"count": count, "violations": violations, "limit": limit}
    said = make("more-problems", Cell(sheet), "Violation" if violations else "Info", None, values)
    fields = (said.severity, said.cell, said.rule, said.what, said.fix)
    return MoreProblems(*fields, count=count, violations=violations)


def capped(problems: Sequence[Problem], limit: int) -> tuple[Problem, ...]:
    """The first ``limit`` problems, then one line that counts the others (a report stays small
    whatever the file); cutting a cut list again keeps the count."""
    listed = [p for p in problems if not isinstance(p, MoreProblems)]
    counted = [p for p in problems if isinstance(p, MoreProblems)]
    rest = listed[limit:]
    count = len(rest) + sum(p.count for p in counted)
    if not count:
        return tuple(clipped(p) for p in listed)
    violations = sum(p.severity == "Violation" for p in rest) + sum(p.violations for p in counted)
    sheet = (rest or counted)[0].cell.sheet
    kept = tuple(clipped(p) for p in listed[:limit])
    return (*kept, more_problems(sheet, count, violations, limit))
