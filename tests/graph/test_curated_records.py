"""The curation checks on the real records: every CSV folder of graph/records/ present now,
with the seed Turtle records, builds with no violation of the publishers' shapes and none of
the curation checks (docs/DATA.md). The rest of the suite builds the seed records only, but for
the search tests of the shipped records, which read the same build (``shipped_build``,
tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

from cls_kg.graph.build import BuildResult
from cls_kg.graph.consistency import TOTAL
from cls_kg.graph.sources import RECORDS_DIR, record_folders


def test_every_folder_is_read(shipped_build: BuildResult) -> None:
    folders = record_folders(RECORDS_DIR)
    assert all(isinstance(f, Path) for f in folders)
    seed_contracts = 11
    assert shipped_build.counts["contracts"] >= seed_contracts + len(folders)


def test_no_violation_of_the_shapes(shipped_build: BuildResult) -> None:
    assert shipped_build.report.count("Violation") == 0


def test_no_violation_of_the_curation_checks(shipped_build: BuildResult) -> None:
    checks = shipped_build.consistency
    assert checks is not None
    assert checks.curation is not None
    assert [(c.focus, c.value, c.en) for c in checks.curation] == []


def test_the_coverage_table_counts_every_contract(shipped_build: BuildResult) -> None:
    checks = shipped_build.consistency
    assert checks is not None
    homeless = [row for row in checks.regions if not row.region and row.label != TOTAL]
    assert [row.territories for row in homeless] == [0], "every territory states its région"
    total = checks.regions[-1]
    assert (total.label, total.contracts) == (TOTAL, shipped_build.counts["contracts"])
    assert "Couverture par région" in checks.to_text("fr")
