"""The query page: an editor, the example queries, results as a table with links.

The query runs through the same service as any client's; the page asks for SPARQL JSON (or
N-Triples for CONSTRUCT/DESCRIBE) and renders it. Templates autoescape every text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from flask import Response, current_app, render_template, request, url_for

from cls_kg.graph.errors import ClsKgError
from cls_kg.graph.namespaces import compact_iri as compact
from cls_kg.graph.results import BINDINGS, BOOLEAN, GRAPH, XSD, Answer, term_json
from cls_kg.i18n import translator

from ..core.errors import extra_headers, message_of, status_of
from ..core.language import language, other_language
from . import service
from .examples import Example, examples, find
from .protocol import Operation

PAGE_ROWS = 1000  # rows shown on the page; downloads go up to MAX_ROWS
PAGE_FORMATS = {BINDINGS: "json", BOOLEAN: "json", GRAPH: "ntriples"}
LINKABLE = ("http://", "https://")
PLAIN_DATATYPES = {XSD + "integer"}  # shown without a ^^datatype note: counts are integers


@dataclass(frozen=True)
class Cell:
    """One cell of the results table: text, an optional link and a note (language, type)."""

    text: str
    href: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Cut:
    """Which limit cut a result: its catalogue message (rows or bytes) and the limit."""

    message: str
    limit: int


@dataclass
class Table:
    """Results ready for the template."""

    columns: list[str]
    rows: list[list[Cell | None]] = field(default_factory=list)
    cut: Cut | None = None
    kind: str = BINDINGS  # which downloads the page offers


def cut_of(answer: Answer) -> Cut | None:
    """The limit that cut an answer: the byte limit when it kept fewer rows than the row limit.

    A result cut at the row limit keeps exactly that many rows; the byte limit cuts it at the
    last row that fits, before (``graph/results.py``).
    """
    if not answer.truncated:
        return None
    rows_cut = answer.row_limit is not None and answer.rows >= answer.row_limit
    if rows_cut or answer.byte_limit is None:
        return Cut("truncated-rows", answer.row_limit or answer.rows)
    return Cut("truncated-bytes", answer.byte_limit)


def link(iri: str) -> str | None:
    """Where an IRI leads: data under the base to this server's path, http(s) IRIs as they are."""
    base = current_app.config["BASE_URI"]
    if iri.startswith(base):
        return f"{request.script_root}/{iri[len(base) :]}"
    return iri if iri.startswith(LINKABLE) else None


def literal_note(term: dict[str, Any]) -> str:
    """What to show beside a literal: its language, or its datatype unless obvious."""
    if "xml:lang" in term:
        return f"@{term['xml:lang']}"
    datatype = term.get("datatype")
    return f"^^{compact(datatype)}" if datatype and datatype not in PLAIN_DATATYPES else ""


def cell(term: dict[str, Any] | None) -> Cell | None:
    """A JSON results term as a table cell."""
    if term is None:
        return None
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return Cell(compact(value), link(value))
    if kind == "bnode":
        return Cell(f"_:{value}")
    if kind == "triple":
        parts = (cell(value[name]) for name in ("subject", "predicate", "object"))
        return Cell("<< " + " ".join(part.text for part in parts if part) + " >>")
    return Cell(value, note=literal_note(term))


def bindings_table(answer: Answer) -> Table:
    """SELECT results (SPARQL JSON) as a table."""
    document = json.loads(answer.body)
    names: list[str] = document["head"]["vars"]
    rows = [[cell(b.get(n)) for n in names] for b in document["results"]["bindings"]]
    return Table(names, rows, cut_of(answer))


def boolean_table(answer: Answer) -> Table:
    """An ASK answer as a one-cell table."""
    value = Cell(str(json.loads(answer.body)["boolean"]).lower())
    return Table(["boolean"], [[value]], kind=BOOLEAN)


def graph_table(answer: Answer) -> Table:
    """CONSTRUCT/DESCRIBE triples (N-Triples) as a subject, predicate, object table."""
    quads = ox.parse(answer.body, ox.RdfFormat.N_TRIPLES)
    rows = [[cell(term_json(t)) for t in (q.subject, q.predicate, q.object)] for q in quads]
    columns = ["subject", "predicate", "object"]
    return Table(columns, rows, cut_of(answer), GRAPH)


TABLES = {BINDINGS: bindings_table, BOOLEAN: boolean_table, GRAPH: graph_table}


def chosen(operation: Operation) -> tuple[Example | None, str | None]:
    """The example asked for, and the query to run (None: only show the editor)."""
    example = find(request.args.get("example"))
    if operation.query is not None:
        return example, operation.query
    return example, example.query if example else None


Outcome = tuple[Table | None, str | None, int, dict[str, str]]


def run(operation: Operation, query: str) -> Outcome:
    """Results as a table, or the error message; the HTTP status and headers (Retry-After)."""
    limit = min(current_app.config["MAX_ROWS"], PAGE_ROWS)
    try:
        answer = service.run(Operation(query, operation.dataset, None), PAGE_FORMATS, limit)
    except ClsKgError as error:
        return None, message_of(error, language()), status_of(error), extra_headers(error)
    return TABLES[answer.kind](answer), None, 200, {}


def switch_url(lang: str) -> str:
    """This page in the other language."""
    args: dict[str, Any] = {**request.args.to_dict(), "lang": other_language(lang)}
    return url_for("sparql.endpoint", **args)


def render(operation: Operation) -> Response:
    """The page, with the results of its query when there is one."""
    example, query = chosen(operation)
    table, error, status, headers = (
        run(operation, query) if query is not None else (None, None, 200, {})
    )
    lang = language()
    html = render_template(
        "sparql.html",
        lang=lang,
        t=translator("web", lang),
        examples=examples(),
        example=example,
        query=query if query is not None else examples()[0].query,
        table=table,
        error=error,
        config=current_app.config,
        switch_url=switch_url(lang),
    )
    return Response(html, status, headers=headers, mimetype="text/html")
