"""Reading the tables of a filled template into rows of typed values, each value with the cell
it came from. Problems found here are about one cell or one header: a missing mandatory
column or cell, a value its column cannot read. Reading stops after ``Limits.problems`` of
them (a file of twenty thousand bad rows costs no more than one of two hundred).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rdflib.term import Node

from ..errors import CellError
from .cells import parse_cell
from .identifiers import fold
from .layout import CONTRACT, LISTS_SHEET, NOTES_SHEET, SHEETS, Column, Sheet
from .limits import Limits
from .problems import Cell, Problem, at_cell, problem
from .tables import Table


@dataclass
class Row:
    """One filled row of a data sheet: per column key, its cell and its values."""

    sheet: Sheet
    number: int
    cells: dict[str, Cell]
    texts: dict[str, str]
    values: dict[str, list[Node]] = field(default_factory=dict)

    def one(self, key: str) -> Node | None:
        """The first value of a column, if any."""
        found = self.values.get(key)
        return found[0] if found else None

    def text(self, key: str) -> str:
        """What the cell says, as typed."""
        return self.texts.get(key, "")


@dataclass
class Reading:
    """Every row of every data sheet, and the problems met while reading them."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    limits: Limits = field(default_factory=Limits)
    stopped: bool = False

    def full(self, sheet: Sheet, number: int) -> bool:
        """Whether enough problems were found: then reading stops, and says where (first in
        the sheet's problems, so that a cut report still shows it)."""
        limit = self.limits.problems
        if not self.stopped and len(self.problems) >= limit - 1:
            cell = Cell(sheet.name)
            self.problems.append(problem("reading-stopped", cell, row=number, limit=limit))
            self.stopped = True
        return self.stopped

    def of(self, sheet: Sheet) -> list[Row]:
        """The rows of one data sheet (none when the sheet is absent)."""
        return self.rows.get(sheet.name, [])


def locate(sheet: Sheet, headers: list[str], problems: list[Problem]) -> dict[str, int]:
    """Column key -> 0-based position in the file; headers are matched ignoring case and
    accents. Missing mandatory columns and unknown headers are reported."""
    wanted = {fold(c.header): c for c in sheet.columns}
    found: dict[str, int] = {}
    for position, header in enumerate(headers):
        cell = Cell(sheet.name, 1, position + 1, header)
        column = wanted.get(fold(header))
        if column is None and header:
            problems.append(problem("unknown-column", cell, "Warning"))
        elif column is not None and column.key in found:
            problems.append(problem("duplicate-column", cell, "Warning"))
        elif column is not None:
            found[column.key] = position
    for column in sheet.columns:
        if column.required and column.key not in found:
            problems.append(problem("missing-column", Cell(sheet.name, 1, None, column.header)))
    return found


def read_cell(row: Row, column: Column, problems: list[Problem]) -> None:
    """Parse one cell into the row's values; a problem when it cannot be read."""
    text, cell = row.texts[column.key], row.cells[column.key]
    if not text:
        if column.required and cell.column is not None:
            problems.append(problem("missing-value", cell))
        return
    try:
        row.values[column.key] = parse_cell(text, column)
    except CellError as error:
        problems.append(at_cell(error, cell))


def read_row(sheet: Sheet, number: int, line: list[str], positions: Mapping[str, int]) -> Row:
    """A row's texts and cells, before parsing."""
    cells: dict[str, Cell] = {}
    texts: dict[str, str] = {}
    for column in sheet.columns:
        position = positions.get(column.key)
        present = position is not None and position < len(line)
        texts[column.key] = line[position] if present and position is not None else ""
        column_number = position + 1 if position is not None else None
        cells[column.key] = Cell(sheet.name, number, column_number, column.header)
    return Row(sheet, number, cells, texts)


def read_sheet(sheet: Sheet, table: Table, reading: Reading) -> None:
    """Every non-empty row of one data sheet (header = row 1, so data starts at row 2)."""
    if not table:
        return
    positions = locate(sheet, table[0], reading.problems)
    rows = reading.rows.setdefault(sheet.name, [])
    for number, line in enumerate(table[1:], start=2):
        if not any(line):
            continue
        if reading.full(sheet, number):
            return
        row = read_row(sheet, number, line, positions)
        for column in sheet.columns:
            read_cell(row, column, reading.problems)
        rows.append(row)


def read_tables(tables: Mapping[str, Table], limits: Limits | None = None) -> Reading:
    """Read every data sheet; sheets are matched by name ignoring case and accents."""
    reading = Reading(limits=limits or Limits.from_environment())
    known = {fold(s.name): s for s in SHEETS}
    ignored = {fold(NOTES_SHEET), fold(LISTS_SHEET)}
    for name, table in tables.items():
        sheet = known.get(fold(name))
        if sheet is not None:
            read_sheet(sheet, table, reading)
        elif fold(name) not in ignored:
            expected = [s.name for s in SHEETS]
            cell = Cell(name)
            reading.problems.append(problem("unknown-sheet", cell, "Warning", expected=expected))
    if not any(fold(name) == fold(CONTRACT.name) for name in tables):
        reading.problems.append(problem("missing-sheet", Cell(CONTRACT.name)))
    elif not reading.of(CONTRACT):
        reading.problems.append(problem("no-contract", Cell(CONTRACT.name, 2)))
    return reading
