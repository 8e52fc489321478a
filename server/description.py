"""SPARQL 1.1 Service Description, served on ``GET /sparql`` without a query.

The description is ``service-description.ttl`` (relative IRIs resolved against the
endpoint's URL) plus the named graphs of the store, from ``queries/named-graphs.rq``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Template

import pyoxigraph as ox
from flask import Response, current_app, request

from cls_kg.graph.errors import NotAcceptable
from cls_kg.graph.results import GRAPH, RDF_FORMATS
from cls_kg.graph.store import RESULT_PREFIXES, QueryRequest

from . import queries
from .negotiation import Choice, media_type
from .store import get_store

TEMPLATE = Path(__file__).resolve().parent / "service-description.ttl"
PREFIXES = {**RESULT_PREFIXES, "sd": "http://www.w3.org/ns/sparql-service-description#"}


@cache
def template() -> Template:
    """The Turtle template, read once."""
    return Template(TEMPLATE.read_text(encoding="utf-8"))


def triples(endpoint: str) -> list[ox.Triple]:
    """The description of the endpoint at ``endpoint``: template, then the named graphs."""
    config = current_app.config
    text = template().substitute(timeout=f"{config['QUERY_TIMEOUT']:g}", rows=config["MAX_ROWS"])
    described = [q.triple for q in ox.parse(text, ox.RdfFormat.TURTLE, base_iri=endpoint)]
    graphs = QueryRequest(queries.load("named-graphs"), {GRAPH: "ntriples"}, base_iri=endpoint)
    body = get_store().answer(graphs).body
    return described + [q.triple for q in ox.parse(body, ox.RdfFormat.N_TRIPLES)]


def respond(choice: Choice) -> Response:
    """The description in the negotiated RDF format."""
    fmt = choice.formats.get(GRAPH)
    if fmt is None:
        raise NotAcceptable(GRAPH)
    data = triples(request.base_url)
    body = ox.serialize(data, format=RDF_FORMATS[fmt], prefixes=PREFIXES)
    return Response(body, 200, content_type=media_type(fmt))
