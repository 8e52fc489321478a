"""A deadline on reading request bodies, so a client that announces a body and sends it slowly
(or never: a ``Content-Length`` larger than what follows) cannot hold a thread forever.

Under ``cls-kg serve`` the worker's event loop reads bodies before a thread sees them
(``httpworker.py``); this middleware bounds the bodies it hands over unread (beyond its
buffers) and every body under another gunicorn worker. gunicorn reads the body only when the
app asks for it, from a blocking socket, and its body reader loops over ``recv``: a timeout
on each read bounds nothing when a client sends a byte a second. So the whole body has one
deadline, BODY_TIMEOUT seconds from the start of the request: a watchdog thread shuts the
socket's read side when it passes, which ends any read in progress; the client gets a 408
(French first, like every error) and the connection is closed, since where the next request
would start is unknown. Without gunicorn's socket (the test client, another server) the body
is read as before.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import RequestTimeout

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class SlowBody(RequestTimeout):
    """The body did not arrive within BODY_TIMEOUT seconds (mapped to 408 by errors.py)."""


class Watchdog:
    """One thread per process that shuts the read side of sockets whose deadline passed."""

    def __init__(self) -> None:
        self.due: list[tuple[float, int, socket.socket]] = []
        self.watched: set[int] = set()
        self.tokens = itertools.count()
        self.wake = threading.Condition()
        self.thread: threading.Thread | None = None

    def watch(self, sock: socket.socket, deadline: float) -> int:
        """Shut ``sock`` for reading at ``deadline`` unless forgotten first; a token to forget."""
        with self.wake:
            token = next(self.tokens)
            heapq.heappush(self.due, (deadline, token, sock))
            self.watched.add(token)
            if self.thread is None:  # started on first use: after gunicorn's fork
                self.thread = threading.Thread(target=self.run, name="body-deadline", daemon=True)
                self.thread.start()
            self.wake.notify()
        return token

    def forget(self, token: int) -> None:
        """The request is over: leave its socket alone."""
        with self.wake:
            self.watched.discard(token)

    def run(self) -> None:
        """Wait for the next deadline; shut the socket if its request is still reading."""
        with self.wake:
            while True:
                wait = self.due[0][0] - time.monotonic() if self.due else None
                if wait is None or wait > 0:
                    self.wake.wait(wait)
                    continue
                _, token, sock = heapq.heappop(self.due)
                if token in self.watched:
                    self.watched.discard(token)
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RD)


class DeadlineReader:
    """``wsgi.input`` whose reads stop at an absolute deadline (``time.monotonic``)."""

    def __init__(self, stream: Any, sock: socket.socket, deadline: float) -> None:
        self.stream, self.sock, self.deadline = stream, sock, deadline

    def _bounded(self, read: Callable[..., bytes], *args: Any) -> bytes:
        """One read of the wrapped stream, ended by the watchdog at the deadline."""
        if time.monotonic() >= self.deadline:
            self.give_up()
        try:
            data = read(*args)
        except OSError:  # timeouts, and gunicorn's NoMoreData once the watchdog shut the socket
            if time.monotonic() >= self.deadline:
                self.give_up()
            raise
        if time.monotonic() >= self.deadline:
            self.give_up()
        return data

    def give_up(self) -> None:
        """Stop reading this connection (nothing more will be read from it) and answer 408."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RD)
        raise SlowBody()

    def read(self, size: int | None = -1) -> bytes:
        """Read like ``wsgi.input.read``, within the deadline."""
        return self._bounded(self.stream.read, size)

    def readline(self, size: int | None = -1) -> bytes:
        """Read a line, within the deadline."""
        return self._bounded(self.stream.readline, size)

    def readlines(self, hint: int | None = -1) -> list[bytes]:
        """Every line, within the deadline."""
        lines: list[bytes] = []
        while line := self.readline():
            lines.append(line)
        return lines

    def __iter__(self) -> DeadlineReader:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line


class BodyDeadline:
    """The middleware: requests that announce a body get a deadline on reading it."""

    def __init__(self, app: WSGIApp, seconds: float) -> None:
        self.app, self.seconds = app, seconds
        self.watchdog = Watchdog()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        sock = environ.get("gunicorn.socket")
        announced = environ.get("CONTENT_LENGTH") or environ.get("HTTP_TRANSFER_ENCODING")
        if not (isinstance(sock, socket.socket) and announced):
            return self.app(environ, start_response)
        deadline = time.monotonic() + self.seconds
        environ["wsgi.input"] = DeadlineReader(environ["wsgi.input"], sock, deadline)
        token = self.watchdog.watch(sock, deadline)
        try:
            return self.app(environ, start_response)
        finally:
            self.watchdog.forget(token)
