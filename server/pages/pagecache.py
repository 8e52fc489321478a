"""Finished linked-data answers, reused: the data of a version never changes.

A page costs several queries and a template; its bytes depend only on the version served
and on the request. Each web process keeps the answers it made (status, headers, body) in a
least-recently-used table keyed by all the request says that can change them:

- the version served (``Served.key``): a new build is a new key, so its pages are served
  as soon as the server sees it (within a second, as without the cache); an answer made
  while the version changed is not kept;
- the URL root (scheme, host, script root; ``ProxyFix`` applied): pages hold such links;
- the path and the raw query string (``?page=``, ``?format=``, ``?lang=``, filters);
- the raw ``Accept`` header (the negotiated format, ``Content-Location``);
- the language of the page (``?lang=``, the ``lang`` cookie or Accept-Language, resolved).

Only what the view itself returns is kept, and only 200 and 404 answers (errors raise
before this point and are made afresh each time; unknown resources are kept like pages, the
bound holds them too); answers carrying a cookie or marked private or no-store are never
kept. What each request adds (rate limiting before, CORS, ``Cache-Control`` and the
language cookie after) is done by the app's hooks on every answer, hit or miss. ``HEAD``
shares the ``GET`` entry: the view makes the same answer, the server drops the body.

Bounded by ``PAGE_CACHE_BYTES`` per app (one app per web process): bodies, headers and keys,
plus a fixed overhead per entry (so the number of entries is bounded too); an answer larger
than a quarter of the budget is not kept. 0 disables the cache. The app owns its cache
(``init_app``, ``core/state.py``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from flask import Flask, Response, current_app, request

from ..core import state
from ..core.language import language
from ..core.store import served

#: Statuses whose answers are kept: pages, and the pages of unknown resources.
KEPT = (200, 404)
#: Bytes counted per entry beyond its strings (objects, table slot): bounds the entry count.
OVERHEAD = 512
#: Largest share of the budget one answer may take.
LARGEST_SHARE = 4

#: The WSGI variables the URL root, path and query string of a request are made of.
URL_PARTS = (
    "wsgi.url_scheme",
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
)

Key = tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    """A finished answer: status, headers and body, and what it counts for in the budget."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    size: int

    @classmethod
    def of(cls, response: Response, key: Key) -> Entry | None:
        """The answer as an entry; None when it must not be kept."""
        if response.status_code not in KEPT or response.is_streamed:
            return None
        control = response.headers.get("Cache-Control", "")
        if "Set-Cookie" in response.headers or "no-store" in control or "private" in control:
            return None
        body = response.get_data()
        headers = tuple((name, value) for name, value in response.headers.items())
        size = OVERHEAD + len(body) + sum(len(n) + len(v) for n, v in headers)
        return cls(response.status_code, headers, body, size + sum(len(part) for part in key))

    def response(self) -> Response:
        """A new response object with the kept status, headers and body."""
        response = Response(self.body, self.status)
        response.headers.clear()
        response.headers.extend(self.headers)
        return response


class PageCache:
    """Entries by key, least recently used first, within ``budget`` bytes."""

    NAME: ClassVar[str] = "pagecache"

    def __init__(self, budget: int) -> None:
        self.budget, self.used = budget, 0
        self.entries: OrderedDict[Key, Entry] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Key) -> Entry | None:
        """The entry of ``key`` (now the most recently used), or None."""
        with self.lock:
            found = self.entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self.entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: Key, entry: Entry) -> None:
        """Keep ``entry`` (unless too large), forgetting the least recently used to fit."""
        if entry.size * LARGEST_SHARE > self.budget:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.used -= old.size
            self.entries[key] = entry
            self.used += entry.size
            while self.used > self.budget:
                _, dropped = self.entries.popitem(last=False)
                self.used -= dropped.size

    def __len__(self) -> int:
        """Number of entries."""
        return len(self.entries)


def init_app(app: Flask) -> None:
    """Give the app its page cache, unless PAGE_CACHE_BYTES is 0."""
    budget = app.config["PAGE_CACHE_BYTES"]
    if budget > 0:
        state.register(app, PageCache(budget))


def cache_of(app: Flask) -> PageCache | None:
    """The app's page cache; None when PAGE_CACHE_BYTES is 0."""
    return state.find(PageCache, app)


def request_key() -> Key:
    """What the answer to this request depends on, besides the app (one cache per app).

    The URL parts are read raw from the WSGI environment (after ``ProxyFix``): the URL
    root and path derive from them alone, and decoding them costs more than the lookup.
    """
    environ = request.environ
    return (
        served().key,
        *(environ.get(name) or "" for name in URL_PARTS),
        environ.get("HTTP_ACCEPT") or "",
        language(),
    )


def cached(make: Callable[[], Response]) -> Response:
    """The kept answer to this request, else ``make()``'s (kept when it may be)."""
    cache = cache_of(current_app)
    if cache is None:
        return make()
    key = request_key()
    found = cache.get(key)
    if found is not None:
        return found.response()
    response = make()
    entry = Entry.of(response, key)
    if entry is not None and served().key == key[0]:  # not made across a version switch
        cache.put(key, entry)
    return response
