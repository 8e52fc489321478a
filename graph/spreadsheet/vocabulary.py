"""The controlled lists of the template, read from the vocabularies rather than written here.

A cell matches a concept by its French preferred label, ignoring case and accents; English
labels, alternative labels and notations (``sante-mentale``) are accepted too. An unknown
value gets the closest allowed labels as suggestions.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ..sources import default_sources, parse_files
from .identifiers import fold
from .layout import LISTS, VocabularyList

#: Label properties, preferred first: the first French one is the label shown.
LABELS = (SKOS.prefLabel, RDFS.label)
#: Other names a cell may use for a concept.
ALIASES = (SKOS.prefLabel, RDFS.label, SKOS.altLabel, SKOS.notation)


@dataclass(frozen=True)
class Concept:
    """One allowed value: its IRI and the French label the sheets show."""

    iri: URIRef
    label: str


@dataclass
class Vocabulary:
    """The concepts of one list, and every name that finds them."""

    spec: VocabularyList
    concepts: tuple[Concept, ...]
    index: dict[str, URIRef] = field(default_factory=dict)

    def find(self, text: str) -> URIRef | None:
        """The concept a cell names, or None."""
        return self.index.get(fold(text))

    def label(self, node: object) -> str | None:
        """The label a sheet shows for a concept IRI."""
        return next((c.label for c in self.concepts if c.iri == node), None)

    def suggest(self, text: str, count: int = 3) -> list[str]:
        """The allowed labels closest to what was written."""
        labels = {fold(c.label): c.label for c in self.concepts}
        close = difflib.get_close_matches(fold(text), list(labels), n=count, cutoff=0.4)
        return [labels[key] for key in close]


def french_label(graph: Graph, node: URIRef) -> str:
    """The first French label of a concept (its notation as a last resort)."""
    for predicate in LABELS:
        for value in graph.objects(node, predicate):
            if isinstance(value, Literal) and value.language == "fr":
                return str(value)
    return str(graph.value(node, SKOS.notation) or node)


def names_of(graph: Graph, node: URIRef) -> Iterable[str]:
    """Every name of a concept, French label first."""
    yield french_label(graph, node)
    for predicate in ALIASES:
        for value in graph.objects(node, predicate):
            yield str(value)


def build_index(graph: Graph, iris: Iterable[URIRef]) -> dict[str, URIRef]:
    """Folded name -> concept; a name two concepts share finds neither (except a label)."""
    index: dict[str, URIRef] = {}
    ambiguous: set[str] = set()
    for node in iris:
        for name in names_of(graph, node):
            key = fold(name)
            if index.setdefault(key, node) != node:
                ambiguous.add(key)
    labels = {fold(french_label(graph, node)): node for node in iris}
    return {k: v for k, v in index.items() if k not in ambiguous} | labels


def vocabulary(graph: Graph, spec: VocabularyList) -> Vocabulary:
    """One list, its concepts sorted by label as a French reader expects."""
    iris = [n for n in graph.subjects(RDF.type, spec.rdf_class) if isinstance(n, URIRef)]
    concepts = sorted((Concept(n, french_label(graph, n)) for n in set(iris)), key=_label_key)
    return Vocabulary(spec, tuple(concepts), build_index(graph, [c.iri for c in concepts]))


def _label_key(concept: Concept) -> tuple[str, str]:
    """Sort key: accents ignored, then the exact label for a stable order."""
    return (fold(concept.label), concept.label)


@lru_cache(maxsize=1)
def vocabularies() -> dict[str, Vocabulary]:
    """Every list of the template, from the shipped vocabularies and ontology."""
    sources = default_sources()
    graph = parse_files((*sources.vocabularies, *sources.ontology))
    return {spec.key: vocabulary(graph, spec) for spec in LISTS}
