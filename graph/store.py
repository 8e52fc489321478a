"""Step 4 of the flow: the store a build writes and the service reads.

Storage sits behind one small interface, ``Store``; the embedded Oxigraph store is the default
implementation (a remote SPARQL 1.1 endpoint is the other, see the scale-out issue).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from . import queries, scan
from .errors import NotAcceptable, QueryEvaluationError, QuerySyntaxError, StoreError
from .namespaces import PREFIXES
from .results import (
    BINDINGS,
    BOOLEAN,
    GRAPH,
    Answer,
    kind_of,
    write_bindings,
    write_boolean,
    write_graph,
    write_solutions,
)

Row = dict[str, Node]

#: Prefixes the Turtle and RDF/XML of CONSTRUCT results use.
RESULT_PREFIXES: dict[str, str] = {name: str(namespace) for name, namespace in PREFIXES.items()}

#: How each kind of result is written: (result, format, row limit, byte limit) -> Answer.
WRITERS: dict[str, Callable[[Any, str, int | None, int | None], Answer]] = {
    BINDINGS: write_bindings,
    BOOLEAN: write_boolean,
    GRAPH: partial(write_graph, prefixes=RESULT_PREFIXES),
}


@dataclass(frozen=True)
class Dataset:
    """An RDF dataset given by the protocol (default-graph-uri, named-graph-uri).

    SPARQL 1.1 Protocol, section 2.1.4: when either parameter is given, the dataset is exactly
    these graphs, overriding FROM and FROM NAMED; a parameter not given means no graph.
    """

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryRequest:
    """A query to answer as bytes: the text, the dataset, one format per kind, a row cap and
    a byte cap."""

    query: str
    formats: Mapping[str, str] = field(default_factory=dict)
    dataset: Dataset | None = None
    row_limit: int | None = None
    base_iri: str | None = None
    byte_limit: int | None = None


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

    @abstractmethod
    def answer(self, request: QueryRequest) -> Answer:
        """Run any query and serialise its result in the format asked for its kind."""

    def graph_names(self) -> list[str]:
        """The named graphs of the dataset (a remote store knows them without a query)."""
        return sorted(str(row["graph"]) for row in self.select(queries.load("named-graphs")))


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


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term to pyoxigraph's (lexical forms as rdflib holds them); the
    reverse of ``to_rdflib``. Raises ValueError for a term pyoxigraph refuses."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term: {term!r}")


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
            raise QuerySyntaxError(str(error)) from error
        except OSError as error:
            raise QueryEvaluationError(str(error)) from error

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

    def answer(self, request: QueryRequest) -> Answer:
        """Run the query on its dataset and write the result, cut at the row limit."""
        options = {"base_iri": request.base_iri, **dataset_options(request)}
        result = self.raw_query(request.query, **options)
        kind = kind_of(result)
        fmt = request.formats.get(kind)
        if fmt is None:
            raise NotAcceptable(kind)
        try:
            if kind == BINDINGS:  # pyoxigraph's own writer; the query runs again if it must
                again = partial(self.raw_query, request.query, **options)
                return write_solutions(result, fmt, request.row_limit, again, request.byte_limit)
            return WRITERS[kind](result, fmt, request.row_limit, request.byte_limit)
        except OSError as error:
            raise QueryEvaluationError(str(error)) from error


def dataset_options(request: QueryRequest) -> dict[str, Any]:
    """pyoxigraph's dataset options: the protocol's dataset, else the query's, else the union."""
    if request.dataset is not None:
        return {
            "use_default_graph_as_union": False,
            "default_graph": [graph_name(iri) for iri in request.dataset.default_graphs],
            "named_graphs": [graph_name(iri) for iri in request.dataset.named_graphs],
        }
    if scan.names_dataset(request.query):
        return {"use_default_graph_as_union": False}
    return {}


def graph_name(iri: str) -> Any:
    """A graph name of the protocol's dataset; an invalid IRI is the client's syntax error."""
    try:
        return ox.NamedNode(iri)
    except ValueError as error:
        raise QuerySyntaxError(f"invalid graph IRI {iri!r}: {error}") from error
