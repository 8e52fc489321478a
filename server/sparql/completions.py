"""What the query editor completes: ``/sparql/completions.json``.

The prefixes are the project's namespace table plus one per vocabulary scheme (``theme:``,
``statut:`` ..., as the vocabulary files write them); the terms are the classes and properties
of the ontology graph and the concepts of the vocabularies graph, read from the store that
serves the queries (``queries/completions.rq``), so the editor proposes what the data uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, jsonify

from cls_kg.graph.namespaces import CLSV, ONTOLOGY_IRI, PREFIXES, VOCABULARIES_GRAPH
from cls_kg.graph.store import Row

from ..core import ratelimit
from ..core.language import language
from ..core.store import get_store
from ..pages.describe import fill, iri_term

bp = Blueprint("completions", __name__)
bp.before_request(ratelimit.limit)

OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
#: rdf:type -> kind shown in the completion list; the first listed wins for a term with two.
KINDS = {
    OWL + "Class": "class",
    RDFS + "Class": "class",
    OWL + "ObjectProperty": "property",
    OWL + "DatatypeProperty": "property",
    OWL + "AnnotationProperty": "property",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property": "property",
    SKOS + "ConceptScheme": "scheme",
    SKOS + "Concept": "concept",
}
RANK = {kind: rank for rank, kind in enumerate(KINDS)}
LOCAL_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*")


@dataclass(frozen=True)
class Term:
    """One completion: the prefixed name, the IRI, its kind and its label."""

    name: str
    iri: str
    kind: str
    label: str


def scheme_prefixes(rows: list[Row]) -> dict[str, str]:
    """One prefix per vocabulary scheme under ``clsv:``: its last segment, as in the files."""
    schemes = {str(row["scheme"]) for row in rows if row.get("scheme") is not None}
    return {
        scheme[len(str(CLSV)) :]: scheme + "/"
        for scheme in schemes
        if scheme.startswith(str(CLSV)) and LOCAL_NAME.fullmatch(scheme[len(str(CLSV)) :])
    }


def prefixed(iri: str, prefixes: dict[str, str]) -> str | None:
    """``prefix:local`` by the longest namespace, if the local part is a plain SPARQL name."""
    found = [(len(ns), name) for name, ns in prefixes.items() if iri.startswith(ns)]
    if not found:
        return None
    length, name = max(found)
    local = iri[length:]
    return f"{name}:{local}" if LOCAL_NAME.fullmatch(local) else None


def term(row: Row, prefixes: dict[str, str], lang: str) -> Term | None:
    """A completion of one row, or None when the IRI has no prefixed name."""
    iri = str(row["term"])
    name = prefixed(iri, prefixes)
    labels = [row.get(lang), row.get("fr"), row.get("en")]
    label = next((str(value) for value in labels if value is not None), "")
    return Term(name, iri, KINDS[str(row["type"])], label) if name else None


def terms(rows: list[Row], prefixes: dict[str, str], lang: str) -> list[Term]:
    """One completion per IRI (its most specific kind), in name order."""
    ordered = sorted(rows, key=lambda row: RANK[str(row["type"])])
    found: dict[str, Term] = {}
    for row in ordered:
        completion = term(row, prefixes, lang)
        if completion and completion.iri not in found:
            found[completion.iri] = completion
    return sorted(found.values(), key=lambda completion: completion.name)


def document(rows: list[Row], lang: str) -> dict[str, Any]:
    """The JSON the editor reads: prefixes (name -> namespace) and terms."""
    prefixes = {name: str(ns) for name, ns in PREFIXES.items()} | scheme_prefixes(rows)
    return {
        "prefixes": dict(sorted(prefixes.items())),
        "terms": [vars(completion) for completion in terms(rows, prefixes, lang)],
    }


@bp.route("/sparql/completions.json")
def completions() -> Response:
    """The editor's completions, labels in the page's language (``?lang=``)."""
    query = fill(
        "completions",
        ontology=iri_term(ONTOLOGY_IRI),
        vocabularies=iri_term(VOCABULARIES_GRAPH),
    )
    response = jsonify(document(get_store().select(query), language()))
    response.vary.update(("Accept-Language", "Cookie"))  # the labels' language
    return response
