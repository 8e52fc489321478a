"""The installed package is the one imported, from any folder; ``serve --check`` fails loudly."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ..support.paths import REPO
from .installed import ENVIRONMENT, Installed, seeded

#: Folders to start from: the checkout's root and two of its folders (no folder of the
#: checkout is named cls_kg: ``test_no_folder_of_the_checkout_is_named_like_the_package``).
FOLDERS = ("", "cli", "server")


@pytest.mark.parametrize("folder", FOLDERS)
def test_the_installed_package_is_imported_from_any_folder_of_the_checkout(
    installed: Installed, folder: str
) -> None:
    where = installed.imported_from(REPO / folder)
    assert where.startswith(str(installed.venv)), where
    # as gunicorn does (its working directory first on sys.path), and as PYTHONPATH=. would
    first = installed.imported_from(
        REPO / folder, f"import sys; sys.path.insert(0, {str(REPO / folder)!r}); "
    )
    assert first.startswith(str(installed.venv)), first


def test_no_folder_of_the_checkout_is_named_like_the_package() -> None:
    git = shutil.which("git")
    if git is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    files = subprocess.run([git, "ls-files"], cwd=REPO, capture_output=True, text=True).stdout
    parts = {part for path in files.splitlines() for part in Path(path).parts}
    assert not parts & {"cls_kg", "cls_kg.py"}


def cls_kg(installed: Installed, cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """The installed command, run from ``cwd``."""
    environment = {**os.environ, **ENVIRONMENT}
    return subprocess.run(
        [str(installed.command), *argv], cwd=cwd, env=environment, capture_output=True, text=True
    )


def test_serve_check_says_where_things_are_and_fails_loudly(
    installed: Installed, built_data_dir: Path, tmp_path: Path
) -> None:
    data = seeded(built_data_dir, tmp_path / "data")
    ready = cls_kg(installed, tmp_path, "serve", "--check", "--data-dir", "data", "--lang", "en")
    assert ready.returncode == 0, ready.stderr
    for line in (f"Data: {data}\n", f"Cache (compressed dumps): {data / 'cache'}\n", "Logs: "):
        assert line in ready.stdout
    assert "Ready: a query process started and answers on version" in ready.stdout

    store = (data / "current").resolve() / "store"
    shutil.rmtree(store)
    store.mkdir()  # the version's store is lost: no query process can open it
    check = ("serve", "--check", "--built", "--data-dir", "data", "--lang", "en")  # no build
    broken = cls_kg(installed, tmp_path, *check)
    assert broken.returncode == 3
    assert "FAILED: no query can be served" in broken.stderr
    assert "cannot open the store" in broken.stderr
    probe = (
        "import sys; from cls_kg.server import create_app; "
        "app = create_app({'DATA_DIR': sys.argv[1], 'QUERY_WORKERS': 1}); "
        "print(app.test_client().get('/readyz').status_code)"
    )
    ready = subprocess.run(
        [str(installed.python), "-c", probe, str(data)], capture_output=True, text=True
    )
    assert ready.stdout.strip() == "503", ready.stderr  # the probe says so too, not 500
