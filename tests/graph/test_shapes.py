"""The shapes: well-formed SHACL, and one conforming and one failing fixture per shape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyshacl import validate as shacl_validate
from rdflib import Graph
from rdflib.namespace import RDF, SH

from cls_kg.graph.sources import default_sources, parse_files
from cls_kg.graph.validation import Report, validate

from ..support.paths import TEST_DATA

SOURCES = default_sources()
SHAPES = parse_files(SOURCES.shapes)
ONTOLOGY = parse_files(SOURCES.ontology)
VOCABULARIES = parse_files(SOURCES.vocabularies)
EXPECT = re.compile(r"^# expect: (\S+) (\S+)\s*$", re.MULTILINE)


def check(path: Path) -> Report:
    """Validate one fixture with the vocabularies it may point at."""
    return validate(parse_files([path]) + VOCABULARIES, SHAPES, ontology=ONTOLOGY)


def fixtures(kind: str) -> list[Path]:
    """The fixture files of one kind (valid or invalid)."""
    return sorted((TEST_DATA / kind).glob("*.ttl"))


def test_shapes_pass_the_shacl_meta_check() -> None:
    conforms, _graph, text = shacl_validate(Graph(), shacl_graph=SHAPES, meta_shacl=True)
    assert conforms, text


def test_every_node_shape_has_both_fixtures() -> None:
    names = {p.stem for p in fixtures("valid")} & {p.stem for p in fixtures("invalid")}
    shapes = set(SHAPES.subjects(RDF.type, SH.NodeShape))
    assert len(names) >= len(shapes) > 10


def test_every_constraint_has_french_and_english_messages() -> None:
    for shape in SHAPES.subjects(SH.path, None):
        languages = {m.language for m in SHAPES.objects(shape, SH.message)}  # type: ignore[attr-defined]
        assert {"fr", "en"} <= languages, shape


@pytest.mark.parametrize("path", fixtures("valid"), ids=lambda p: p.stem)
def test_valid_fixture_conforms(path: Path) -> None:
    report = check(path)
    assert report.conforms, report.to_text("en")


@pytest.mark.parametrize("path", fixtures("invalid"), ids=lambda p: p.stem)
def test_invalid_fixture_fails_as_expected(path: Path) -> None:
    expected = EXPECT.findall(path.read_text(encoding="utf-8"))
    assert expected, f"{path.name} declares no '# expect:' line"
    report = check(path)
    found = {
        (r.node_shape.removeprefix("clssh:"), r.path or "sparql")
        for r in report.results
        if r.severity == "Violation"
    }
    for shape, prop in expected:
        assert (shape, prop) in found, f"{shape} {prop} not in {sorted(found)}"


def test_a_long_report_is_grouped_by_rule() -> None:
    report = check(TEST_DATA / "invalid" / "contract.ttl")
    results = [r for r in report.results if r.severity in ("Violation", "Warning")]
    assert len(results) > 1
    listed = report.to_text("en", down_to="Warning")
    grouped = report.to_text("en", down_to="Warning", most=1)
    assert listed.count("\n[") == len(results)
    rules = {(r.severity, r.shape) for r in results}
    assert grouped.count("\n[") == len(rules)
    assert "Results grouped by rule" in grouped
    assert report.to_text("en", down_to="Warning", most=len(results)) == listed
