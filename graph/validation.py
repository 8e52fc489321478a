"""Step 3 of the flow: SHACL validation and a readable, bilingual report.

Two engines give the same report: the SPARQL engine of ``shacl`` (fast: the national
graph in seconds) for the shapes it supports, and pyshacl, the reference and the fallback.
Severities follow SHACL 1.0 section 2.1.4 (sh:Violation, sh:Warning, sh:Info); only
violations stop a build.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from cls_kg.i18n import LANGUAGES, translator

from . import shacl
from .errors import ClsKgError
from .namespaces import PREFIXES

SEVERITIES: dict[Node, str] = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
SEVERITY_ORDER = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, with its message in each language the shapes give."""

    severity: str
    focus: str
    path: str | None
    value: str | None
    shape: str
    node_shape: str
    messages: dict[str, str] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        """The message in ``lang``, else French, else any: never empty."""
        for key in (lang, *LANGUAGES, ""):
            if self.messages.get(key):
                return self.messages[key]
        return next(iter(self.messages.values()), "(no message)")


@dataclass(frozen=True)
class Report:
    """The outcome of validating one data graph against the shapes."""

    results: tuple[Result, ...]

    @property
    def conforms(self) -> bool:
        """True when nothing blocks publication (warnings and infos do not)."""
        return self.count("Violation") == 0

    def count(self, severity: str) -> int:
        """How many results have this severity."""
        return sum(1 for result in self.results if result.severity == severity)

    def summary(self) -> dict[str, int]:
        """Counts per severity, in severity order."""
        return {severity: self.count(severity) for severity in SEVERITY_ORDER}

    def restricted_to(self, focus_nodes: set[str]) -> Report:
        """Only the results about the given nodes (the ones a publisher handed in)."""
        return Report(tuple(r for r in self.results if r.focus in focus_nodes))

    def to_text(self, lang: str = "fr", down_to: str = "Info", most: int | None = None) -> str:
        """A report a person reads: one block per result down to a severity, worst first.

        Past ``most`` results, one line per rule with its count, so that a large build's
        report stays readable (``cls-kg validate`` or ``build --all-results`` lists them all).
        """
        label = translator("validation", lang)
        lines = [label("summary", **self.summary())]
        shown = SEVERITY_ORDER[: SEVERITY_ORDER.index(down_to) + 1]
        results = [r for r in self.results if r.severity in shown]
        if most is not None and len(results) > most:
            return "\n".join([*lines, label("grouped"), *grouped(results, lang)])
        for result in results:
            lines.append(f"\n[{label(result.severity)}] {result.message(lang)}")
            lines.append(f"  {label('focus')} {result.focus}")
            if result.path:
                lines.append(f"  {label('path')} {result.path}")
            if result.value:
                lines.append(f"  {label('value')} {result.value}")
            lines.append(f"  {label('shape')} {result.shape}")
        return "\n".join(lines)

    def to_json(self, lang: str = "fr") -> str:
        """The report as JSON, for tools; messages in ``lang`` plus every variant."""
        items = [asdict(r) | {"message": r.message(lang)} for r in self.results]
        body = {"conforms": self.conforms, "summary": self.summary(), "results": items}
        return json.dumps(body, ensure_ascii=False, indent=2)


class ValidationFailed(ClsKgError):
    """The data violates the shapes: nothing is published."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"{report.count('Violation')} violation(s)")
        self.report = report


def grouped(results: list[Result], lang: str) -> list[str]:
    """One line per (severity, rule): how many resources it concerns, and its message."""
    label = translator("validation", lang)
    counts = Counter((r.severity, r.shape) for r in results)
    first = {(r.severity, r.shape): r for r in reversed(results)}
    return [
        f"[{label(severity)}] ({count}) {first[severity, shape].message(lang)}"
        f"\n  {label('shape')} {shape}"
        for (severity, shape), count in counts.items()
    ]


def compact(node: Node | None) -> str | None:
    """A prefixed name where a known namespace matches, else the IRI or literal text."""
    if node is None:
        return None
    if isinstance(node, URIRef):
        matches = [(len(ns), p) for p, ns in PREFIXES.items() if node.startswith(ns)]
        if matches:
            size, prefix = max(matches)
            local = node[size:]
            if "/" not in local and "#" not in local:
                return f"{prefix}:{local}"
    return str(node)


def render_path(results: Graph, path: Node | None) -> str | None:
    """A property path as text: ``cls:territory``, ``^cls:hasAxis`` or ``a/b``."""
    if not isinstance(path, BNode):
        return compact(path)
    inverse = results.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{render_path(results, inverse)}"
    if results.value(path, RDF.first) is not None:
        return "/".join(render_path(results, step) or "" for step in Collection(results, path))
    return "(complex path)"


def tagged_messages(graph: Graph, *nodes: Node | None) -> dict[str, str]:
    """Language -> text of the sh:message / sh:resultMessage values of the first node with any."""
    for node in nodes:
        found = {
            (m.language or ""): str(m)
            for predicate in (SH.resultMessage, SH.message)
            for m in graph.objects(node, predicate)
            if isinstance(m, Literal)
        }
        if found:
            return found
    return {}


def node_shape_of(shapes: Graph, shape: Node | None) -> Node | None:
    """The node shape a property shape belongs to (the shape itself for a node shape)."""
    owner = shapes.value(None, SH.property, shape)
    return owner if owner is not None else shape


def messages_of(results: Graph, shapes: Graph, node: Node) -> dict[str, str]:
    """The result's messages by language; pyshacl drops tags on SPARQL constraints, so
    untagged messages are looked up again, tagged, in the shapes graph."""
    messages = tagged_messages(results, node)
    if set(messages) <= {""}:
        constraint = results.value(node, SH.sourceConstraint)
        shape = results.value(node, SH.sourceShape)
        messages = tagged_messages(shapes, constraint, shape) or messages
    return messages


def read_result(results: Graph, shapes: Graph, node: Node) -> Result:
    """Turn one sh:ValidationResult node into a Result."""
    value = results.value(node, SH.value)
    shape = results.value(node, SH.sourceShape)
    severity = results.value(node, SH.resultSeverity) or SH.Violation
    return Result(
        severity=SEVERITIES.get(severity, "Violation"),
        focus=str(results.value(node, SH.focusNode)),
        path=render_path(results, results.value(node, SH.resultPath)),
        value=None if value is None or isinstance(value, BNode) else str(value),
        shape=compact(shape) or "(anonymous shape)",
        node_shape=compact(node_shape_of(shapes, shape)) or "(anonymous shape)",
        messages=messages_of(results, shapes, node),
    )


def sort_key(result: Result) -> tuple[int, str, str, str, str, str, list[tuple[str, str]]]:
    """Worst first, then by resource, path, shape and value, so reports are stable (and the
    same whichever engine produced them)."""
    return (
        SEVERITY_ORDER.index(result.severity),
        result.focus,
        result.path or "",
        result.shape,
        result.value or "",
        result.node_shape,
        sorted(result.messages.items()),
    )


ENGINES = ("auto", "sparql", "pyshacl")


def validate(
    data: Graph, shapes: Graph, ontology: Graph | None = None, engine: str = "auto"
) -> Report:
    """Validate ``data`` (with the ontology for subclass targets) against ``shapes``.

    ``engine``: "sparql" (raises ``shacl.Unsupported`` for shapes it cannot
    evaluate), "pyshacl", or "auto": the SPARQL engine when it supports the shapes (and
    Oxigraph parses their SPARQL constraints), else pyshacl. Both give equal reports.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r}; expected one of {ENGINES}")
    if engine != "pyshacl":
        try:
            return validate_sparql(data, shapes, ontology)
        except (shacl.Unsupported, SyntaxError):
            # SyntaxError: a SPARQL constraint Oxigraph does not parse (rdflib may).
            if engine == "sparql":
                raise
    return validate_pyshacl(data, shapes, ontology)


def validate_pyshacl(data: Graph, shapes: Graph, ontology: Graph | None = None) -> Report:
    """The reference engine: pyshacl, its results graph read back into a Report."""
    _conforms, results_graph, _text = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        allow_warnings=True,
        allow_infos=True,
    )
    nodes: Iterable[Node] = results_graph.subjects(RDF.type, SH.ValidationResult)
    found = (read_result(results_graph, shapes, n) for n in nodes)
    return Report(tuple(sorted(found, key=sort_key)))


def validate_sparql(data: Graph, shapes: Graph, ontology: Graph | None = None) -> Report:
    """The fast engine (``shacl``); raises ``Unsupported`` outside its subset."""
    raw = shacl.evaluate(data, shapes, ontology)
    found = (from_raw(shapes, r) for r in raw)
    return Report(tuple(sorted(found, key=sort_key)))


def from_raw(shapes: Graph, raw: shacl.RawResult) -> Result:
    """A Result as ``read_result`` would read the same result from pyshacl's graph."""
    return Result(
        severity=SEVERITIES.get(raw.severity, "Violation"),
        focus=str(raw.focus),
        path=render_path(shapes, raw.path),
        value=None if raw.value is None or isinstance(raw.value, BNode) else str(raw.value),
        shape=compact(raw.shape) or "(anonymous shape)",
        node_shape=compact(node_shape_of(shapes, raw.shape)) or "(anonymous shape)",
        messages=dict(raw.messages),
    )
