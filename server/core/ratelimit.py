"""Per-client rate limiting: a token bucket per address, ``RATE_LIMIT`` requests a minute.

A client may burst up to the whole minute's allowance, then gets one request back every
60/RATE_LIMIT seconds. Buckets live in each web process (with several gunicorn workers a
client may get up to that many times the limit). Over the limit: 429 with Retry-After.

Every route is limited (queries, pages, dumps, the history, reports, the admin API) except
the probes of ``meta.py``, the site's icon and static files (``EXEMPT``); a request spends
one token, however many blueprints ask for the check.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import ClassVar

from flask import Flask, g, request

from . import state
from .errors import RateLimited

MAX_CLIENTS = 10_000  # past this many addresses, forget those whose bucket is full again
#: Endpoints never limited: what load balancers and monitors poll, and static files.
EXEMPT = frozenset({"meta.health", "meta.healthz", "meta.readyz", "meta.favicon", "static"})


class TokenBuckets:
    """One bucket per client: ``per_minute`` tokens, refilled continuously (one table per app)."""

    NAME: ClassVar[str] = "ratelimit"

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity, self.rate, self.clock = float(per_minute), per_minute / 60.0, clock
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    def level(self, client: str, now: float) -> float:
        """Tokens the client has now."""
        tokens, then = self.buckets.get(client, (self.capacity, now))
        return min(self.capacity, tokens + (now - then) * self.rate)

    def take(self, client: str) -> float:
        """Spend a token: 0 when allowed, else the seconds until the next one."""
        with self.lock:
            now = self.clock()
            tokens = self.level(client, now)
            allowed = tokens >= 1
            self.buckets[client] = (tokens - 1 if allowed else tokens, now)
            if len(self.buckets) > MAX_CLIENTS:
                self.forget_full(now)
        return 0.0 if allowed else (1 - tokens) / self.rate

    def forget_full(self, now: float) -> None:
        """Drop the clients whose bucket has refilled: they are as new."""
        full = [c for c in self.buckets if self.level(c, now) >= self.capacity]
        for client in full:
            del self.buckets[client]


def limit() -> None:
    """Before a request: refuse it when its client is over the limit (checked once)."""
    buckets = state.find(TokenBuckets)
    if buckets is None or request.endpoint in EXEMPT or g.get("rate_limited"):
        return
    g.rate_limited = True
    wait = buckets.take(request.remote_addr or "-")
    if wait > 0:
        raise RateLimited("rate-limited", str(math.ceil(wait)))


def init_app(app: Flask) -> None:
    """Give the app its buckets, unless RATE_LIMIT is 0, and check every request."""
    per_minute = app.config["RATE_LIMIT"]
    if per_minute > 0:
        state.register(app, TokenBuckets(per_minute))
        app.before_request(limit)
