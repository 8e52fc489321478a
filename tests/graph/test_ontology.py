"""The ontology and its vocabularies: fixed core IRIs, bilingual documentation, metadata."""

from __future__ import annotations

import pytest
from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from cls_kg.graph.namespaces import CLS, CLSV, ONTOLOGY_IRI
from cls_kg.graph.sources import default_sources, parse_files

SOURCES = default_sources()
ONTOLOGY = parse_files(SOURCES.ontology)
VOCABULARIES = parse_files(SOURCES.vocabularies)
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)

CORE_CLASSES = ["Contract", "Territory", "Signatory", "Axis", "Action", "Theme"]
CORE_PROPERTIES = [
    "territory",
    "signatory",
    "hasAxis",
    "hasAction",
    "theme",
    "previousContract",
    "declaredActionCount",
]


def languages(subject: Node, predicate: URIRef) -> set[str | None]:
    """Language tags of the values of one property of one term."""
    return {getattr(o, "language", None) for o in ONTOLOGY.objects(subject, predicate)}


def cls_terms() -> list[Node]:
    """Every class and property the ontology defines in its own namespace."""
    terms = {s for t in TERM_TYPES for s in ONTOLOGY.subjects(RDF.type, t)}
    return sorted(t for t in terms if str(t).startswith(str(CLS)))


@pytest.mark.parametrize("name", CORE_CLASSES)
def test_core_class_exists(name: str) -> None:
    assert (CLS[name], RDF.type, OWL.Class) in ONTOLOGY


@pytest.mark.parametrize("name", CORE_PROPERTIES)
def test_core_property_exists(name: str) -> None:
    kinds = set(ONTOLOGY.objects(CLS[name], RDF.type))
    assert kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}


def test_signatory_is_an_organisation() -> None:
    assert (CLS.Signatory, RDFS.subClassOf, URIRef("http://www.w3.org/ns/org#Organization")) in (
        ONTOLOGY
    )


@pytest.mark.parametrize("term", cls_terms(), ids=lambda t: str(t).split("#")[-1])
def test_every_term_is_documented_in_french_and_english(term: Node) -> None:
    assert {"fr", "en"} <= languages(term, RDFS.label)
    assert {"fr", "en"} <= languages(term, RDFS.comment) | languages(term, SKOS.definition)


def test_ontology_metadata() -> None:
    ontology = URIRef(ONTOLOGY_IRI)
    assert (ontology, RDF.type, OWL.Ontology) in ONTOLOGY
    assert ONTOLOGY.value(ontology, OWL.versionInfo) is not None
    licence = str(ONTOLOGY.value(ontology, DCTERMS.license))
    assert "etalab" in licence


def concepts_of(scheme: str) -> set[Node]:
    """The concepts of one concept scheme of the project."""
    return set(VOCABULARIES.subjects(SKOS.inScheme, CLSV[scheme]))


def test_theme_scheme_has_at_least_twelve_defined_themes() -> None:
    themes = concepts_of("theme")
    assert len(themes) >= 12
    for theme in themes:
        assert (theme, RDF.type, CLS.Theme) in VOCABULARIES
        definitions = {d.language for d in VOCABULARIES.objects(theme, SKOS.definition)}  # type: ignore[attr-defined]
        assert {"fr", "en"} <= definitions, theme


@pytest.mark.parametrize(
    ("scheme", "slugs"),
    [
        ("statut", {"en-elaboration", "signe", "en-vigueur", "echu", "evalue"}),
        ("role", {"porteur", "co-signataire", "partenaire"}),
        ("type-territoire", {"commune", "epci", "pays", "petr", "bassin-de-sante"}),
    ],
)
def test_controlled_vocabulary(scheme: str, slugs: set[str]) -> None:
    found = {str(c).rsplit("/", 1)[-1] for c in concepts_of(scheme)}
    assert slugs <= found
