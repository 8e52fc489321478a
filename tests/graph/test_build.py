"""The build: counts, determinism, rebasing, and nothing published on bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from cls_kg.graph.build import BuildResult, build
from cls_kg.graph.datadir import current_version
from cls_kg.graph.errors import ConfigError, SourceError
from cls_kg.graph.sources import RECORDS_DIR, SourceSet, default_sources
from cls_kg.graph.store import OxigraphStore
from cls_kg.graph.validation import ValidationFailed


def dump_graphs(version: Path) -> dict[str, Graph]:
    """The N-Quads dump of a version, parsed, one graph per named graph."""
    dataset = Dataset()
    dataset.parse(version / "dumps" / "cls-kg.nq", format="nquads")
    graphs: dict[str, Graph] = {}
    for s, p, o, g in dataset.quads():
        graphs.setdefault(str(g), Graph()).add((s, p, o))
    return graphs


def same_content(a: Path, b: Path) -> bool:
    """Same named graphs, each isomorphic (blank node labels may differ)."""
    left, right = dump_graphs(a), dump_graphs(b)
    return left.keys() == right.keys() and all(isomorphic(left[k], right[k]) for k in left)


def copy_records(tmp_path: Path) -> Path:
    """A private copy of the shipped records that a test may break."""
    records = tmp_path / "records"
    shutil.copytree(RECORDS_DIR, records)
    return records


def test_build_counts_match_the_seed(seed_build: BuildResult) -> None:
    counts = seed_build.counts
    assert counts["contracts"] >= 11
    assert counts["territories"] >= 6
    assert counts["axes"] >= 15
    assert counts["actions"] >= 9
    assert counts["signatories"] >= 5
    assert seed_build.report.conforms


def test_build_writes_store_dumps_and_manifest(seed_build: BuildResult) -> None:
    folder = seed_build.path
    names = {p.name for p in (folder / "dumps").iterdir()}
    assert {"cls-kg.ttl", "cls-kg.nt", "cls-kg.jsonld", "cls-kg.nq"} <= names
    assert seed_build.manifest["quads"] == sum(seed_build.manifest["graphs"].values())
    assert len(OxigraphStore.open_read_only(folder / "store")) == seed_build.manifest["quads"]


def test_building_twice_gives_the_same_store(seed_build: BuildResult, tmp_path: Path) -> None:
    again = build(tmp_path / "other")
    assert again.version == seed_build.version
    assert same_content(again.path, seed_build.path)
    for dump in ("cls-kg.nt", "cls-kg.nq", "cls-kg.ttl"):
        assert (again.path / "dumps" / dump).read_bytes() == (
            seed_build.path / "dumps" / dump
        ).read_bytes()


def test_rebuild_in_place_reuses_the_version(tmp_path: Path) -> None:
    first = build(tmp_path)
    second = build(tmp_path)
    assert second.reused and second.version == first.version
    assert current_version(tmp_path) == first.path.resolve()


def test_another_base_moves_every_instance_iri(tmp_path: Path) -> None:
    result = build(tmp_path, base="http://localhost:8000/")
    text = (result.path / "dumps" / "cls-kg.nt").read_text(encoding="utf-8")
    assert "<http://localhost:8000/id/contract/" in text
    assert "<https://w3id.org/cls-sante/id/" not in text
    assert "<https://w3id.org/cls-sante/def#Contract>" in text  # the vocabulary stays


@pytest.mark.parametrize("base", ["ftp://x.org/", "https://x.org/no-slash", "relative/"])
def test_bad_base_is_refused(tmp_path: Path, base: str) -> None:
    with pytest.raises(ConfigError):
        build(tmp_path, base=base)


def sources_with(records: Path) -> SourceSet:
    """The shipped ontology, vocabularies and shapes with another records folder."""
    return default_sources(records)


def test_violation_publishes_nothing_and_keeps_the_last_good_version(tmp_path: Path) -> None:
    good = build(tmp_path)
    records = copy_records(tmp_path)
    (records / "zz-broken.ttl").write_text(
        "@prefix cls: <https://w3id.org/cls-sante/def#> .\n"
        "<https://w3id.org/cls-sante/id/contract/broken> a cls:Contract .\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed) as failure:
        build(tmp_path, sources=sources_with(records))
    focus = {r.focus for r in failure.value.report.results if r.severity == "Violation"}
    assert focus == {"https://w3id.org/cls-sante/id/contract/broken"}
    assert current_version(tmp_path) == good.path.resolve()
    assert [p.name for p in (tmp_path / "versions").iterdir()] == [good.version]


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    records = copy_records(tmp_path)
    broken = records / "zz-syntax.ttl"
    broken.write_text('@prefix ex: <https://e.org/> .\n\nex:a ex:b "unterminated .\n')
    with pytest.raises(SourceError) as error:
        build(tmp_path / "data", sources=sources_with(records))
    assert error.value.path == broken
    assert error.value.line == 3
    assert not (tmp_path / "data").exists()
