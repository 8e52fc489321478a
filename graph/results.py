"""Query results as bytes, in the formats of the SPARQL 1.1 result specifications.

Bindings and booleans: SPARQL 1.1 Query Results JSON Format, XML Format (2nd ed.), CSV and TSV
Formats. Graphs (CONSTRUCT, DESCRIBE): Turtle, N-Triples, JSON-LD, RDF/XML through pyoxigraph.

The serialisers of bindings are written here rather than delegated to pyoxigraph because the
service caps the number of rows and must say so in the document (never a silent truncation),
and because pyoxigraph's TSV writes ``"-3"^^xsd:negativeInteger`` as a bare ``-3``.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"

#: The three kinds of query result: SELECT, ASK, CONSTRUCT/DESCRIBE.
BINDINGS, BOOLEAN, GRAPH = "bindings", "boolean", "graph"


@dataclass(frozen=True)
class Answer:
    """A serialised result: the bytes, their format, the kind of result and whether it was cut."""

    body: bytes
    format: str
    kind: str
    rows: int
    truncated: bool
    row_limit: int | None


@dataclass(frozen=True)
class ResultFormat:
    """One serialisation: its name (the ``format`` parameter), media type and result kinds."""

    name: str
    media_type: str
    kinds: frozenset[str]
    extension: str


def _format(name: str, media_type: str, kinds: Iterable[str], extension: str) -> ResultFormat:
    """A row of the format table."""
    return ResultFormat(name, media_type, frozenset(kinds), extension)


#: Every format the service writes, in the server's order of preference within each kind.
FORMATS: dict[str, ResultFormat] = {
    f.name: f
    for f in (
        _format("json", "application/sparql-results+json", (BINDINGS, BOOLEAN), "srj"),
        _format("xml", "application/sparql-results+xml", (BINDINGS, BOOLEAN), "srx"),
        _format("csv", "text/csv", (BINDINGS,), "csv"),
        _format("tsv", "text/tab-separated-values", (BINDINGS,), "tsv"),
        _format("turtle", "text/turtle", (GRAPH,), "ttl"),
        _format("ntriples", "application/n-triples", (GRAPH,), "nt"),
        _format("jsonld", "application/ld+json", (GRAPH,), "jsonld"),
        _format("rdfxml", "application/rdf+xml", (GRAPH,), "rdf"),
    )
}

#: pyoxigraph's writer for each graph format.
RDF_FORMATS: dict[str, Any] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def kind_of(result: Any) -> str:
    """Which kind of result pyoxigraph returned."""
    if isinstance(result, ox.QuerySolutions):
        return BINDINGS
    if isinstance(result, ox.QueryBoolean):
        return BOOLEAN
    return GRAPH


def capped(items: Iterable[Any], limit: int | None) -> tuple[list[Any], bool]:
    """At most ``limit`` items (all without a limit), and whether more were there."""
    if limit is None:
        return list(items), False
    taken = list(itertools.islice(items, limit + 1))
    return taken[:limit], len(taken) > limit


# --- terms ----------------------------------------------------------------------------------


def _literal_json(term: Any) -> dict[str, Any]:
    """A literal in the JSON results format."""
    cell: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        cell["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        cell["datatype"] = term.datatype.value
    return cell


def term_json(term: Any) -> dict[str, Any]:
    """One RDF term in the JSON results format (section 3.2.2)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        return _literal_json(term)
    return {
        "type": "triple",
        "value": {
            "subject": term_json(term.subject),
            "predicate": term_json(term.predicate),
            "object": term_json(term.object),
        },
    }


def term_xml(term: Any) -> str:
    """One RDF term in the XML results format (section 2.3.1)."""
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            attribute = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype.value != XSD_STRING:
            attribute = f" datatype={quoteattr(term.datatype.value)}"
        else:
            attribute = ""
        return f"<literal{attribute}>{escape(term.value)}</literal>"
    parts = ((name, getattr(term, name)) for name in ("subject", "predicate", "object"))
    inner = "".join(f"<{name}>{term_xml(value)}</{name}>" for name, value in parts)
    return f"<triple>{inner}</triple>"


def term_csv(term: Any) -> str:
    """One RDF term in CSV: the bare IRI, lexical form or ``_:label`` (section 2 of the spec)."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term.value)
    return term_tsv(term)


#: Literals TSV may write bare, as Turtle does: datatype -> the Turtle production.
BARE_NUMBERS: dict[str, re.Pattern[str]] = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+"),
}


def term_tsv(term: Any) -> str:
    """One RDF term in TSV: Turtle syntax, numbers bare where Turtle allows it (section 3)."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        bare = BARE_NUMBERS.get(term.datatype.value)
        if bare is not None and bare.fullmatch(term.value):
            return str(term.value)
    return str(term)


# --- bindings -------------------------------------------------------------------------------


def _json_bindings(
    names: Sequence[str], rows: list[Any], row_limit: int | None, cut: bool
) -> bytes:
    """SELECT results as SPARQL JSON; a cut result says so in ``truncated`` and ``rowLimit``."""
    bindings = [
        {name: term_json(row[name]) for name in names if row[name] is not None} for row in rows
    ]
    document: dict[str, Any] = {"head": {"vars": list(names)}, "results": {"bindings": bindings}}
    if cut:
        document.update(truncated=True, rowLimit=row_limit)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _xml_bindings(names: Sequence[str], rows: list[Any], row_limit: int | None, cut: bool) -> bytes:
    """SELECT results as SPARQL XML; a cut result carries a comment before the results."""
    head = "".join(f"<variable name={quoteattr(name)}/>" for name in names)
    results = "".join(
        "<result>"
        + "".join(
            f"<binding name={quoteattr(name)}>{term_xml(row[name])}</binding>"
            for name in names
            if row[name] is not None
        )
        + "</result>"
        for row in rows
    )
    note = f"<!-- truncated: rowLimit={row_limit} -->" if cut else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="{RESULTS_NS}">'
        f"<head>{head}</head>{note}<results>{results}</results></sparql>\n"
    ).encode()


def _table(
    names: Sequence[str], rows: list[Any], header: list[str], cell: Callable[[Any], str], tsv: bool
) -> bytes:
    """CSV (CRLF, quoted as needed) or TSV (LF, terms already escaped) text."""
    buffer = io.StringIO()
    if tsv:
        lines = ["\t".join(header)] + ["\t".join(cell(row[n]) for n in names) for row in rows]
        buffer.write("".join(line + "\n" for line in lines))
    else:
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([cell(row[n]) for n in names] for row in rows)
    return buffer.getvalue().encode()


def _csv_bindings(names: Sequence[str], rows: list[Any], row_limit: int | None, cut: bool) -> bytes:
    """SELECT results as CSV."""
    return _table(names, rows, list(names), term_csv, tsv=False)


def _tsv_bindings(names: Sequence[str], rows: list[Any], row_limit: int | None, cut: bool) -> bytes:
    """SELECT results as TSV."""
    return _table(names, rows, [f"?{n}" for n in names], term_tsv, tsv=True)


BindingsWriter = Callable[[Sequence[str], list[Any], int | None, bool], bytes]

BINDINGS_WRITERS: dict[str, BindingsWriter] = {
    "json": _json_bindings,
    "xml": _xml_bindings,
    "csv": _csv_bindings,
    "tsv": _tsv_bindings,
}

BOOLEAN_WRITERS: dict[str, Callable[[bool], bytes]] = {
    "json": lambda value: json.dumps({"head": {}, "boolean": value}).encode(),
    "xml": lambda value: (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="{RESULTS_NS}">'
        f"<head/><boolean>{str(value).lower()}</boolean></sparql>\n"
    ).encode(),
}


def write_bindings(solutions: Any, fmt: str, row_limit: int | None) -> Answer:
    """Serialise SELECT solutions, cut at ``row_limit`` rows."""
    names = [variable.value for variable in solutions.variables]
    rows, cut = capped(solutions, row_limit)
    body = BINDINGS_WRITERS[fmt](names, rows, row_limit, cut)
    return Answer(body, fmt, BINDINGS, len(rows), cut, row_limit)


def write_boolean(value: Any, fmt: str, row_limit: int | None) -> Answer:
    """Serialise an ASK answer."""
    return Answer(BOOLEAN_WRITERS[fmt](bool(value)), fmt, BOOLEAN, 1, False, row_limit)


def write_graph(
    triples: Iterable[Any], fmt: str, row_limit: int | None, prefixes: dict[str, str]
) -> Answer:
    """Serialise CONSTRUCT/DESCRIBE triples, cut at ``row_limit`` triples."""
    kept, cut = capped(triples, row_limit)
    body = ox.serialize(kept, format=RDF_FORMATS[fmt], prefixes=prefixes) or b""
    return Answer(body, fmt, GRAPH, len(kept), cut, row_limit)
