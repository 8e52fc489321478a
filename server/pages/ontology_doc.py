"""The ontology and its shapes as HTML documentation, one section per class and property.

Both documents are whole named graphs, read once per published version through the Store
interface (``queries/graph.rq``) and kept as rdflib graphs by the app (``Kept``, with the
documentations made from them). Each class and property says
its labels, definition, super-terms, domain and range, and the SHACL shapes that constrain
it (node shapes that target a class or require it with ``sh:class``, property shapes whose
path is the property); each links to its section of ``/def/shapes``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from flask import Flask, render_template, request
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from cls_kg.graph.namespaces import CLS, ONTOLOGY_IRI

from ..core import state
from ..core.language import language
from ..core.store import get_store, served
from . import describe, render
from .view import Builder, Labeller, Value, by_subject, pick

SHAPES_IRI = ONTOLOGY_IRI + "/shapes"
Href = Callable[[str], str | None]
DEFINITIONS = (SKOS.definition, RDFS.comment)

#: Kinds of term, in page order: (section message key, the classes of its terms).
KINDS: tuple[tuple[str, tuple[URIRef, ...]], ...] = (
    ("onto-classes", (OWL.Class,)),
    ("onto-object-properties", (OWL.ObjectProperty,)),
    ("onto-datatype-properties", (OWL.DatatypeProperty,)),
    ("onto-individuals", (OWL.NamedIndividual,)),
)

#: Facts shown for a term: (message key, predicate, True when read backwards).
FACTS: tuple[tuple[str, URIRef, bool], ...] = (
    ("onto-super-class", RDFS.subClassOf, False),
    ("onto-sub-class", RDFS.subClassOf, True),
    ("onto-super-property", RDFS.subPropertyOf, False),
    ("onto-domain", RDFS.domain, False),
    ("onto-range", RDFS.range, False),
    ("onto-inverse", OWL.inverseOf, False),
    ("onto-used-as-domain", RDFS.domain, True),
    ("onto-used-as-range", RDFS.range, True),
    ("onto-type", RDF.type, False),
)

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


class Kept:
    """What an app keeps of the documents: named graphs by version, and the documentations
    made of them (by version, language and script root)."""

    NAME: ClassVar[str] = "ontology_doc"
    GRAPHS, DOCUMENTATIONS = 8, 16

    def __init__(self) -> None:
        self.graphs: state.Recent[tuple[str, str], Graph] = state.Recent(self.GRAPHS)
        self.documentations: state.Recent[tuple[str, ...], Documentation] = state.Recent(
            self.DOCUMENTATIONS
        )


def init_app(app: Flask) -> None:
    """Give the app its table of documents kept."""
    state.register(app, Kept())


def read_graph(iri: str) -> Graph:
    """A named graph of the version served now, read through the store."""
    graph = Graph()
    for triple in describe.triples_of(describe.rdf_answer(get_store(), iri, "ntriples", True)):
        graph.add(triple)
    return graph


def graph_at(version: str, iri: str) -> Graph:
    """A named graph of a published version (read once per version)."""
    return state.of(Kept).graphs.get((version, iri), lambda: read_graph(iri))


def named_graph(iri: str) -> Graph:
    """A named graph of the version served now."""
    return graph_at(served().key, iri)


def anchor(term: Node) -> str:
    """The fragment of a term of the ontology or the shapes (its local name)."""
    text = str(term)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class ShapeRef:
    """A shape that constrains a term: link, name, severity, message."""

    href: str
    name: str
    severity: str
    message: str


@dataclass
class TermDoc:
    """The documentation of one class, property or individual."""

    anchor: str
    iri: str
    label: str
    other_labels: list[Literal]
    definition: str
    facts: list[tuple[str, list[Value]]]
    shapes: list[ShapeRef] = field(default_factory=list)


@dataclass
class Documentation:
    """Everything the ontology page shows."""

    title: str
    description: str
    header: list[tuple[str, list[Value]]]
    sections: list[tuple[str, list[TermDoc]]]


def literals(graph: Graph, subject: Node, predicates: Iterable[URIRef]) -> list[Literal]:
    """The literal values of some properties of ``subject``."""
    return [o for p in predicates for o in graph.objects(subject, p) if isinstance(o, Literal)]


def text(graph: Graph, subject: Node, predicates: Iterable[URIRef], lang: str) -> str:
    """A literal of ``subject`` in ``lang`` (or the best other), as text."""
    found = pick(literals(graph, subject, predicates), lang)
    return str(found) if found is not None else ""


def shape_text(shapes: Graph, shape: Node, predicate: URIRef, lang: str) -> str:
    """A shape's name or message in ``lang``."""
    return text(shapes, shape, (predicate,), lang)


def shape_ref(shapes: Graph, shape: Node, lang: str, href: Href) -> ShapeRef:
    """A shape as a link with its name, severity and message."""
    severity = next(shapes.objects(shape, SH.severity), SH.Violation)
    name = shape_text(shapes, shape, SH.name, lang) or text(shapes, shape, (RDFS.label,), lang)
    return ShapeRef(
        href=href(f"{SHAPES_IRI}#{anchor(shape)}") or "",
        name=name or anchor(shape),
        severity=SEVERITIES.get(URIRef(str(severity)), "Violation"),
        message=shape_text(shapes, shape, SH.message, lang),
    )


def constraining(shapes: Graph, term: URIRef) -> list[Node]:
    """The shapes that constrain a term: by target, by sh:class, by path (inverse too)."""
    found = [
        *shapes.subjects(SH.targetClass, term),
        *shapes.subjects(SH["class"], term),
        *shapes.subjects(SH.path, term),
    ]
    for path in shapes.subjects(SH.inversePath, term):
        found.extend(shapes.subjects(SH.path, path))
    return [shape for shape in dict.fromkeys(found) if not isinstance(shape, BNode)]


@dataclass
class Writer:
    """Builds the documentation of the ontology graph for one language."""

    graph: Graph
    shapes: Graph
    names: Labeller
    builder: Builder

    def values(self, nodes: Iterable[Node]) -> list[Value]:
        """Linked values (blank nodes such as unions drawn as lists), sorted."""
        return sorted((self.builder.value(node) for node in nodes), key=lambda v: v.text)

    def facts(self, term: URIRef) -> list[tuple[str, list[Value]]]:
        """The FACTS rows that have values for ``term``."""
        rows = []
        for key, predicate, backwards in FACTS:
            nodes = (
                self.graph.subjects(predicate, term)
                if backwards
                else self.graph.objects(term, predicate)
            )
            found = [n for n in nodes if not (predicate == RDF.type and n in KIND_CLASSES)]
            if found:
                rows.append((key, self.values(found)))
        return rows

    def term(self, term: URIRef) -> TermDoc:
        """The documentation of one term."""
        lang = self.names.lang
        label = self.names.label(term)
        others = [lit for lit in literals(self.graph, term, (RDFS.label,)) if str(lit) != label]
        return TermDoc(
            anchor=anchor(term),
            iri=str(term),
            label=label,
            other_labels=others,
            definition=text(self.graph, term, DEFINITIONS, lang),
            facts=self.facts(term),
            shapes=[
                shape_ref(self.shapes, s, lang, self.names.href)
                for s in constraining(self.shapes, term)
            ],
        )

    def section(self, classes: tuple[URIRef, ...]) -> list[TermDoc]:
        """The terms of the ontology's namespace typed with one of ``classes``, by label."""
        terms = {
            s for c in classes for s in self.graph.subjects(RDF.type, c) if str(s).startswith(CLS)
        }
        docs = [self.term(URIRef(str(t))) for t in terms]
        return sorted(docs, key=lambda doc: doc.label.casefold())


KIND_CLASSES = {c for _, classes in KINDS for c in classes} | {OWL.FunctionalProperty}

#: Header rows of the ontology: (message key, predicate).
HEADER: tuple[tuple[str, URIRef], ...] = (
    ("onto-version", OWL.versionInfo),
    ("onto-license", DCTERMS.license),
    ("onto-modified", DCTERMS.modified),
    ("onto-schemes", RDFS.seeAlso),
)


def documentation(
    graph: Graph, shapes: Graph, lang: str, href: Href, outside: dict[Node, list[Literal]]
) -> Documentation:
    """The documentation of the ontology in ``lang``; ``outside``: labels of other graphs."""
    index = by_subject(graph)
    labels = {s: literals(graph, s, (RDFS.label, SKOS.prefLabel)) for s in index}
    names = Labeller({**outside, **labels}, lang, href)
    writer = Writer(graph, shapes, names, Builder(index, names))
    onto = URIRef(ONTOLOGY_IRI)
    header = [(key, writer.values(graph.objects(onto, p))) for key, p in HEADER]
    return Documentation(
        title=text(graph, onto, (DCTERMS.title, RDFS.label), lang),
        description=text(graph, onto, (DCTERMS.description,), lang),
        header=[(key, values) for key, values in header if values],
        sections=[(key, writer.section(classes)) for key, classes in KINDS],
    )


def documentation_at(version: str, iri: str, lang: str, script_root: str) -> Documentation:
    """The documentation of a version's ontology in ``lang``, made once per version, language
    and script root."""
    key = (version, iri, lang, script_root)
    return state.of(Kept).documentations.get(key, lambda: make_documentation(version, iri, lang))


def make_documentation(version: str, iri: str, lang: str) -> Documentation:
    """The documentation of a version's ontology in ``lang``, made."""
    graph = graph_at(version, iri)
    unlabelled = {
        o for o in graph.objects() if isinstance(o, URIRef) and (o, None, None) not in graph
    }
    outside = describe.labels(get_store(), unlabelled)
    return documentation(graph, graph_at(version, SHAPES_IRI), lang, render.href, outside)


def ontology_html(iri: str) -> str | None:
    """The ontology's documentation page."""
    version = served().key
    if not len(graph_at(version, iri)):
        return None
    lang = language()
    doc = documentation_at(version, iri, lang, request.script_root)
    return render_template("ontology.html", **render.context(lang), doc=doc, iri=iri)


@dataclass
class NodeShapeDoc:
    """A node shape and its property shapes."""

    anchor: str
    label: str
    comment: str
    targets: list[Value]
    properties: list[tuple[str, ShapeRef, list[Value]]]


def node_shapes(shapes: Graph, lang: str, names: Labeller) -> list[NodeShapeDoc]:
    """Every node shape with an IRI, its targets and its property shapes in sh:order."""
    docs = []
    for node in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        if isinstance(node, BNode):
            continue
        props = sorted(
            shapes.objects(node, SH.property),
            key=lambda s: (int(str(next(shapes.objects(s, SH.order), 1000))), str(s)),
        )
        docs.append(
            NodeShapeDoc(
                anchor=anchor(node),
                label=text(shapes, node, (RDFS.label,), lang) or anchor(node),
                comment=text(shapes, node, (RDFS.comment,), lang),
                targets=[names.link(URIRef(str(t))) for t in shapes.objects(node, SH.targetClass)],
                properties=[
                    (
                        anchor(p),
                        shape_ref(shapes, p, lang, names.href),
                        path_values(shapes, p, names),
                    )
                    for p in props
                ],
            )
        )
    return docs


def path_values(shapes: Graph, shape: Node, names: Labeller) -> list[Value]:
    """The path of a property shape as links (an inverse path says so)."""
    found = []
    for path in shapes.objects(shape, SH.path):
        if isinstance(path, URIRef):
            found.append(names.link(path))
        for inverse in shapes.objects(path, SH.inversePath):
            link = names.link(URIRef(str(inverse)))
            found.append(Value(f"^{link.text}", link.href))
    return found


def shapes_html(iri: str) -> str | None:
    """The shapes' documentation page."""
    shapes = named_graph(iri)
    if not len(shapes):
        return None
    lang = language()
    ontology = named_graph(ONTOLOGY_IRI)
    labels = {s: literals(ontology, s, (RDFS.label,)) for s in set(ontology.subjects())}
    names = Labeller(labels, lang, render.href)
    title = text(shapes, URIRef(iri), (DCTERMS.title,), lang)
    description = text(shapes, URIRef(iri), (DCTERMS.description,), lang)
    docs = node_shapes(shapes, lang, names)
    return render_template(
        "shapes.html",
        **render.context(lang),
        title=title,
        description=description,
        shapes=docs,
        iri=iri,
    )
