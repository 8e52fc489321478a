"""Step 4 of the flow: the store a build writes and the service reads.

Storage sits behind one small interface, ``Store``; the embedded Oxigraph store is the default
implementation (a remote SPARQL 1.1 endpoint is the other, see the scale-out issue).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .errors import StoreError

Row = dict[str, Node]


class Store(ABC):
    """Read-only access to one dataset version; queries see the union of its graphs."""

    @abstractmethod
    def select(self, query: str) -> list[Row]:
        """Run a SELECT query; rows map variable names to rdflib terms (unbound: absent)."""

    @abstractmethod
    def ask(self, query: str) -> bool:
        """Run an ASK query."""

    @abstractmethod
    def __len__(self) -> int:
        """Number of quads in the dataset."""


def to_rdflib(term: Any) -> Node:
    """Convert a pyoxigraph term to the rdflib term the rest of the code uses."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise StoreError(f"unsupported term in results: {term!r}")


class OxigraphStore(Store):
    """The embedded Oxigraph store (pyoxigraph), on disk or in memory."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    @classmethod
    def open_read_only(cls, path: Path) -> OxigraphStore:
        """Open a store a build wrote, read-only, so several processes can share it."""
        try:
            return cls(ox.Store.read_only(str(path)))
        except OSError as error:
            raise StoreError(f"cannot open the store at {path}: {error}") from error

    def raw_query(self, query: str, **options: Any) -> Any:
        """Run any query with pyoxigraph's options; the union default graph unless told."""
        options.setdefault("use_default_graph_as_union", True)
        try:
            return self.store.query(query, **options)
        except SyntaxError as error:
            raise StoreError(f"SPARQL syntax error: {error}") from error

    def select(self, query: str) -> list[Row]:
        """Run a SELECT query and convert the solutions to rdflib terms."""
        solutions = self.raw_query(query)
        names = [variable.value for variable in solutions.variables]
        return [
            {name: to_rdflib(solution[name]) for name in names if solution[name] is not None}
            for solution in solutions
        ]

    def ask(self, query: str) -> bool:
        """Run an ASK query."""
        return bool(self.raw_query(query))

    def __len__(self) -> int:
        """Number of quads in the store."""
        return len(self.store)
