"""A small, fast writer of Office Open XML workbooks (ECMA-376 SpreadsheetML, the XLSX format).

openpyxl (used for the publishers' template, ``graph/spreadsheet/``) took 12 s for the national
tables; this writer streams each sheet as XML with inline strings and numbers, no styles, in
about a second. The package's entries carry a fixed date, so the same tables give the same
bytes. ``tests/opendata`` reads the workbooks back with openpyxl.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
WORKBOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
FIXED_DATE = (2000, 1, 1, 0, 0, 0)
#: Characters XML 1.0 does not allow (a cell keeps the rest of its text).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Cell = str | int | float | None
Sheet = tuple[str, Iterable[Sequence[Cell]]]


def column_letters(index: int) -> str:
    """``A`` for 0, ``Z`` for 25, ``AA`` for 26 ..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_xml(ref: str, value: Cell) -> str:
    """One cell: a number, an inline string, or nothing."""
    if value is None or value == "":
        return ""
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = escape(NOT_XML.sub("", value))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def sheet_xml(rows: Iterable[Sequence[Cell]]) -> Iterable[str]:
    """A worksheet's XML, piece by piece."""
    yield f'{HEAD}<worksheet xmlns="{MAIN}"><sheetData>'
    letters: list[str] = []
    for number, row in enumerate(rows, start=1):
        while len(letters) < len(row):
            letters.append(column_letters(len(letters)))
        cells = "".join(cell_xml(f"{letters[i]}{number}", v) for i, v in enumerate(row))
        yield f'<row r="{number}">{cells}</row>'
    yield "</sheetData></worksheet>"


def package_parts(names: Sequence[str]) -> dict[str, str]:
    """The content types, relationships and workbook parts for sheets ``names``."""
    numbers = range(1, len(names) + 1)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{WORKSHEET}"/>'
        for n in numbers
    )
    sheets = "".join(
        f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>'
        for n, name in zip(numbers, names, strict=True)
    )
    links = "".join(
        f'<Relationship Id="rId{n}" Type="{RELATIONSHIPS}/worksheet" '
        f'Target="worksheets/sheet{n}.xml"/>'
        for n in numbers
    )
    return {
        "[Content_Types].xml": f'{HEAD}<Types xmlns="{PACKAGE}/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{WORKBOOK}"/>{overrides}</Types>',
        "_rels/.rels": f'{HEAD}<Relationships xmlns="{PACKAGE}/relationships">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
        f"<sheets>{sheets}</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'{HEAD}<Relationships xmlns="{PACKAGE}/relationships">'
        f"{links}</Relationships>",
    }


def entry(name: str) -> zipfile.ZipInfo:
    """A deflated package entry with the fixed date."""
    info = zipfile.ZipInfo(name, FIXED_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def write_xlsx(path: Path, sheets: Sequence[Sheet]) -> None:
    """A workbook with one worksheet per (name, rows), in order."""
    with zipfile.ZipFile(path, "w") as package:
        for name, text in package_parts([name for name, _ in sheets]).items():
            package.writestr(entry(name), text)
        for n, (_, rows) in enumerate(sheets, start=1):
            with package.open(entry(f"xl/worksheets/sheet{n}.xml"), "w") as stream:
                for piece in sheet_xml(rows):
                    stream.write(piece.encode("utf-8"))
