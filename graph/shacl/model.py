"""Compiled shapes and raw results: what the compiler hands the engine, and what it returns.

The vocabulary is SHACL 1.0's (https://www.w3.org/TR/shacl/): node shapes with targets
(section 2.1.3), property shapes and their paths (2.3), SPARQL-based constraints (5) and the
validation results of a report (3.6).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

SHAPE_TYPES = {SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint}


class Unsupported(Exception):
    """The shapes (or, rarely, the data) use something this engine does not evaluate."""


@dataclass(frozen=True)
class RawResult:
    """One validation result as pyshacl would write it into its results graph (section 3.6)."""

    severity: Node
    focus: Node
    path: Node | None
    value: Node | None
    shape: Node
    messages: dict[str, str]
    component: URIRef | None = None


@dataclass(frozen=True)
class Step:
    """One step of a sequence path: a predicate, read forwards or backwards."""

    predicate: URIRef
    inverse: bool

    def sparql(self) -> str:
        """The step in SPARQL property path syntax."""
        return ("^" if self.inverse else "") + f"<{self.predicate}>"


@dataclass
class PropertyShape:
    """A property shape and its parameters; ``component`` names the one being checked.

    A node shape's own constraints (SHACL 1.0, section 2.1: the focus node is the value
    node) are one too, with no path (``path_node`` None, no steps)."""

    node: Node
    path_node: Node | None
    steps: tuple[Step, ...]
    severity: Node
    messages: dict[str, str]
    params: dict[Node, list[Node]]
    component: URIRef | None = None

    @property
    def path(self) -> str:
        """The path in SPARQL syntax."""
        return "/".join(step.sparql() for step in self.steps)

    def reach(self, value: str = "?v") -> str:
        """A SPARQL pattern reaching ``value`` (a variable, or a term to find) from ``?this``
        along the path; without a path, the value node is the focus node itself."""
        if self.steps:
            return f"?this {self.path} {value} ."
        if value.startswith("?"):
            return f"BIND(?this AS {value})"
        return f"FILTER(sameTerm(?this, {value}))"


@dataclass
class SparqlConstraint:
    """A SPARQL-based constraint of a node shape."""

    node: Node
    prefixes: str
    select: str
    messages: dict[str, str]


@dataclass
class NodeShape:
    """A node shape with targets, its property shapes and SPARQL constraints."""

    node: Node
    targets: list[str]  # SPARQL group patterns, each binding ``?this`` (see compile.TARGETS)
    severity: Node
    properties: list[PropertyShape]
    sparql: list[SparqlConstraint]

    def focus(self) -> str:
        """A sub-select binding ``?this`` to the focus nodes, as pyshacl finds them."""
        union = " UNION ".join(f"{{ {target} }}" for target in self.targets)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"


# --- Reading parameter values from the shapes graph ------------------------------------------


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
