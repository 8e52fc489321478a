"""Fixtures of the deployment tests: the installed package, and servers started from it.

Data folders start as copies of the session's seed build (``built_data_dir``): built from the
same sources, the installed package finds its version there and reuses it, as a restart does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ..support.paths import REPO
from .installed import Installed, Server, install, seeded


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel of the checkout, installed non-editable in a fresh venv (once a session)."""
    return install(REPO, tmp_path_factory.mktemp("installed"))


@pytest.fixture(scope="module")
def root_server(
    installed: Installed, built_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """``cls-kg serve`` started from the repository root (whose folders must not shadow it)."""
    data = seeded(built_data_dir, tmp_path_factory.mktemp("root") / "data")
    server = Server(installed, REPO, data.parent, {"CLS_KG_DATA_DIR": str(data)})
    yield server.start()
    server.stop()


@pytest.fixture(scope="module")
def elsewhere(built_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder unrelated to the checkout, to start a server from, with a ``data`` folder."""
    folder = tmp_path_factory.mktemp("elsewhere")
    seeded(built_data_dir, folder / "data")
    return folder
