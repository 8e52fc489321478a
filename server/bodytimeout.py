"""A deadline on reading request bodies, so a client that announces a body and sends it slowly
(or never: a ``Content-Length`` larger than what follows) cannot hold a thread forever.

gunicorn reads the body only when the app asks for it, from a blocking socket with no timeout
of its own. This WSGI middleware wraps ``wsgi.input`` so that every read is bounded by what is
left of BODY_TIMEOUT seconds, counted from the start of the request; past it the client gets
a 408 (French first, like every error) and the connection is closed, since where the next
request would start is unknown. Without gunicorn's socket (the test client, another server)
the body is read as before.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import RequestTimeout

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class SlowBody(RequestTimeout):
    """The body did not arrive within BODY_TIMEOUT seconds (mapped to 408 by errors.py)."""


class DeadlineReader:
    """``wsgi.input`` whose reads stop at an absolute deadline (``time.monotonic``)."""

    def __init__(self, stream: Any, sock: socket.socket, deadline: float) -> None:
        self.stream, self.sock, self.deadline = stream, sock, deadline

    def _bounded(self, read: Callable[..., bytes], *args: Any) -> bytes:
        """One read of the wrapped stream with the socket timeout set to the time left."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            self.give_up()
        prior = self.sock.gettimeout()
        try:
            self.sock.settimeout(remaining)
            return read(*args)
        except TimeoutError:
            self.give_up()
        finally:
            with contextlib.suppress(OSError):
                self.sock.settimeout(prior)
        raise AssertionError("unreachable")  # give_up always raises

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

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        sock = environ.get("gunicorn.socket")
        announced = environ.get("CONTENT_LENGTH") or environ.get("HTTP_TRANSFER_ENCODING")
        if isinstance(sock, socket.socket) and announced:
            deadline = time.monotonic() + self.seconds
            environ["wsgi.input"] = DeadlineReader(environ["wsgi.input"], sock, deadline)
        return self.app(environ, start_response)
