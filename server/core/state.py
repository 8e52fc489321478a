"""Per-process state (query pools, backends, caches) belongs to the app, not to modules.

A module global is shared by every app of a process (the tests make many) and outlives
them. Here each concern keeps its state in one object of its own class, which the concern's
``init_app`` registers in ``app.extensions`` under ``cls_kg.{NAME}`` when ``create_app`` runs;
``of(Kind)`` is the typed accessor. gunicorn builds the app in each web process, after the
fork, and nothing starts a process before the first request (or ``store.warm``), so the
master holds no pool.

``close(app)`` closes each state that has a ``close`` (the store's backend stops its query
processes): gunicorn's ``worker_exit`` and the tests' fixtures call it, and it runs by
itself when the app is garbage-collected or the interpreter exits. Flask's
``teardown_appcontext`` is per request: only per-request things use it (``search.close``).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, MutableMapping
from typing import Any, ClassVar, Generic, Protocol, TypeVar, runtime_checkable

from flask import Flask, current_app

PREFIX = "cls_kg."


class Owned(Protocol):
    """The state of one concern: ``NAME`` is its key in ``app.extensions`` (after PREFIX)."""

    NAME: ClassVar[str]


@runtime_checkable
class Closing(Protocol):
    """State holding resources beyond memory (processes, files), released by ``close``."""

    def close(self) -> None:
        """Release them."""


S = TypeVar("S", bound=Owned)
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def register(app: Flask, state: S) -> S:
    """Give ``app`` its ``state`` (one per class of state)."""
    app.extensions[PREFIX + state.NAME] = state
    return state


def find(kind: type[S], app: Flask | None = None) -> S | None:
    """The state of this kind of ``app`` (the current app by default); None when it has none."""
    found = (app or current_app).extensions.get(PREFIX + kind.NAME)
    return found if isinstance(found, kind) else None


def of(kind: type[S], app: Flask | None = None) -> S:
    """The state of this kind of ``app`` (the current app by default)."""
    found = find(kind, app)
    if found is None:
        raise LookupError(f"{PREFIX}{kind.NAME}: not registered (made by create_app)")
    return found


def close_states(extensions: MutableMapping[str, Any]) -> None:
    """Close the states of an app's extensions, last registered first (twice is harmless)."""
    for name, found in reversed(list(extensions.items())):
        if name.startswith(PREFIX) and isinstance(found, Closing):
            found.close()


def close(app: Flask) -> None:
    """Release what ``app`` holds: its query processes, above all."""
    close_states(app.extensions)


def init_app(app: Flask) -> None:
    """Close the app's states when it is collected or the interpreter exits, if not before."""
    weakref.finalize(app, close_states, app.extensions)


class Recent(Generic[K, V]):
    """The ``size`` values last used, by key: what costs queries to make again, bounded."""

    SIZE: ClassVar[int] = 8

    def __init__(self, size: int | None = None) -> None:
        self.size = self.SIZE if size is None else size
        self.lock = threading.Lock()
        self.values: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The value kept for ``key``, else ``make()``'s, kept (made outside the lock)."""
        with self.lock:
            if key in self.values:
                self.values.move_to_end(key)
                return self.values[key]
        value = make()
        with self.lock:
            self.values[key] = value
            while len(self.values) > self.size:
                self.values.popitem(last=False)
        return value
