"""gunicorn's threaded worker, with each request read in full by its event loop before a thread
serves it, so that slow clients hold no thread.

gunicorn's ``gthread`` worker hands a connection to a thread as soon as it is readable, and the
thread reads the request head and body from a blocking socket: forty clients sending a header
byte a second hold every thread, and ``/healthz`` stops answering. Here the worker's main loop
reads what arrives on each connection without blocking (as a reverse proxy buffers requests):

- the head must be complete within ``HEADER_TIMEOUT`` seconds of the connection's turn
  (accepted, or readable again after a kept-alive request), else the connection is closed;
- a body of known length (``Content-Length``, or chunked) up to the largest the service
  accepts must then be complete within ``BODY_TIMEOUT`` seconds, else the client gets ``408``
  and the connection is closed;
- only then is the connection handed to a thread, which parses and serves the request from
  memory. Bodies beyond the cap (answered ``413`` without being read) and bodies past the
  worker's buffer budget are handed over after their head, and read by the thread under the
  ``BodyDeadline`` middleware's whole-body deadline (``bodytimeout.py``).

Plain HTTP/1.x only: TLS and HTTP/2 end at the reverse proxy (``docs/deploy/nginx.conf``).
"""

from __future__ import annotations

import contextlib
import selectors
import time
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from gunicorn.workers.gthread import ThreadWorker  # type: ignore[import-untyped]

from cls_kg.i18n import in_every_language

#: Bytes a request head may have (the request line and every header field).
HEAD_BYTES = 64 * 1024
#: Bytes of bodies a worker holds in memory at once, over all its connections.
BUFFER_BUDGET = 64 * 1024 * 1024
#: Seconds a thread waits for the unread rest of a body before closing instead of draining.
DRAIN_SECONDS = 0.5
#: Bytes read from a socket at once.
READ_BYTES = 64 * 1024
END_OF_HEAD = b"\r\n\r\n"
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


@dataclass(frozen=True)
class Limits:
    """What the loop allows a request, from the app's settings."""

    header_timeout: float = 10.0
    body_timeout: float = 30.0
    body_bytes: int = 1_000_000

    @classmethod
    def of(cls, config: Any) -> Limits:
        """The limits of a Flask app's settings (defaults without them)."""
        get = getattr(config, "get", lambda name, default: default)
        admin = get("ADMIN_MAX_UPLOAD_BYTES", 0) if get("ADMIN_TOKEN", "") else 0
        return cls(
            get("HEADER_TIMEOUT", cls.header_timeout),
            get("BODY_TIMEOUT", cls.body_timeout),
            max(get("MAX_BODY_BYTES", cls.body_bytes), admin),
        )


def canned(status: str, key: str, detail: str) -> bytes:
    """A complete response the loop sends by itself: the message in French, then English."""
    said = in_every_language(f"web.{key}", detail=detail)
    text = "".join(f"{line}\n" for line in said.values()).encode()
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(text)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + text


class ChunkedEnd:
    """Where a chunked body ends (RFC 9112 section 7.1), found as its bytes arrive."""

    def __init__(self, start: int) -> None:
        self.position, self.in_trailers = start, False

    def feed(self, data: bytearray) -> int | None:
        """The offset just past the body when it is complete; ``ValueError`` when malformed."""
        while (eol := data.find(b"\r\n", self.position)) >= 0:
            line = bytes(data[self.position : eol])
            if self.in_trailers:
                self.position = eol + 2
                if not line:
                    return self.position
                continue
            size = int(line.split(b";", 1)[0].strip() or b"-", 16)
            if size == 0:
                self.in_trailers, self.position = True, eol + 2
            elif len(data) >= eol + size + 4:
                self.position = eol + size + 4
            else:
                return None
        return None


@dataclass(frozen=True)
class Head:
    """What the loop needs from a request head: how its body is framed."""

    length: int | None
    chunked: bool
    expects_continue: bool
    valid: bool

    @classmethod
    def parse(cls, head: bytes) -> Head:
        """Read the framing fields; anything unusual is left to gunicorn's parser (``valid``)."""
        fields: dict[str, list[str]] = {}
        for line in head.split(b"\r\n")[1:]:
            name, colon, value = line.decode("latin-1").partition(":")
            if colon:
                fields.setdefault(name.strip().lower(), []).append(value.strip().lower())
        lengths = set(fields.get("content-length", []))
        codings = ",".join(fields.get("transfer-encoding", []))
        chunked = codings.rsplit(",", 1)[-1].strip() == "chunked"
        valid = (
            len(lengths) <= 1 and all(n.isdigit() for n in lengths) and not (codings and lengths)
        )
        length = int(next(iter(lengths))) if valid and lengths else None
        expects = "100-continue" in fields.get("expect", [])
        return cls(length, chunked, expects, valid and (chunked or not codings))


@dataclass
class Reading:
    """A connection whose request is being read by the loop."""

    conn: Any
    deadline: float
    data: bytearray = field(default_factory=bytearray)
    head_end: int = -1
    body_end: int | None = None
    chunks: ChunkedEnd | None = None

    @property
    def in_body(self) -> bool:
        """The head is complete: a deadline passing now is the body's."""
        return self.head_end >= 0


class BufferingWorker(ThreadWorker):  # type: ignore[misc]
    """gthread, with heads and bodies read by the event loop under their deadlines."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reading: dict[Any, Reading] = {}
        self.limits = Limits()

    def run(self) -> None:
        """Take the limits from the app's settings, then serve."""
        self.limits = Limits.of(getattr(self.wsgi, "config", None))
        super().run()

    # --- the loop's side ----------------------------------------------------------------

    def enqueue_req(self, conn: Any) -> None:
        """Every way into a thread comes here first: read the request, then hand it over."""
        leftover = conn.parser.unreader.take_buffered() if conn.parser is not None else b""
        conn.sock.setblocking(False)
        reading = Reading(conn, time.monotonic() + self.limits.header_timeout)
        reading.data += leftover
        self.reading[conn] = reading
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_data, reading))
        if leftover:
            self.advance(reading)

    def on_data(self, reading: Reading, _sock: Any) -> None:
        """Bytes arrived (or the client left)."""
        try:
            data = reading.conn.sock.recv(READ_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self.drop(reading)
            return
        reading.data += data
        self.advance(reading)

    def advance(self, reading: Reading) -> None:
        """Hand the request over once complete; or answer for it when it cannot be."""
        if reading.head_end < 0 and not self.read_head(reading):
            return
        try:
            complete = self.body_complete(reading)
        except ValueError:  # a malformed chunk: gunicorn's parser answers it
            complete = True
        if complete:
            self.hand_over(reading)

    def read_head(self, reading: Reading) -> bool:
        """Whether the head is complete (and how its body is framed is now known)."""
        end = reading.data.find(END_OF_HEAD)
        if end < 0:
            if len(reading.data) > HEAD_BYTES:
                self.drop(
                    reading,
                    canned("431 Request Header Fields Too Large", "http-431", str(HEAD_BYTES)),
                )
            return False
        reading.head_end = end + len(END_OF_HEAD)
        head = Head.parse(bytes(reading.data[:end]))
        if not head.valid or not self.fits(head.length or 0):
            reading.body_end = reading.head_end  # gunicorn's parser and the app answer it
            return True
        if head.chunked:
            reading.chunks = ChunkedEnd(reading.head_end)
        reading.body_end = None if head.chunked else reading.head_end + (head.length or 0)
        if head.chunked or head.length:
            reading.deadline = time.monotonic() + self.limits.body_timeout
            if head.expects_continue:
                self.promise_continue(reading, end)
        return True

    def fits(self, length: int) -> bool:
        """Whether a body this long is one the loop holds (the app accepts it, memory allows)."""
        held = sum(len(r.data) for r in self.reading.values())
        return length <= self.limits.body_bytes and held + length <= BUFFER_BUDGET

    def promise_continue(self, reading: Reading, end: int) -> None:
        """Answer ``Expect: 100-continue`` here, and take it out of the head for gunicorn."""
        lines = bytes(reading.data[:end]).split(b"\r\n")
        kept = [line for line in lines if not line.lower().startswith(b"expect:")]
        head = b"\r\n".join(kept) + END_OF_HEAD
        reading.data[: reading.head_end] = head
        if reading.body_end is not None:
            reading.body_end += len(head) - reading.head_end
        reading.head_end = len(head)
        if reading.chunks is not None:
            reading.chunks.position = reading.head_end
        with contextlib.suppress(OSError):
            reading.conn.sock.send(CONTINUE)

    def body_complete(self, reading: Reading) -> bool:
        """Whether the whole body is here (a chunked one past the cap goes over as it is)."""
        if reading.chunks is not None:
            if len(reading.data) - reading.head_end > self.limits.body_bytes:
                return True
            return reading.chunks.feed(reading.data) is not None
        return reading.body_end is not None and len(reading.data) >= reading.body_end

    def hand_over(self, reading: Reading) -> None:
        """The request is complete: a thread parses and serves it from memory."""
        conn = self.forget(reading)
        conn.init()
        conn.parser.unreader.unread(bytes(reading.data))
        conn.data_ready = True
        super().enqueue_req(conn)

    def forget(self, reading: Reading) -> Any:
        """Stop watching a connection; it is the caller's now."""
        del self.reading[reading.conn]
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(reading.conn.sock)
        return reading.conn

    def drop(self, reading: Reading, answer: bytes = b"") -> None:
        """Close a connection, after a last answer when there is one (sent if it fits)."""
        conn = self.forget(reading)
        if answer:
            with contextlib.suppress(OSError):
                conn.sock.send(answer)
        self.nr_conns -= 1
        conn.close()

    def expire(self) -> None:
        """Close the connections past their deadline: 408 when the body was late."""
        now = time.monotonic()
        late = [r for r in self.reading.values() if r.deadline <= now]
        detail = f"{self.limits.body_timeout:g}"
        for reading in late:
            self.drop(
                reading,
                canned("408 Request Timeout", "http-408", detail) if reading.in_body else b"",
            )

    def murder_pending(self) -> None:
        """gunicorn's loop calls this every turn: deadlines are checked here too."""
        super().murder_pending()
        self.expire()

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        """Wake up in time for the next deadline."""
        if self.reading:
            soonest = min(r.deadline for r in self.reading.values())
            timeout = min(timeout, max(soonest - time.monotonic(), 0.0))
        super().wait_for_and_dispatch_events(timeout)

    # --- the thread's side --------------------------------------------------------------

    def _keepalive_after(self, conn: Any, keepalive: bool) -> bool:
        """An unread body is dropped from memory at once; a thread never waits long for one."""
        if not keepalive:
            return False
        return bool(conn.parser.finish_body(deadline=time.monotonic() + DRAIN_SECONDS))
