"""Query results as bytes, in the formats of the SPARQL 1.1 result specifications.

Bindings and booleans: SPARQL 1.1 Query Results JSON Format, XML Format (2nd ed.), CSV and TSV
Formats. Graphs (CONSTRUCT, DESCRIBE): Turtle, N-Triples, JSON-LD, RDF/XML through pyoxigraph.

Bindings of the embedded store go through pyoxigraph's own writer (JSON, XML, CSV:
``write_solutions``), many times faster than Python, into a ``RowSink`` that counts the rows
as the bytes arrive. The service caps the number of rows and must say so in the document
(never a silent truncation): once the row after the cap starts, the sink stops the writer and
the document is closed right before that row, with the same marks as the Python writers
(``truncated`` and ``rowLimit`` in JSON, a comment in XML). The counting relies on what the
writers cannot emit inside a value: an unescaped ``"`` in JSON, ``<`` in XML, a line break
outside quotes in CSV. ``tests/graph/test_results.py`` pins it against the Python writers.

The service also caps the bytes of a result (``byte_limit``): the sinks stop the writer once
the bytes pass it, and the document is cut at the last row boundary that keeps it, closed and
marked (``byteLimit`` beside ``rowLimit``), within the limit; the Python writers build each
row apart and keep the rows that fit; graphs (Turtle, JSON-LD ... group triples) keep the
longest run of first triples whose document fits. When not even one row or triple fits,
``ResultTooLarge`` says so rather than send an empty result.

The Python serialisers (``write_bindings``) remain for TSV, because pyoxigraph's TSV writes
``"-3"^^xsd:negativeInteger`` as a bare ``-3``; for results parsed from a remote store; and
for the rare JSON result whose rows the sink cannot count for sure (rows with no binding at
all, written ``{}``, which a literal may also contain), which runs the query again.
Differences of the native writers, all within the specifications: XML declares no encoding
(UTF-8 is the default) and ends without a newline; CSV writes a triple term as its three
values separated by spaces, Python as N-Triples.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .errors import ResultTooLarge

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
    byte_limit: int | None = None


@dataclass(frozen=True)
class Cut:
    """The limits a cut document states: rows and, when one applies, bytes."""

    row_limit: int | None
    byte_limit: int | None = None

    def json(self) -> bytes:
        """The top-level members of a cut SPARQL JSON document, after the results."""
        marks = ',"truncated":true'
        marks += f',"rowLimit":{self.row_limit}' if self.row_limit is not None else ""
        marks += f',"byteLimit":{self.byte_limit}' if self.byte_limit is not None else ""
        return marks.encode()

    def xml(self) -> bytes:
        """The comment a cut SPARQL XML document carries before its results."""
        limits = f"rowLimit={self.row_limit}" if self.row_limit is not None else ""
        limits += f" byteLimit={self.byte_limit}" if self.byte_limit is not None else ""
        return f"<!-- truncated: {limits.strip()} -->".encode()


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


@dataclass(frozen=True)
class Layout:
    """A bindings format as its parts: a head, one piece per row between separators, a tail.

    Rows are written one by one so that a document can be cut before the row that would take
    it past the byte limit; ``cut`` is None for a whole document, else the limits it states.
    """

    head: Callable[[Sequence[str], Cut | None], bytes]
    row: Callable[[Sequence[str], Any], bytes]
    separator: bytes
    tail: Callable[[Cut | None], bytes]


def _json_row(names: Sequence[str], row: Any) -> bytes:
    """One row of SPARQL JSON results."""
    binding = {name: term_json(row[name]) for name in names if row[name] is not None}
    return json.dumps(binding, ensure_ascii=False, separators=(",", ":")).encode()


def _json_head(names: Sequence[str], cut: Cut | None) -> bytes:
    """SPARQL JSON up to the first row."""
    variables = json.dumps(list(names), ensure_ascii=False, separators=(",", ":"))
    return f'{{"head":{{"vars":{variables}}},"results":{{"bindings":['.encode()


def _json_tail(cut: Cut | None) -> bytes:
    """SPARQL JSON after the last row; a cut result says so in ``truncated`` and the limits."""
    return b"]}" + (cut.json() if cut else b"") + b"}"


def _xml_row(names: Sequence[str], row: Any) -> bytes:
    """One ``<result>`` of SPARQL XML results."""
    bindings = "".join(
        f"<binding name={quoteattr(name)}>{term_xml(row[name])}</binding>"
        for name in names
        if row[name] is not None
    )
    return f"<result>{bindings}</result>".encode()


def _xml_head(names: Sequence[str], cut: Cut | None) -> bytes:
    """SPARQL XML up to the first row; a cut result carries a comment before the results."""
    head = "".join(f"<variable name={quoteattr(name)}/>" for name in names)
    note = cut.xml().decode() if cut else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="{RESULTS_NS}">'
        f"<head>{head}</head>{note}<results>"
    ).encode()


def _csv_line(cells: Sequence[str]) -> bytes:
    """One CSV line (CRLF, quoted as needed)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue().encode()


def _tsv_line(cells: Sequence[str]) -> bytes:
    """One TSV line (LF, terms already escaped)."""
    return ("\t".join(cells) + "\n").encode()


def _no_tail(cut: Cut | None) -> bytes:
    """CSV and TSV end with their last line (they have no place to say they were cut)."""
    return b""


LAYOUTS: dict[str, Layout] = {
    "json": Layout(_json_head, _json_row, b",", _json_tail),
    "xml": Layout(_xml_head, _xml_row, b"", lambda cut: b"</results></sparql>\n"),
    "csv": Layout(
        lambda names, cut: _csv_line(names),
        lambda names, row: _csv_line([term_csv(row[n]) for n in names]),
        b"",
        _no_tail,
    ),
    "tsv": Layout(
        lambda names, cut: _tsv_line([f"?{n}" for n in names]),
        lambda names, row: _tsv_line([term_tsv(row[n]) for n in names]),
        b"",
        _no_tail,
    ),
}

BOOLEAN_WRITERS: dict[str, Callable[[bool], bytes]] = {
    "json": lambda value: json.dumps({"head": {}, "boolean": value}).encode(),
    "xml": lambda value: (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="{RESULTS_NS}">'
        f"<head/><boolean>{str(value).lower()}</boolean></sparql>\n"
    ).encode(),
}


def fitting(sizes: Sequence[int], room: int, separator: int) -> int:
    """How many of the first pieces (of ``sizes`` bytes, ``separator`` between) fit ``room``."""
    used = 0
    for count, size in enumerate(sizes):
        used += size + (separator if count else 0)
        if used > room:
            return count
    return len(sizes)


def assemble(layout: Layout, names: Sequence[str], pieces: list[bytes], cut: Cut | None) -> bytes:
    """The document of these rows."""
    return layout.head(names, cut) + layout.separator.join(pieces) + layout.tail(cut)


def write_bindings(
    solutions: Any, fmt: str, row_limit: int | None, byte_limit: int | None = None
) -> Answer:
    """Serialise SELECT solutions, cut at ``row_limit`` rows and within ``byte_limit`` bytes.

    Raises ``ResultTooLarge`` when not even the first row fits the byte limit.
    """
    layout = LAYOUTS[fmt]
    names = [variable.value for variable in solutions.variables]
    rows, cut = capped(solutions, row_limit)
    pieces = [layout.row(names, row) for row in rows]
    marks = Cut(row_limit, byte_limit) if cut else None
    body = assemble(layout, names, pieces, marks)
    if byte_limit is None or len(body) <= byte_limit:
        return Answer(body, fmt, BINDINGS, len(rows), cut, row_limit, byte_limit)
    marks = Cut(row_limit, byte_limit)
    room = byte_limit - len(layout.head(names, marks)) - len(layout.tail(marks))
    kept = fitting([len(piece) for piece in pieces], room, len(layout.separator))
    if kept == 0:
        raise ResultTooLarge(str(byte_limit))
    body = assemble(layout, names, pieces[:kept], marks)
    return Answer(body, fmt, BINDINGS, kept, True, row_limit, byte_limit)


# --- bindings through pyoxigraph's writer ------------------------------------------------------

#: pyoxigraph's writer for each bindings format it writes as the specifications say.
NATIVE_FORMATS: dict[str, Any] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
}


class Full(Exception):
    """Raised from ``RowSink.write`` when the row after the cap starts: stop writing."""


class Unsure(Exception):
    """Raised from ``RowSink.write`` when rows may pass the cap but cannot be placed for sure."""


class Oversize(Exception):
    """Raised from ``RowSink.write`` once the bytes pass the byte limit: stop writing."""


class RowSink(ABC):
    """A binary file for pyoxigraph's writer: keeps the bytes, counts rows, stops past the cap.

    ``rows`` is the number of rows started so far; ``cut_at``, once ``Full`` was raised, the
    offset where the first row past the cap starts; ``doubt``, whether rows may have gone
    uncounted (then ``rows`` is a lower bound and ``exact_rows`` parses the document).
    Past ``byte_limit`` bytes, ``Oversize`` stops the writer; ``fit`` then finds the last
    row boundary that keeps the closed document within the limit.
    """

    def __init__(self, limit: int | None, byte_limit: int | None = None) -> None:
        self.limit, self.byte_limit = limit, byte_limit
        self.chunks: list[bytes] = []
        self.size = 0
        self.rows = 0
        self.cut_at: int | None = None
        self.doubt = False
        self.stopped = False

    def write(self, data: bytes) -> int:
        """Keep a chunk (pyoxigraph writes about 8 KiB at a time) and count its rows."""
        if self.cut_at is not None or self.stopped:
            raise Full  # the writer flushing its buffer after the stop: nothing more to keep
        chunk = bytes(data)
        start, self.size = self.size, self.size + len(chunk)
        self.chunks.append(chunk)
        self.scan(chunk, start)
        if self.byte_limit is not None and self.size > self.byte_limit:
            self.stopped = True
            raise Oversize
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush: the bytes stay in memory."""
        return None

    @abstractmethod
    def scan(self, chunk: bytes, start: int) -> None:
        """Count the rows ``chunk`` (at offset ``start``) starts; raise ``Full`` past the cap."""

    def over(self) -> bool:
        """Whether one more row than the cap has been seen."""
        return self.limit is not None and self.rows > self.limit

    def stop(self, offset: int) -> None:
        """The first row past the cap starts at ``offset``: stop the writer."""
        self.cut_at = offset
        raise Full

    def body(self) -> bytes:
        """Everything written."""
        return b"".join(self.chunks)

    def exact_rows(self, body: bytes) -> int:
        """The number of rows, parsing the document (only where ``doubt`` says so)."""
        return self.rows

    def cut(self) -> bytes:
        """The document closed right before the first row past the cap, marked as cut."""
        assert self.cut_at is not None
        return self.close(self.body(), self.cut_at, Cut(self.limit, self.byte_limit))

    @abstractmethod
    def close(self, body: bytes, offset: int, cut: Cut) -> bytes:
        """``body`` closed right before the row starting at ``offset``, marked as cut."""

    def overhead(self, cut: Cut) -> int:
        """The bytes closing a cut document adds to the rows kept."""
        return len(self.close(b"", 0, cut))

    @abstractmethod
    def boundary(self, body: bytes, room: int) -> int | None:
        """The last offset at most ``room`` where a row starts (None: none does)."""

    @abstractmethod
    def rows_before(self, body: bytes, offset: int) -> int:
        """The number of rows ``body`` holds before ``offset`` (a row boundary)."""

    def fit(self, body: bytes, cut: Cut) -> tuple[bytes, int]:
        """The document cut at the last row boundary that keeps it within the byte limit, and
        its rows; ``ResultTooLarge`` when not even one row fits."""
        assert cut.byte_limit is not None
        room = cut.byte_limit - self.overhead(cut)
        offset = self.boundary(body, room)
        rows = self.rows_before(body, offset) if offset is not None else 0
        if offset is None or rows == 0:
            raise ResultTooLarge(str(cut.byte_limit))
        return self.close(body, offset, cut), rows


class JsonSink(RowSink):
    """SPARQL JSON as pyoxigraph writes it: ``"bindings":[{"x":{"type":...},...},{...}]``.

    A row with a binding starts with ``{"``, its first variable, then ``":{"type":"``, after
    the ``[`` or ``,`` of the bindings array: an unescaped ``"`` never occurs inside a string,
    so ``ROW`` only matches there and at the subject of a triple term, which follows a ``:``
    (``TRIPLE``). A row with no binding is ``{}``, which a string may hold too: one is enough
    to doubt, count those as rows for the cap, and parse the document at the end.
    """

    ROW: ClassVar[re.Pattern[bytes]] = re.compile(rb'\{"[^"]*":\{"type":"')
    TRIPLE: ClassVar[bytes] = b':{"subject":{"type":"'

    def __init__(
        self, limit: int | None, names: Sequence[str], byte_limit: int | None = None
    ) -> None:
        super().__init__(limit, byte_limit)
        longest = max((len(name.encode()) for name in names), default=0)
        self.reach = 24 + 6 * longest  # the longest match and the byte before; \u-escapes
        self.tail, self.empty = b"", 0

    def count(self, data: bytes) -> int:
        """Rows with bindings starting in ``data``."""
        return len(self.ROW.findall(data)) - data.count(self.TRIPLE)

    def scan(self, chunk: bytes, start: int) -> None:
        """Count rows of the chunk with the end of the previous one (a start may straddle)."""
        data, tail = self.tail + chunk, self.tail
        self.tail = data[-self.reach :]
        found = self.count(data) - self.count(tail)
        if not self.doubt and b"{}" in data:
            self.doubt = True
        if self.doubt:
            self.rows += found
            self.empty += data.count(b"{}") - tail.count(b"{}")
            if self.limit is not None and self.rows + self.empty > self.limit:
                raise Unsure
            return
        if self.limit is None or self.rows + found <= self.limit:
            self.rows += found
            return
        for match in self.ROW.finditer(data):
            before = data[match.start() - 1 : match.start()]
            if match.end() <= len(tail) or before == b":":
                continue
            self.rows += 1
            if self.over():
                self.stop(start - len(tail) + match.start() - (before == b","))

    def exact_rows(self, body: bytes) -> int:
        """Count by parsing the document when a ``{}`` was seen."""
        if not self.doubt:
            return self.rows
        return len(json.loads(body)["results"]["bindings"])

    def close(self, body: bytes, offset: int, cut: Cut) -> bytes:
        """Close the bindings and the results; the cut is said at the top level."""
        return body[:offset] + b"]}" + cut.json() + b"}"

    def boundary(self, body: bytes, room: int) -> int | None:
        """Where to cut before a row: before its comma, or right after the ``[``."""
        end = room + 3
        while (start := body.rfind(b'{"', 0, end)) > 0:
            before = body[start - 1 : start]
            offset = start - 1 if before == b"," else start
            if before in (b",", b"[") and self.ROW.match(body, start) and offset <= room:
                return offset
            end = start + 1
        return None

    def rows_before(self, body: bytes, offset: int) -> int:
        """Row starts before the offset (no ``{}`` row here: those go to the Python writer)."""
        return self.count(body[:offset])


class XmlSink(RowSink):
    """SPARQL XML: each row is a ``<result>`` element (``<`` is always escaped in values)."""

    ROW: ClassVar[bytes] = b"<result>"

    def __init__(self, limit: int | None, byte_limit: int | None = None) -> None:
        super().__init__(limit, byte_limit)
        self.tail = b""

    def scan(self, chunk: bytes, start: int) -> None:
        """Count ``<result>`` with the previous chunk's last bytes (too few to hold one)."""
        data = self.tail + chunk
        self.tail = data[-(len(self.ROW) - 1) :]
        found = data.count(self.ROW)
        if self.limit is None or self.rows + found <= self.limit:
            self.rows += found
            return
        position = data.find(self.ROW)
        while True:
            self.rows += 1
            if self.over():
                self.stop(start - (len(data) - len(chunk)) + position)
            position = data.find(self.ROW, position + 1)

    def close(self, body: bytes, offset: int, cut: Cut) -> bytes:
        """Close the results; the cut is said in a comment before them, as in ``_xml_head``."""
        kept = body[:offset].replace(b"<results>", cut.xml() + b"<results>", 1)
        return kept + b"</results></sparql>\n"

    def overhead(self, cut: Cut) -> int:
        """The closing tags and the note inserted before the results."""
        return super().overhead(cut) + len(cut.xml())

    def boundary(self, body: bytes, room: int) -> int | None:
        """The last ``<result>`` starting at most at ``room``."""
        start = body.rfind(self.ROW, 0, room + len(self.ROW))
        return start if start >= 0 else None

    def rows_before(self, body: bytes, offset: int) -> int:
        """``<result>`` elements before the offset."""
        return body.count(self.ROW, 0, offset)


class CsvSink(RowSink):
    """CSV: one line per row after the header; a line break inside quotes is part of a value.

    Quotes pair up (a doubled quote inside a value closes and opens again), so what lies
    between the 1st and 2nd, 3rd and 4th ... quote is inside a value (``QUOTED``).
    """

    QUOTED: ClassVar[re.Pattern[bytes]] = re.compile(rb'"[^"]*"')

    def __init__(self, limit: int | None, byte_limit: int | None = None) -> None:
        super().__init__(limit, byte_limit)
        self.lines, self.quoted, self.last_line = 0, False, -1

    def inside(self, chunk: bytes) -> int:
        """Line breaks of the chunk inside quoted values; updates ``quoted`` for the next."""
        rest, count = chunk, 0
        if self.quoted:
            first = chunk.find(b'"')
            if first < 0:
                return chunk.count(b"\n")
            count, rest, self.quoted = chunk[:first].count(b"\n"), chunk[first + 1 :], False
        if b'"' not in rest:
            return count
        count += b"".join(self.QUOTED.findall(rest)).count(b"\n")
        if rest.count(b'"') % 2:
            count += rest[rest.rfind(b'"') + 1 :].count(b"\n")
            self.quoted = True
        return count

    def scan(self, chunk: bytes, start: int) -> None:
        """Count line ends outside quotes; stop once a byte follows the cap's last line."""
        quoted = self.quoted
        found = chunk.count(b"\n") - self.inside(chunk)
        if self.limit is not None and self.last_line < 0 and self.lines + found > self.limit:
            self.last_line = self.line_end(chunk, start, quoted, self.limit + 1 - self.lines)
        self.lines += found
        self.rows = max(self.lines - 1, 0)
        if 0 <= self.last_line < self.size:
            self.stop(self.last_line)  # a byte after the cap's last line: one row too many

    @staticmethod
    def line_end(chunk: bytes, start: int, quoted: bool, wanted: int) -> int:
        """The offset after the ``wanted``-th line break outside quotes of the chunk."""
        position = start
        for index, part in enumerate(chunk.split(b'"')):
            if quoted == (index % 2 == 1):  # outside quotes
                found = -1
                for _ in range(min(wanted, part.count(b"\n"))):
                    found, wanted = part.index(b"\n", found + 1), wanted - 1
                if wanted == 0:
                    return position + found + 1
            position += len(part) + 1
        raise AssertionError("fewer line breaks than counted")

    def close(self, body: bytes, offset: int, cut: Cut) -> bytes:
        """The header and the rows before the offset (CSV has no place to say it was cut)."""
        return body[:offset]

    def boundary(self, body: bytes, room: int) -> int | None:
        """The offset after the last line break outside quotes within ``room`` bytes."""
        end = body.rfind(b"\n", 0, room)
        quotes = body.count(b'"', 0, max(end, 0))
        while end >= 0 and quotes % 2:  # inside a quoted value: the line break before
            before = body.rfind(b"\n", 0, end)
            quotes -= body.count(b'"', max(before, 0), end)
            end = before
        return end + 1 if end >= 0 else None

    def rows_before(self, body: bytes, offset: int) -> int:
        """Lines outside quotes before the offset, less the header."""
        data = body[:offset]
        return max(data.count(b"\n") - CsvSink(None).inside(data) - 1, 0)


def sink_for(
    fmt: str, names: Sequence[str], limit: int | None, byte_limit: int | None = None
) -> RowSink:
    """The sink counting rows of a native format."""
    if fmt == "json":
        return JsonSink(limit, names, byte_limit)
    if fmt == "xml":
        return XmlSink(limit, byte_limit)
    return CsvSink(limit, byte_limit)


def write_solutions(
    solutions: Any,
    fmt: str,
    row_limit: int | None,
    again: Callable[[], Any],
    byte_limit: int | None = None,
) -> Answer:
    """Serialise SELECT solutions with pyoxigraph's writer where it has the format.

    ``again`` runs the query anew: when the rows cannot be counted or cut for sure, the Python
    writers take over, and the first solutions are gone with the native writer. The writer
    stops once the bytes pass ``byte_limit``: the document is cut at the last row that fits.
    """
    native = NATIVE_FORMATS.get(fmt)
    if native is None:
        return write_bindings(solutions, fmt, row_limit, byte_limit)
    names = [variable.value for variable in solutions.variables]
    sink = sink_for(fmt, names, row_limit, byte_limit)
    cut = Cut(row_limit, byte_limit)
    try:
        solutions.serialize(sink, native)
    except Full:
        assert sink.cut_at is not None and row_limit is not None
        body = sink.cut()
        if byte_limit is not None and len(body) > byte_limit:
            body, rows = sink.fit(sink.body()[: sink.cut_at], cut)
            return Answer(body, fmt, BINDINGS, rows, True, row_limit, byte_limit)
        return Answer(body, fmt, BINDINGS, row_limit, True, row_limit, byte_limit)
    except Oversize:
        if sink.doubt:
            return write_bindings(again(), fmt, row_limit, byte_limit)
        body, rows = sink.fit(sink.body(), cut)
        return Answer(body, fmt, BINDINGS, rows, True, row_limit, byte_limit)
    except Unsure:
        return write_bindings(again(), fmt, row_limit, byte_limit)
    body = sink.body()
    rows = sink.exact_rows(body)
    if row_limit is not None and rows > row_limit:
        return write_bindings(again(), fmt, row_limit, byte_limit)
    return Answer(body, fmt, BINDINGS, rows, False, row_limit, byte_limit)


def write_boolean(
    value: Any, fmt: str, row_limit: int | None, byte_limit: int | None = None
) -> Answer:
    """Serialise an ASK answer (a few dozen bytes: only an absurd byte limit refuses it)."""
    body = BOOLEAN_WRITERS[fmt](bool(value))
    if byte_limit is not None and len(body) > byte_limit:
        raise ResultTooLarge(str(byte_limit))
    return Answer(body, fmt, BOOLEAN, 1, False, row_limit, byte_limit)


def write_graph(
    triples: Iterable[Any],
    fmt: str,
    row_limit: int | None,
    byte_limit: int | None = None,
    *,
    prefixes: dict[str, str] | None = None,
) -> Answer:
    """Serialise CONSTRUCT/DESCRIBE triples, cut at ``row_limit`` triples and within
    ``byte_limit`` bytes; ``ResultTooLarge`` when not even the first triple fits.

    Turtle, JSON-LD and RDF/XML group triples, so a cut document is not a prefix of the whole
    one: past the byte limit, the longest run of first triples that fits is found by halving
    (its size grows with the number of triples).
    """
    kept, cut = taken(triples, row_limit, byte_limit)
    body = _graph(kept, fmt, prefixes)
    if byte_limit is None or len(body) <= byte_limit:
        return Answer(body, fmt, GRAPH, len(kept), cut, row_limit, byte_limit)
    fits, over = 0, len(kept)  # the first ``fits`` triples fit, the first ``over`` do not
    while over - fits > 1:
        middle = (fits + over) // 2
        if len(_graph(kept[:middle], fmt, prefixes)) <= byte_limit:
            fits = middle
        else:
            over = middle
    if fits == 0:
        raise ResultTooLarge(str(byte_limit))
    body = _graph(kept[:fits], fmt, prefixes)
    return Answer(body, fmt, GRAPH, fits, True, row_limit, byte_limit)


#: The triples of a result stop being read once their N-Triples would take this many times
#: the byte limit (Turtle may write them in less, JSON-LD and RDF/XML in a little more: the
#: halving of ``write_graph`` then finds the cut). Reading on would only hold more memory.
GRAPH_READ_AHEAD = 1


def taken(
    triples: Iterable[Any], row_limit: int | None, byte_limit: int | None
) -> tuple[list[Any], bool]:
    """The first triples, at most ``row_limit`` and about ``GRAPH_READ_AHEAD`` times the byte
    limit in N-Triples, and whether more were there."""
    if byte_limit is None:
        return capped(triples, row_limit)
    kept: list[Any] = []
    size, most = 0, GRAPH_READ_AHEAD * byte_limit
    for triple in triples:
        size += len(str(triple)) + 3  # " .\n"
        if (row_limit is not None and len(kept) == row_limit) or (kept and size > most):
            return kept, True
        kept.append(triple)
    return kept, False


def _graph(triples: list[Any], fmt: str, prefixes: dict[str, str] | None) -> bytes:
    """Triples in a graph format."""
    return ox.serialize(triples, format=RDF_FORMATS[fmt], prefixes=prefixes) or b""
