"""Step 1 of the flow: find the source files and parse them, with file and line on errors."""

from __future__ import annotations

import json
import xml.sax
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import SourceError

#: Installed, ontology/ and shapes/ sit beside graph/ inside cls_kg; in the repository they
#: sit beside graph/ at the top. Either way they are siblings of this package.
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = PACKAGE_ROOT / "ontology"
VOCABULARIES_DIR = ONTOLOGY_DIR / "vocabularies"
SHAPES_DIR = PACKAGE_ROOT / "shapes"
RECORDS_DIR = Path(__file__).resolve().parent / "records"

#: File extension -> rdflib parser name.
FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".n3": "n3",
    ".trig": "trig",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}


@dataclass(frozen=True)
class SourceSet:
    """The files one build reads, grouped by the named graph they go to."""

    ontology: tuple[Path, ...]
    vocabularies: tuple[Path, ...]
    shapes: tuple[Path, ...]
    records: tuple[Path, ...]

    def all_files(self) -> tuple[Path, ...]:
        """Every file, in a stable order (used for the build's version id)."""
        return self.ontology + self.vocabularies + self.shapes + self.records


def ttl_files(directory: Path) -> tuple[Path, ...]:
    """Turtle files of a folder in name order, so builds do not depend on the file system."""
    return tuple(sorted(directory.glob("*.ttl")))


def default_sources(records_dir: Path | None = None, published: Path | None = None) -> SourceSet:
    """The shipped ontology, vocabularies and shapes, with the given (or shipped) records.

    ``published`` is a folder of records published since (``graph/ingest.py``): they are
    read after the shipped ones.
    """
    return SourceSet(
        ontology=ttl_files(ONTOLOGY_DIR),
        vocabularies=ttl_files(VOCABULARIES_DIR),
        shapes=ttl_files(SHAPES_DIR),
        records=ttl_files(records_dir or RECORDS_DIR) + (ttl_files(published) if published else ()),
    )


def rdf_format(path: Path) -> str:
    """The parser for a file, from its extension; unknown extensions are refused."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise SourceError(path, f"unknown RDF file extension (known: {known})") from None


def _line_of(error: Exception) -> int | None:
    """The 1-based line a parser reports, whatever parser raised it."""
    extractors: dict[type, Callable[[Exception], int | None]] = {
        BadSyntax: lambda e: int(getattr(e, "lines", 0)) + 1,
        json.JSONDecodeError: lambda e: getattr(e, "lineno", None),
        xml.sax.SAXParseException: lambda e: getattr(e, "getLineNumber", lambda: None)(),
    }
    for kind, extract in extractors.items():
        if isinstance(error, kind):
            return extract(error)
    return None


def _reason_of(error: Exception) -> str:
    """The parser's own words, without rdflib's echo of the whole document."""
    if isinstance(error, BadSyntax):
        return f"Turtle syntax error: {getattr(error, '_why', error)}"
    return f"{type(error).__name__}: {error}"


#: JSON-LD keys whose string values are URLs the parser fetches (JSON-LD 1.1, 3.1 and 4.1.10).
FETCHED_KEYS = ("@context", "@import")


def remote_contexts(node: object) -> list[str]:
    """Every JSON-LD ``@context`` (or ``@import``) given by reference: a URL it would fetch."""
    if isinstance(node, list):
        return [url for item in node for url in remote_contexts(item)]
    if not isinstance(node, dict):
        return []
    found: list[str] = []
    for key in FETCHED_KEYS:
        value = node.get(key)
        found.extend(
            item
            for item in (value if isinstance(value, list) else [value])
            if isinstance(item, str)
        )
    for value in node.values():
        found.extend(remote_contexts(value))
    return found


def refuse_jsonld_remote_context(path: Path, data: bytes) -> None:
    """Parsing never fetches anything: a context given by URL is refused."""
    try:
        urls = remote_contexts(json.loads(data))
    except json.JSONDecodeError as error:
        raise SourceError(path, f"JSON syntax error: {error.msg}", error.lineno) from error
    except RecursionError as error:
        raise SourceError(path, "JSON nested too deeply") from error
    if urls:
        raise SourceError(path, f"remote JSON-LD contexts are not fetched: {urls[0]}")


def refuse_xml_doctype(path: Path, data: bytes) -> None:
    """No DOCTYPE, hence no entity expansion, in RDF/XML input."""
    upper = data.upper()
    found = [i for i in (upper.find(b"<!DOCTYPE"), upper.find(b"<!ENTITY")) if i >= 0]
    if found:
        line = data[: min(found)].count(b"\n") + 1
        raise SourceError(path, "DOCTYPE and entity declarations are not accepted", line)


#: Checks run on the raw bytes before parsing, per parser.
PRE_CHECKS: dict[str, Callable[[Path, bytes], None]] = {
    "json-ld": refuse_jsonld_remote_context,
    "xml": refuse_xml_doctype,
}


def parse_into(graph: Graph, path: Path) -> Graph:
    """Parse one file into ``graph``; any parser failure becomes a SourceError."""
    fmt = rdf_format(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(path, f"cannot read file: {error.strerror}") from error
    if fmt in PRE_CHECKS:
        PRE_CHECKS[fmt](path, data)
    try:
        graph.parse(data=data, format=fmt, publicID=path.resolve().as_uri())
    except (
        BadSyntax,
        SyntaxError,
        ValueError,
        IndexError,
        RecursionError,
        xml.sax.SAXException,
    ) as error:
        raise SourceError(path, _reason_of(error), _line_of(error)) from error
    return graph


def parse_files(paths: Iterable[Path]) -> Graph:
    """Parse several files into one graph."""
    graph = Graph()
    for path in paths:
        parse_into(graph, path)
    return graph
