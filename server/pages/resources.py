"""Dereferencing: every IRI under the data base, and the ontology, answer at their path.

Pattern (one, everywhere): the IRI's own path answers ``200`` with the representation the
client negotiated (``Accept`` with q-values, or ``?format=``), ``Vary: Accept`` and a
``Content-Location`` naming the document of that format (``/id/contract/x.ttl``); each
document also answers at that path directly. ``Link`` headers list every alternate format.
An IRI the store knows nothing of is a ``404`` in the negotiated format; a client that
accepts none of them gets ``406``. See ``iris.py`` for how paths map to IRIs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from cls_kg.graph.errors import NotAcceptable
from cls_kg.graph.namespaces import ONTOLOGY_IRI
from cls_kg.graph.results import FORMATS, GRAPH, RDF_FORMATS

from ..core import ratelimit
from ..core.language import remember_language
from ..core.negotiation import HTML, Choice, choose, from_parameter, media_type
from ..core.store import get_store
from . import describe, iris, ontology_doc, pagecache, render

SHAPES_IRI = ONTOLOGY_IRI + "/shapes"
HTML_TYPE = f"{HTML}; charset=utf-8"
#: Formats whose empty document can carry a comment saying what was not found.
COMMENTED = ("turtle", "ntriples")

bp = Blueprint("resources", __name__)
bp.before_request(ratelimit.limit)
bp.after_request(remember_language)


@dataclass(frozen=True)
class Document:
    """An IRI served as a whole named graph, with an HTML page of its own."""

    html: Callable[[str], str | None]


#: IRIs whose representation is a whole named graph rather than a description.
DOCUMENTS: dict[str, Document] = {
    ONTOLOGY_IRI: Document(ontology_doc.ontology_html),
    SHAPES_IRI: Document(ontology_doc.shapes_html),
}


def negotiate(extension: str | None) -> str:
    """``html`` or the RDF format to answer in: the extension, else ``?format``, else Accept."""
    choice: Choice | None = None
    if extension is not None:
        choice = from_parameter(iris.EXTENSIONS[extension])
    if choice is None:
        choice = choose(request.headers.get("Accept"), request.args.get("format"))
    if choice.html:
        return "html"
    fmt = choice.formats.get(GRAPH)
    if fmt is None:
        raise NotAcceptable(request.headers.get("Accept") or "-")
    return fmt


def representation(iri: str, fmt: str) -> Response | None:
    """The resource in ``fmt``; None when the store knows nothing of it."""
    document = DOCUMENTS.get(iri)
    if fmt == "html":
        html = document.html(iri) if document else render.resource_html(iri)
        return None if html is None else Response(html, 200, content_type=HTML_TYPE)
    answer = describe.rdf_answer(get_store(), iri, fmt, graph=document is not None)
    if answer.rows == 0:
        return None
    return Response(answer.body, 200, content_type=media_type(fmt))


def not_found(iri: str, fmt: str) -> Response:
    """A 404 in the negotiated format: a page, or an empty graph."""
    if fmt == "html":
        return Response(render.not_found_html(iri), 404, content_type=HTML_TYPE)
    body = ox.serialize([], format=RDF_FORMATS[fmt]) or b""
    if fmt in COMMENTED:
        shown = "".join(c if c.isprintable() else f"\\u{ord(c):04X}" for c in iri)
        body = f"# {shown}: not found / inconnu\n".encode() + body
    return Response(body, 404, content_type=media_type(fmt))


def link_header(path: str) -> str:
    """Every document of the resource at ``path``, as ``Link: rel=alternate``."""
    types = {"html": HTML, **{name: FORMATS[name].media_type for name in RDF_FORMATS}}
    return ", ".join(
        f'<{iris.document_path(path, name)}>; rel="alternate"; type="{kind}"'
        for name, kind in types.items()
    )


def document_location(path: str, fmt: str) -> str:
    """The Content-Location of a negotiated answer: the format's document, same parameters."""
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "format"])
    location = iris.document_path(path, fmt)
    return f"{location}?{query}" if query else location


def finish(response: Response, path: str, fmt: str, negotiated: bool) -> Response:
    """Headers of every answer: Link to the alternates; Vary and Content-Location if negotiated."""
    response.headers["Link"] = link_header(path)
    if negotiated:
        response.vary.add("Accept")
        response.headers["Content-Location"] = document_location(path, fmt)
    if fmt == "html":
        response.vary.update(("Accept-Language", "Cookie"))
    return response


def respond(path: str) -> Response:
    """The answer for a request path, reused while the same version is served."""
    return pagecache.cached(lambda: answer(path))


def answer(path: str) -> Response:
    """The answer for a request path: the first reading of it that names a known resource."""
    base = current_app.config["BASE_URI"]
    readings = iris.targets(path, base)
    first_format = ""
    for target in readings:
        fmt = negotiate(target.extension)
        first_format = first_format or fmt
        try:
            found = representation(target.iri, fmt)
        except describe.InvalidIri:
            found = None
        if found is not None:
            local = request.script_root + "/" + path
            stem = local[: -len(target.extension) - 1] if target.extension else local
            return finish(found, stem, fmt, negotiated=target.extension is None)
    response = not_found(readings[-1].iri, first_format)
    response.vary.add("Accept")
    return response


@bp.route("/def")
def ontology() -> Response:
    """The ontology document (its own rule, so pages can link to it by name)."""
    return respond("def")


@bp.route("/<path:path>")
def resource(path: str) -> Response:
    """Any other path: the IRI it stands for."""
    return respond(path)
