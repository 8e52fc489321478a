"""The fast paths of the build: Oxigraph parses and writes, rdflib's results are kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from cls_kg.graph.build import STEPS, BuildResult, Loaded, build, load_sources
from cls_kg.graph.datadir import REFERENCE_CACHE as CACHE
from cls_kg.graph.errors import SourceError
from cls_kg.graph.namespaces import DEFAULT_BASE
from cls_kg.graph.reference.template import SCRATCH
from cls_kg.graph.sources import (
    MAX_BLANK_DEPTH,
    RECORDS_DIR,
    RdflibTerms,
    blank_depth,
    default_sources,
    parse_fast,
    parse_files,
    parse_slow,
    read_source,
)
from cls_kg.graph.validation import ValidationFailed


def rdflib_parse(path: Path) -> Graph:
    """The file as rdflib's own parser reads it."""
    fmt, data = read_source(path)
    return parse_slow(Graph(), path, data, fmt)


def shipped_files() -> list[Path]:
    """Every shipped source file."""
    return list(default_sources().all_files())


@pytest.mark.parametrize("path", shipped_files(), ids=lambda p: p.name)
def test_oxigraph_parses_the_shipped_sources_as_rdflib_does(path: Path) -> None:
    fmt, data = read_source(path)
    assert parse_fast(path, data, fmt, RdflibTerms()) is not None  # the fast path is taken
    expected, found = rdflib_parse(path), parse_files([path])
    assert isomorphic(expected, found)
    assert sorted(expected.namespaces()) == sorted(found.namespaces())


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ('"123"^^xsd:string', Literal("123", datatype=XSD.string)),
        ('"Lyon"@fr-FR', Literal("Lyon", lang="fr-FR")),
    ],
)
def test_what_oxigraph_would_change_is_left_to_rdflib(
    tmp_path: Path, text: str, term: Literal
) -> None:
    path = tmp_path / "x.ttl"
    path.write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        f"<https://e.org/a> <https://e.org/b> {text} .\n",
        encoding="utf-8",
    )
    assert list(parse_files([path]).objects()) == [term]
    assert isomorphic(parse_files([path]), rdflib_parse(path))


@pytest.mark.parametrize(
    "text",
    [
        '@prefix ex: <https://e.org/> .\n\nex:a ex:b "unterminated .\n',
        "@prefix ex: <https://e.org/> .\nex:a ex:b ex:c .\nex:a ex:b ex:c ex:d .\n",
        "ex:a ex:b ex:c .\n",
    ],
)
def test_syntax_errors_are_rdflib_s(tmp_path: Path, text: str) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as expected:
        rdflib_parse(path)
    with pytest.raises(SourceError) as found:
        parse_files([path])
    assert (str(found.value), found.value.line) == (str(expected.value), expected.value.line)


def test_blank_nodes_are_scoped_to_their_file(tmp_path: Path) -> None:
    for name in ("a.ttl", "b.ttl"):
        (tmp_path / name).write_text("_:x <https://e.org/p> <https://e.org/o> .\n")
    assert len(parse_files([tmp_path / "a.ttl", tmp_path / "b.ttl"])) == 2


def test_loaded_keeps_oxigraph_triples_only_while_the_graph_is_unchanged() -> None:
    loaded = load_sources(default_sources(), DEFAULT_BASE)
    records = loaded.triples(loaded.records)
    assert records is loaded.triples(loaded.records)  # parsed once, not converted
    assert set(records) == set(Loaded.triples(loaded, Graph() + loaded.records))
    loaded.records.add((URIRef("https://e.org/a"), URIRef("https://e.org/b"), Literal("c")))
    assert ox.Triple(
        ox.NamedNode("https://e.org/a"), ox.NamedNode("https://e.org/b"), ox.Literal("c")
    ) in set(loaded.triples(loaded.records))


def test_rebased_records_are_rebased_in_both_forms() -> None:
    loaded = load_sources(default_sources(), "http://localhost:8000/")
    iris = {t.subject.value for t in loaded.triples(loaded.records)}
    assert any(iri.startswith("http://localhost:8000/id/") for iri in iris)
    assert not any(iri.startswith(DEFAULT_BASE) for iri in iris)
    assert len(loaded.triples(loaded.records)) == len(loaded.records)


def test_timings_name_every_step(tmp_path: Path) -> None:
    timings: dict[str, float] = {}
    build(tmp_path, timings=timings)
    assert list(timings) == list(STEPS)
    assert all(seconds >= 0 for seconds in timings.values())


def test_turtle_and_json_ld_dumps_hold_the_n_triples(seed_build: BuildResult) -> None:
    dumps = seed_build.path / "dumps"
    triples = Graph().parse(dumps / "cls-kg.nt", format="nt")
    assert isomorphic(Graph().parse(dumps / "cls-kg.ttl", format="turtle"), triples)
    assert isomorphic(Graph().parse(dumps / "cls-kg.jsonld", format="json-ld"), triples)
    lines = (dumps / "cls-kg.nt").read_bytes().splitlines()
    assert lines == sorted(lines)


def scratch_copies(data_dir: Path) -> list[Path]:
    """The link step's copies of the reference store left in the cache."""
    return list((data_dir / CACHE).glob(f"{SCRATCH}*"))


def test_link_store_becomes_the_version_store(seed_build: BuildResult) -> None:
    data_dir = seed_build.path.parent.parent
    assert scratch_copies(data_dir) == []
    quads = seed_build.manifest["quads"]
    assert quads == sum(seed_build.manifest["graphs"].values())


def test_violation_leaves_no_scratch_copy(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(RECORDS_DIR, records)
    (records / "zz-broken.ttl").write_text(
        "@prefix cls: <https://w3id.org/cls-sante/def#> .\n"
        "<https://w3id.org/cls-sante/id/contract/broken> a cls:Contract .\n",
        encoding="utf-8",
    )
    timings: dict[str, float] = {}
    with pytest.raises(ValidationFailed):
        build(tmp_path / "data", sources=default_sources(records), timings=timings)
    assert scratch_copies(tmp_path / "data") == []
    assert not (tmp_path / "data" / "versions").exists() or not any(
        (tmp_path / "data" / "versions").iterdir()
    )
    assert "publish" not in timings and "validate" in timings


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("<http://e/x> <http://e/p> 1 .", 0),
        ("<http://e/x> <http://e/p> [ <http://e/q> [ <http://e/r> 1 ] ] .", 2),
        ("_:a <http://e/p> _:b . _:b <http://e/p> _:a .", 2),  # a cycle ends the chain
        ("<http://e/x> <http://e/p> " + "(" * 3000 + "1" + ")" * 3000 + " .", 3000),
    ],
)
def test_blank_depth_measures_nesting_without_recursion(text: str, depth: int) -> None:
    triples = [quad.triple for quad in ox.parse(text, ox.RdfFormat.TURTLE)]
    assert blank_depth(triples) == depth


def test_deeply_nested_files_are_left_to_rdflib(tmp_path: Path) -> None:
    """Oxigraph reads any depth, but the build's blank-node canonicalisation would not end."""
    shallow = "(" * MAX_BLANK_DEPTH + "1" + ")" * MAX_BLANK_DEPTH
    deep = "(" * (MAX_BLANK_DEPTH + 1) + "1" + ")" * (MAX_BLANK_DEPTH + 1)
    for text, fast in ((shallow, True), (deep, False)):
        path = tmp_path / "nested.ttl"
        path.write_text(f"<http://e/x> <http://e/p> {text} .")
        parsed = parse_fast(path, path.read_bytes(), "turtle", RdflibTerms())
        assert (parsed is not None) is fast
