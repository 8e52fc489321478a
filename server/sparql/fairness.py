"""Fair shares of heavy work between clients, so that many heavy clients cannot crowd out light
queries and pages (the lanes of ``pool.py`` hold against one heavy client, not against many).

A client (an address, as the rate limit sees it: ``CLS_KG_TRUSTED_PROXIES`` applies) becomes
*heavy* when one of its queries runs long (past ``QUERY_LIGHT_SECONDS``) or past the memory
cap, and stays heavy for ``HEAVY_SECONDS`` after its last such query. In each web process,
the queries of heavy clients form the *heavy lane*:

- at most one query in flight per heavy client: another one is refused at once with ``429``
  and ``Retry-After`` (``ClientBusy``);
- at most ``slots`` heavy-lane queries in flight at once (half the query processes), so the
  other query processes stay free for light queries and pages whatever the number of heavy
  clients; a heavy client finding them taken is refused at once with ``503`` and
  ``Retry-After`` (``HeavyBusy``) and takes its place in a queue of clients: a slot that frees
  goes to the client refused first, when it comes back (within ``WAIT_SECONDS``), so every
  heavy client gets its turn, round-robin, and none holds a web thread while it waits.

The queries of clients that are not heavy never wait for the heavy lane. Everything here is
bookkeeping under one lock, with an injectable clock (``tests/server/test_lanes.py``).
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable

from cls_kg.graph.errors import StoreBusy

from ..core.errors import RateLimited

#: How long a client stays heavy after its last long query.
HEAVY_SECONDS = 60.0
#: How long a refused heavy client keeps its place in the queue without coming back.
WAIT_SECONDS = 3.0
#: What a refused heavy client is told to wait, in seconds.
RETRY_SECONDS = 1
#: Past this many heavy clients, those whose mark has expired are forgotten.
MAX_CLIENTS = 10_000


class ClientBusy(RateLimited):
    """A heavy client sent a query while another of its queries was running."""

    def __init__(self) -> None:
        super().__init__("client-heavy-busy", str(RETRY_SECONDS))


class HeavyBusy(StoreBusy):
    """Every heavy-lane slot is taken, or promised to clients refused earlier; ``detail`` is
    the number of slots."""

    key = "heavy-busy"

    def __init__(self, detail: str = "", retry_after: int = RETRY_SECONDS) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class Fairness:
    """The heavy clients of one web process, their queries in flight, and the queue."""

    def __init__(
        self,
        slots: int,
        clock: Callable[[], float] = time.monotonic,
        heavy_seconds: float = HEAVY_SECONDS,
        wait_seconds: float = WAIT_SECONDS,
    ) -> None:
        self.slots, self.clock = slots, clock
        self.heavy_seconds, self.wait_seconds = heavy_seconds, wait_seconds
        self.lock = threading.Lock()
        #: Client -> until when it is heavy.
        self.heavy: dict[str, float] = {}
        #: Heavy-lane queries in flight, per client.
        self.running: collections.Counter[str] = collections.Counter()
        #: Refused heavy clients, first refused first -> when each was last refused.
        self.waiting: collections.OrderedDict[str, float] = collections.OrderedDict()

    def admit(self, client: str) -> bool:
        """Whether the client's query takes a heavy-lane slot (then ``release`` it after);
        False for a client that is not heavy. Raises ``ClientBusy`` or ``HeavyBusy``."""
        with self.lock:
            now = self.clock()
            if self.heavy.get(client, 0.0) <= now:
                return False
            if self.running[client]:
                raise ClientBusy
            self.forget_waiting(now)
            free = self.slots - sum(self.running.values())
            if self.place(client) >= free:
                self.waiting[client] = now  # keeps its place if it had one
                raise HeavyBusy(str(self.slots))
            self.waiting.pop(client, None)
            self.running[client] += 1
            return True

    def release(self, client: str) -> None:
        """A heavy-lane query ended."""
        with self.lock:
            self.running[client] -= 1
            if self.running[client] <= 0:
                del self.running[client]

    def mark(self, client: str) -> None:
        """A query of the client ran long: the client is heavy for the next while."""
        with self.lock:
            now = self.clock()
            self.heavy[client] = now + self.heavy_seconds
            if len(self.heavy) > MAX_CLIENTS:
                self.heavy = {c: until for c, until in self.heavy.items() if until > now}

    def place(self, client: str) -> int:
        """How many refused clients come before this one (all of them for a newcomer)."""
        order = list(self.waiting)
        return order.index(client) if client in self.waiting else len(order)

    def forget_waiting(self, now: float) -> None:
        """Drop the refused clients that did not come back in time: they lose their place."""
        gone = [c for c, seen in self.waiting.items() if now - seen > self.wait_seconds]
        for client in gone:
            del self.waiting[client]
