"""The files of a version as distributions: what the catalogue (``catalog.py``) and
the downloads page (``downloads.py``) list, with their types and the standards they follow.

Dumps are typed by ``dumps.dump_type``; the tabular files (``graph/tables/``) by the table
below. A CSV file conforms to its Table Schema; every file to its format's specification; the
RDF dumps to the ontology too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from cls_kg.graph.datadir import VersionFolder
from cls_kg.graph.namespaces import ONTOLOGY_IRI
from cls_kg.graph.tables import FOLDER, TABLES

from ..core.published import Dump, Version
from .dumps import dump_type

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE_TITLES = {table.name: table.title for table in TABLES}
#: Titles of the tabular files that are not tables.
FILE_TITLES = {
    "cls-kg.xlsx": "Classeur de toutes les tables (XLSX)",
    "csv-metadata.json": "Métadonnées CSV on the Web (CSVW) : chaque colonne reliée à l'ontologie",
    "datapackage.json": "Paquet de données (Data Package) : les tables, schémas et empreintes",
}


class FileType(NamedTuple):
    """How a file is served and described: IANA media type, EU file type, the specification
    of its format."""

    media: str
    eu_type: str
    standard: str


#: End of a tabular file's name -> its type (first match wins: longer endings first).
FILE_TYPES: dict[str, FileType] = {
    ".schema.json": FileType(
        "application/json", "JSON", "https://specs.frictionlessdata.io/table-schema/"
    ),
    "csv-metadata.json": FileType(
        "application/csvm+json", "JSON", "http://www.w3.org/TR/tabular-metadata/"
    ),
    "datapackage.json": FileType(
        "application/json", "JSON", "https://specs.frictionlessdata.io/data-package/"
    ),
    ".csv": FileType("text/csv", "CSV", "https://www.rfc-editor.org/rfc/rfc4180"),
    ".xlsx": FileType(XLSX, "XLSX", "https://www.iso.org/standard/71691.html"),
}
UNKNOWN = FileType("application/octet-stream", "BIN", "")

#: Extension of a dump -> the specification of its format.
DUMP_STANDARDS: dict[str, str] = {
    "ttl": "http://www.w3.org/TR/turtle/",
    "nt": "http://www.w3.org/TR/n-triples/",
    "nq": "http://www.w3.org/TR/n-quads/",
    "gz": "http://www.w3.org/TR/n-quads/",
    "jsonld": "http://www.w3.org/TR/json-ld11/",
    "rdf": "http://www.w3.org/TR/rdf-syntax-grammar/",
    "trig": "http://www.w3.org/TR/trig/",
}


def file_type(name: str) -> FileType:
    """The type of a tabular file, from the end of its name."""
    return next((t for end, t in FILE_TYPES.items() if name.endswith(end)), UNKNOWN)


def table_files(folder: Path, manifest: dict[str, Any]) -> dict[str, Dump]:
    """The tabular files a version's manifest lists, in its folder."""
    tables = VersionFolder(folder).tables
    return {
        e["name"]: Dump(e["name"], tables / e["name"], e["bytes"], e["sha256"])
        for e in manifest.get("tables", [])
    }


def table_path(version: str, name: str) -> str:
    """The per-version path of a tabular file (its content never changes)."""
    return f"versions/{version}/{FOLDER}/{name}"


@dataclass(frozen=True)
class Distribution:
    """One file of a version as the catalogue describes it."""

    id: str
    url: str
    title: str
    media: str
    eu_type: str
    bytes: int
    sha256: str
    standards: tuple[str, ...]


def dump_distributions(version: Version, base: str) -> Iterator[Distribution]:
    """The RDF dumps."""
    for name, dump in sorted(version.dumps.items()):
        media, eu_type = dump_type(name)
        standard = DUMP_STANDARDS.get(name.rsplit(".", 1)[-1])
        yield Distribution(
            f"dump-{name}",
            f"{base}dumps/{name}",
            name,
            media,
            eu_type,
            dump.bytes,
            dump.sha256,
            (ONTOLOGY_IRI, *([standard] if standard else [])),
        )


def title(name: str) -> str:
    """A tabular file's title, in French."""
    stem = name.removesuffix(".csv").removesuffix(".schema.json")
    if name.endswith(".schema.json"):
        return f"Schéma (Table Schema) de {stem}.csv"
    if stem in TABLE_TITLES:
        return f"{TABLE_TITLES[stem]} ({name})"
    return FILE_TITLES.get(name, name)


def table_distributions(version: Version, base: str) -> Iterator[Distribution]:
    """The tabular files, at their per-version URLs; a CSV file conforms to its schema."""
    ident = str(version.manifest.get("version", ""))
    found = table_files(version.folder, version.manifest)
    for name, file in sorted(found.items()):
        kind = file_type(name)
        schema = name.removesuffix(".csv") + ".schema.json"
        standards: tuple[str, ...] = (kind.standard,)
        if name.endswith(".csv") and schema in found:
            standards += (f"{base}{table_path(ident, schema)}",)
        yield Distribution(
            f"table-{name}",
            f"{base}{table_path(ident, name)}",
            title(name),
            kind.media,
            kind.eu_type,
            file.bytes,
            file.sha256,
            standards,
        )


def distributions(version: Version, base: str) -> list[Distribution]:
    """Every file of the version as a distribution: the dumps, then the tabular files."""
    return [*dump_distributions(version, base), *table_distributions(version, base)]
