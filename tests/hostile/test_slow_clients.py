"""Slow clients (issue 13, item 3): a body or a head sent a byte at a time gets its deadline,
and tens of such connections leave probes and light queries answering promptly.

Reproduction of the attack pass: 1 byte a second of an announced 100 kB body (no 408 in
70 s before), 40 such connections plus 40 sending their headers slowly (10 of 10 probes
timed out before). The server here has short deadlines so that the test stays fast.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest

from cls_kg.server.wsgi.bodytimeout import DeadlineReader, SlowBody, Watchdog

from ..support.hostile import alive
from ..support.served import LIGHT_QUERY, LiveServer, start

HEADER_TIMEOUT = 1.5
BODY_TIMEOUT = 2.0
MARGIN = 1.5  # seconds: the event loop's turn, a loaded machine
SLOW_BODY = (
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    b"Content-Length: 100000\r\n\r\nquery="
)
SLOW_CHUNKED = (
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n6\r\nquery=\r\n"
)
SLOW_HEAD = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
CONNECTIONS = 40  # of each kind


@pytest.fixture(scope="module")
def slow_target(built_data_dir: object) -> Iterator[LiveServer]:
    """The seed build under ``cls-kg serve``'s gunicorn with short deadlines."""
    process, server = start(
        built_data_dir,  # type: ignore[arg-type]
        CLS_KG_HEADER_TIMEOUT=f"{HEADER_TIMEOUT:g}",
        CLS_KG_BODY_TIMEOUT=f"{BODY_TIMEOUT:g}",
    )
    yield server
    process.terminate()
    process.wait(timeout=30)


def connect(server: LiveServer) -> socket.socket:
    """A raw connection to the server."""
    port = int(server.url.rsplit(":", 1)[1])
    return socket.create_connection(("127.0.0.1", port), timeout=30)


def dribble(sock: socket.socket, first: bytes, byte: bytes, seconds: float) -> tuple[float, bytes]:
    """Send ``first``, then one byte every 0.5 s until the server answers or closes."""
    started = time.monotonic()
    sock.sendall(first)
    sock.settimeout(0.5)
    answer = b""
    while time.monotonic() - started < seconds:
        try:
            chunk = sock.recv(4096)
        except TimeoutError:
            try:
                sock.sendall(byte)
            except OSError:
                break
            continue
        except OSError:
            break
        if not chunk:
            break
        answer += chunk
    return time.monotonic() - started, answer


#: Each slow client: what it sends first, then a byte at a time; the answer expected, and by when.
SLOW_KINDS = {
    "body": (SLOW_BODY, b"a", b"HTTP/1.1 408", BODY_TIMEOUT),
    "chunked body": (SLOW_CHUNKED, b"1\r\na\r\n", b"HTTP/1.1 408", BODY_TIMEOUT),
    "head": (SLOW_HEAD, b"X", b"", HEADER_TIMEOUT),
    "silence": (b"", b"", b"", HEADER_TIMEOUT),
}


def slow_client(server: LiveServer, kind: str) -> tuple[float, bytes]:
    """One slow client of ``SLOW_KINDS``: how long until the server ended it, what it said."""
    first, byte, _, deadline = SLOW_KINDS[kind]
    with connect(server) as sock:
        return dribble(sock, first, byte, deadline + 10)


def test_each_slow_client_is_cut_at_its_deadline(slow_target: LiveServer) -> None:
    with ThreadPoolExecutor(len(SLOW_KINDS)) as pool:
        ended = dict(
            zip(SLOW_KINDS, pool.map(partial(slow_client, slow_target), SLOW_KINDS), strict=True)
        )
    for kind, (took, answer) in ended.items():
        _, _, expected, deadline = SLOW_KINDS[kind]
        assert answer.startswith(expected), (kind, answer[:200])
        assert deadline - 0.5 <= took <= deadline + MARGIN, (kind, took)
        if expected:
            assert "Corps de requête reçu trop lentement".encode() in answer, answer
        else:
            assert answer == b"", (kind, answer[:200])
    alive(slow_target)


def test_a_complete_request_sent_in_pieces_is_served(slow_target: LiveServer) -> None:
    body = b"query=ASK%7B%7D"
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    )
    pieces = [
        head,
        b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body),
        body[:5],
        body[5:],
    ]
    with connect(slow_target) as sock:
        for piece in pieces:
            sock.sendall(piece)
            time.sleep(0.2)
        answer = b"".join(iter(lambda: sock.recv(4096), b""))
    assert answer.startswith(b"HTTP/1.1 200") and b"true" in answer, answer[:300]


def flood(server: LiveServer, first: bytes, byte: bytes, stop: threading.Event) -> None:
    """One attacker: dribble, and connect again each time the server closes the connection."""
    while not stop.is_set():
        try:
            with connect(server) as sock:
                sock.sendall(first)
                while not stop.wait(0.5):
                    sock.sendall(byte)
        except OSError:
            stop.wait(0.1)


def test_tens_of_slow_connections_leave_probes_and_light_queries_fast(
    slow_target: LiveServer,
) -> None:
    stop = threading.Event()
    kinds = [(SLOW_BODY, b"a")] * CONNECTIONS + [(SLOW_HEAD, b"X")] * CONNECTIONS
    attackers = [
        threading.Thread(target=flood, args=(slow_target, first, byte, stop), daemon=True)
        for first, byte in kinds
    ]
    for attacker in attackers:
        attacker.start()
    try:
        time.sleep(0.5)  # every slow connection is open and dribbling
        worst = 0.0
        end = time.monotonic() + BODY_TIMEOUT + 1  # through their cut-offs and reconnections
        while time.monotonic() < end:
            for path in ("/healthz", LIGHT_QUERY):
                started = time.monotonic()
                status, _, _ = slow_target.request("GET", path)
                worst = max(worst, time.monotonic() - started)
                assert status == 200, path
            time.sleep(0.1)
        assert worst < 1.0, f"slowest probe or light query: {worst:.2f} s"
    finally:
        stop.set()
        for attacker in attackers:
            attacker.join(timeout=5)
    alive(slow_target)


class LoopingReader:
    """A body reader that loops over ``recv`` until it has ``size`` bytes, like gunicorn's."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def read(self, size: int = -1) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise ConnectionAbortedError("no more data")
            data += chunk
        return data


def test_whole_body_deadline_holds_against_a_looping_reader() -> None:
    """The middleware's fallback: a byte every 0.2 s keeps each recv short, not the body."""
    server, client = socket.socketpair()
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(0.2):
            try:
                client.send(b"a")
            except OSError:
                return

    threading.Thread(target=trickle, daemon=True).start()
    watchdog, deadline = Watchdog(), time.monotonic() + 1.0
    reader = DeadlineReader(LoopingReader(server), server, deadline)
    token = watchdog.watch(server, deadline)
    started = time.monotonic()
    try:
        with pytest.raises(SlowBody):
            reader.read(100_000)
        assert time.monotonic() - started < 1.5
    finally:
        stop.set()
        watchdog.forget(token)
        server.close()
        client.close()
