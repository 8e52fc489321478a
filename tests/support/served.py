"""Servers the tests talk to over real HTTP: a client for a base URL (``LiveServer``), and a
data folder served as deployed, by ``cls-kg serve``'s gunicorn on a free loopback port."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

#: Settings of the gunicorn servers the tests start (the hostile tests attack them): a short
#: timeout, no rate limit (tests send bursts).
ENVIRONMENT = {
    "CLS_KG_RATE_LIMIT": "0",
    "CLS_KG_QUERY_TIMEOUT": "2",
    "CLS_KG_QUERY_WORKERS": "2",
    "CLS_KG_BODY_TIMEOUT": "2",
}
LIGHT_QUERY = "/sparql?query=ASK%7B%7D"


@dataclass
class LiveServer:
    """A running server: its base URL and a way to send raw HTTP requests."""

    url: str

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        """One HTTP request exactly as given (no header added but Host)."""
        parts = urlsplit(self.url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(
    data_dir: Path, workers: int = 2, **environment: str
) -> tuple[subprocess.Popen[bytes], LiveServer]:
    """``cls-kg serve``'s gunicorn on a free port, once it answers a light query."""
    port = free_port()
    code = (
        "import sys, pathlib; from cls_kg.server.wsgi.serve import serve; "
        "serve('127.0.0.1', int(sys.argv[1]), pathlib.Path(sys.argv[2]), None, int(sys.argv[3]))"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(port), str(data_dir), str(workers)],
        env={**os.environ, **ENVIRONMENT, **environment},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = LiveServer(f"http://127.0.0.1:{port}")
    answered = 0
    for _ in range(400):  # until both web processes answer (a few answers in a row)
        try:
            answered = answered + 1 if server.request("GET", LIGHT_QUERY)[0] == 200 else 0
        except OSError:
            answered = 0
            time.sleep(0.05)
        if answered == 6:
            return process, server
    process.kill()
    raise RuntimeError("the server did not start")


@contextmanager
def serving(data_dir: Path, **environment: str) -> Iterator[LiveServer]:
    """``start``, then stop the server when the block ends."""
    process, server = start(data_dir, **environment)
    try:
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)
