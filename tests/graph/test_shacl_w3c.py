"""The W3C SHACL Core test suite through the compiled engine, for the shapes it supports
(59 of the 98 entries run, one a known failure; the others are listed in ``OUTSIDE``).

Every entry of the data-shapes Core manifests (vendored in tests/data/shacl-w3c, see its
NOTICE) runs as one parametrised test. An entry whose shapes graph ``shacl.supported``
accepts goes through ``shacl.evaluate``: the report must conform as the manifest says and
hold the same set of (focus node, path, value, source shape, constraint component,
severity). Messages are not compared (the manifests give none, and the engine's own tests
hold its messages equal to pyshacl's), so shapes without ``sh:message`` are accepted here
(``messages_needed=False``). The expected report, written in the same file as the shapes,
is taken out of the shapes graph (it is test data, not shapes). The entries outside the
compiled subset are listed below with what puts them there, and the list is checked against
``supported``; known failures would be listed with their reason (strict xfail).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from cls_kg.graph import shacl

from ..support.paths import TEST_DATA

SUITE = TEST_DATA / "shacl-w3c" / "core"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
#: Predicates that spell a path (or the RDF list of a sequence path).
PATH_PREDICATES = (
    RDF.first,
    RDF.rest,
    SH.inversePath,
    SH.alternativePath,
    SH.zeroOrMorePath,
    SH.oneOrMorePath,
    SH.zeroOrOnePath,
)

#: Entries whose shapes the engine does not compile, and what they use that it does not.
OUTSIDE: dict[str, str] = {
    "complex/shacl-shacl": "the SHACL-for-SHACL shapes: most of SHACL Core",
    "node/and-001": "implicit class targets",
    "node/and-002": "member shapes with property shapes",
    "node/in-001": "implicit class targets",
    "node/maxLength-001": "sh:maxLength",
    "node/minLength-001": "sh:minLength",
    "node/node-001": "implicit class targets",
    "node/not-001": "implicit class targets, member shapes with property shapes",
    "node/not-002": "member shapes with property shapes",
    "node/or-001": "implicit class targets",
    "node/xone-001": "member shapes with property shapes",
    "node/qualified-001": "disjoint qualified shapes",
    "path/path-alternative-001": "sh:alternativePath",
    "path/path-complex-001": "sh:zeroOrMorePath",
    "path/path-inverse-001": "implicit class targets",
    "path/path-oneOrMore-001": "sh:oneOrMorePath",
    "path/path-strange-001": "a path node both a list and an inverse path",
    "path/path-strange-002": "a path node both a list and an inverse path",
    "path/path-zeroOrMore-001": "sh:zeroOrMorePath",
    "path/path-zeroOrOne-001": "sh:zeroOrOnePath",
    "path/path-unused-001": "complex paths",
    "property/and-001": "member shapes with property shapes",
    "property/datatype-001": "implicit class targets",
    "property/in-001": "implicit class targets",
    "property/maxLength-001": "implicit class targets, sh:maxLength",
    "property/minExclusive-001": "implicit class targets",
    "property/minExclusive-002": "implicit class targets",
    "property/minLength-001": "implicit class targets, sh:minLength",
    "property/node-001": "implicit class targets",
    "property/node-002": "member shapes with property shapes",
    "property/pattern-001": "implicit class targets",
    "property/pattern-002": "implicit class targets",
    "property/property-001": "property shapes of property shapes",
    "property/qualifiedMinCountDisjoint-001": "disjoint qualified shapes",
    "property/qualifiedValueShape-001": "member shapes with property shapes",
    "property/qualifiedValueShapesDisjoint-001": "implicit class targets, disjoint shapes",
    "property/uniqueLang-001": "implicit class targets",
    "targets/targetClassImplicit-001": "implicit class targets",
    "validation-reports/shared": "property shapes of property shapes",
}
#: Entries inside the subset that fail, with the reason.
KNOWN_FAILURES: dict[str, str] = {
    "property/uniqueLang-002": (
        'rdflib reads "1"^^xsd:boolean as true when it parses, so neither this engine nor '
        'pyshacl can tell sh:uniqueLang "1" (which SHACL ignores) from true'
    ),
}

Row = tuple[Node, object, Node | None, Node, Node | None, Node]


@dataclass(frozen=True)
class Entry:
    """One sht:Validate entry of a manifest."""

    name: str
    data: Graph
    shapes: Graph
    conforms: bool
    expected: frozenset[Row]


def path_key(graph: Graph, node: Node | None) -> object:
    """A path as nested tuples, comparable across graphs (blank nodes differ)."""
    if node is None or isinstance(node, URIRef):
        return node
    if graph.value(node, RDF.first) is not None:
        return tuple(path_key(graph, step) for step in Collection(graph, node))
    return tuple((str(p), path_key(graph, o)) for p, o in graph.predicate_objects(node))


def without_reports(graph: Graph) -> Graph:
    """The graph without its expected validation reports (test data, not shapes)."""
    kept = Graph() + graph
    todo: list[Node] = list(kept.subjects(RDF.type, SH.ValidationReport))
    todo += [r for report in list(todo) for r in kept.objects(report, SH.result)]
    while todo:
        node = todo.pop()
        for predicate, value in list(kept.predicate_objects(node)):
            kept.remove((node, predicate, value))
            spells_path = predicate in PATH_PREDICATES or predicate == SH.resultPath
            if spells_path and isinstance(value, BNode):
                todo.append(value)
    return kept


def graph_of(reference: Node, cache: dict[Path, Graph]) -> Graph:
    """The graph of a file of the suite, parsed once (blank nodes stay shared)."""
    path = Path(str(reference).removeprefix("file://"))
    if path not in cache:
        cache[path] = Graph().parse(path, format="turtle")
    return cache[path]


def expected_rows(manifest: Graph, report: Node) -> frozenset[Row]:
    """The expected results of a manifest entry."""
    rows = set()
    for result in manifest.objects(report, SH.result):
        value = manifest.value
        rows.add(
            (
                value(result, SH.focusNode),
                path_key(manifest, value(result, SH.resultPath)),
                value(result, SH.value),
                value(result, SH.sourceShape),
                value(result, SH.sourceConstraintComponent),
                value(result, SH.resultSeverity),
            )
        )
    return frozenset(rows)  # type: ignore[arg-type]


def read_entries(manifest_path: Path, cache: dict[Path, Graph]) -> Iterator[Entry]:
    """The entries of a manifest and of those it includes."""
    manifest = graph_of(URIRef(manifest_path.as_uri()), cache)
    for included in manifest.objects(None, MF.include):
        yield from read_entries(Path(str(included).removeprefix("file://")), cache)
    for head in manifest.objects(None, MF.entries):
        for entry in Collection(manifest, head):
            action, report = manifest.value(entry, MF.action), manifest.value(entry, MF.result)
            conforms = manifest.value(report, SH.conforms)
            assert action is not None and report is not None and conforms is not None
            yield Entry(
                name=str(entry).split("/core/", 1)[1],
                data=graph_of(manifest.value(action, SHT.dataGraph), cache),
                shapes=without_reports(graph_of(manifest.value(action, SHT.shapesGraph), cache)),
                conforms=bool(conforms.toPython()),
                expected=expected_rows(manifest, report),
            )


ENTRIES = list(read_entries(SUITE / "manifest.ttl", {}))


def param(entry: Entry) -> object:
    """The entry as a test case: skipped outside the subset, xfail when known to fail."""
    marks: list[pytest.MarkDecorator] = []
    if entry.name in OUTSIDE:
        marks.append(pytest.mark.skip(reason=f"outside the compiled subset: {OUTSIDE[entry.name]}"))
    if entry.name in KNOWN_FAILURES:
        marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[entry.name]))
    return pytest.param(entry, id=entry.name, marks=marks)


@pytest.mark.parametrize("entry", [param(entry) for entry in ENTRIES])
def test_entry(entry: Entry) -> None:
    raw = shacl.evaluate(entry.data, entry.shapes, messages_needed=False)
    found = {
        (r.focus, path_key(entry.shapes, r.path), r.value, r.shape, r.component, r.severity)
        for r in raw
    }
    assert (not raw) == entry.conforms
    assert found == entry.expected


def test_the_outside_list_is_what_the_engine_says() -> None:
    unsupported = {e.name for e in ENTRIES if not shacl.supported(e.shapes, messages_needed=False)}
    assert unsupported == set(OUTSIDE)
    assert not set(KNOWN_FAILURES) & unsupported
    assert len(ENTRIES) - len(unsupported) >= 2  # the run means something


def test_the_suite_is_all_there() -> None:
    assert len(ENTRIES) == 98
