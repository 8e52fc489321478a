"""A loopback TCP listener that records what arrives: the stand-in of a remote host."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Listener:
    """A loopback TCP listener that records connections (the stand-in of a remote host)."""

    port: int
    connections: list[bytes] = field(default_factory=list)
    reply: bytes = b""

    @property
    def url(self) -> str:
        """Its base URL."""
        return f"http://127.0.0.1:{self.port}"


def run_listener(sock: socket.socket, listener: Listener) -> None:
    """Accept connections, record what arrives, answer with the canned reply."""
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(2)
            try:
                listener.connections.append(conn.recv(65536))
                conn.sendall(listener.reply)
            except OSError:
                listener.connections.append(b"")


@contextmanager
def open_listener() -> Iterator[Listener]:
    """A listener on a free loopback port, closed on leaving the block."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    found = Listener(sock.getsockname()[1])
    threading.Thread(target=run_listener, args=(sock, found), daemon=True).start()
    try:
        yield found
    finally:
        sock.close()
