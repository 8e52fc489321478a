"""The shipped copy of the reference data: small, complete, consistent, read safely."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from cls_kg.graph.errors import SourceError
from cls_kg.graph.reference.divisions import (
    DATA_DIR,
    FILES,
    Divisions,
    data_files,
    digest,
    load,
)

NOTICE = DATA_DIR / "NOTICE.md"


def test_copy_is_small_and_carries_its_notice_and_licence() -> None:
    divisions = [p for p in DATA_DIR.iterdir() if not p.name.lower().startswith("geometries")]
    size = sum(path.stat().st_size for path in divisions)  # geometries: test_geometry.py
    assert size < 2_000_000
    notice = NOTICE.read_text(encoding="utf-8")
    assert "@etalab/decoupage-administratif" in notice and "Licence Ouverte" in notice
    assert (DATA_DIR / "PACKAGE-LICENSE").read_text(encoding="utf-8").startswith("MIT")
    assert all(path.is_file() for path in data_files())


def test_version_of_the_notice_is_the_dataset_version() -> None:
    dataset = (DATA_DIR / "dataset.ttl").read_text(encoding="utf-8")
    version = dataset.split('owl:versionInfo "')[1].split('"')[0]
    assert f"version **{version}**" in NOTICE.read_text(encoding="utf-8")


def test_only_current_communes_with_the_fields_the_project_uses(divisions: Divisions) -> None:
    codes = [commune["code"] for commune in divisions.communes]
    assert len(codes) == len(set(codes)) > 30_000
    kept = {"code", "nom", "siren", "population", "departement", "region", "zone"}
    assert all(set(commune) <= kept for commune in divisions.communes)
    assert all(set(epci) == set(FILES["epci"]) for epci in divisions.epci)


def test_the_files_agree_with_each_other(divisions: Divisions) -> None:
    communes = set(divisions.communes_by_code)
    departements = {d["code"] for d in divisions.departements}
    regions = {r["code"] for r in divisions.regions}
    assert all(member in communes for epci in divisions.epci for member in epci["membres"])
    assert all(c["departement"] in departements for c in divisions.communes)
    assert all(d["region"] in regions for d in divisions.departements)


def test_besancon_is_commune_25056_in_the_doubs(divisions: Divisions) -> None:
    besancon = divisions.communes_by_code["25056"]
    assert besancon["nom"] == "Besançon" and besancon["departement"] == "25"
    assert besancon["population"] > 100_000 and len(besancon["siren"]) == 9


def test_records_are_sorted_by_code(divisions: Divisions) -> None:
    for stem in FILES:
        codes = [record["code"] for record in divisions.records(stem)]
        assert codes == sorted(codes)


def copy_of_the_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped files that a test may break."""
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    return folder


def test_digest_follows_the_content(tmp_path: Path) -> None:
    folder = copy_of_the_copy(tmp_path)
    assert digest(folder) == digest(DATA_DIR)
    regions = folder / "regions.json.gz"
    regions.write_bytes(gzip.compress(b'[{"code": "01", "nom": "X", "zone": "drom"}]', mtime=0))
    assert digest(folder) != digest(DATA_DIR)
    assert len(load(folder).regions) == 1


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"not gzip", "gzip-compressed JSON"),
        (gzip.compress(b'{"code": "1"}'), "list of records"),
        (gzip.compress(b'[{"code": "01", "nom": "X"}]'), "lacks"),
    ],
)
def test_a_broken_file_names_itself(tmp_path: Path, content: bytes, reason: str) -> None:
    folder = copy_of_the_copy(tmp_path)
    broken = folder / "communes.json.gz"
    broken.write_bytes(content)
    with pytest.raises(SourceError) as error:
        load(folder)
    assert error.value.path == broken and reason in error.value.reason


def test_a_missing_file_names_itself(tmp_path: Path) -> None:
    folder = copy_of_the_copy(tmp_path)
    (folder / "epci.json.gz").unlink()
    with pytest.raises(SourceError) as error:
        load(folder)
    assert error.value.path == folder / "epci.json.gz"
