"""SHACL validation of the converted records, with each result placed back at its cell.

The records are validated exactly as ``cls-kg validate`` validates the Turtle file the import
writes (shipped ontology, vocabularies and records as context). A result's focus node and
path find the cell through the conversion's ``origins``; failing that, the row of the focus
node.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from rdflib import URIRef

from cls_kg.i18n import LANGUAGES, translator

from ..validate_files import validate_files
from ..validation import Result
from .convert import Conversion
from .identifiers import keys_of
from .layout import AXIS, OBJECTIVE, PARTICIPATION
from .problems import Cell, Problem, texts

UNKNOWN_PLACE = Cell("?")

#: A contract's links that other sheets write: a missing one is fixed in that sheet.
LINK_SHEETS: dict[str, str] = {
    "cls:participation": PARTICIPATION.name,
    "cls:signatory": PARTICIPATION.name,
    "cls:generalObjective": OBJECTIVE.name,
    "cls:hasAxis": AXIS.name,
}


def place(cell: Cell, lang: str) -> str:
    """The cell to correct, in words: "la cellule Contrat!H5" or "la ligne 5 de …"."""
    words = translator("import", lang)
    if cell.letter:
        return words("place-cell", ref=cell.ref)
    return words("place-row", row=cell.row, sheet=cell.sheet)


def cell_of(result: Result, conversion: Conversion) -> Cell:
    """The cell a SHACL result is about: by value, by property, else the focus node's row."""
    path = result.path or ""
    for key in ((result.focus, path, result.value), (result.focus, path, None)):
        if key in conversion.origins:
            return conversion.origins[key]
    return conversion.rows.get(result.focus, UNKNOWN_PLACE)


def fix_values(result: Result, cell: Cell, lang: str) -> tuple[str, dict[str, object]]:
    """Which fix to suggest: the cell to correct, or the sheet where the missing rows go."""
    sheet = LINK_SHEETS.get(result.path or "")
    keys = keys_of("contract", URIRef(result.focus))
    if sheet and keys and cell.letter is None:
        return "shacl-rows", {"sheet": sheet, "contract": keys["contract"]}
    return "shacl", {"place": place(cell, lang)}


def from_result(result: Result, conversion: Conversion) -> Problem:
    """A SHACL result as a problem in the publisher's terms."""
    cell = cell_of(result, conversion)
    what: dict[str, str] = {}
    fix: dict[str, str] = {}
    for lang in LANGUAGES:
        key, values = fix_values(result, cell, lang)
        one_what, one_fix = texts(key, {"message": result.message(lang), **values})
        what[lang], fix[lang] = one_what[lang], one_fix[lang]
    return Problem(
        result.severity, cell, result.shape, what, fix, result.value, result.focus, result.path
    )


def shacl_problems(conversion: Conversion, turtle: str) -> list[Problem]:
    """Validate the records as the Turtle file they are written to, and place the results."""
    with tempfile.TemporaryDirectory(prefix="cls-kg-import-") as folder:
        path = Path(folder) / "import.ttl"
        path.write_text(turtle, encoding="utf-8")
        report = validate_files([path])
    return [from_result(result, conversion) for result in report.results]
