"""Write the tabular distributions of a version: CSV, Table Schemas, CSVW, data package, XLSX.

Rows come from the version's merged dump (one SPARQL query per table, ``queries/``, over an
in-memory store); convenience lists (themes, codes) from the rows of ``liens``; every other
file is derived from the column definitions (``columns.py``). CSV files are UTF-8, comma
separated, one header row, CRLF line ends (RFC 4180); an empty cell is a missing value.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .columns import CLSV, LINKS, TABLES, Column, Table, expand
from .csvw import METADATA, metadata
from .xlsx import Cell, Sheet, write_xlsx

QUERIES = Path(__file__).resolve().parent / "queries"
TITLE = "Contrats locaux de santé (cls-kg)"
LICENSE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
LICENSES = [{"name": "etalab-2.0", "path": LICENSE, "title": "Licence Ouverte / Open Licence 2.0"}]
WORKBOOK = "cls-kg.xlsx"
DATAPACKAGE = "datapackage.json"
TABLE_SCHEMA = "https://specs.frictionlessdata.io/schemas/table-schema.json"

#: Table Schema type -> how the workbook writes a cell of it (text otherwise).
XLSX_CELLS: dict[str, Callable[[str], Cell]] = {"integer": int, "number": float}

Rows = list[list[str]]
Term = ox.NamedNode | ox.Literal | ox.BlankNode
DECIMAL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")


def query(name: str) -> str:
    """The text of ``queries/{name}.rq``."""
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def cell(term: Term | None) -> str:
    """A term as CSV text: an IRI or a literal's lexical form; empty when unbound.

    Decimals are written in XSD 1.0's canonical form (``0.0``, not Oxigraph's ``0``), the
    form the dumps hold."""
    if term is None:
        return ""
    text = str(term.value)
    if isinstance(term, ox.Literal) and term.datatype == DECIMAL and "." not in text:
        return text + ".0"
    return text


def load(dump: Path) -> ox.Store:
    """The version's merged N-Triples dump in an in-memory store: the tables hold what the
    dumps hold, and joins run in memory (ten times faster than on the on-disk store)."""
    store = ox.Store()
    store.load(path=str(dump), format=ox.RdfFormat.N_TRIPLES)
    return store


def solutions(store: ox.Store, name: str) -> list[dict[str, str]]:
    """The rows of ``queries/{name}.rq`` as text by variable."""
    found = store.query(query(name))
    if not isinstance(found, ox.QuerySolutions):
        raise TypeError(f"queries/{name}.rq must be a SELECT query")
    names = [v.value for v in found.variables]
    return [{n: cell(solution[n]) for n in names} for solution in found]


def links(store: ox.Store, subjects: set[str]) -> list[dict[str, str]]:
    """The rows of ``liens``: the multi-valued links of the other tables' resources."""
    found = [row for row in solutions(store, LINKS.name) if row["sujet"] in subjects]
    return sorted(found, key=lambda row: (row["sujet"], row["propriete"], row["objet"]))


def listed(found: list[dict[str, str]]) -> dict[tuple[str, str], list[str]]:
    """The linked IRIs of each (subject, property), in order."""
    index: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in found:
        index[row["sujet"], row["propriete"]].append(row["objet"])
    return index


def fill(row: dict[str, str], column: Column, index: dict[tuple[str, str], list[str]]) -> str:
    """A cell of a row: its query's value, or the list ``liens`` gives for it."""
    if column.listing is None:
        return row.get(column.name, "")
    prop, kinds = column.listing
    targets = index.get((row["iri"], expand(prop)), [])
    parts = [t.rsplit("/", 2)[-2:] for t in targets]
    return "; ".join(sorted({code for kind, code in parts if not kinds or kind in kinds}))


def tables(store: ox.Store) -> dict[str, Rows]:
    """Every table's rows, in its columns' order."""
    found = {t.name: solutions(store, t.name) for t in TABLES if t is not LINKS}
    subjects = {row["iri"] for rows in found.values() for row in rows}
    found[LINKS.name] = links(store, subjects)
    index = listed(found[LINKS.name])
    return {
        t.name: [[fill(row, c, index) for c in t.columns] for row in found[t.name]] for t in TABLES
    }


def notations(store: ox.Store) -> dict[str, list[str]]:
    """The notations of each SKOS scheme, by the scheme's slug (``statut``, ``theme`` ...)."""
    found: dict[str, list[str]] = defaultdict(list)
    for row in solutions(store, "notations"):
        found[row["scheme"].removeprefix(CLSV)].append(row["notation"])
    return dict(found)


def field(column: Column, enums: dict[str, list[str]]) -> dict[str, Any]:
    """One column as a Table Schema field."""
    described: dict[str, Any] = {
        "name": column.name,
        "description": column.description,
        "type": column.type,
    }
    if column.format:
        described["format"] = column.format
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    enum = list(column.enum) or enums.get(column.scheme or "", [])
    if enum:
        constraints["enum"] = enum
    if column.pattern:
        constraints["pattern"] = column.pattern
    if column.minimum is not None:
        constraints["minimum"] = column.minimum
    if constraints:
        described["constraints"] = constraints
    return described


def table_schema(table: Table, enums: dict[str, list[str]]) -> dict[str, Any]:
    """The frictionless Table Schema of one CSV file."""
    keys = [
        {
            "fields": c.name,
            "reference": {
                "resource": "" if c.references == table.name else c.references,
                "fields": "iri",
            },
        }
        for c in table.columns
        if c.references and c.prop is not None
    ]
    return {
        "$schema": TABLE_SCHEMA,
        "name": f"cls-kg-{table.name}",
        "title": table.title,
        "description": table.description,
        "licenses": LICENSES,
        "fields": [field(c, enums) for c in table.columns],
        "primaryKey": list(table.primary_key),
        "foreignKeys": keys,
        "missingValues": [""],
    }


def write_csv(path: Path, table: Table, data: Rows) -> None:
    """One CSV file: a header row, then the rows."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([c.name for c in table.columns])
        writer.writerows(data)


def write_json(path: Path, content: dict[str, Any]) -> None:
    """A JSON file, readable and stable."""
    path.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def typed(column: Column, text: str) -> Cell:
    """A workbook cell: numbers as numbers, the rest as text."""
    convert = XLSX_CELLS.get(column.type)
    return convert(text) if convert and text else text


def sheet_rows(table: Table, rows: Rows) -> Iterator[list[Cell]]:
    """A table as workbook rows: its header, then its typed rows."""
    yield [c.name for c in table.columns]
    for row in rows:
        yield [typed(c, v) for c, v in zip(table.columns, row, strict=True)]


def write_workbook(path: Path, tables: dict[str, Rows], version: str) -> None:
    """One sheet per table, after a first sheet saying what the workbook is."""
    about: list[list[Cell]] = [
        ["jeu_de_donnees", TITLE],
        ["version", version],
        ["licence", "Licence Ouverte / Open Licence 2.0 (Etalab)", LICENSE],
    ]
    about += [[t.name, t.description] for t in TABLES]
    sheets: list[Sheet] = [("a_propos", about)]
    sheets += [(t.name, sheet_rows(t, tables[t.name])) for t in TABLES]
    write_xlsx(path, sheets)


def entry(path: Path, **extra: Any) -> dict[str, Any]:
    """Name, size and digest of a written file (as the manifest lists dumps)."""
    data = path.read_bytes()
    return {
        "name": path.name,
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        **extra,
    }


def datapackage(entries: dict[str, dict[str, Any]], version: str) -> dict[str, Any]:
    """The frictionless Data Package of the CSV files (their schemas, sizes and digests)."""
    return {
        "name": "cls-kg",
        "title": TITLE,
        "version": version,
        "licenses": LICENSES,
        "resources": [
            {
                "name": t.name,
                "title": t.title,
                "path": f"{t.name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": entries[t.name]["bytes"],
                "hash": f"sha256:{entries[t.name]['sha256']}",
                "schema": f"{t.name}.schema.json",
            }
            for t in TABLES
        ],
    }


def write_tables(folder: Path, dump: Path, version: str = "") -> list[dict[str, Any]]:
    """Write every tabular file of a version into ``folder``, from its merged N-Triples dump;
    their manifest entries."""
    folder.mkdir()
    store = load(dump)
    enums = notations(store)
    data = tables(store)
    entries: dict[str, dict[str, Any]] = {}
    for table in TABLES:
        write_csv(folder / f"{table.name}.csv", table, data[table.name])
        write_json(folder / f"{table.name}.schema.json", table_schema(table, enums))
        entries[table.name] = entry(folder / f"{table.name}.csv", rows=len(data[table.name]))
    write_json(folder / METADATA, metadata(TITLE, LICENSE))
    write_json(folder / DATAPACKAGE, datapackage(entries, version))
    write_workbook(folder / WORKBOOK, data, version)
    return [entry(p) if p.suffix != ".csv" else entries[p.stem] for p in sorted(folder.iterdir())]
