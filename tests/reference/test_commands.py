"""The command line: `cls-kg build` prints the consistency report, `reference update` refreshes."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from cls_kg.cli import EXIT_OK, EXIT_UNREADABLE, main
from cls_kg.graph.reference import update as update_module

from .package import VERSION, tarball


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """Run the command in-process; return its exit status, stdout and stderr."""
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_build_prints_the_consistency_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, _ = run(capsys, "build", "--data-dir", tmp_path)
    assert status == EXIT_OK
    assert "Cohérence des chiffres annoncés" in out and "tolérance 5 %" in out
    assert "Pays des Vosges Saônoises — composition non sourcée" in out
    assert "impossible de comparer : composition inconnue" in out


def test_build_report_in_english_with_another_tolerance(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, _ = run(
        capsys, "build", "--data-dir", tmp_path, "--lang", "en", "--tolerance", "10"
    )
    assert status == EXIT_OK
    assert "Consistency of the announced figures" in out and "tolerance 10 %" in out


def test_tolerance_from_the_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLS_KG_TOLERANCE", "2.5")
    status, out, _ = run(capsys, "build", "--data-dir", tmp_path)
    assert status == EXIT_OK and "tolérance 2.5 %" in out


def test_a_tolerance_out_of_range_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, _, err = run(capsys, "build", "--data-dir", tmp_path, "--tolerance", "150")
    assert status == EXIT_UNREADABLE and "tolerance" in err
    assert not tmp_path.joinpath("versions").exists()


def test_reference_update_from_a_tarball(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    package = tarball(tmp_path)
    status, out, _ = run(capsys, "reference", "update", "--from", package, "--to", tmp_path / "c")
    assert status == EXIT_OK
    assert f"{VERSION} (millésime" in out and "3 communes, 1 EPCI" in out
    assert (tmp_path / "c" / "communes.json.gz").is_file()


def fake_npm(folder: Path, calls: list[list[str]]) -> Any:
    """A stand-in for subprocess.run that 'packs' the stand-in package like npm would."""

    def run(command: list[str], cwd: Path, **_: Any) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        path = tarball(Path(cwd), name="etalab-decoupage-administratif-9.9.9.tgz")
        return subprocess.CompletedProcess(command, 0, f"{path.name}\n", "")

    return run


def test_reference_update_runs_npm_pack(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(update_module.subprocess, "run", fake_npm(tmp_path, calls))
    status, out, _ = run(capsys, "reference", "update", "--to", tmp_path / "c", "--lang", "en")
    assert status == EXIT_OK and "Reference data refreshed" in out
    assert calls == [["npm", "pack", "@etalab/decoupage-administratif", "--silent"]]


def test_reference_update_without_npm(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(*_: Any, **__: Any) -> None:
        raise FileNotFoundError(2, "No such file or directory", "npm")

    monkeypatch.setattr(update_module.subprocess, "run", missing)
    status, _, err = run(capsys, "reference", "update", "--to", tmp_path / "c")
    assert status == EXIT_UNREADABLE and "npm pack" in err
    assert not (tmp_path / "c").exists()


def test_reference_update_when_npm_fails(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(command, 1, "", "npm ERR! network")

    monkeypatch.setattr(update_module.subprocess, "run", failing)
    status, _, err = run(capsys, "reference", "update", "--to", tmp_path / "c")
    assert status == EXIT_UNREADABLE and "npm ERR! network" in err
