"""What ``cls-kg serve`` does before gunicorn starts: build, then check, each in a child process.

gunicorn forks its web processes from the process that runs ``cls-kg serve``. Nothing that
process opens survives a ``fork`` safely: the build's RocksDB store starts threads and holds
locks, and a web process forked after it hangs when it opens a store in turn (an upload never
answered). So the build runs in a fresh interpreter, and so does the check that a query
process starts and answers: it fails loudly at start (exit status 3, the reason on
standard error), rather than answering 500 to every request. The check also says where the
data, the cache and the logs are.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cls_kg.graph.datadir import DataDir
from cls_kg.graph.errors import ClsKgError

from .messages import say

EXIT_OK, EXIT_UNSERVABLE = 0, 3
#: The check needs one query process, whatever the server will run.
CHECK_SETTINGS = {"QUERY_WORKERS": 1, "QUERY_LONG_SLOTS": 1}


def stop(signum: int, frame: object) -> None:
    """SIGTERM while a child runs: stop here, and the child with us (``in_child``)."""
    raise SystemExit(128 + signum)


def in_child(argv: list[str]) -> int:
    """``cls-kg ARGV`` in a fresh interpreter (nothing of this process is inherited); a
    SIGTERM sent to this process stops the child too."""
    child = subprocess.Popen([sys.executable, "-m", "cls_kg.cli", *argv])
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        code = child.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
        if child.poll() is None:
            child.terminate()
            child.wait()
    return code if code >= 0 else EXIT_UNSERVABLE  # < 0: killed by a signal


def locations(config: Mapping[str, Any]) -> dict[str, str]:
    """Where a server with this configuration keeps its data, cache, reports and jobs."""
    data = DataDir(Path(config["DATA_DIR"]))
    return {
        "data": str(data.root),
        "cache": str(config["CACHE_DIR"] or data.cache),
        "reports": str(data.reports),
        "jobs": str(data.jobs),
        "store": config["STORE_URL"],
    }


def check(settings: Mapping[str, Any], lang: str) -> int:
    """Say where things are, then start a query process and have it answer; 3 if it cannot."""
    from cls_kg.server import create_app, queries  # Flask and gunicorn: serving only
    from cls_kg.server.core import state
    from cls_kg.server.core.store import get_store, served

    app = create_app({**settings, **CHECK_SETTINGS})
    where = locations(app.config)
    where["store"] = where["store"] or say("embedded", lang)
    print(say("locations", lang, **where), flush=True)
    started = time.monotonic()
    with app.app_context():
        try:
            version = served().manifest["version"]
            get_store().ask(queries.load("ready"))
        except ClsKgError as error:
            print(say("check-failed", lang, error=error), file=sys.stderr)
            return EXIT_UNSERVABLE
        finally:
            state.close(app)
    print(say("check-ok", lang, version=version, seconds=time.monotonic() - started))
    return EXIT_OK
