"""The cls-kg command: build output, and every exit path of validate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cls_kg.cli import EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE, child_options, main, make_parser
from cls_kg.graph.sources import RECORDS_DIR

from .support.paths import TEST_DATA

VALID = TEST_DATA / "valid" / "contract.ttl"
INVALID = TEST_DATA / "invalid" / "contract.ttl"


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """Run the command in-process; return its exit status, stdout and stderr."""
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_build_prints_counts_and_validation_summary(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, _ = run(capsys, "build", "--data-dir", tmp_path)
    assert status == EXIT_OK
    assert "contrats" in out and "axes" in out and "actions" in out and "territoires" in out
    assert "Validation : 0 violation(s)" in out


def test_build_in_english(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, _ = run(capsys, "build", "--data-dir", tmp_path, "--lang", "en")
    assert status == EXIT_OK
    assert "contracts" in out and "Validation: 0 violation(s)" in out


def test_validate_conforming_file(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "validate", VALID)
    assert status == EXIT_OK
    assert "0 violation(s)" in out


def test_validate_a_shipped_record(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, _ = run(capsys, "validate", RECORDS_DIR / "pays-vosges-saonoises.ttl")
    assert status == EXIT_OK


def test_validate_violations_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "validate", INVALID)
    assert status == EXIT_INVALID
    assert "[VIOLATION]" in out and "ressource" in out and "propriété" in out


def test_validate_json_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "validate", INVALID, "--format", "json", "--lang", "en")
    assert status == EXIT_INVALID
    report = json.loads(out)
    assert report["conforms"] is False and report["summary"]["Violation"] >= 1
    violations = [r for r in report["results"] if r["severity"] == "Violation"]
    assert all(r["message"] == r["messages"]["en"] for r in violations)
    assert all(r["focus"].startswith("https://example.org/test/") for r in violations)


def test_shipped_copy_does_not_hide_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A publisher's edited copy of a shipped record is judged on the copy alone."""
    text = (RECORDS_DIR / "besancon.ttl").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if "cls:territory" not in line]
    edited = tmp_path / "besancon.ttl"
    edited.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, out, _ = run(capsys, "validate", edited, "--lang", "en")
    assert status == EXIT_INVALID
    assert "cls:territory" in out


def test_validate_syntax_error_names_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <https://e.org/> .\nex:a ex:b ex:c .\nex:a ex:b ex:c ex:d .\n")
    status, out, err = run(capsys, "validate", broken)
    assert status == EXIT_UNREADABLE
    assert f"{broken}:3" in err and "Fichier illisible" in err
    assert out == ""


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("data.csv", "a,b\n"),
        ("data.jsonld", '{"@id": "https://e.org/a", '),
        ("data.rdf", "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n<x"),
    ],
)
def test_validate_unreadable_inputs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, content: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    status, _, err = run(capsys, "validate", path)
    assert status == EXIT_UNREADABLE
    assert str(path) in err


def test_validate_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, "validate", tmp_path / "nope.ttl")
    assert status == EXIT_UNREADABLE
    assert "nope.ttl" in err


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("ctx.jsonld", '{"@context": "http://127.0.0.1:9/ctx", "@id": "x"}', "remote JSON-LD"),
        (
            "bomb.rdf",
            '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaa">]>\n<r>&a;</r>',
            "DOCTYPE",
        ),
    ],
)
def test_validate_refuses_fetching_and_entities(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, content: str, reason: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    status, _, err = run(capsys, "validate", path)
    assert status == EXIT_UNREADABLE
    assert reason in err


def test_serve_hands_its_options_to_the_child_build_and_check(tmp_path: Path) -> None:
    """The build and the check run in child processes (``cli/startup.py``): same options."""
    argv = ["serve", "--data-dir", str(tmp_path), "--base-uri", "https://e.org/", "--lang", "en"]
    args = make_parser().parse_args([*argv, "--tolerance", "7"])
    child = make_parser().parse_args(["build", *child_options(args)])
    for name in ("data_dir", "base_uri", "lang", "tolerance"):
        assert getattr(child, name) == getattr(args, name), name
    checking = make_parser().parse_args(["serve", "--check", "--built", *child_options(args)])
    assert checking.check and checking.built and not args.check and not args.built


def test_serve_check_without_a_build_fails_with_status_3(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status = main(["serve", "--check", "--built", "--data-dir", str(tmp_path), "--lang", "en"])
    out, err = capsys.readouterr()
    assert status == 3
    assert f"Data: {tmp_path}" in out and "FAILED: no query can be served" in err
