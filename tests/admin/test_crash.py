"""A process killed at any point of an ingest leaves the last good version serving.

Each ingest runs in a child process told (``CLS_KG_INGEST_PAUSE``) to stop at one point:
records staged; new version half-written (hidden folder); version switched, staging not yet
removed. The test kills it there with SIGKILL, then checks what is served and that the next
ingest's first step cleans what the dead one left. The three children run side by side.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from cls_kg.graph.datadir import STAGING, DataDir, current_version, read_manifest
from cls_kg.graph.ingest import PAUSE_VARIABLE

from ..support.admin import FILLED_TTL, app_on

CHILD = """
import sys
from pathlib import Path
from cls_kg.graph.ingest import Upload, ingest
ingest(Path(sys.argv[1]), Upload("val-d-exemple.ttl", Path(sys.argv[2]).read_bytes(), "Bob"))
"""
#: Pause point -> whether the new version is served once the child is killed there.
POINTS = {"staged": False, "building": False, "published": True}
DEADLINE = 45.0  # seconds a child may take to reach its point


def wait_for_pause(child: subprocess.Popen[str], point: str) -> None:
    """Read the child's output until it says it paused at ``point``."""
    assert child.stdout is not None
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        ready, _, _ = select.select([child.stdout], [], [], 0.5)
        if ready and f"paused at {point}" in child.stdout.readline():
            return
        assert child.poll() is None, f"the child ended before {point}"
    pytest.fail(f"the child never reached {point}")


def start(data_dir: Path, point: str) -> subprocess.Popen[str]:
    """An ingest in a child process that stops at ``point``."""
    env = {**os.environ, PAUSE_VARIABLE: point}
    command = [sys.executable, "-c", CHILD, str(data_dir), str(FILLED_TTL)]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)


def count_contracts(client: FlaskClient) -> int:
    """How many contracts the public endpoint serves."""
    query = "SELECT (COUNT(?c) AS ?n) { ?c a <https://w3id.org/cls-sante/def#Contract> }"
    response = client.get(
        "/sparql",
        query_string={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    return int(response.get_json()["results"]["bindings"][0]["n"]["value"])


def test_kill_mid_ingest_keeps_a_good_version(data_dir: Path, tmp_path: Path) -> None:
    before = current_version(data_dir).name
    seed_contracts = count_contracts(app_on(data_dir).test_client())
    folders = {point: tmp_path / point for point in POINTS}
    for folder in folders.values():
        shutil.copytree(data_dir, folder, symlinks=True)
    children = {point: start(folders[point], point) for point in POINTS}
    for point, child in children.items():
        wait_for_pause(child, point)
        child.send_signal(signal.SIGKILL)
        child.wait()

    for point, switched in POINTS.items():
        folder = folders[point]
        served = current_version(folder)
        assert (served.name != before) is switched, point
        read_manifest(served)  # the served version is complete
        assert (folder / STAGING).exists()  # the dead ingest's leftovers are still there
        expected = seed_contracts + (2 if switched else 0)
        assert count_contracts(app_on(folder).test_client()) == expected, point

    folder = folders["building"]
    assert any(p.name.startswith(".") for p in (folder / "versions").iterdir())
    # what the next ingest (or cls-kg build) does first, under the lock:
    DataDir(folder).clean_leftovers()
    assert not any((folder / STAGING).iterdir())
    assert not any(p.name.startswith(".") for p in (folder / "versions").iterdir())
