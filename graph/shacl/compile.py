"""The compiler: the shapes graph read into compiled shapes, or :class:`Unsupported`.

It accepts exactly what the engine evaluates: node shapes with the targets of :data:`TARGETS`
(SHACL 1.0, section 2.1.3: ``sh:targetNode``, ``sh:targetClass`` with ``rdfs:subClassOf*``,
``sh:targetSubjectsOf``, ``sh:targetObjectsOf``) and the components of
``components.NODE_COMPONENTS`` on their focus nodes, property shapes (of a node shape, or
with targets of their own) whose path is an IRI, an ``sh:inversePath`` or a sequence of
those (section 2.3.1), the parameters of the components of ``components.COMPONENTS``,
SPARQL-based constraints whose ``$this`` can be joined (section 5), ``sh:deactivated``
(2.1.5) and ``sh:severity`` (2.1.4). Every shape with constraints and every SPARQL
constraint must carry tagged ``sh:message`` values (2.1.5.1): pyshacl writes its
own messages otherwise, which this engine does not imitate (``messages_needed=False`` lifts
this rule, for tests that compare everything but the messages).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from .. import sparql_text
from ..sparql_text import Token
from .components import (
    COMPONENT_PARAMETERS,
    COMPONENTS,
    NODE_COMPONENT_PARAMETERS,
    NODE_COMPONENTS,
    Component,
    member_test,
)
from .model import (
    NodeShape,
    PropertyShape,
    SparqlConstraint,
    Step,
    Unsupported,
    check_parameters,
    is_true,
    items,
    messages_by_language,
    only_iris,
)
from .terms import core_text

#: Predicates that carry no constraint (documentation, ordering ...), allowed on any shape.
NEUTRAL = {SH.name, SH.description, SH.order, SH.group, SH.defaultValue}
#: Parameters a property shape may use: its own, and those of the components.
PROPERTY_PARAMETERS = {SH.path, SH.severity, SH.message, SH.deactivated} | NEUTRAL
PROPERTY_PARAMETERS |= COMPONENT_PARAMETERS


def listed(nodes: Iterable[Node]) -> str:
    """IRIs and literals of the shapes graph, as the body of a VALUES block."""
    return " ".join(core_text(node) for node in nodes)


#: The targets (SHACL 1.0, section 2.1.3): the SPARQL pattern binding ``?this`` to the focus
#: nodes of each target parameter, from its values (IRIs, or for sh:targetNode literals too).
TARGETS: dict[URIRef, Callable[[list[Node]], str]] = {
    SH.targetNode: lambda nodes: f"VALUES ?this {{ {listed(nodes)} }}",
    SH.targetClass: lambda nodes: (
        f"VALUES ?targetClass {{ {listed(only_iris(nodes, 'sh:targetClass'))} }} "
        f"?this <{RDF.type}> ?kind . ?kind <{RDFS.subClassOf}>* ?targetClass"
    ),
    SH.targetSubjectsOf: lambda nodes: (
        f"VALUES ?targetPredicate {{ {listed(only_iris(nodes, 'sh:targetSubjectsOf'))} }} "
        "?this ?targetPredicate ?targetObject"
    ),
    SH.targetObjectsOf: lambda nodes: (
        f"VALUES ?targetPredicate {{ {listed(only_iris(nodes, 'sh:targetObjectsOf'))} }} "
        "?targetSubject ?targetPredicate ?this"
    ),
}
#: Parameters a node shape with targets may use (sh:message with constraints of its own).
NODE_PARAMETERS = {SH.property, SH.sparql, SH.severity, SH.deactivated, SH.message}
NODE_PARAMETERS |= set(TARGETS) | NODE_COMPONENT_PARAMETERS | NEUTRAL
SPARQL_PARAMETERS = {SH.select, SH.prefixes, SH.message, SH.deactivated}
DECLARATION_PARAMETERS = {SH.prefix, SH.namespace}
#: Keywords of SPARQL constraints that joining on ``?this`` cannot stand for.
FORBIDDEN_KEYWORDS = frozenset({"MINUS", "VALUES", "SERVICE", "GRAPH", "OPTIONAL", "UNION"})
#: How a supported ``sh:select`` may start, token by token.
SELECT_HEADS = (
    ("SELECT", "$this", "WHERE", "{", "$this"),
    ("SELECT", "DISTINCT", "$this", "WHERE", "{", "$this"),
    ("SELECT", "$this", "?value", "WHERE", "{", "$this"),
    ("SELECT", "DISTINCT", "$this", "?value", "WHERE", "{", "$this"),
)


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


def severity_of(shapes: Graph, node: Node) -> Node:
    """The shape's severity, sh:Violation by default."""
    return shapes.value(node, SH.severity) or SH.Violation


def constraints(
    shapes: Graph,
    node: Node,
    components: tuple[Component, ...],
    messages_needed: bool,
    path_node: Node | None = None,
) -> PropertyShape | None:
    """The constraints of a shape, with its path (none for a node shape's own), if any."""
    params: dict[Node, list[Node]] = defaultdict(list)
    for predicate, value in shapes.predicate_objects(node):
        params[predicate].append(value)
    used = [component for component in components if component.key in params]
    for component in used:
        if component.refuse is not None:
            component.refuse(shapes, params)
    messages = messages_by_language(shapes, node)
    if used and not messages and messages_needed:
        raise Unsupported(f"{node}: no sh:message (pyshacl would write its own)")
    if path_node is None and not used:
        return None
    return PropertyShape(
        node=node,
        path_node=path_node,
        steps=() if path_node is None else compile_steps(shapes, path_node),
        severity=severity_of(shapes, node),
        messages=messages,
        params=dict(params),
    )


def compile_property(
    shapes: Graph,
    node: Node,
    messages_needed: bool = True,
    allowed: set[URIRef] = PROPERTY_PARAMETERS,
) -> PropertyShape:
    """A property shape (of a node shape, or with targets of its own)."""
    check_parameters(shapes, node, allowed)
    paths = list(shapes.objects(node, SH.path))
    if len(paths) != 1:
        raise Unsupported(f"{node}: one sh:path expected")
    shape = constraints(shapes, node, COMPONENTS, messages_needed, paths[0])
    assert shape is not None  # (a path was given)
    return shape


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


def compile_sparql(shapes: Graph, node: Node, messages_needed: bool = True) -> SparqlConstraint:
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
    if not messages and messages_needed:
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


def compile_node_shape(shapes: Graph, node: Node, messages_needed: bool = True) -> NodeShape:
    """A shape with targets: a node shape, or a property shape with targets of its own."""
    if shapes.value(node, SH.path) is not None:
        allowed = PROPERTY_PARAMETERS | set(TARGETS)
        properties = [compile_property(shapes, node, messages_needed, allowed)]
        sparql: list[SparqlConstraint] = []
    else:
        properties, sparql = node_constraints(shapes, node, messages_needed)
    targets = [
        target(values)
        for parameter, target in TARGETS.items()
        if (values := list(shapes.objects(node, parameter)))
    ]
    return NodeShape(
        node=node,
        targets=targets,
        severity=severity_of(shapes, node),
        properties=properties,
        sparql=sparql,
    )


def node_constraints(
    shapes: Graph, node: Node, messages_needed: bool
) -> tuple[list[PropertyShape], list[SparqlConstraint]]:
    """A node shape's own constraints and property shapes, and its SPARQL constraints."""
    check_parameters(shapes, node, NODE_PARAMETERS)
    own = constraints(shapes, node, NODE_COMPONENTS, messages_needed)
    if own is None and list(shapes.objects(node, SH.message)):
        raise Unsupported(f"{node}: sh:message on a node shape without constraints of its own")
    sparql = [
        compile_sparql(shapes, c, messages_needed)
        for c in shapes.objects(node, SH.sparql)
        if not is_true(shapes.objects(c, SH.deactivated))
    ]
    properties = [] if own is None else [own]
    properties += [
        compile_property(shapes, p, messages_needed)
        for p in shapes.objects(node, SH.property)
        if not is_true(shapes.objects(p, SH.deactivated))
    ]
    return properties, sparql


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


def compile_shapes(shapes: Graph, messages_needed: bool = True) -> list[NodeShape]:
    """The node shapes to evaluate; raises Unsupported for anything outside the subset."""
    targeted = {s for parameter in TARGETS for s in shapes.subjects(parameter, None)}
    properties = set(shapes.objects(None, SH.property))
    members = {
        member
        for component in COMPONENTS
        if component.members is not None
        for node in shapes.subjects(component.key, None)
        for member in component.members(shapes, node)
    }
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
        member_test(shapes, member)
    for head in shapes.objects(None, SH["or"]):
        if not items(shapes, head):
            raise Unsupported("empty sh:or")
    compiled = [compile_node_shape(shapes, n, messages_needed) for n in targeted]
    return [n for n in compiled if not is_true(shapes.objects(n.node, SH.deactivated))]
