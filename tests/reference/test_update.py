"""`reference update`: trim a package tarball into the copy, offline, reproducibly, carefully."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from cls_kg.graph.build import build
from cls_kg.graph.errors import SourceError
from cls_kg.graph.namespaces import DEFAULT_BASE
from cls_kg.graph.reference.divisions import DATA_DIR, FILES, load
from cls_kg.graph.reference.rdf import dataset_iri
from cls_kg.graph.reference.update import Updated, refresh_from

from ..support.queries import query
from .package import README, VERSION, VINTAGE, data, tarball


def records(copy: Path, stem: str) -> list[dict[str, Any]]:
    """The records of one file of a copy."""
    found: list[dict[str, Any]] = json.loads(
        gzip.decompress((copy / f"{stem}.json.gz").read_bytes())
    )
    return found


def test_refresh_keeps_current_communes_and_the_fields_used(fake_copy: Updated) -> None:
    communes = records(fake_copy.folder, "communes")
    assert [c["code"] for c in communes] == ["25056", "25057", "70310"]
    assert set(communes[0]) == {
        "code",
        "nom",
        "siren",
        "population",
        "departement",
        "region",
        "zone",
    }
    assert records(fake_copy.folder, "epci")[0]["membres"] == ["25056", "25057"]
    assert "chefLieu" not in records(fake_copy.folder, "departements")[0]
    assert fake_copy.counts == {"regions": 3, "departements": 5, "communes": 3, "epci": 1}


def test_refresh_is_reproducible(tmp_path: Path) -> None:
    package = tarball(tmp_path)
    first, second = refresh_from(package, tmp_path / "a"), refresh_from(package, tmp_path / "b")
    names = sorted(p.name for p in first.folder.iterdir())
    assert names == sorted(p.name for p in second.folder.iterdir())
    assert all((first.folder / n).read_bytes() == (second.folder / n).read_bytes() for n in names)


def test_refresh_describes_version_vintage_and_licence(fake_copy: Updated) -> None:
    assert (fake_copy.package.version, fake_copy.package.vintage) == (VERSION, VINTAGE)
    store = ox.Store()
    store.load(path=str(fake_copy.folder / "dataset.ttl"), format=ox.RdfFormat.TURTLE)
    bound = {
        ox.Variable("dataset"): ox.NamedNode(dataset_iri(DEFAULT_BASE)),
        ox.Variable("version"): ox.Literal(VERSION),
        ox.Variable("vintage"): ox.Literal(VINTAGE, datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#gYear")),
    }  # fmt: skip
    assert store.query(query("dataset"), substitutions=bound)
    notice = (fake_copy.folder / "NOTICE.md").read_text(encoding="utf-8")
    assert f"version **{VERSION}**" in notice and "Licence Ouverte" in notice
    assert "stand-in" in (fake_copy.folder / "PACKAGE-LICENSE").read_text(encoding="utf-8")


def test_the_refreshed_copy_reads_back(fake_copy: Updated) -> None:
    divisions = load(fake_copy.folder)
    assert divisions.communes_by_code["25056"]["population"] == 120000
    assert {stem: len(divisions.records(stem)) for stem in FILES} == fake_copy.counts


def test_a_build_runs_on_the_refreshed_copy(fake_copy: Updated, tmp_path: Path) -> None:
    result = build(tmp_path / "data", reference_dir=fake_copy.folder)
    assert result.report.conforms
    assert result.manifest["graphs"][f"{DEFAULT_BASE}graph/reference"] < 200
    checks = result.consistency
    assert checks is not None and checks.reference["vintage"] == VINTAGE
    besancon = next(t for t in checks.territories if t.label == "Besançon")
    assert [(f.name, f.derived) for f in besancon.figures] == [
        ("population", 120000),
        ("communes", 1),
    ]


def test_the_shipped_copy_is_not_touched(fake_copy: Updated) -> None:
    assert fake_copy.folder != DATA_DIR and load(DATA_DIR).digest != load(fake_copy.folder).digest


def broken(stem: str, change: Any) -> dict[str, list[dict[str, Any]]]:
    """The stand-in's files with one of them changed."""
    files = data()
    files[stem] = change(files[stem])
    return files


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        ({"meta": {"name": "left-pad", "version": "1.0.0"}}, "not the @etalab"),
        ({"readme": README.replace("Licence Ouverte", "licence inconnue")}, "Licence Ouverte"),
        ({"files": {k: v for k, v in data().items() if k != "epci"}}, "lacks epci"),
        ({"files": broken("epci", lambda e: [{**e[0], "type": "SAN"}])}, "unknown EPCI kinds"),
        ({"files": broken("regions", lambda r: [{"code": "27"}])}, "lacks"),
        ({"files": broken("communes", lambda c: {"not": "a list"})}, "expected a list"),
    ],
)
def test_an_unexpected_package_is_refused(
    tmp_path: Path, arguments: dict[str, Any], reason: str
) -> None:
    package = tarball(tmp_path, **arguments)
    with pytest.raises(SourceError) as error:
        refresh_from(package, tmp_path / "copy")
    assert error.value.path == package and reason in error.value.reason
    assert not (tmp_path / "copy").exists()


def test_a_file_that_is_no_tarball_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.tgz"
    junk.write_bytes(b"no archive here")
    with pytest.raises(SourceError) as error:
        refresh_from(junk, tmp_path / "copy")
    assert "npm tarball" in error.value.reason
