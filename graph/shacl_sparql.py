"""A fast SHACL engine: our shapes evaluated as SPARQL queries over an in-memory Oxigraph store.

pyshacl walks every focus node in Python and needs about two minutes on the national graph;
this engine loads the data graph (plus the ontology axioms pyshacl mixes in) into a
``pyoxigraph.Store`` and runs one query per constraint, so the store does the joins. It
supports exactly what ``shapes/cls-shapes.ttl`` uses: ``sh:targetClass`` (with
``rdfs:subClassOf*``), property shapes whose path is an IRI, an ``sh:inversePath`` or a
sequence of those, the components ``sh:class``, ``sh:datatype``, ``sh:minCount``,
``sh:maxCount``, ``sh:qualifiedValueShape`` with ``sh:qualifiedMinCount`` /
``sh:qualifiedMaxCount`` (not disjoint), ``sh:languageIn``, ``sh:uniqueLang``, ``sh:hasValue``,
``sh:in``, ``sh:pattern`` (+ ``sh:flags``), ``sh:nodeKind``, ``sh:or`` of node-level shapes,
``sh:lessThan``, ``sh:lessThanOrEquals``, ``sh:disjoint``, SPARQL-based constraints
(``sh:select`` with ``$this``, run once with ``$this`` joined to the focus nodes),
``sh:deactivated`` and ``sh:severity``. Anything else makes :func:`supported` false (and
:func:`evaluate` raise :class:`Unsupported`), and ``validation.validate`` falls back to
pyshacl, which stays the reference: the tests hold the reports of both engines equal (same
results, multiplicity, values, paths and messages). Oxigraph canonicalises typed literals
when it stores them ("12"^^xsd:nonNegativeInteger becomes an xsd:integer), so the core
components see each typed literal under a wrapped datatype that keeps it verbatim and
records whether pyshacl (through rdflib) finds it well-typed; sh:pattern and sh:lessThan are
decided in Python on the rdflib terms, as pyshacl decides them.
"""

from __future__ import annotations

import gc
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
from pyshacl.rdfutil.inoculate import inoculate
from pyshacl.validator import USE_FULL_MIXIN
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from . import sparql_text
from .errors import StoreError
from .sparql_text import Token
from .store import to_oxigraph, to_rdflib

#: Predicates that carry no constraint (documentation, ordering ...), allowed on any shape.
NEUTRAL = {SH.name, SH.description, SH.order, SH.group, SH.defaultValue}
#: Parameters a property shape may use.
PROPERTY_PARAMETERS = {
    SH.path,
    SH.severity,
    SH.message,
    SH.deactivated,
    SH["class"],
    SH.datatype,
    SH.minCount,
    SH.maxCount,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    SH.languageIn,
    SH.uniqueLang,
    SH.hasValue,
    SH["in"],
    SH.pattern,
    SH.flags,
    SH["or"],
    SH.lessThan,
    SH.lessThanOrEquals,
    SH.disjoint,
    SH.nodeKind,
} | NEUTRAL
#: Parameters a node shape with targets may use.
NODE_PARAMETERS = {SH.targetClass, SH.property, SH.sparql, SH.severity, SH.deactivated} | NEUTRAL
#: Node-level tests a member of sh:or or a qualified value shape may use.
MEMBER_PARAMETERS = {
    SH["class"],
    SH.datatype,
    SH.languageIn,
    SH["in"],
    SH.hasValue,
    SH.nodeKind,
    SH.pattern,
    SH.flags,
}
SPARQL_PARAMETERS = {SH.select, SH.prefixes, SH.message, SH.deactivated}
DECLARATION_PARAMETERS = {SH.prefix, SH.namespace}
SHAPE_TYPES = {SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint}
NODE_KINDS: dict[Node, str] = {
    SH.IRI: "isIRI(?v)",
    SH.BlankNode: "isBlank(?v)",
    SH.Literal: "isLiteral(?v)",
    SH.BlankNodeOrIRI: "(isBlank(?v) || isIRI(?v))",
    SH.BlankNodeOrLiteral: "(isBlank(?v) || isLiteral(?v))",
    SH.IRIOrLiteral: "(isIRI(?v) || isLiteral(?v))",
}
INSTANCE_OF = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
LANGUAGE = re.compile(r"[A-Za-z0-9*-]+")
#: Keywords of SPARQL constraints that joining on ``?this`` cannot stand for.
FORBIDDEN_KEYWORDS = frozenset({"MINUS", "VALUES", "SERVICE", "GRAPH", "OPTIONAL", "UNION"})
#: How a supported ``sh:select`` may start, token by token.
SELECT_HEADS = (
    ("SELECT", "$this", "WHERE", "{", "$this"),
    ("SELECT", "DISTINCT", "$this", "WHERE", "{", "$this"),
    ("SELECT", "$this", "?value", "WHERE", "{", "$this"),
    ("SELECT", "DISTINCT", "$this", "?value", "WHERE", "{", "$this"),
)


class Unsupported(Exception):
    """The shapes (or, rarely, the data) use something this engine does not evaluate."""


# --------------------------------------------------------------------------------------------
# The results, before validation.py turns them into its Result records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawResult:
    """One validation result as pyshacl would write it into its results graph."""

    severity: Node
    focus: Node
    path: Node | None
    value: Node | None
    shape: Node
    messages: dict[str, str]


# --------------------------------------------------------------------------------------------
# Compiled shapes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of a sequence path: a predicate, read forwards or backwards."""

    predicate: URIRef
    inverse: bool

    def sparql(self) -> str:
        """The step in SPARQL property path syntax."""
        return ("^" if self.inverse else "") + f"<{self.predicate}>"


@dataclass
class Member:
    """A node-level shape used inside sh:or or sh:qualifiedValueShape."""

    classes: list[URIRef] = field(default_factory=list)
    datatypes: list[URIRef] = field(default_factory=list)
    languages: list[set[str]] = field(default_factory=list)
    ins: list[list[URIRef]] = field(default_factory=list)
    has_values: list[URIRef] = field(default_factory=list)
    node_kinds: list[Node] = field(default_factory=list)
    patterns: list[re.Pattern[str]] = field(default_factory=list)


@dataclass
class PropertyShape:
    """A property shape and its parameters."""

    node: Node
    path_node: Node
    steps: tuple[Step, ...]
    severity: Node
    messages: dict[str, str]
    params: dict[Node, list[Node]]

    @property
    def path(self) -> str:
        """The path in SPARQL syntax."""
        return "/".join(step.sparql() for step in self.steps)


@dataclass
class SparqlConstraint:
    """A SPARQL-based constraint of a node shape."""

    node: Node
    prefixes: str
    select: str
    messages: dict[str, str]


@dataclass
class NodeShape:
    """A node shape with class targets, its property shapes and SPARQL constraints."""

    node: Node
    classes: list[URIRef]
    severity: Node
    properties: list[PropertyShape]
    sparql: list[SparqlConstraint]

    def focus(self) -> str:
        """A sub-select binding ``?this`` to the focus nodes, as pyshacl finds them."""
        values = " ".join(f"<{c}>" for c in self.classes)
        return (
            "{ SELECT DISTINCT ?this WHERE { VALUES ?targetClass { "
            f"{values} }} ?this <{RDF.type}> ?kind . "
            f"?kind <{RDFS.subClassOf}>* ?targetClass }} }}"
        )


def is_true(values: Iterable[Node]) -> bool:
    """Whether a boolean parameter (sh:deactivated, sh:uniqueLang ...) is set to true."""
    return any(isinstance(v, Literal) and v.value is True for v in values)


def messages_by_language(shapes: Graph, node: Node) -> dict[str, str]:
    """The sh:message values of a node by language tag; each must be tagged and unique."""
    found: dict[str, str] = {}
    for message in shapes.objects(node, SH.message):
        if not isinstance(message, Literal) or not message.language or message.language in found:
            raise Unsupported(f"{node}: untagged or duplicate sh:message")
        found[message.language] = str(message)
    return found


def items(shapes: Graph, head: Node) -> list[Node]:
    """The members of an RDF list."""
    return list(Collection(shapes, head))


def only_iris(nodes: Iterable[Node], what: str) -> list[URIRef]:
    """The nodes, which must all be IRIs."""
    found = list(nodes)
    iris = [n for n in found if isinstance(n, URIRef)]
    if len(iris) != len(found):
        raise Unsupported(f"{what}: only IRIs are supported")
    return iris


def integer(node: Node) -> int:
    """A count parameter (sh:minCount ...), which must be an integer literal."""
    if not isinstance(node, Literal) or not isinstance(node.value, int):
        raise Unsupported(f"{node!r} is not an integer")
    return int(node.value)


def check_parameters(shapes: Graph, node: Node, allowed: set[URIRef], shape: bool = True) -> None:
    """Refuse any sh: predicate on ``node`` outside ``allowed``, and on a shape any type
    but sh:NodeShape, sh:PropertyShape or sh:SPARQLConstraint (a class would be a target)."""
    for predicate, value in shapes.predicate_objects(node):
        if shape and predicate == RDF.type and value not in SHAPE_TYPES:
            raise Unsupported(f"{node}: typed {value}")
        if str(predicate).startswith(str(SH)) and predicate not in allowed:
            raise Unsupported(f"{node}: {predicate} is not supported")


def compile_steps(shapes: Graph, path: Node) -> tuple[Step, ...]:
    """A path made of IRIs, inverse IRIs and sequences of those."""
    if isinstance(path, URIRef):
        return (Step(path, False),)
    if isinstance(path, BNode):
        inverse = shapes.value(path, SH.inversePath)
        if inverse is not None:
            if not isinstance(inverse, URIRef) or len(set(shapes.predicate_objects(path))) != 1:
                raise Unsupported("complex inverse path")
            return (Step(inverse, True),)
        if shapes.value(path, RDF.first) is not None:
            steps = tuple(s for item in items(shapes, path) for s in compile_steps(shapes, item))
            if len(steps) < 2:
                raise Unsupported("sequence path of one step")
            return steps
    raise Unsupported(f"path {path} is not supported")


def compile_pattern(shapes: Graph, node: Node) -> list[re.Pattern[str]]:
    """The compiled sh:pattern values, with sh:flags as pyshacl reads them."""
    flags_found = list(shapes.objects(node, SH.flags))
    flags = 0
    if flags_found:
        text = str(flags_found[0]).lower()
        flags |= re.I if "i" in text else 0
        flags |= re.M if "m" in text else 0
    patterns = []
    for pattern in shapes.objects(node, SH.pattern):
        if not isinstance(pattern, Literal):
            raise Unsupported("sh:pattern must be a literal")
        patterns.append(re.compile(str(pattern), flags))
    return patterns


def compile_member(shapes: Graph, node: Node) -> Member:
    """A node-level shape of sh:or or sh:qualifiedValueShape."""
    check_parameters(shapes, node, MEMBER_PARAMETERS)
    if not list(shapes.predicate_objects(node)) or shapes.value(node, SH.path) is not None:
        raise Unsupported(f"member shape {node} is not supported")
    member = Member(
        classes=only_iris(shapes.objects(node, SH["class"]), "sh:class"),
        datatypes=only_iris(shapes.objects(node, SH.datatype), "sh:datatype"),
        languages=[language_set(shapes, n) for n in shapes.objects(node, SH.languageIn)],
        ins=[only_iris(items(shapes, n), "sh:in") for n in shapes.objects(node, SH["in"])],
        has_values=only_iris(shapes.objects(node, SH.hasValue), "sh:hasValue"),
        node_kinds=list(shapes.objects(node, SH.nodeKind)),
        patterns=compile_pattern(shapes, node),
    )
    check_member(member)
    return member


def check_member(member: Member) -> None:
    """Refuse parameter values this engine cannot translate."""
    if len(member.datatypes) > 1 or any(k not in NODE_KINDS for k in member.node_kinds):
        raise Unsupported("sh:datatype twice or unknown sh:nodeKind")
    if any(d in (RDFS.Datatype,) for d in member.datatypes):
        raise Unsupported("sh:datatype rdfs:Datatype")


def language_set(shapes: Graph, head: Node) -> set[str]:
    """The languages of sh:languageIn, lower-cased as pyshacl compares them."""
    values = items(shapes, head)
    if not all(isinstance(v, Literal) and LANGUAGE.fullmatch(str(v)) for v in values):
        raise Unsupported("sh:languageIn must list language ranges")
    return {str(v).lower() for v in values}


def severity_of(shapes: Graph, node: Node) -> Node:
    """The shape's severity, sh:Violation by default."""
    return shapes.value(node, SH.severity) or SH.Violation


def compile_property(shapes: Graph, node: Node) -> PropertyShape:
    """A property shape of a node shape."""
    check_parameters(shapes, node, PROPERTY_PARAMETERS)
    paths = list(shapes.objects(node, SH.path))
    if len(paths) != 1:
        raise Unsupported(f"{node}: one sh:path expected")
    params: dict[Node, list[Node]] = defaultdict(list)
    for predicate, value in shapes.predicate_objects(node):
        params[predicate].append(value)
    if is_true(params.get(SH.qualifiedValueShapesDisjoint, [])):
        raise Unsupported("sh:qualifiedValueShapesDisjoint true")
    messages = messages_by_language(shapes, node)
    if set(params) & set(CHECKS) and not messages:
        raise Unsupported(f"{node}: no sh:message (pyshacl would write its own)")
    return PropertyShape(
        node=node,
        path_node=paths[0],
        steps=compile_steps(shapes, paths[0]),
        severity=severity_of(shapes, node),
        messages=messages,
        params=dict(params),
    )


def prefixes_of(shapes: Graph, constraint: Node) -> str:
    """The PREFIX lines declared through sh:prefixes / sh:declare."""
    lines = []
    for owner in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(owner, SH.declare):
            check_parameters(shapes, declaration, DECLARATION_PARAMETERS, shape=False)
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is None or namespace is None:
                raise Unsupported("incomplete sh:declare")
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(lines)


def compile_sparql(shapes: Graph, node: Node) -> SparqlConstraint:
    """A SPARQL constraint whose ``$this`` can become a variable joined with the focus nodes.

    Pre-binding ``$this`` equals joining on it when ``$this`` is the subject of the first
    triple pattern of a flat query: no sub-select, OPTIONAL, UNION, MINUS, VALUES, GRAPH,
    SERVICE or other pre-bound variable, and nothing assigns ``?this``.
    """
    check_parameters(shapes, node, SPARQL_PARAMETERS)
    selects = list(shapes.objects(node, SH.select))
    if len(selects) != 1:
        raise Unsupported(f"{node}: one sh:select expected")
    text = sparql_text.decode(str(selects[0]))
    found = list(sparql_text.lex(text))
    if not joinable(found):
        raise Unsupported(f"{node}: SPARQL constraint shape not supported")
    if sum(token.is_word("SELECT") for token in found) != 1:
        raise Unsupported(f"{node}: sub-selects are not supported")
    messages = messages_by_language(shapes, node)
    if not messages:
        raise Unsupported(f"{node}: no sh:message")
    return SparqlConstraint(
        node, prefixes_of(shapes, node), this_as_variable(text, found), messages
    )


def joinable(found: list[Token]) -> bool:
    """Whether pre-binding ``$this`` equals joining on ``?this`` (see ``compile_sparql``)."""
    texts = tuple(token.text.upper() if token.kind == "word" else token.text for token in found)
    if not any(texts[: len(head)] == head for head in SELECT_HEADS):
        return False
    for index, token in enumerate(found):
        if token.kind == "var" and token.text.startswith("$") and token.text != "$this":
            return False  # another pre-bound variable
        if token.kind == "word" and token.text.upper() in FORBIDDEN_KEYWORDS:
            return False
        assigns = token.is_word("AS") and index + 1 < len(found)
        if assigns and found[index + 1].text in ("?this", "$this"):
            return False
    return not any(token.kind == "invalid" for token in found)


def this_as_variable(text: str, found: list[Token]) -> str:
    """The query with the variable ``$this`` written ``?this`` (never inside a string)."""
    pieces, cursor = [], 0
    for token in found:
        if token.kind == "var" and token.text == "$this":
            pieces += [text[cursor : token.start], "?this"]
            cursor = token.end
    return "".join(pieces) + text[cursor:]


def compile_node_shape(shapes: Graph, node: Node) -> NodeShape:
    """A node shape with class targets."""
    check_parameters(shapes, node, NODE_PARAMETERS)
    if list(shapes.objects(node, SH.message)):
        raise Unsupported(f"{node}: sh:message on a node shape")
    sparql = [
        compile_sparql(shapes, c)
        for c in shapes.objects(node, SH.sparql)
        if not is_true(shapes.objects(c, SH.deactivated))
    ]
    properties = [
        compile_property(shapes, p)
        for p in shapes.objects(node, SH.property)
        if not is_true(shapes.objects(p, SH.deactivated))
    ]
    return NodeShape(
        node=node,
        classes=only_iris(shapes.objects(node, SH.targetClass), "sh:targetClass"),
        severity=severity_of(shapes, node),
        properties=properties,
        sparql=sparql,
    )


def path_nodes(shapes: Graph) -> set[Node]:
    """The blank nodes that spell property paths (checked by ``compile_steps``)."""
    found: set[Node] = set()
    todo = [p for p in shapes.objects(None, SH.path) if isinstance(p, BNode)]
    while todo:
        node = todo.pop()
        if node in found:
            continue
        found.add(node)
        todo += [o for o in shapes.objects(node, None) if isinstance(o, BNode)]
    return found


def compile_shapes(shapes: Graph) -> list[NodeShape]:
    """The node shapes to evaluate; raises Unsupported for anything outside the subset."""
    targeted = set(shapes.subjects(SH.targetClass, None))
    properties = set(shapes.objects(None, SH.property))
    members = {m for head in shapes.objects(None, SH["or"]) for m in items(shapes, head)}
    members |= set(shapes.objects(None, SH.qualifiedValueShape))
    constraints = set(shapes.objects(None, SH.sparql))
    owners = set(shapes.subjects(SH.declare, None))
    declarations = set(shapes.objects(None, SH.declare))
    roles = [targeted, properties, members, constraints, declarations]
    if any(a & b for i, a in enumerate(roles) for b in roles[i + 1 :]):
        raise Unsupported("a node plays two shape roles")
    known = set().union(*roles) | owners | path_nodes(shapes)
    unknown = [s for s, p, _ in shapes if str(p).startswith(str(SH)) and s not in known] + [
        s for s in shapes.subjects(RDF.type, SH.NodeShape) if s not in known
    ]
    if unknown:
        raise Unsupported(f"{unknown[0]}: shape outside the supported subset")
    for owner in owners:
        check_parameters(shapes, owner, {SH.declare}, shape=False)
    for member in members:
        compile_member(shapes, member)
    for head in shapes.objects(None, SH["or"]):
        if not items(shapes, head):
            raise Unsupported("empty sh:or")
    compiled = [compile_node_shape(shapes, n) for n in targeted]
    return [n for n in compiled if not is_true(shapes.objects(n.node, SH.deactivated))]


def supported(shapes: Graph) -> bool:
    """Whether this engine evaluates every shape of ``shapes`` (else use pyshacl)."""
    try:
        compile_shapes(shapes)
    except Unsupported:
        return False
    return True


# --------------------------------------------------------------------------------------------
# Literal checks, as pyshacl and rdflib decide them
# --------------------------------------------------------------------------------------------

ACTUAL_TYPES: dict[Node, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


def well_typed(literal: Literal) -> bool:
    """pyshacl's sh:datatype check of a literal against its own datatype."""
    if getattr(literal, "ill_typed", None) is True:
        return False
    expected = None if literal.datatype is None else ACTUAL_TYPES.get(literal.datatype)
    return expected is None or isinstance(literal.value, expected)


def value_string(value: Node) -> str:
    """The text sh:pattern matches, as pyshacl builds it."""
    plain = isinstance(value, Literal) and value.datatype in (None, RDF.langString, XSD.string)
    if plain and isinstance(value, Literal) and value.value is not None:
        return str(value.value)
    return str(value)


def matches_pattern(value: Node, pattern: re.Pattern[str]) -> bool:
    """pyshacl's sh:pattern check (blank nodes never match)."""
    if isinstance(value, BNode):
        return False
    text = value_string(value)
    return bool(pattern.match(text) or pattern.search(text))


def less_than(value: Node, other: Node, or_equal: bool) -> bool:
    """pyshacl's comparison for sh:lessThan / sh:lessThanOrEquals."""
    if isinstance(value, BNode) or isinstance(other, BNode):
        raise Unsupported("sh:lessThan on a blank node")
    left, left_text = comparable(value)
    right, right_text = comparable(other)
    if left_text != right_text:
        return False
    return bool(left <= right if or_equal else left < right)


def comparable(node: Node) -> tuple[Any, bool]:
    """The node as pyshacl compares it, and whether it is compared as a string."""
    if isinstance(node, URIRef):
        return str(node), True
    if isinstance(node, Literal) and isinstance(node.value, str):
        return node.value, True
    return node, False


# --------------------------------------------------------------------------------------------
# Loading the data into Oxigraph
# --------------------------------------------------------------------------------------------


WRAP = "urn:x-cls-kg:shacl:"


def wrapped_datatype(literal: Literal) -> str:
    """The datatype IRI a typed literal is stored under in the core graph: its own, behind a
    prefix saying whether pyshacl finds it well-typed (Oxigraph then keeps it verbatim)."""
    return f"{WRAP}{'ok' if well_typed(literal) else 'ill'}:{literal.datatype}"


class Terms:
    """Conversions between rdflib and Oxigraph terms, both ways.

    Oxigraph canonicalises typed literals when it stores them ("12"^^xsd:nonNegativeInteger
    becomes "12"^^xsd:integer, "1.50" becomes "1.5"), so the core components see every typed
    literal with a wrapped datatype (:func:`wrapped_datatype`), which it stores as given;
    SPARQL-based constraints see the literals as they are.
    """

    def __init__(self) -> None:
        self.core: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}
        self.plain: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}
        self.literals: dict[ox.Literal, Literal] = {}

    def to_core(self, term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        """The term as the core components see it (cached)."""
        found = self.core.get(term)
        if found is None:
            if isinstance(term, Literal) and term.datatype is not None:
                found = ox.Literal(str(term), datatype=ox.NamedNode(wrapped_datatype(term)))
            else:
                found = self.to_plain(term)
            self.core[term] = found
        return found

    def to_plain(self, term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        """The term as it is (cached); remembers literals to map them back."""
        found = self.plain.get(term)
        if found is None:
            found = self.plain[term] = convert(term)
            if isinstance(term, Literal):
                # (Oxigraph lower-cases language tags; rdflib already holds "a"@FR and "a"@fr
                # for one term, so no two values merge.)
                self.literals.setdefault(found, term)  # type: ignore[arg-type]
        return found

    def back(self, term: Any) -> Node:
        """The rdflib term a query returned, with the lexical form rdflib had."""
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            if datatype.startswith(WRAP):
                original = datatype[len(WRAP) :].split(":", 1)[1]
                return Literal(term.value, datatype=URIRef(original))
            known = self.literals.get(term)
            if known is not None:
                return known
        try:
            return to_rdflib(term)
        except StoreError as error:
            raise Unsupported(f"unexpected term {term!r}") from error


def convert(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as an Oxigraph term (lexical forms as rdflib holds them)."""
    try:
        return to_oxigraph(term)
    except (TypeError, ValueError) as error:
        raise Unsupported(f"term {term!r}: {error}") from error


#: The graphs of the store: triples without typed literals, then typed-literal triples as the
#: core components see them (wrapped) and as SPARQL constraints see them (as they are).
COMMON = ox.DefaultGraph()
WRAPPED = ox.NamedNode(WRAP + "wrapped")
PLAIN = ox.NamedNode(WRAP + "plain")
FOCUS = ox.NamedNode(WRAP + "focus")
MARK = ox.NamedNode(WRAP + "focus-of")
CORE_GRAPHS = [COMMON, WRAPPED]
SPARQL_GRAPHS = [COMMON, PLAIN]


def quads(graph: Graph, terms: Terms) -> Iterator[ox.Quad]:
    """The triples of ``graph`` as quads of the three graphs."""
    core, plain, cached = terms.to_core, terms.to_plain, terms.plain.get
    quad = ox.Quad
    for s, p, o in graph:
        subject, predicate = cached(s) or plain(s), cached(p) or plain(p)
        if isinstance(o, Literal) and o.datatype is not None:
            yield quad(subject, predicate, core(o), WRAPPED)  # type: ignore[arg-type]
            yield quad(subject, predicate, plain(o), PLAIN)  # type: ignore[arg-type]
        else:
            # (no graph argument: the default graph, and Quad() is much faster without one)
            yield quad(subject, predicate, cached(o) or plain(o))  # type: ignore[arg-type]


def load(data: Graph, extra: Graph) -> tuple[ox.Store, Terms]:
    """An in-memory store holding ``data`` and ``extra``, and the term conversions.

    The cyclic garbage collector is paused meanwhile: the conversion creates a million
    objects next to the rdflib graph's millions, and each collection would scan them all.
    """
    store = ox.Store()
    terms = Terms()
    collecting = gc.isenabled()
    gc.disable()
    try:
        store.bulk_extend(quads(data, terms))
        store.bulk_extend(quads(extra, terms))
    finally:
        if collecting:
            gc.enable()
    return store, terms


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------


def datatype_test(datatype: URIRef) -> str:
    """A SPARQL expression true when ``?v`` passes sh:datatype (ill-typed values fail)."""
    if datatype == RDFS.Literal:
        return "isLiteral(?v)"
    wrapped = f"(isLiteral(?v) && DATATYPE(?v) = <{WRAP}ok:{datatype}>)"
    if datatype == XSD.string:
        return f"((isLiteral(?v) && DATATYPE(?v) = <{XSD.string}>) || {wrapped})"
    if datatype == RDF.langString:
        return '(isLiteral(?v) && LANG(?v) != "")'
    return wrapped


def class_test(classes: Iterable[URIRef]) -> str:
    """A SPARQL expression true when ``?v`` is an instance of every class."""
    return " && ".join(f"EXISTS {{ ?v {INSTANCE_OF} <{c}> }}" for c in classes)


def language_test(languages: set[str]) -> str:
    """A SPARQL expression true when ``?v`` passes sh:languageIn, as pyshacl reads it."""
    if "*" in languages:
        return '(isLiteral(?v) && LANG(?v) != "")'
    listed = ", ".join(f'"{lang}"' for lang in sorted(languages))
    return (
        f'(isLiteral(?v) && LANG(?v) != "" && (LCASE(LANG(?v)) IN ({listed}) '
        f'|| LCASE(STRBEFORE(LANG(?v), "-")) IN ({listed})))'
    )


def in_test(values: Iterable[URIRef]) -> str:
    """A SPARQL expression true when ``?v`` is one of the IRIs."""
    return "(" + " || ".join(f"sameTerm(?v, <{v}>)" for v in values) + ")" if values else "false"


def member_test(member: Member) -> tuple[str, list[re.Pattern[str]]]:
    """The SPARQL part of a member shape's test, and the patterns left for Python."""
    parts = []
    if member.classes:
        parts.append(class_test(member.classes))
    parts += [datatype_test(d) for d in member.datatypes]
    parts += [language_test(langs) for langs in member.languages]
    parts += [in_test(values) for values in member.ins]
    parts += [f"sameTerm(?v, <{v}>)" for v in member.has_values]
    parts += [NODE_KINDS[k] for k in member.node_kinds]
    return " && ".join(parts) or "true", member.patterns


@dataclass
class Engine:
    """Evaluates compiled shapes over the store; collects pyshacl-shaped results."""

    store: ox.Store
    terms: Terms
    shapes: Graph
    results: list[RawResult] = field(default_factory=list)

    def rows(self, query: str, graphs: list[Any] = CORE_GRAPHS) -> Iterator[Any]:
        """The solutions of a SELECT query over the given graphs (the core ones by default)."""
        solutions = self.store.query(query, default_graph=graphs)
        if not isinstance(solutions, ox.QuerySolutions):
            raise TypeError("a SELECT query was expected")
        yield from solutions

    def add(self, shape: PropertyShape, focus: Node, value: Node | None = None) -> None:
        """A result of a property shape."""
        self.results.append(
            RawResult(shape.severity, focus, shape.path_node, value, shape.node, shape.messages)
        )

    def add_row(self, shape: PropertyShape, focus: Any, value: Any = None) -> None:
        """A result of a property shape, from terms the store returned."""
        back = self.terms.back
        self.add(shape, back(focus), None if value is None else back(value))

    def run(self, node_shapes: list[NodeShape]) -> list[RawResult]:
        """Every constraint of every shape."""
        for number, node_shape in enumerate(node_shapes):
            focus = self.materialise(node_shape, number)
            for constraint in node_shape.sparql:
                self.sparql(node_shape, constraint, focus)
            for shape in node_shape.properties:
                self.property(shape, focus)
        return self.results

    def materialise(self, node_shape: NodeShape, number: int) -> str:
        """Find the focus nodes once, store them, and return the pattern that reads them."""
        label = ox.NamedNode(f"{WRAP}shape:{number}")
        query = f"SELECT ?this WHERE {{ {node_shape.focus()} }}"
        focus_nodes = [row["this"] for row in self.rows(query)]
        self.store.extend(ox.Quad(node, MARK, label, FOCUS) for node in focus_nodes)
        return f"GRAPH <{FOCUS.value}> {{ ?this <{MARK.value}> <{label.value}> }}"

    def sparql(self, node_shape: NodeShape, constraint: SparqlConstraint, focus: str) -> None:
        """A SPARQL constraint, run once, joined with the focus nodes."""
        query = (
            f"{constraint.prefixes}\n"
            f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {{ {constraint.select} }} }}"
        )
        for row in self.rows(query, SPARQL_GRAPHS):
            value = row["value"]
            self.results.append(
                RawResult(
                    severity=node_shape.severity,
                    focus=self.terms.back(row["this"]),
                    path=None,
                    value=self.terms.back(value if value is not None else row["this"]),
                    shape=node_shape.node,
                    messages=constraint.messages,
                )
            )

    def property(self, shape: PropertyShape, focus: str) -> None:
        """Every constraint of one property shape."""
        for parameter, check in CHECKS.items():
            values = shape.params.get(parameter)
            if values:
                check(self, shape, focus, values)

    # Components, each in pyshacl's multiplicity ---------------------------------------------

    def value_test(self, shape: PropertyShape, focus: str, test: str) -> None:
        """One result per (focus, value) where the SPARQL test fails."""
        query = (
            f"SELECT DISTINCT ?this ?v WHERE {{ {focus} ?this {shape.path} ?v FILTER(!({test})) }}"
        )
        for row in self.rows(query):
            self.add_row(shape, row["this"], row["v"])

    def count_test(self, shape: PropertyShape, focus: str, having: str, test: str = "") -> None:
        """One result per focus whose number of (qualifying) values fails ``having``."""
        values = f"?this {shape.path} ?v " + (f"FILTER({test})" if test else "")
        if having == "< 1":  # the common case, one index lookup per focus node
            query = f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ {values} }} }}"
        elif having.startswith(">"):  # no value never counts too many
            query = (
                f"SELECT ?this WHERE {{ {focus} {values} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {having})"
            )
        else:
            query = (
                f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ {values} }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {having})"
            )
        for row in self.rows(query):
            self.add_row(shape, row["this"])

    def class_test(self, shape: PropertyShape, focus: str, classes: list[URIRef]) -> None:
        """One result per (focus, value) where the value is an instance of none of the
        classes: an anti-join with the instances, faster than a test per value."""
        listed = " ".join(f"<{c}>" for c in classes)
        query = (
            f"SELECT DISTINCT ?this ?v WHERE {{ {focus} ?this {shape.path} ?v "
            f"MINUS {{ VALUES ?class {{ {listed} }} ?v {INSTANCE_OF} ?class }} }}"
        )
        for row in self.rows(query):
            self.add_row(shape, row["this"], row["v"])

    def pairs(self, shape: PropertyShape, focus: str) -> dict[Node, set[Node]]:
        """Every focus node's value nodes, as rdflib terms (for the checks done in Python)."""
        found: dict[Node, set[Node]] = defaultdict(set)
        for row in self.rows(f"SELECT DISTINCT ?this ?v WHERE {{ {focus} ?this {shape.path} ?v }}"):
            found[self.terms.back(row["this"])].add(self.terms.back(row["v"]))
        return found


def check_class(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """sh:class: one result per value that is not an instance (each class on its own)."""
    for cls in only_iris(values, "sh:class"):
        engine.class_test(shape, focus, [cls])


def check_datatype(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """sh:datatype: one result per value of another datatype, or ill-typed."""
    datatypes = only_iris(values, "sh:datatype")
    if len(datatypes) != 1 or datatypes[0] == RDFS.Datatype:
        raise Unsupported("sh:datatype")
    engine.value_test(shape, focus, datatype_test(datatypes[0]))


def check_min_count(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """sh:minCount: one result per focus node, without a value."""
    for limit in values:
        engine.count_test(shape, focus, f"< {integer(limit)}")


def check_max_count(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """sh:maxCount: one result per focus node, without a value."""
    for limit in values:
        engine.count_test(shape, focus, f"> {integer(limit)}")


def check_qualified(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """sh:qualifiedValueShape: one result per focus node and bound that fails."""
    for member_node in values:
        test, patterns = member_test(compile_member(engine.shapes, member_node))
        if patterns:
            raise Unsupported("sh:pattern in a qualified value shape")
        for bound in shape.params.get(SH.qualifiedMaxCount, []):
            engine.count_test(shape, focus, f"> {integer(bound)}", test)
        for bound in shape.params.get(SH.qualifiedMinCount, []):
            engine.count_test(shape, focus, f"< {integer(bound)}", test)


def check_language_in(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """sh:languageIn: one result per value outside the languages."""
    for head in values:
        engine.value_test(shape, focus, language_test(language_set(engine.shapes, head)))


def check_unique_lang(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """sh:uniqueLang: one result (no value) per focus node and language used twice."""
    if not is_true(values):
        return
    query = (
        f"SELECT ?this ?lang WHERE {{ {focus} ?this {shape.path} ?v "
        f'FILTER(isLiteral(?v) && LANG(?v) != "") BIND(LCASE(LANG(?v)) AS ?lang) }} '
        "GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?v) > 1)"
    )
    for row in engine.rows(query):
        engine.add_row(shape, row["this"])


def check_has_value(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """sh:hasValue: one result (no value) per focus node lacking the value."""
    for value in only_iris(values, "sh:hasValue"):
        query = (
            f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {shape.path} <{value}> }} }}"
        )
        for row in engine.rows(query):
            engine.add_row(shape, row["this"])


def check_in(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """sh:in: one result per value outside the list."""
    for head in values:
        engine.value_test(shape, focus, in_test(only_iris(items(engine.shapes, head), "sh:in")))


def check_node_kind(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """sh:nodeKind: one result per value of another kind."""
    if len(values) != 1 or values[0] not in NODE_KINDS:
        raise Unsupported("sh:nodeKind")
    engine.value_test(shape, focus, NODE_KINDS[values[0]])


def check_pattern(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """sh:pattern: one result per value and pattern it does not match (checked in Python)."""
    patterns = compile_pattern(engine.shapes, shape.node)
    found = engine.pairs(shape, focus)
    for pattern in patterns:
        for this, nodes in found.items():
            for value in nodes:
                if not matches_pattern(value, pattern):
                    engine.add(shape, this, value)


def check_or(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """sh:or: one result per value that conforms to no member."""
    for head in values:
        members = [compile_member(engine.shapes, node) for node in items(engine.shapes, head)]
        if all(only_one_class(member) for member in members):
            engine.class_test(shape, focus, [member.classes[0] for member in members])
            continue
        tests = []
        for member in members:
            test, patterns = member_test(member)
            if patterns:
                raise Unsupported("sh:pattern inside sh:or")
            tests.append(f"({test})")
        engine.value_test(shape, focus, " || ".join(tests))


def only_one_class(member: Member) -> bool:
    """Whether a member shape is nothing but one sh:class."""
    others = (member.datatypes, member.languages, member.ins, member.has_values)
    return (
        len(member.classes) == 1
        and not any(others)
        and not member.node_kinds
        and not member.patterns
    )


def check_disjoint(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """sh:disjoint: one result per value also reached through the other property."""
    for other in only_iris(values, "sh:disjoint"):
        query = (
            f"SELECT DISTINCT ?this ?v WHERE {{ {focus} ?this {shape.path} ?v . "
            f"?this <{other}> ?v }}"
        )
        for row in engine.rows(query):
            engine.add_row(shape, row["this"], row["v"])


def compare(
    engine: Engine, shape: PropertyShape, focus: str, values: list[Node], or_equal: bool
) -> None:
    """sh:lessThan(OrEquals): one result per (value, other value) pair out of order."""
    for other in only_iris(values, "sh:lessThan"):
        found = engine.pairs(shape, focus)
        query = f"SELECT DISTINCT ?this ?o WHERE {{ {focus} ?this <{other}> ?o }}"
        others: dict[Node, set[Node]] = defaultdict(set)
        for row in engine.rows(query):
            others[engine.terms.back(row["this"])].add(engine.terms.back(row["o"]))
        for this, nodes in found.items():
            for value in nodes:
                for bound in others.get(this, set()):
                    if not less_than(value, bound, or_equal):
                        engine.add(shape, this, value)


def check_less_than(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """sh:lessThan."""
    compare(engine, shape, focus, values, or_equal=False)


def check_less_or_equal(
    engine: Engine, shape: PropertyShape, focus: str, values: list[Node]
) -> None:
    """sh:lessThanOrEquals."""
    compare(engine, shape, focus, values, or_equal=True)


Check = Callable[[Engine, PropertyShape, str, list[Node]], None]
CHECKS: dict[Node, Check] = {
    SH["class"]: check_class,
    SH.datatype: check_datatype,
    SH.minCount: check_min_count,
    SH.maxCount: check_max_count,
    SH.qualifiedValueShape: check_qualified,
    SH.languageIn: check_language_in,
    SH.uniqueLang: check_unique_lang,
    SH.hasValue: check_has_value,
    SH["in"]: check_in,
    SH.nodeKind: check_node_kind,
    SH.pattern: check_pattern,
    SH["or"]: check_or,
    SH.disjoint: check_disjoint,
    SH.lessThan: check_less_than,
    SH.lessThanOrEquals: check_less_or_equal,
}


def ontology_axioms(ontology: Graph | None) -> Graph:
    """What pyshacl mixes into the data graph from the ontology: its RDFS and OWL axioms
    (``inoculate``), or all of it when PYSHACL_USE_FULL_MIXIN is set."""
    mixed = Graph()
    if ontology is not None:
        if USE_FULL_MIXIN:
            return ontology
        inoculate(mixed, ontology)  # type: ignore[arg-type]
    return mixed


def evaluate(data: Graph, shapes: Graph, ontology: Graph | None = None) -> list[RawResult]:
    """Validate ``data`` against ``shapes``; raises Unsupported when pyshacl must do it."""
    node_shapes = compile_shapes(shapes)
    store, terms = load(data, ontology_axioms(ontology))
    return Engine(store, terms, shapes).run(node_shapes)
