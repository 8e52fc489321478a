"""The installed package served from a folder outside the checkout, with a relative data folder.

The last test kills the whole server (SIGKILL to every process of it) in the middle of an
upload, starts it again, and checks that the last good version serves, the dead ingest's
staging is cleaned, and nothing published before is lost.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .installed import AUTH, Installed, Server
from .records import outcome, publish, record, upload
from .test_root import ask, eventually, served_version

#: The record whose ingest stops half-way (its new version half-written), to be killed there.
KILLED = "killed"
#: Relative folders, read against the server's working directory.
FOLDERS = {"CLS_KG_DATA_DIR": "data", "CLS_KG_CACHE_DIR": "cache"}
ENVIRONMENT = {**FOLDERS, "CLS_KG_INGEST_PAUSE": f"building:val-d-{KILLED}"}


@pytest.fixture(scope="module")
def server(installed: Installed, elsewhere: Path) -> Iterator[Server]:
    """``cls-kg serve`` started from ``elsewhere`` with relative data and cache folders."""
    started = Server(installed, elsewhere, elsewhere.parent, ENVIRONMENT)
    yield started.start()
    started.stop()


def test_relative_folders_are_in_the_working_directory(server: Server, elsewhere: Path) -> None:
    data = elsewhere / "data"
    assert (data / "current" / "manifest.json").is_file()
    output = server.output()
    assert f"Data: {data}\n" in output
    assert f"Cache (compressed dumps): {elsewhere / 'cache'}\n" in output


def test_dumps_with_and_without_gzip(server: Server, elsewhere: Path) -> None:
    for path in ("/dumps/cls-kg.ttl", f"/versions/{served_version(server)}/dumps/cls-kg.ttl"):
        plain = server.get(path)
        assert plain.status == 200, (path, plain.body[:300])
        packed = server.get(path, **{"Accept-Encoding": "gzip"})
        assert packed.status == 200, (path, packed.body[:300])
        body = packed.body
        if packed.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        assert body == plain.body
    assert any((elsewhere / "cache" / "dumps").glob("*.gz"))


def wait_for_step(server: Server, status_url: str, step: str) -> None:
    """Until the job reports ``step`` and its process says it paused there."""
    end = time.monotonic() + 60
    while time.monotonic() < end:
        state = server.get(status_url, **AUTH).json()
        assert state["state"] in ("queued", "running"), state
        if state.get("step") == step and f"paused at {step}" in server.output():
            return
        time.sleep(0.1)
    raise AssertionError(f"the job never reached {step}:\n{server.output()[-3000:]}")


def test_kill_during_an_upload_loses_nothing(
    server: Server, installed: Installed, elsewhere: Path, tmp_path: Path
) -> None:
    data = elsewhere / "data"
    kept = record("turtle", tmp_path, "kept")
    good = publish(server, kept).json()["version"]
    assert eventually(lambda: ask(server, kept.contract))

    killed = record("turtle", tmp_path, KILLED)
    status_url = upload(server, killed).headers["Location"]
    wait_for_step(server, status_url, "building")
    server.kill()  # every process: command, gunicorn, web and query processes, the job
    assert any((data / "staging").iterdir())  # what the dead ingest left
    assert any(p.name.startswith(".") for p in (data / "versions").iterdir())

    again = Server(installed, elsewhere, elsewhere.parent, FOLDERS).start()
    try:
        assert served_version(again) == good
        assert not any((data / "staging").iterdir())
        assert not any(p.name.startswith(".") for p in (data / "versions").iterdir())
        assert ask(again, kept.contract) and not ask(again, killed.contract)
        interrupted = again.get(status_url, **AUTH)
        assert interrupted.status == 500 and interrupted.json()["state"] == "interrupted"
        assert "/history" in interrupted.json()["message"]
        retried = outcome(again, upload(again, killed))
        assert retried.status == 200, retried.body[:500]
        assert eventually(lambda: ask(again, killed.contract) and ask(again, kept.contract))
    finally:
        again.stop()
