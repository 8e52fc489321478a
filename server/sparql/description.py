"""SPARQL 1.1 Service Description, served on ``GET /sparql`` without a query.

The description is ``service-description.ttl`` (relative IRIs resolved against the
endpoint's URL) plus the named graphs of the store, from ``Store.graph_names()`` (engines
differ on ``GRAPH ?g {}``: a remote store lists the graphs its publication names).

The endpoint's URL is its public address under the configured base (``BASE_URI``, as
``schema_org.page_url``), never the request's ``Host`` header: a client chooses that header,
and a shared cache would hand its description to everyone.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Template

import pyoxigraph as ox
from flask import Response, current_app

from cls_kg.graph.errors import NotAcceptable
from cls_kg.graph.results import GRAPH, RDF_FORMATS
from cls_kg.graph.store import RESULT_PREFIXES
from cls_kg.i18n import say

from ..core.negotiation import Choice, media_type
from ..core.store import backend_name, get_store
from ..pages.schema_org import page_url

ENDPOINT_PATH = "/sparql"  # the route endpoint.py serves, under the public base
TEMPLATE = Path(__file__).resolve().parent / "service-description.ttl"
PREFIXES = {**RESULT_PREFIXES, "sd": "http://www.w3.org/ns/sparql-service-description#"}
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SD = {name: ox.NamedNode(PREFIXES["sd"] + name) for name in ("namedGraph", "NamedGraph", "name")}


@cache
def template() -> Template:
    """The Turtle template, read once."""
    return Template(TEMPLATE.read_text(encoding="utf-8"))


def lanes(lang: str) -> str:
    """The long-query rule (``pool.py``), where it applies: queries run in query processes."""
    config = current_app.config
    if backend_name(config) != "embedded":
        return ""
    light, slots = f"{config['QUERY_LIGHT_SECONDS']:g}", config["QUERY_LONG_SLOTS"]
    return say("web.long-query-rule", lang, light=light, slots=slots)


def triples(endpoint: str) -> list[ox.Triple]:
    """The description of the endpoint at ``endpoint``: template, then the named graphs."""
    config = current_app.config
    text = template().substitute(
        timeout=f"{config['QUERY_TIMEOUT']:g}",
        rows=config["MAX_ROWS"],
        lanes_fr=lanes("fr"),
        lanes_en=lanes("en"),
    )
    described = [q.triple for q in ox.parse(text, ox.RdfFormat.TURTLE, base_iri=endpoint)]
    return described + named_graphs(ox.NamedNode(endpoint + "#dataset"), get_store().graph_names())


def named_graphs(dataset: ox.NamedNode, names: list[str]) -> list[ox.Triple]:
    """One ``sd:NamedGraph`` per graph of the dataset (SPARQL 1.1 Service Description, 3.4)."""
    triples = []
    for name in names:
        entry = ox.BlankNode()
        triples += [
            ox.Triple(dataset, SD["namedGraph"], entry),
            ox.Triple(entry, RDF_TYPE, SD["NamedGraph"]),
            ox.Triple(entry, SD["name"], ox.NamedNode(name)),
        ]
    return triples


def respond(choice: Choice) -> Response:
    """The description in the negotiated RDF format."""
    fmt = choice.formats.get(GRAPH)
    if fmt is None:
        raise NotAcceptable(GRAPH)
    data = triples(page_url(ENDPOINT_PATH, current_app.config["BASE_URI"]))
    body = ox.serialize(data, format=RDF_FORMATS[fmt], prefixes=PREFIXES)
    return Response(body, 200, content_type=media_type(fmt))
