"""The schema.org JSON-LD embedded in each page, for search engines.

The schema.org type of a resource comes from ``TYPES`` (the first of its classes listed
there); every page says it is part of the dataset, under the Etalab 2.0 licence. Its ``url``
comes from the configured base (``page_url``), never from the request's ``Host`` header, which
a client chooses.
"""

from __future__ import annotations

from typing import Any

from cls_kg.graph.namespaces import CLS, IGEO, ORG

from .iris import iri_of
from .view import Page

SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
LICENCE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"

#: Class IRI -> schema.org type, most specific first.
TYPES: dict[str, str] = {
    str(CLS.Territory): "Place",
    str(IGEO.Commune): "AdministrativeArea",
    str(IGEO.Intercommunalite): "AdministrativeArea",
    str(IGEO.Departement): "AdministrativeArea",
    str(IGEO.Region): "AdministrativeArea",
    str(CLS.Signatory): "Organization",
    str(ORG.Organization): "Organization",
    str(CLS.Meeting): "Event",
    str(CLS.WorkingGroup): "Event",
    str(CLS.SteeringCommittee): "Event",
    str(CLS.Contract): "CreativeWork",
    str(CLS.Axis): "CreativeWork",
    str(CLS.Action): "CreativeWork",
    str(CLS.Source): "CreativeWork",
    SKOS + "Concept": "DefinedTerm",
    SKOS + "ConceptScheme": "DefinedTermSet",
    OWL + "Ontology": "DefinedTermSet",
}


def schema_type(type_iris: list[str]) -> str:
    """The schema.org type of a resource with these classes."""
    return next((TYPES[iri] for iri in TYPES if iri in type_iris), "Thing")


def page_url(path: str, base: str) -> str:
    """The public address of the page served at ``path``: the IRI it stands for."""
    return iri_of(path.lstrip("/"), base)


def document(page: Page, url: str, lang: str) -> dict[str, Any]:
    """The JSON-LD of a resource page."""
    found: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": schema_type(page.type_iris),
        "@id": page.iri,
        "name": page.title,
        "url": url,
        "inLanguage": lang,
        "license": LICENCE,
    }
    if page.summary:
        found["description"] = page.summary
    if page.type_iris:
        found["additionalType"] = page.type_iris
    return found
