"""The SHACL Core constraint components the engine evaluates: one record each, one table.

A record (:class:`Component`) holds everything about a component: its IRI, the section of
SHACL 1.0 that defines it (https://www.w3.org/TR/shacl/#core-components), its parameters,
how a shape's values are checked (giving pyshacl's results, in pyshacl's multiplicity),
whether a node shape may use it on its focus nodes, the member shapes it names (``sh:or``,
``sh:not``, ``sh:node``, ``sh:qualifiedValueShape`` ...) and, for the components usable in
those members, the SPARQL expression that tests one value ``?v``, and what parameter values
it refuses when the shapes are compiled. The compiler's allow-lists (the parameters a node,
property or member shape may use, the member shapes) derive from :data:`COMPONENTS`: a new
component is one new record here, tested against pyshacl in tests/graph/test_shacl_engine.py
and by the W3C suite in tests/graph/test_shacl_w3c.py.
"""

from __future__ import annotations

import operator
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from .engine import INSTANCE_OF, Engine
from .model import (
    PropertyShape,
    Unsupported,
    check_parameters,
    integer,
    is_true,
    items,
    only_iris,
)
from .terms import WRAP, core_text, in_range, less_than, matches_pattern

SPEC = "https://www.w3.org/TR/shacl/#"

#: Checks a property shape's values: (engine, shape, focus pattern, parameter values).
Check = Callable[[Engine, PropertyShape, str, list[Node]], None]
#: The SPARQL expression on ``?v`` of a member shape's parameter: (shapes, parameter values).
MemberTest = Callable[[Graph, list[Node]], str]
#: The member shapes (sh:or ...) a shape using a component names: (shapes, shape).
Members = Callable[[Graph, Node], list[Node]]
#: Raises Unsupported, when the shapes are compiled, for parameter values the check cannot
#: take (so that ``supported`` is true exactly when ``evaluate`` runs): (shapes, parameters).
Refusal = Callable[[Graph, dict[Node, list[Node]]], None]


@dataclass(frozen=True)
class Component:
    """One SHACL Core constraint component, as this engine evaluates it."""

    name: str  # the local name of its IRI
    section: str  # its section number in SHACL 1.0
    parameters: tuple[URIRef, ...]  # the first one makes a shape use the component
    check: Check
    member: MemberTest | None = None
    anchor: str = ""  # its anchor in the specification, when not its name
    refuse: Refusal | None = None
    on_nodes: bool = False  # a node shape may use it too (its focus node is the value node)
    members: Members | None = None  # the member shapes of a shape using it

    @property
    def iri(self) -> URIRef:
        """The component's IRI (sh:sourceConstraintComponent of its results)."""
        return SH[self.name]

    @property
    def spec(self) -> str:
        """Where SHACL 1.0 defines the component."""
        return SPEC + (self.anchor or self.name)

    @property
    def key(self) -> URIRef:
        """The parameter whose presence makes a shape use the component."""
        return self.parameters[0]


# --- SPARQL expressions on one value ?v -------------------------------------------------------

NODE_KINDS: dict[Node, str] = {
    SH.IRI: "isIRI(?v)",
    SH.BlankNode: "isBlank(?v)",
    SH.Literal: "isLiteral(?v)",
    SH.BlankNodeOrIRI: "(isBlank(?v) || isIRI(?v))",
    SH.BlankNodeOrLiteral: "(isBlank(?v) || isLiteral(?v))",
    SH.IRIOrLiteral: "(isIRI(?v) || isLiteral(?v))",
}
LANGUAGE = re.compile(r"[A-Za-z0-9*-]+")


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


def language_set(shapes: Graph, head: Node) -> set[str]:
    """The languages of sh:languageIn, lower-cased as pyshacl compares them."""
    values = items(shapes, head)
    if not all(isinstance(v, Literal) and LANGUAGE.fullmatch(str(v)) for v in values):
        raise Unsupported("sh:languageIn must list language ranges")
    return {str(v).lower() for v in values}


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


def one_datatype(values: list[Node]) -> URIRef:
    """The one datatype of sh:datatype (rdfs:Datatype itself is not evaluated here)."""
    datatypes = only_iris(values, "sh:datatype")
    if len(datatypes) != 1 or datatypes[0] == RDFS.Datatype:
        raise Unsupported("sh:datatype twice, or rdfs:Datatype")
    return datatypes[0]


def node_kind_test(values: list[Node]) -> str:
    """A SPARQL expression true when ``?v`` is of every node kind given."""
    if any(kind not in NODE_KINDS for kind in values):
        raise Unsupported("unknown sh:nodeKind")
    return " && ".join(NODE_KINDS[kind] for kind in values)


# --- Member shapes (the shapes named by sh:or, sh:not, sh:node, sh:qualifiedValueShape ...) ---


def member_test(shapes: Graph, node: Node) -> str:
    """The SPARQL expression on ``?v`` of a member shape: every component's test holds."""
    check_parameters(shapes, node, MEMBER_PARAMETERS)
    if not list(shapes.predicate_objects(node)):
        raise Unsupported(f"member shape {node} is not supported")
    parts = []
    for component in MEMBER_COMPONENTS:
        values = list(shapes.objects(node, component.key))
        if values and component.member is not None:
            parts.append(component.member(shapes, values))
    return " && ".join(parts) or "true"


def single_class(shapes: Graph, node: Node) -> URIRef | None:
    """The class of a member shape that is nothing but one sh:class, else None."""
    found = [(p, o) for p, o in shapes.predicate_objects(node) if str(p).startswith(str(SH))]
    if len(found) == 1 and found[0][0] == SH["class"] and isinstance(found[0][1], URIRef):
        return found[0][1]
    return None


# --- The checks of property shapes, each in pyshacl's multiplicity ---------------------------


def check_class(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """One result per value that is not an instance (each class on its own)."""
    for cls in only_iris(values, "sh:class"):
        engine.class_test(shape, focus, [cls])


def check_datatype(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """One result per value of another datatype, or ill-typed."""
    engine.value_test(shape, focus, datatype_test(one_datatype(values)))


def check_node_kind(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """One result per value of another kind."""
    if len(values) != 1:
        raise Unsupported("sh:nodeKind twice")
    engine.value_test(shape, focus, node_kind_test(values))


def value_range(compare: Callable[[Any, Any], bool]) -> Check:
    """The check of a range component: one result per value and bound out of range
    (decided in Python on the rdflib terms)."""

    def check(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
        found = engine.pairs(shape, focus)
        for bound in values:
            for this, nodes in found.items():
                for value in nodes:
                    if not in_range(value, bound, compare):
                        engine.add(shape, this, value)

    return check


def check_min_count(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """One result (no value) per focus node with too few values."""
    for limit in values:
        engine.count_test(shape, focus, f"< {integer(limit)}")


def check_max_count(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """One result (no value) per focus node with too many values."""
    for limit in values:
        engine.count_test(shape, focus, f"> {integer(limit)}")


def check_pattern(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """One result per value and pattern it does not match (checked in Python, with
    sh:flags as pyshacl reads them)."""
    flags_found = shape.params.get(SH.flags, [])
    flags = 0
    if flags_found:
        text = str(flags_found[0]).lower()
        flags |= re.I if "i" in text else 0
        flags |= re.M if "m" in text else 0
    if not all(isinstance(pattern, Literal) for pattern in values):
        raise Unsupported("sh:pattern must be a literal")
    found = engine.pairs(shape, focus)
    for pattern in (re.compile(str(value), flags) for value in values):
        for this, nodes in found.items():
            for value in nodes:
                if not matches_pattern(value, pattern):
                    engine.add(shape, this, value)


def check_language_in(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """One result per value outside the languages."""
    for head in values:
        engine.value_test(shape, focus, language_test(language_set(engine.shapes, head)))


def check_unique_lang(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """One result (no value) per focus node and language used twice."""
    if not is_true(values):
        return
    query = (
        f"SELECT ?this ?lang WHERE {{ {focus} {shape.reach()} "
        f'FILTER(isLiteral(?v) && LANG(?v) != "") BIND(LCASE(LANG(?v)) AS ?lang) }} '
        "GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?v) > 1)"
    )
    for row in engine.rows(query):
        engine.add_row(shape, row["this"])


def compare(
    engine: Engine, shape: PropertyShape, focus: str, values: list[Node], or_equal: bool
) -> None:
    """One result per (value, other value) pair out of order."""
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
    """sh:lessThan: values must be smaller than every value of the other property."""
    compare(engine, shape, focus, values, or_equal=False)


def check_less_or_equal(
    engine: Engine, shape: PropertyShape, focus: str, values: list[Node]
) -> None:
    """sh:lessThanOrEquals: values must not be greater than the other property's."""
    compare(engine, shape, focus, values, or_equal=True)


def check_equals(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """One result per value not reached through the other property, and per value of the
    other property not reached through the path."""
    for other in only_iris(values, "sh:equals"):
        missing = (
            f"{shape.reach()} FILTER NOT EXISTS {{ ?this <{other}> ?v }}",
            f"?this <{other}> ?v "
            f"FILTER NOT EXISTS {{ {shape.reach('?w')} FILTER(sameTerm(?w, ?v)) }}",
        )
        for pattern in missing:  # (two queries: a UNION branch would not see ?this bound)
            for row in engine.rows(f"SELECT DISTINCT ?this ?v WHERE {{ {focus} {pattern} }}"):
                engine.add_row(shape, row["this"], row["v"])


def check_disjoint(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """One result per value also reached through the other property."""
    for other in only_iris(values, "sh:disjoint"):
        query = f"SELECT DISTINCT ?this ?v WHERE {{ {focus} {shape.reach()} ?this <{other}> ?v }}"
        for row in engine.rows(query):
            engine.add_row(shape, row["this"], row["v"])


def check_or(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """One result per value that conforms to no member (an anti-join when every member
    is one sh:class)."""
    for head in values:
        members = items(engine.shapes, head)
        classes = [single_class(engine.shapes, member) for member in members]
        if all(cls is not None for cls in classes):
            engine.class_test(shape, focus, [cls for cls in classes if cls is not None])
            continue
        tests = [f"({member_test(engine.shapes, member)})" for member in members]
        engine.value_test(shape, focus, " || ".join(tests))


def named(parameter: URIRef) -> Members:
    """The member shapes that are values of ``parameter`` of a shape."""
    return lambda shapes, node: list(shapes.objects(node, parameter))


def listed(parameter: URIRef) -> Members:
    """The member shapes in the lists that are values of ``parameter`` of a shape."""
    return lambda shapes, node: [
        m for h in shapes.objects(node, parameter) for m in items(shapes, h)
    ]


def check_not(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """One result per value that conforms to the member."""
    for member in values:
        engine.value_test(shape, focus, f"!({member_test(engine.shapes, member)})")


def check_and(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """One result per value that fails a member."""
    for head in values:
        tests = [f"({member_test(engine.shapes, member)})" for member in items(engine.shapes, head)]
        engine.value_test(shape, focus, " && ".join(tests) or "true")


def check_xone(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """One result per value that conforms to no member, or to more than one."""
    for head in values:
        members = items(engine.shapes, head)
        count = " + ".join(f"IF({member_test(engine.shapes, m)}, 1, 0)" for m in members)
        engine.value_test(shape, focus, f"({count or '0'}) = 1")


def check_node(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """One result per value that does not conform to the member."""
    for member in values:
        engine.value_test(shape, focus, member_test(engine.shapes, member))


def refuse_qualified(_shapes: Graph, params: dict[Node, list[Node]]) -> None:
    """Sibling qualified value shapes (sh:qualifiedValueShapesDisjoint) are not evaluated;
    the bounds must be integers (the members are checked with every member shape)."""
    if is_true(params.get(SH.qualifiedValueShapesDisjoint, [])):
        raise Unsupported("sh:qualifiedValueShapesDisjoint true")
    for bound in params.get(SH.qualifiedMinCount, []) + params.get(SH.qualifiedMaxCount, []):
        integer(bound)


def qualified(engine: Engine, shape: PropertyShape, focus: str, having: str) -> None:
    """One result per focus node whose count of values conforming to the qualified value
    shape fails ``having``."""
    for member in shape.params.get(SH.qualifiedValueShape, []):
        engine.count_test(shape, focus, having, member_test(engine.shapes, member))


def check_qualified_min(
    engine: Engine, shape: PropertyShape, focus: str, values: list[Node]
) -> None:
    """One result per focus node and bound with too few conforming values."""
    for bound in values:
        qualified(engine, shape, focus, f"< {integer(bound)}")


def check_qualified_max(
    engine: Engine, shape: PropertyShape, focus: str, values: list[Node]
) -> None:
    """One result per focus node and bound with too many conforming values."""
    for bound in values:
        qualified(engine, shape, focus, f"> {integer(bound)}")


def check_closed(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """One result per triple of a focus node whose predicate (its path) is neither the path
    of one of the shape's property shapes nor an ignored property."""
    if not is_true(values):
        return
    allowed = {
        p
        for node in shape.params.get(SH.property, [])
        for p in engine.shapes.objects(node, SH.path)
    }
    for head in shape.params.get(SH.ignoredProperties, []):
        allowed |= set(items(engine.shapes, head))
    listed = ", ".join(f"<{p}>" for p in allowed if isinstance(p, URIRef))  # (paths that are IRIs)
    query = f"SELECT ?this ?p ?o WHERE {{ {focus} ?this ?p ?o FILTER(?p NOT IN ({listed})) }}"
    for row in engine.rows(query):
        path = engine.terms.back(row["p"])
        engine.add(
            replace(shape, path_node=path),
            engine.terms.back(row["this"]),
            engine.terms.back(row["o"]),
        )


def refuse_closed(shapes: Graph, params: dict[Node, list[Node]]) -> None:
    """On node shapes only, and lists of IRIs."""
    if SH.path in params:
        raise Unsupported("sh:closed on a property shape")
    for head in params.get(SH.ignoredProperties, []):
        only_iris(items(shapes, head), "sh:ignoredProperties")


def check_has_value(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """One result (no value) per focus node lacking the value."""
    for value in values:
        found = shape.reach(core_text(value))
        query = f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ {found} }} }}"
        for row in engine.rows(query):
            engine.add_row(shape, row["this"])


def check_in(engine: Engine, shape: PropertyShape, focus: str, values: list[Node]) -> None:
    """One result per value outside the list."""
    for head in values:
        engine.value_test(shape, focus, in_test(only_iris(items(engine.shapes, head), "sh:in")))


# --- Refusals: parameter values the checks cannot take, found when the shapes are compiled --


def needs_iris(parameter: URIRef) -> Refusal:
    """Values of ``parameter`` must be IRIs."""

    def refuse(_shapes: Graph, params: dict[Node, list[Node]]) -> None:
        only_iris(params[parameter], parameter.n3())

    return refuse


def terms_only(values: list[Node]) -> None:
    """IRIs or literals (a blank node of the shapes graph names nothing in the data)."""
    for value in values:
        core_text(value)


def needs_literals(parameter: URIRef) -> Refusal:
    """Values of ``parameter`` must be literals rdflib gives a value."""

    def refuse(_shapes: Graph, params: dict[Node, list[Node]]) -> None:
        for value in params[parameter]:
            if not isinstance(value, Literal) or value.value is None:
                raise Unsupported(f"{parameter.n3()} {value!r}")

    return refuse


def needs_integers(parameter: URIRef) -> Refusal:
    """Values of ``parameter`` must be integers."""

    def refuse(_shapes: Graph, params: dict[Node, list[Node]]) -> None:
        for value in params[parameter]:
            integer(value)

    return refuse


def refuse_datatype(_shapes: Graph, params: dict[Node, list[Node]]) -> None:
    """One datatype IRI, not rdfs:Datatype."""
    one_datatype(params[SH.datatype])


def refuse_node_kind(_shapes: Graph, params: dict[Node, list[Node]]) -> None:
    """One known node kind."""
    if len(params[SH.nodeKind]) != 1:
        raise Unsupported("sh:nodeKind twice")
    node_kind_test(params[SH.nodeKind])


def refuse_pattern(_shapes: Graph, params: dict[Node, list[Node]]) -> None:
    """Patterns must be literals."""
    if not all(isinstance(pattern, Literal) for pattern in params[SH.pattern]):
        raise Unsupported("sh:pattern must be a literal")


def refuse_language_in(shapes: Graph, params: dict[Node, list[Node]]) -> None:
    """Lists of language ranges."""
    for head in params[SH.languageIn]:
        language_set(shapes, head)


def refuse_in(shapes: Graph, params: dict[Node, list[Node]]) -> None:
    """Lists of IRIs."""
    for head in params[SH["in"]]:
        only_iris(items(shapes, head), "sh:in")


def range_component(parameter: str, section: str, compare: Callable[[Any, Any], bool]) -> Component:
    """A value range component (sh:minInclusive ...): values compared with each bound."""
    return Component(
        parameter[0].upper() + parameter[1:] + "ConstraintComponent",
        section,
        (SH[parameter],),
        value_range(compare),
        refuse=needs_literals(SH[parameter]),
        on_nodes=True,
    )


def shape_component(
    name: str, section: str, parameter: URIRef, check: Check, members: Callable[[URIRef], Members]
) -> Component:
    """A shape-based component (sh:not, sh:and, sh:or, sh:xone, sh:node): its values name
    member shapes (``named`` or ``listed``) whose tests the check combines."""
    return Component(
        name + "ConstraintComponent",
        section,
        (parameter,),
        check,
        on_nodes=True,
        members=members(parameter),
    )


# --- The table ---------------------------------------------------------------------------

QUALIFIED = (SH.qualifiedValueShape, SH.qualifiedValueShapesDisjoint)

#: Every component the engine evaluates, in the order of SHACL 1.0, section 4.
COMPONENTS: tuple[Component, ...] = (
    Component(
        "ClassConstraintComponent",
        "4.1.1",
        (SH["class"],),
        check_class,
        member=lambda _shapes, values: class_test(only_iris(values, "sh:class")),
        refuse=needs_iris(SH["class"]),
        on_nodes=True,
    ),
    Component(
        "DatatypeConstraintComponent",
        "4.1.2",
        (SH.datatype,),
        check_datatype,
        member=lambda _shapes, values: datatype_test(one_datatype(values)),
        refuse=refuse_datatype,
        on_nodes=True,
    ),
    Component(
        "NodeKindConstraintComponent",
        "4.1.3",
        (SH.nodeKind,),
        check_node_kind,
        member=lambda _shapes, values: node_kind_test(values),
        refuse=refuse_node_kind,
        on_nodes=True,
    ),
    Component(
        "MinCountConstraintComponent",
        "4.2.1",
        (SH.minCount,),
        check_min_count,
        refuse=needs_integers(SH.minCount),
    ),
    Component(
        "MaxCountConstraintComponent",
        "4.2.2",
        (SH.maxCount,),
        check_max_count,
        refuse=needs_integers(SH.maxCount),
    ),
    range_component("minExclusive", "4.3.1", operator.gt),
    range_component("minInclusive", "4.3.2", operator.ge),
    range_component("maxExclusive", "4.3.3", operator.lt),
    range_component("maxInclusive", "4.3.4", operator.le),
    Component(
        "PatternConstraintComponent",
        "4.4.3",
        (SH.pattern, SH.flags),
        check_pattern,
        refuse=refuse_pattern,
        on_nodes=True,
    ),
    Component(
        "LanguageInConstraintComponent",
        "4.4.4",
        (SH.languageIn,),
        check_language_in,
        member=lambda shapes, values: " && ".join(
            language_test(language_set(shapes, head)) for head in values
        ),
        refuse=refuse_language_in,
        on_nodes=True,
    ),
    Component("UniqueLangConstraintComponent", "4.4.5", (SH.uniqueLang,), check_unique_lang),
    Component(
        "EqualsConstraintComponent",
        "4.5.1",
        (SH.equals,),
        check_equals,
        refuse=needs_iris(SH.equals),
        on_nodes=True,
    ),
    Component(
        "DisjointConstraintComponent",
        "4.5.2",
        (SH.disjoint,),
        check_disjoint,
        refuse=needs_iris(SH.disjoint),
        on_nodes=True,
    ),
    Component(
        "LessThanConstraintComponent",
        "4.5.3",
        (SH.lessThan,),
        check_less_than,
        refuse=needs_iris(SH.lessThan),
    ),
    Component(
        "LessThanOrEqualsConstraintComponent",
        "4.5.4",
        (SH.lessThanOrEquals,),
        check_less_or_equal,
        refuse=needs_iris(SH.lessThanOrEquals),
    ),
    shape_component("Not", "4.6.1", SH["not"], check_not, named),
    shape_component("And", "4.6.2", SH["and"], check_and, listed),
    shape_component("Or", "4.6.3", SH["or"], check_or, listed),
    shape_component("Xone", "4.6.4", SH.xone, check_xone, listed),
    shape_component("Node", "4.7.1", SH.node, check_node, named),
    Component(
        "QualifiedMinCountConstraintComponent",
        "4.7.3",
        (SH.qualifiedMinCount, *QUALIFIED),
        check_qualified_min,
        anchor="QualifiedValueShapeConstraintComponent",
        refuse=refuse_qualified,
        members=named(SH.qualifiedValueShape),
    ),
    Component(
        "QualifiedMaxCountConstraintComponent",
        "4.7.3",
        (SH.qualifiedMaxCount, *QUALIFIED),
        check_qualified_max,
        anchor="QualifiedValueShapeConstraintComponent",
        refuse=refuse_qualified,
        members=named(SH.qualifiedValueShape),
    ),
    Component(
        "ClosedConstraintComponent",
        "4.8.1",
        (SH.closed, SH.ignoredProperties),
        check_closed,
        refuse=refuse_closed,
        on_nodes=True,
    ),
    Component(
        "HasValueConstraintComponent",
        "4.8.2",
        (SH.hasValue,),
        check_has_value,
        member=lambda _shapes, values: " && ".join(f"sameTerm(?v, {core_text(v)})" for v in values),
        refuse=lambda _shapes, params: terms_only(params[SH.hasValue]),
        on_nodes=True,
    ),
    Component(
        "InConstraintComponent",
        "4.8.3",
        (SH["in"],),
        check_in,
        member=lambda shapes, values: " && ".join(
            in_test(only_iris(items(shapes, head), "sh:in")) for head in values
        ),
        refuse=refuse_in,
        on_nodes=True,
    ),
)

#: The components whose test can apply to one value, inside sh:or or a qualified shape.
MEMBER_COMPONENTS = tuple(c for c in COMPONENTS if c.member is not None)
#: The parameters a member shape may use.
MEMBER_PARAMETERS = {p for c in MEMBER_COMPONENTS for p in c.parameters}
#: The parameters of every component, which a property shape may use.
COMPONENT_PARAMETERS = {p for c in COMPONENTS for p in c.parameters}
#: The components a node shape may use on its focus nodes, and their parameters.
NODE_COMPONENTS = tuple(c for c in COMPONENTS if c.on_nodes)
NODE_COMPONENT_PARAMETERS = {p for c in NODE_COMPONENTS for p in c.parameters}
