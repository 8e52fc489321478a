"""Production serving: gunicorn with two web processes, each warming its query workers."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("gunicorn")

from cls_kg.server.wsgi.serve import WORKER_CLASS, options

from ..support.served import free_port


def test_options() -> None:
    settings = options("127.0.0.1", 8000, 2, 1, 30.0)
    assert settings["bind"] == "127.0.0.1:8000"
    assert settings["workers"] == 2
    assert (
        settings["worker_class"] == WORKER_CLASS == "cls_kg.server.wsgi.httpworker.BufferingWorker"
    )
    assert settings["timeout"] > 30
    assert options("127.0.0.1", 8000, 2, 4, 30.0)["threads"] == 4


def get(port: int, path: str) -> tuple[int, bytes]:
    """One GET, or (0, b"") while nothing listens yet."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    except OSError:
        return 0, b""
    finally:
        connection.close()


def test_serve_runs_gunicorn_with_two_workers(protocol_data_dir: Path) -> None:
    port = free_port()
    code = (
        "import sys, pathlib; from cls_kg.server.wsgi.serve import serve; "
        "serve('127.0.0.1', int(sys.argv[1]), pathlib.Path(sys.argv[2]), None, 2)"
    )
    server = subprocess.Popen(
        [sys.executable, "-c", code, str(port), str(protocol_data_dir)],
        env={**os.environ, "CLS_KG_RATE_LIMIT": "0"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        status, body = 0, b""
        for _ in range(100):
            status, body = get(port, "/sparql?query=ASK%7B%7D")
            if status:
                break
            time.sleep(0.1)
        assert status == 200
        assert b'"boolean":true' in body.replace(b" ", b"")
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert output.count("Booting worker") == 2
