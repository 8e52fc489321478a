"""The DCAT-AP catalogue (``/catalog``) and the VoID description (``/.well-known/void``).

The catalogue conforms to DCAT-AP 3.0, range constraints included (SEMIC's shapes, vendored in
``tests/data/dcat-ap/``): every file of the served version — the dumps, the CSV files, their
Table Schemas, the CSVW metadata, the data package, the workbook — is a distribution with its
media type, EU file type, size, sha256 checksum, licence and the standards it conforms to
(``distributions.py``); the SPARQL endpoint is a data service and a distribution through it.

Both are Turtle templates in ``catalog/`` filled from the served version's manifest (build
time, dumps, named graphs) and negotiated like any resource: RDF formats or an HTML page.
Their IRIs are under the data base (``{base}catalog#dataset`` ...), so they dereference here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from string import Template

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request
from rdflib import URIRef

from cls_kg.graph.results import RDF_FORMATS
from cls_kg.graph.store import RESULT_PREFIXES

from ..core import published, ratelimit
from ..core.language import language, remember_language
from ..core.negotiation import media_type
from ..core.store import get_store
from ..pages import render
from ..pages.describe import fill, labels_in, rdflib_triples
from ..pages.resources import HTML_TYPE, finish, negotiate
from ..pages.view import Builder, Labeller, by_subject
from .distributions import Distribution, distributions

TEMPLATES = Path(__file__).resolve().parent / "catalog"
PREFIXES = {
    **RESULT_PREFIXES,
    "void": "http://rdfs.org/ns/void#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
}

bp = Blueprint("catalog", __name__)
bp.before_request(ratelimit.limit)
bp.after_request(remember_language)


@cache
def template(name: str) -> Template:
    """A Turtle template of ``catalog/``, read once."""
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def parse(template_name: str, **values: object) -> list[ox.Triple]:
    """A filled template as triples."""
    text = template(template_name).substitute({k: str(v) for k, v in values.items()})
    return [quad.triple for quad in ox.parse(text, ox.RdfFormat.TURTLE)]


def common() -> dict[str, str]:
    """Placeholders every template may use."""
    version = published.current()
    return {
        "base": current_app.config["BASE_URI"],
        "modified": version.built_at.isoformat(),
        "version": str(version.manifest.get("version", "")),
    }


def distribution(values: dict[str, str], file: Distribution) -> list[ox.Triple]:
    """One file as a DCAT-AP distribution, with the standards it conforms to."""
    triples = parse(
        "distribution.ttl",
        **values,
        id=file.id,
        url=file.url,
        title=file.title,
        media=file.media,
        filetype=file.eu_type,
        bytes=file.bytes,
        sha256=file.sha256,
    )
    for standard in file.standards:
        triples += parse("conforms.ttl", **values, id=file.id, standard=standard)
    return triples


def catalog_triples() -> list[ox.Triple]:
    """The DCAT-AP description: catalogue, dataset, service, one distribution per file."""
    values = common()
    triples = parse("catalog.ttl", **values)
    for file in distributions(published.current(), values["base"]):
        triples += distribution(values, file)
    return triples


def example_resource() -> str:
    """A contract to name as VoID's example resource (the base when there is none)."""
    rows = get_store().select(fill("example-resource"))
    return str(rows[0]["resource"]) if rows else current_app.config["BASE_URI"]


def void_triples() -> list[ox.Triple]:
    """The VoID description: the dataset, its dumps and its named graphs as subsets."""
    values = common()
    manifest = published.current().manifest
    triples = parse(
        "void.ttl", **values, triples=manifest.get("quads", 0), example=example_resource()
    )
    for name in sorted(published.current().dumps):
        triples += parse("void-dump.ttl", **values, name=name)
    for n, (graph, size) in enumerate(sorted(manifest.get("graphs", {}).items()), start=1):
        triples += parse("void-graph.ttl", **values, n=n, graph=graph, triples=size)
    return triples


#: Document name -> (its path, its triples, the subject its page starts with).
DOCUMENTS: dict[str, tuple[str, Callable[[], list[ox.Triple]], str]] = {
    "catalog": ("/catalog", catalog_triples, "catalog"),
    "void": ("/.well-known/void", void_triples, ".well-known/void"),
}


def subjects_first(triples: Iterable[ox.Triple], first: str) -> list[str]:
    """The IRI subjects of a document, ``first`` leading, the others in order."""
    names = sorted({t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)})
    return sorted(names, key=lambda s: (s != first, s))


def html(name: str, triples: list[ox.Triple]) -> str:
    """A document as a page: one section per described resource."""
    lang = language()
    rdf = rdflib_triples(triples)
    names = Labeller(labels_in(rdf), lang, render.href)
    builder = Builder(by_subject(rdf), names)
    first = current_app.config["BASE_URI"] + DOCUMENTS[name][2]
    sections = [
        (names.link(URIRef(s)), s, builder.rows(URIRef(s))) for s in subjects_first(triples, first)
    ]
    local = request.script_root + DOCUMENTS[name][0]
    return render_template(
        "document.html", **render.context(lang), name=name, sections=sections, local=local
    )


def respond(name: str, extension: str | None) -> Response:
    """A document in the negotiated (or extension's) format."""
    fmt = negotiate(extension)
    path, triples_for, _ = DOCUMENTS[name]
    triples = triples_for()
    if fmt == "html":
        response = Response(html(name, triples), 200, content_type=HTML_TYPE)
    else:
        body = ox.serialize(triples, format=RDF_FORMATS[fmt], prefixes=PREFIXES) or b""
        response = Response(body, 200, content_type=media_type(fmt))
    return finish(response, request.script_root + path, fmt, negotiated=extension is None)


@bp.route("/catalog", defaults={"extension": None})
@bp.route("/catalog.<any(html,ttl,jsonld,nt,rdf):extension>")
def catalog(extension: str | None) -> Response:
    """The DCAT-AP catalogue."""
    return respond("catalog", extension)


@bp.route("/.well-known/void", defaults={"extension": None})
@bp.route("/.well-known/void.<any(html,ttl,jsonld,nt,rdf):extension>")
def void(extension: str | None) -> Response:
    """The VoID description."""
    return respond("void", extension)
