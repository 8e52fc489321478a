"""Reading and writing the template's files: an XLSX workbook (openpyxl), or the same layout as
a folder or a zip of CSV files, one per sheet (UTF-8, header row = the French headers).

Whatever the format, reading gives plain text tables: sheet name -> rows of cell text, the
header row first, so row numbers are the ones the publisher sees (header = row 1).

Reading costs what the file holds, not what it declares, within ``Limits``: a worksheet's
``<dimension>`` is not trusted (openpyxl would pad every row to it), rows are read as the XML
has them, columns past the limit are not read, and values beyond the row, column or cell
limits refuse the file (``SpreadsheetRefused``, a problem of the report). A sheet whose XML
is broken (truncated, damaged) is refused the same way, naming the sheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.reader.workbook import WorkbookParser
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.constants import ARC_WORKBOOK
from openpyxl.xml.functions import iterparse

from ..errors import SpreadsheetRefused, SpreadsheetUnreadable
from .cells import CODECS
from .layout import LISTS_SHEET, NOTES_SHEET, SHEETS, YES_NO, Column, Sheet
from .limits import Limits
from .problems import column_letter, texts
from .tables import Book, Table, all_tables, list_range

Tables = dict[str, Table]

#: Delimiters a CSV file may use (French spreadsheet software often writes ";").
DELIMITERS = (",", ";", "\t")
#: Rows of the data sheets that get the list drop-downs.
VALIDATED_ROWS = 1000
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
#: Kinds of columns formatted as text, so that software does not turn 2012-06 into a date
#: or drop the leading zero of a code.
TEXT_KINDS = frozenset({"identifier", "siren", "reference", "date", "units", "sources"})


# --- Reading --------------------------------------------------------------------------------


def _number_text(value: object) -> str:
    """A number as typed: 2016, not 2016.0."""
    assert isinstance(value, float)
    return str(int(value)) if value.is_integer() else str(value)


def _datetime_text(value: object) -> str:
    """A date typed in a cell is stored as a datetime at midnight: give back the date."""
    assert isinstance(value, dt.datetime)
    return value.date().isoformat() if value.time() == dt.time() else value.isoformat()


#: Python type of a cell value (openpyxl) -> its text.
CELL_TEXT: dict[type, Callable[[object], str]] = {
    type(None): lambda v: "",
    bool: lambda v: YES_NO[0] if v else YES_NO[1],
    float: _number_text,
    dt.datetime: _datetime_text,
    dt.date: lambda v: v.isoformat() if isinstance(v, dt.date) else str(v),
    dt.time: lambda v: v.isoformat() if isinstance(v, dt.time) else str(v),
}


def cell_text(value: object) -> str:
    """A cell's value as the text the publisher typed (numbers without ".0", dates ISO)."""
    text = CELL_TEXT.get(type(value), str)(value)
    return text.replace("\r\n", "\n").strip()


def blank(values: Sequence[object]) -> bool:
    """No value at all (openpyxl gives None for an empty cell, csv ""): counted in C, as a
    sheet may have a million empty rows."""
    return values.count(None) + values.count("") == len(values)


#: How many times the column limit a CSV line may hold delimiters before it is refused unread.
WIDTH_MARGIN = 20


@dataclass
class Budget:
    """What reading one file may still cost: its limits and the filled cells read so far."""

    path: Path
    limits: Limits
    cells: int = 0

    def refuse(self, sheet: str, key: str, line: int | None = None, **values: object) -> None:
        """Stop reading: the file is beyond a limit (a problem at the sheet, in its words)."""
        reason = texts(key, {"sheet": sheet, **values})[0]["en"]
        raise SpreadsheetRefused(self.path, sheet, key, reason, line, **values)

    def row(self, sheet: str, number: int, values: Sequence[object]) -> list[str]:
        """One row as text, within the row, column and cell limits."""
        limits = self.limits
        if number > limits.rows + 1:
            self.refuse(sheet, "too-many-rows", number, limit=limits.rows, last=limits.rows + 1)
        if not blank(values[limits.columns :]):
            letter = column_letter(limits.columns)
            self.refuse(sheet, "too-many-columns", number, limit=limits.columns, letter=letter)
        texts = [cell_text(v) for v in values[: limits.columns]]
        self.cells += len(texts) - texts.count("")
        if self.cells > limits.cells:
            self.refuse(sheet, "too-many-cells", number, limit=limits.cells)
        return texts[: max((i + 1 for i, v in enumerate(texts) if v), default=0)]

    def check_width(self, sheet: str, text: str, delimiter: str) -> None:
        """A CSV line far wider than the column limit is refused before the csv module makes
        a list of its fields (delimiters inside quoted text count too: hence the margin)."""
        widest = WIDTH_MARGIN * self.limits.columns
        for number, line in enumerate(text.split("\n"), start=1):
            if line.count(delimiter) > widest:
                letter = column_letter(self.limits.columns)
                self.refuse(
                    sheet, "too-many-columns", number, limit=self.limits.columns, letter=letter
                )

    def table(self, sheet: str, rows: Iterable[Sequence[object]]) -> Table:
        """A sheet's rows as text: blank rows cost nothing, values past a limit refuse it."""
        table: Table = []
        empty: object = None  # openpyxl yields one tuple for all the rows missing from the XML
        for number, values in enumerate(rows, start=1):
            if values is not empty and not blank(values):
                table.append(self.row(sheet, number, values))
                continue
            empty = values
            if number <= self.limits.rows + 1:
                table.append([])
        while table and not table[-1]:
            table.pop()
        return table


#: What openpyxl raises on a worksheet whose XML or compressed data is broken.
BROKEN_SHEET = (SyntaxError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError)


def xlsx_table(worksheet: Any, budget: Budget) -> Table:
    """One worksheet, as its XML has it: the declared ``<dimension>`` is ignored."""
    worksheet.reset_dimensions()
    rows = worksheet.iter_rows(max_col=budget.limits.columns + 1, values_only=True)
    try:
        return budget.table(worksheet.title, rows)
    except BROKEN_SHEET as error:
        detail = type(error).__name__
        budget.refuse(worksheet.title, "unreadable-sheet", detail=detail)
        raise AssertionError("unreachable") from error  # refuse always raises


def broken_sheet(path: Path) -> str | None:
    """The title of the first worksheet whose XML does not parse (to name it), if one does not."""
    with zipfile.ZipFile(path) as archive:
        parser = WorkbookParser(archive, ARC_WORKBOOK)
        parser.parse()
        for sheet, rel in parser.find_sheets():
            try:
                with archive.open(rel.target.lstrip("/")) as source:
                    for _ in iterparse(source):
                        pass
            except BROKEN_SHEET:
                return str(sheet.name)
    return None


def open_xlsx(path: Path, budget: Budget) -> Any:
    """The workbook, read only; a worksheet broken from its first bytes is named."""
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except SyntaxError as error:  # openpyxl reads each worksheet's dimension on opening
        sheet = broken_sheet(path)
        if sheet is not None:
            budget.refuse(sheet, "unreadable-sheet", detail=type(error).__name__)
        raise SpreadsheetUnreadable(path, f"not a readable XLSX workbook: {error}") from error
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise SpreadsheetUnreadable(path, f"not a readable XLSX workbook: {error}") from error


def read_xlsx(path: Path, limits: Limits | None = None) -> Tables:
    """Every worksheet of a workbook (values, not formulas)."""
    budget = Budget(path, limits or Limits.from_environment())
    workbook = open_xlsx(path, budget)
    try:
        return {ws.title: xlsx_table(ws, budget) for ws in workbook.worksheets}
    finally:
        workbook.close()


def delimiter_of(first_line: str) -> str:
    """The delimiter the header line uses most."""
    return max(DELIMITERS, key=first_line.count)


def parse_csv(path: Path, data: bytes, budget: Budget | None = None) -> Table:
    """One CSV file as a table; bad encoding or quoting names the file and line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SpreadsheetUnreadable(path, "the CSV file is not UTF-8", line) from error
    delimiter = delimiter_of(text.split("\n", 1)[0])
    budget = budget or Budget(path, Limits.from_environment())
    budget.check_width(path.stem, text, delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return budget.table(path.stem, reader)
    except csv.Error as error:
        raise SpreadsheetUnreadable(path, f"CSV syntax error: {error}", reader.line_num) from error


def read_folder(path: Path, limits: Limits | None = None) -> Tables:
    """A folder of CSV files, one per sheet, named after the sheet."""
    files = sorted(path.glob("*.csv"))
    if not files:
        raise SpreadsheetUnreadable(path, "the folder holds no .csv file")
    budget = Budget(path, limits or Limits.from_environment())
    return {file.stem: parse_csv(file, file.read_bytes(), budget) for file in files}


def read_zip(path: Path, limits: Limits | None = None) -> Tables:
    """A zip of CSV files, one per sheet (folders inside the zip are ignored)."""
    budget = Budget(path, limits or Limits.from_environment())
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.namelist() if _is_sheet_member(m)]
            if not members:
                raise SpreadsheetUnreadable(path, "the zip file holds no .csv file")
            return {
                PurePosixPath(m).stem: parse_csv(path / m, archive.read(m), budget) for m in members
            }
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise SpreadsheetUnreadable(path, f"not a readable zip file: {error}") from error


def _is_sheet_member(name: str) -> bool:
    """A CSV file of the zip, not a folder entry nor a macOS resource fork."""
    parts = PurePosixPath(name).parts
    return name.lower().endswith(".csv") and not any(p.startswith("__MACOSX") for p in parts)


#: File extension -> reader; a folder is read as CSV files.
READERS: dict[str, Callable[[Path], Tables]] = {".xlsx": read_xlsx, ".zip": read_zip}


def read(path: Path) -> Tables:
    """The tables of a workbook, a folder of CSV files or a zip of them."""
    if path.is_dir():
        return read_folder(path)
    if not path.exists():
        raise SpreadsheetUnreadable(path, "no such file or folder")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise SpreadsheetUnreadable(path, "expected an .xlsx file, a .zip file or a folder")
    return reader(path)


# --- Writing --------------------------------------------------------------------------------


def excel_value(text: str, column: Column | None) -> str | int:
    """Numbers as numbers (no "number stored as text" marks), everything else as text."""
    numeric = column is not None and CODECS[column.kind].numeric
    return int(text) if numeric and text.isdigit() and len(text) < 16 else text


def validation(sheet: Sheet, column: Column) -> DataValidation | None:
    """The drop-down list of a controlled column; free typing stays allowed for several values."""
    if column.vocabulary is not None:
        formula = f"={list_range(column.vocabulary)}"
    elif column.kind == "yesno":
        formula = '"' + ",".join(YES_NO) + '"'
    else:
        return None
    rule = DataValidation(type="list", formula1=formula, allow_blank=True)
    rule.showErrorMessage = True
    rule.errorStyle = "information" if column.multi else "stop"
    rule.error = "Valeur hors liste (voir la feuille Listes ; plusieurs valeurs : « ; »)."
    rule.prompt = column.note[:250]
    rule.showInputMessage = True
    return rule


def style_header(ws: Worksheet, widths: list[int], notes: list[str]) -> None:
    """Bold, coloured, frozen header row with column widths and a note on each header."""
    for index, (width, note) in enumerate(zip(widths, notes, strict=True), start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if note:
            cell.comment = Comment(note, "cls-kg", width=300, height=160)
        ws.column_dimensions[column_letter(index)].width = width
    ws.freeze_panes = "A2"


def fill(ws: Worksheet, table: Table, columns: tuple[Column, ...] | None = None) -> None:
    """Write a table's rows into a worksheet."""
    for row in table:
        if columns is None:
            ws.append(row)
        else:
            ws.append([excel_value(text, c) for text, c in zip(row, columns, strict=True)])


def data_sheet(ws: Worksheet, sheet: Sheet, table: Table) -> None:
    """One data sheet: headers with notes, rows, drop-down lists."""
    ws.append(table[0])
    fill(ws, table[1:], sheet.columns)
    style_header(ws, [c.width for c in sheet.columns], [c.note for c in sheet.columns])
    last = max(VALIDATED_ROWS, len(table) + 100)
    for index, column in enumerate(sheet.columns, start=1):
        rule = validation(sheet, column)
        if rule is not None:
            ws.add_data_validation(rule)
            rule.add(f"{column_letter(index)}2:{column_letter(index)}{last}")
        if column.kind in TEXT_KINDS:
            ws.column_dimensions[column_letter(index)].number_format = "@"


def reference_sheet(ws: Worksheet, table: Table, width: int) -> None:
    """The Notes or Listes sheet: plain text with a styled header."""
    fill(ws, table)
    style_header(ws, [width] * len(table[0]), [""] * len(table[0]))
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_xlsx(path: Path, book: Book) -> None:
    """The template (empty or filled) as an XLSX workbook."""
    tables = all_tables(book)
    workbook = Workbook()
    for default in list(workbook.worksheets):
        workbook.remove(default)
    for sheet in SHEETS:
        data_sheet(workbook.create_sheet(sheet.name), sheet, tables[sheet.name])
    reference_sheet(workbook.create_sheet(NOTES_SHEET), tables[NOTES_SHEET], 28)
    reference_sheet(workbook.create_sheet(LISTS_SHEET), tables[LISTS_SHEET], 44)
    notes = workbook[NOTES_SHEET]
    notes.column_dimensions["F"].width = 90
    workbook.properties.creator = "cls-kg"
    workbook.save(path)


def csv_bytes(table: Table) -> bytes:
    """One sheet as CSV: UTF-8 with a byte-order mark so spreadsheet software reads accents."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(table)
    return out.getvalue().encode("utf-8-sig")


def write_folder(path: Path, book: Book) -> None:
    """The template as a folder of CSV files, one per sheet."""
    path.mkdir(parents=True, exist_ok=True)
    for name, table in all_tables(book).items():
        (path / f"{name}.csv").write_bytes(csv_bytes(table))


def write_zip(path: Path, book: Book) -> None:
    """The template as a zip of CSV files, one per sheet."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, table in all_tables(book).items():
            archive.writestr(f"{name}.csv", csv_bytes(table))


#: File extension -> writer; anything else is written as a folder of CSV files.
WRITERS: dict[str, Callable[[Path, Book], None]] = {".xlsx": write_xlsx, ".zip": write_zip}


def write(path: Path, book: Book) -> None:
    """Write the template in the format the path's extension asks for."""
    WRITERS.get(path.suffix.lower(), write_folder)(path, book)
