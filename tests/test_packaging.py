"""`pip install .` ships ontology/ and shapes/ as package data, under cls_kg only."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from .deploy.installed import copy_sources
from .support.paths import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel of the working tree, built offline with the venv's setuptools, from a copy (a
    build in the checkout would leave a ``build/lib/cls_kg`` there, a folder that shadows)."""
    out = tmp_path_factory.mktemp("wheel")
    sources = copy_sources(REPO, out / "sources")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    subprocess.run([*command, "-q", "-w", str(out), "."], check=True, cwd=sources)
    return next(out.glob("cls_kg-*.whl"))


def test_wheel_holds_one_top_level_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"cls_kg"}


def test_wheel_ships_ontology_shapes_records_and_queries(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "cls_kg/ontology/cls.ttl",
        "cls_kg/ontology/vocabularies/themes.ttl",
        "cls_kg/shapes/cls-shapes.ttl",
        "cls_kg/graph/records/pays-vosges-saonoises.ttl",
        "cls_kg/graph/queries/build-summary.rq",
    ):
        assert expected in names


def test_wheel_ships_the_site_icon(wheel: Path) -> None:
    assert "cls_kg/server/static/favicon.ico" in zipfile.ZipFile(wheel).namelist()


def test_installed_package_builds_outside_the_repository(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target)]
    subprocess.run([*pip, str(wheel)], check=True)
    # -S skips site-packages' .pth files, so the editable install cannot answer the import;
    # the dependencies come from the venv's site-packages, after the installed copy.
    path = f"{target}:{sysconfig.get_paths()['purelib']}"
    code = (
        "import cls_kg.graph.build as b, sys, pathlib; "
        "print(b.__file__); b.build(pathlib.Path(sys.argv[1]))"
    )
    done = subprocess.run(
        [sys.executable, "-S", "-c", code, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": path},
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(str(target))
