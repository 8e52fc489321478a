"""Namespaces and fixed IRIs of the model (docs/MODEL.md), as one table."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

CLS = Namespace("https://w3id.org/cls-sante/def#")
CLSV = Namespace("https://w3id.org/cls-sante/def/")
CLSSH = Namespace("https://w3id.org/cls-sante/def/shapes#")
ORG = Namespace("http://www.w3.org/ns/org#")
IGEO = Namespace("http://rdf.insee.fr/def/geo#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
SCHEMA = Namespace("https://schema.org/")

#: The base under which instance data is written in the records.
DEFAULT_BASE = "https://w3id.org/cls-sante/"
ONTOLOGY_IRI = "https://w3id.org/cls-sante/def"
VOCABULARIES_GRAPH = "https://w3id.org/cls-sante/def/vocabularies"

PREFIXES: dict[str, Namespace] = {
    "cls": CLS,
    "clssh": CLSSH,
    "clsv": CLSV,
    "dcat": Namespace(str(DCAT)),
    "dct": Namespace(str(DCTERMS)),
    "geo": GEO,
    "igeo": IGEO,
    "org": ORG,
    "owl": Namespace(str(OWL)),
    "prov": Namespace(str(PROV)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "schema": SCHEMA,
    "skos": Namespace(str(SKOS)),
    "xsd": Namespace(str(XSD)),
}


def records_graph(base: str) -> str:
    """Name of the named graph that holds the curated records under ``base``."""
    return f"{base}graph/records"


def data_namespace(base: str) -> str:
    """Prefix of every instance IRI under ``base``."""
    return f"{base}id/"


def compact_iri(iri: str) -> str:
    """``prefix:local`` for an IRI of a known namespace (longest match), else the IRI."""
    matches = [(len(str(ns)), name) for name, ns in PREFIXES.items() if iri.startswith(str(ns))]
    if not matches:
        return iri
    length, name = max(matches)
    return f"{name}:{iri[length:]}"
