"""The build reads the curated CSV folders of graph/records/ through the importer's code, with
the seed Turtle records, and derives the coverage by CLS in force (tests/data/records/)."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from rdflib import URIRef

from cls_kg.graph.build import BuildResult, build
from cls_kg.graph.datadir import current_version
from cls_kg.graph.errors import SourceError
from cls_kg.graph.sources import SEED_ONLY, SourceSet, default_sources, record_folders
from cls_kg.graph.store import OxigraphStore

from ..support.paths import REPO, TEST_DATA

RECORDS = TEST_DATA / "records"
BFC = RECORDS / "essai-bourgogne-franche-comte"


def sources_with(folders: tuple[Path, ...]) -> SourceSet:
    """The seed Turtle records and these CSV folders."""
    return dataclasses.replace(default_sources(folders=False), folders=folders)


@pytest.fixture(scope="module")
def folders_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """One build of the seed records and the two fixture folders."""
    return build(tmp_path_factory.mktemp("folders"), sources=sources_with(record_folders(RECORDS)))


@pytest.fixture(scope="module")
def store(folders_build: BuildResult) -> OxigraphStore:
    """Its store, read-only."""
    data_dir = folders_build.path.parent.parent
    return OxigraphStore.open_read_only(current_version(data_dir) / "store")


def copy_of(folder: Path, into: Path) -> Path:
    """A copy of a fixture folder to spoil."""
    return Path(shutil.copytree(folder, into / folder.name))


def replace_in(path: Path, old: str, new: str) -> None:
    """Spoil a CSV file of a copied folder."""
    path.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")


def test_folders_are_found_beside_the_turtle_records(monkeypatch: pytest.MonkeyPatch) -> None:
    assert record_folders(RECORDS) == (BFC, RECORDS / "essai-grand-est")
    monkeypatch.setenv(SEED_ONLY, "0")
    assert default_sources(RECORDS).folders == record_folders(RECORDS)
    monkeypatch.setenv(SEED_ONLY, "1")
    assert default_sources(RECORDS).folders == ()
    assert default_sources(RECORDS, folders=True).folders == record_folders(RECORDS)


def test_the_build_holds_seed_and_folder_records(folders_build: BuildResult) -> None:
    assert folders_build.report.conforms
    assert folders_build.counts["contracts"] == 11 + 5
    assert folders_build.counts["territories"] == 6 + 4


def test_the_csv_files_are_part_of_the_version_id() -> None:
    assert {p for p in sources_with((BFC,)).all_files() if p.suffix == ".csv"} == set(
        BFC.glob("*.csv")
    )


def test_an_error_in_a_folder_refuses_the_build_with_the_importer_s_message(
    tmp_path: Path,
) -> None:
    folder = copy_of(BFC, tmp_path)
    contracts = folder / "Contrat.csv"
    contracts.write_text(
        contracts.read_text("utf-8").replace(",2019,2023,", ",2019,2013,"), "utf-8"
    )
    with pytest.raises(SourceError) as caught:
        build(tmp_path / "data", sources=sources_with((folder,)))
    message = str(caught.value)
    assert f"{folder}/Contrat.csv" in message
    assert "ligne 2" in message and "colonne G (« Fin »)" in message
    assert "[spreadsheet:end-before-start]" in message
    assert not (tmp_path / "data" / "current").exists()


def test_a_resource_two_folders_describe_differently_is_refused(tmp_path: Path) -> None:
    first = copy_of(BFC, tmp_path / "a")
    second = copy_of(BFC, tmp_path / "b")
    sources = second / "Sources.csv"
    sources.write_text(
        sources.read_text("utf-8").replace("Page d'essai :", "Autre page :"), "utf-8"
    )
    with pytest.raises(SourceError) as caught:
        build(tmp_path / "data", sources=sources_with((first, second)))
    assert str(first) in str(caught.value) and str(second) in str(caught.value)
    assert "source/essai-bfc-" in str(caught.value)


def test_a_folder_may_not_describe_a_seed_resource_again(tmp_path: Path) -> None:
    folder = copy_of(RECORDS / "essai-grand-est", tmp_path)
    replace_in(folder / "Territoire.csv", "essai-chaumont,", "besancon,")
    replace_in(folder / "Contrat.csv", ",essai-chaumont,", ",besancon,")
    with pytest.raises(SourceError) as caught:
        build(tmp_path / "data", sources=sources_with((folder,)))
    assert "territory/besancon" in str(caught.value) and "graph/records/" in str(caught.value)


def coverage(store: OxigraphStore, zone: str, year: int) -> dict[str, str]:
    """One derived coverage figure's values, by property name."""
    rows = store.select(
        "PREFIX cls: <https://w3id.org/cls-sante/def#> SELECT ?p ?v WHERE { "
        f"<https://w3id.org/cls-sante/id/coverage/{zone}-{year}> ?p ?v }}"
    )
    return {str(r["p"]).rsplit("#", 1)[-1]: str(r["v"]) for r in rows}


def test_coverage_counts_each_commune_once_per_year(store: OxigraphStore) -> None:
    # Haute-Saône 2024: the CC du Pays de Lure (2nd CLS 2024-2028) and du Pays de Luxeuil
    # (2021-2025) are in force, with 23 and 15 communes, and the seed Pays des Vosges
    # Saônoises (2023-2027), of unsourced composition: a contract, but no communes counted.
    found = coverage(store, "departement-70", 2024)
    assert found["contractsInForce"] == "3"
    assert found["coveredCommuneCount"] == "38"
    assert found["unmeasuredTerritories"] == "1"
    in_2022 = coverage(store, "departement-70", 2022)
    assert in_2022["contractsInForce"] == "3"  # Lure 2019-2023, Luxeuil, the Pays signed 2022
    assert in_2022["unmeasuredTerritories"] == "1"
    assert float(found["coveredShare"]) == pytest.approx(
        100 * int(found["coveredPopulation"]) / int(found["zonePopulation"]), abs=0.05
    )


def test_coverage_per_region_and_for_france(store: OxigraphStore) -> None:
    # Chaumont's CLS has no period: "en vigueur" at its source's date (2021) only.
    region = coverage(store, "region-27", 2021)
    france = coverage(store, "france", 2021)
    assert int(france["coveredCommuneCount"]) == int(region["coveredCommuneCount"]) + 1
    assert coverage(store, "france", 2024)["coveredCommuneCount"] == "38"
    assert "zone" not in france
    assert int(france["zonePopulation"]) > 60_000_000 > int(region["zonePopulation"]) > 2_000_000
    assert coverage(store, "region-27", 2009) == {}  # outside the years derived


def test_announced_figures_are_compared_with_the_graph(folders_build: BuildResult) -> None:
    checks = folders_build.consistency
    assert checks is not None
    found = {(a.zone_label, a.indicator): (a.value, a.held) for a in checks.announced}
    assert found[("Haute-Saône", "contrats-en-vigueur")] == (3.0, 3.0)
    # signed by June 2023 in the région: the seed contracts and Lure 2019, Luxeuil, the Pays
    assert found[("Bourgogne-Franche-Comté", "contrats-signes")][0] == 30.0
    text = checks.to_text("fr")
    assert "Haute-Saône, contrats en vigueur au 2024 : annoncé 3, dans le graphe 3" in text


def test_the_coverage_table_has_every_region(folders_build: BuildResult) -> None:
    checks = folders_build.consistency
    assert checks is not None
    rows = {row.label: row for row in checks.regions}
    assert len([r for r in checks.regions if r.region]) == 18
    bfc = rows["Bourgogne-Franche-Comté"]
    assert (bfc.contracts, bfc.territories, bfc.linked, bfc.announced) == (7 + 4, 3 + 3, 3, 30)
    assert (checks.regions[-1].contracts, checks.regions[-1].territories) == (16, 10)
    assert "Total : 16 contrat(s), 10 territoire(s), dont 4 liés" in checks.to_text("fr")
    assert "Coverage per région" in checks.to_text("en")


def test_coverage_figures_point_at_their_zone(store: OxigraphStore) -> None:
    zone = store.select(
        "PREFIX cls: <https://w3id.org/cls-sante/def#> SELECT ?zone WHERE { "
        "<https://w3id.org/cls-sante/id/coverage/region-44-2021> cls:zone ?zone }"
    )
    assert [r["zone"] for r in zone] == [URIRef("https://w3id.org/cls-sante/id/region/44")]


def example(name: str) -> str:
    """An example query of the query page."""
    return (REPO / "server" / "sparql" / "examples" / f"{name}.rq").read_text(encoding="utf-8")


def test_the_example_queries_answer_with_the_coverage(store: OxigraphStore) -> None:
    rows = store.select(example("21-coverage-by-departement"))
    by_departement = {str(r["code"]): r for r in rows}
    haute_saone = by_departement["70"]
    assert (str(haute_saone["contracts"]), str(haute_saone["communes"])) == ("3", "38")
    by_region = {
        (str(r["name"]), str(r["year"])): r for r in store.select(example("22-coverage-by-region"))
    }
    assert str(by_region[("France", "2021")]["communes"]) == "39"
    assert str(by_region[("Bourgogne-Franche-Comté", "2024")]["unmeasured"]) == "1"
    assert ("Grand Est", "2024") not in by_region  # nothing in force there that year
