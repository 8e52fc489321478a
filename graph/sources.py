"""Step 1 of the flow: find the source files and parse them, with file and line on errors."""

from __future__ import annotations

import json
import os
import re
import xml.sax
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from .errors import SourceError
from .store import to_oxigraph, to_rdflib

#: Installed, ontology/ and shapes/ sit beside graph/ inside cls_kg; in the repository they
#: sit beside graph/ at the top. Either way they are siblings of this package.
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = PACKAGE_ROOT / "ontology"
VOCABULARIES_DIR = ONTOLOGY_DIR / "vocabularies"
SHAPES_DIR = PACKAGE_ROOT / "shapes"
CURATION_DIR = SHAPES_DIR / "curation"
RECORDS_DIR = Path(__file__).resolve().parent / "records"

#: A folder of curated records in the publishers' format holds this file (and the template's
#: other CSV files): ``graph/records/{region}/Contrat.csv`` (docs/DATA.md).
FOLDER_MARKER = "Contrat.csv"

#: Set to 1, the shipped sources are the seed Turtle records only, without the CSV folders
#: (the test suite's fixed subset: its answers do not move while records are curated).
SEED_ONLY = "CLS_KG_SEED_ONLY"

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
    #: Folders of records in the template's CSV format, read by the importer's code.
    folders: tuple[Path, ...] = ()
    #: Shapes of the curation checks of the shipped records (reported, not refused).
    curation: tuple[Path, ...] = ()

    def all_files(self) -> tuple[Path, ...]:
        """Every file, in a stable order (used for the build's version id)."""
        csv = tuple(path for folder in self.folders for path in sorted(folder.glob("*.csv")))
        return self.ontology + self.vocabularies + self.shapes + self.curation + self.records + csv


def ttl_files(directory: Path) -> tuple[Path, ...]:
    """Turtle files of a folder in name order, so builds do not depend on the file system."""
    return tuple(sorted(directory.glob("*.ttl")))


def record_folders(directory: Path) -> tuple[Path, ...]:
    """The sub-folders of a records folder that hold the template's CSV files, in name order."""
    return tuple(sorted(p.parent for p in directory.glob(f"*/{FOLDER_MARKER}")))


def seed_only() -> bool:
    """Whether the environment asks for the seed Turtle records only (``SEED_ONLY``)."""
    return os.environ.get(SEED_ONLY, "") == "1"


def default_sources(
    records_dir: Path | None = None, published: Path | None = None, folders: bool | None = None
) -> SourceSet:
    """The shipped ontology, vocabularies and shapes, with the given (or shipped) records.

    ``published`` is a folder of records published since (``graph/ingest.py``): they are
    read after the shipped ones. ``folders``: whether the CSV folders of the records folder
    are read too (default: yes, unless ``SEED_ONLY`` is set).
    """
    directory = records_dir or RECORDS_DIR
    with_folders = not seed_only() if folders is None else folders
    return SourceSet(
        ontology=ttl_files(ONTOLOGY_DIR),
        vocabularies=ttl_files(VOCABULARIES_DIR),
        shapes=ttl_files(SHAPES_DIR),
        records=ttl_files(directory) + (ttl_files(published) if published else ()),
        folders=record_folders(directory) if with_folders else (),
        curation=ttl_files(CURATION_DIR),
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


#: Parsers with a fast path: Oxigraph parses them (some ten times faster than rdflib) and its
#: triples become rdflib terms; rdflib re-parses a file Oxigraph refuses, for today's errors.
OXIGRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
}

#: What only rdflib keeps as written: an explicit ``^^xsd:string`` (Oxigraph reads it as a
#: simple literal) and a language tag with capitals (Oxigraph writes it in lower case).
EXPLICIT_STRING = re.compile(rb"\^\^\s*(?:<[^>]*#string>|[\w.-]*:string\b)")
CAPITAL_LANGUAGE = re.compile(rb"(?<=[\"'])@[A-Za-z0-9-]*[A-Z]")


def rdflib_only(data: bytes) -> bool:
    """Whether the file says something that only rdflib's parser keeps as it is written."""
    return bool(b"string" in data and EXPLICIT_STRING.search(data)) or bool(
        CAPITAL_LANGUAGE.search(data)
    )


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

Triple = tuple[Node, Node, Node]


class RdflibTerms:
    """pyoxigraph terms as the rdflib terms rdflib's own parser would give (memoised)."""

    def __init__(self) -> None:
        self.known: dict[object, Node] = {}

    def term(self, term: object) -> Node:
        """The rdflib term of an IRI or a literal (blank nodes: see ``triples``)."""
        found = self.known.get(term)
        if found is None:
            if isinstance(term, ox.Literal) and term.datatype.value == XSD_STRING:
                found = Literal(term.value)  # rdflib's parser writes no datatype here
            elif isinstance(term, ox.NamedNode | ox.Literal):
                found = to_rdflib(term)
            else:
                raise SyntaxError(f"unsupported term: {term!r}")  # RDF-star: rdflib's turn
            self.known[term] = found
        return found

    def triples(self, triples: Iterable[ox.Triple]) -> list[Triple]:
        """The triples of one document; its blank nodes are its own, as rdflib makes them."""
        blank: dict[str, BNode] = {}
        term = self.term

        def node(value: object) -> Node:
            if isinstance(value, ox.BlankNode):
                label = blank.get(value.value)
                if label is None:
                    label = blank[value.value] = BNode()
                return label
            return term(value)

        return [(node(t.subject), term(t.predicate), node(t.object)) for t in triples]


def add_all(graph: Graph, triples: Iterable[Triple]) -> Graph:
    """Add triples to a graph, straight to its store (the terms are known to be valid)."""
    add = graph.store.add
    for triple in triples:
        add(triple, graph, quoted=False)
    return graph


@dataclass(frozen=True)
class Parsed:
    """One file's triples as rdflib terms, as Oxigraph's (when it parsed them), and prefixes."""

    triples: list[Triple]
    oxigraph: list[ox.Triple]
    prefixes: dict[str, str]


#: Deepest nesting of blank nodes (``[ … [ … ] ]``, ``( ( … ) )``) the fast path takes. Deeper
#: files go to rdflib as before, which refuses what it cannot read (a recursion limit): a
#: chain thousands deep would otherwise reach the blank-node canonicalisation of the build,
#: whose time explodes on it.
MAX_BLANK_DEPTH = 64


def blank_depth(triples: Iterable[ox.Triple]) -> int:
    """The longest chain of blank nodes linked subject to object (cycles counted once)."""
    links: dict[ox.BlankNode, list[ox.BlankNode]] = {}
    for triple in triples:
        if isinstance(triple.subject, ox.BlankNode) and isinstance(triple.object, ox.BlankNode):
            links.setdefault(triple.subject, []).append(triple.object)
    depth: dict[ox.BlankNode, int] = {}
    on_path: set[ox.BlankNode] = set()
    for start in links:
        if start in depth:
            continue
        stack = [(start, iter(links[start]))]
        on_path.add(start)
        while stack:  # iterative depth-first search: no recursion on hostile input
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                on_path.discard(node)
                below = (depth.get(n, 0) for n in links.get(node, ()))  # a cycle counts 0
                depth[node] = 1 + max(below, default=0)
            elif child not in depth and child not in on_path:
                on_path.add(child)
                stack.append((child, iter(links.get(child, ()))))
    return max(depth.values(), default=0)


def parse_fast(path: Path, data: bytes, fmt: str, terms: RdflibTerms) -> Parsed | None:
    """The file's triples through Oxigraph, or None when rdflib must parse it."""
    if fmt not in OXIGRAPH_FORMATS or rdflib_only(data):
        return None
    try:
        parser = ox.parse(data, OXIGRAPH_FORMATS[fmt], base_iri=path.resolve().as_uri())
        found = [quad.triple for quad in parser]
    except (SyntaxError, ValueError):
        return None
    if blank_depth(found) > MAX_BLANK_DEPTH:
        return None
    return Parsed(terms.triples(found), found, dict(parser.prefixes))


def read_source(path: Path) -> tuple[str, bytes]:
    """The parser name and the bytes of a source file, after the safety checks."""
    fmt = rdf_format(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(path, f"cannot read file: {error.strerror}") from error
    if fmt in PRE_CHECKS:
        PRE_CHECKS[fmt](path, data)
    return fmt, data


def parse_slow(graph: Graph, path: Path, data: bytes, fmt: str) -> Graph:
    """Parse with rdflib into ``graph``; any parser failure becomes a SourceError."""
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


def parse_into(graph: Graph, path: Path, terms: RdflibTerms | None = None) -> Graph:
    """Parse one file into ``graph``; any parser failure becomes a SourceError."""
    fmt, data = read_source(path)
    parsed = parse_fast(path, data, fmt, terms or RdflibTerms())
    if parsed is None:
        return parse_slow(graph, path, data, fmt)
    add_all(graph, parsed.triples)
    for prefix, namespace in parsed.prefixes.items():
        graph.bind(prefix, namespace)
    return graph


def parse_files(paths: Iterable[Path]) -> Graph:
    """Parse several files into one graph."""
    graph, terms = Graph(), RdflibTerms()
    for path in paths:
        parse_into(graph, path, terms)
    return graph


def parse_files_with_triples(paths: Iterable[Path]) -> tuple[Graph, list[ox.Triple] | None]:
    """Parse several files into one graph, with Oxigraph's triples of them (without
    duplicates) when Oxigraph parsed every file, so that the build need not convert back."""
    graph, terms = Graph(), RdflibTerms()
    found: dict[ox.Triple, None] | None = {}
    for path in paths:
        fmt, data = read_source(path)
        parsed = parse_fast(path, data, fmt, terms)
        if parsed is None:
            parse_slow(graph, path, data, fmt)
            found = None
            continue
        add_all(graph, parsed.triples)
        for prefix, namespace in parsed.prefixes.items():
            graph.bind(prefix, namespace)
        if found is not None:
            found.update(dict.fromkeys(parsed.oxigraph))
    return graph, None if found is None else list(found)


class OxigraphTerms:
    """rdflib terms as pyoxigraph terms (memoised), to write stores and dumps without rdflib."""

    def __init__(self) -> None:
        self.known: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

    def term(self, term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        """The pyoxigraph term of an rdflib IRI, blank node or literal."""
        found = self.known.get(term)
        if found is None:
            found = self.known[term] = to_oxigraph(term)
        return found

    def triples(self, graph: Graph) -> list[ox.Triple]:
        """Every triple of an rdflib graph as a pyoxigraph triple."""
        term = self.term
        return [
            ox.Triple(term(s), term(p), term(o))  # type: ignore[arg-type]
            for s, p, o in graph
        ]


def oxigraph_triples(graph: Graph) -> list[ox.Triple]:
    """Every triple of an rdflib graph as a pyoxigraph triple."""
    return OxigraphTerms().triples(graph)
