"""What the hostile tests check after each attack: a clean error (nothing leaked) and a server
that still answers; and a way to send bytes http.client would refuse."""

from __future__ import annotations

import re
import socket
import time

from .served import LIGHT_QUERY, LiveServer

#: What must never reach a client: tracebacks, source paths, interpreter internals.
LEAKS = re.compile(
    rb"Traceback|File \"|site-packages|\.py\b|/work/|/tmp/|/root/|/home/|werkzeug\.|"
    rb"pyoxigraph\.|RecursionError|KeyError|TypeError|ValueError|UnicodeDecodeError"
)


def raw(server: LiveServer, data: bytes, timeout: float = 10) -> bytes:
    """Send bytes as they are (malformed requests http.client would refuse); the reply."""
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (ConnectionResetError, TimeoutError):
            pass
    return b"".join(chunks)


def assert_clean(status: int, body: bytes, *statuses: int) -> None:
    """An error status (one of ``statuses`` when given), a message, and nothing leaked."""
    assert 400 <= status < 600, (status, body[:300])
    if statuses:
        assert status in statuses, (status, body[:300])
    assert body.strip(), "an error must say what went wrong"
    assert not LEAKS.search(body), body[:500]


def alive(server: LiveServer) -> None:
    """The server still answers a light query, quickly."""
    started = time.monotonic()
    status, _, body = server.request("GET", LIGHT_QUERY)
    assert status == 200 and b"true" in body, (status, body[:300])
    assert time.monotonic() - started < 5
