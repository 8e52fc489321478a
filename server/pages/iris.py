"""Which IRI a request path names, and which path serves an IRI: pure tables, no I/O.

The data base is configurable (``BASE_URI``): the path ``/P`` stands for ``{base}P``. The
ontology, its vocabularies and shapes have fixed IRIs under ``https://w3id.org/cls-sante/def``
whatever the base, so ``/def`` and ``/def/...`` always stand for those (with the default base
both rules give the same IRI). A term ``cls:X`` (``…/def#X``) is served by ``/def``, as the
fragment never reaches a server.
"""

from __future__ import annotations

from dataclasses import dataclass

from cls_kg.graph.namespaces import ONTOLOGY_IRI

#: The fixed namespace root of the ontology and vocabularies, and the paths it serves.
FIXED_ROOT = ONTOLOGY_IRI.rsplit("/", 1)[0] + "/"
FIXED_PATHS = ("def",)

#: File extension of a document -> the ``format`` name it asks for (negotiation.py's table).
EXTENSIONS: dict[str, str] = {
    "html": "html",
    "ttl": "ttl",
    "jsonld": "jsonld",
    "nt": "nt",
    "rdf": "rdf",
}

#: Format name (results.py) -> the extension of its document, for links and Content-Location.
FORMAT_EXTENSIONS: dict[str, str] = {
    "html": "html",
    "turtle": "ttl",
    "jsonld": "jsonld",
    "ntriples": "nt",
    "rdfxml": "rdf",
}

LINKABLE = ("http://", "https://")


@dataclass(frozen=True)
class Target:
    """What a request path asks for: the IRI and, when the path ends with one, an extension."""

    iri: str
    extension: str | None = None


def is_fixed(path: str) -> bool:
    """Whether a path (without its leading slash) is under the fixed ontology namespace."""
    head = path.split("/", 1)[0]
    return head in FIXED_PATHS


def iri_of(path: str, base: str) -> str:
    """The IRI a request path (without its leading slash) stands for."""
    root = FIXED_ROOT if is_fixed(path) else base
    return root + path


def targets(path: str, base: str) -> list[Target]:
    """Readings of a path, most specific first: ``x.ttl`` is ``x`` as Turtle, or ``x.ttl``."""
    stem, dot, extension = path.rpartition(".")
    readings = []
    if dot and extension in EXTENSIONS and stem and "/" not in extension:
        readings.append(Target(iri_of(stem, base), extension))
    readings.append(Target(iri_of(path, base)))
    return readings


def local_path(iri: str, base: str) -> str | None:
    """The path (with its leading slash) that serves ``iri`` here; None when it is elsewhere."""
    if iri.startswith(FIXED_ROOT) and is_fixed(iri[len(FIXED_ROOT) :].split("#", 1)[0]):
        return "/" + iri[len(FIXED_ROOT) :]
    if iri.startswith(base) and not is_fixed(iri[len(base) :].split("#", 1)[0]):
        return "/" + iri[len(base) :]
    return None


def href(iri: str, base: str, script_root: str = "") -> str | None:
    """Where a link to ``iri`` leads: this server for local IRIs, http(s) IRIs as they are."""
    path = local_path(iri, base)
    if path is not None:
        return script_root + path
    return iri if iri.startswith(LINKABLE) else None


def document_path(path: str, format_name: str) -> str:
    """The path of one representation of the resource served at ``path``."""
    return f"{path}.{FORMAT_EXTENSIONS[format_name]}"
