"""A fast SHACL engine: our shapes evaluated as SPARQL queries over an in-memory Oxigraph store.

pyshacl walks every focus node in Python and needs about two minutes on the national graph;
this engine loads the data graph (plus the ontology axioms pyshacl mixes in) into a
``pyoxigraph.Store`` and runs one query per constraint, so the store does the joins. It
evaluates a subset of SHACL Core (https://www.w3.org/TR/shacl/), laid out as the spec is:

- ``components.py``: the table of constraint components, one record each (parameters,
  check, member test, spec section); a new component is one new record there;
- ``compile.py``: targets, property shapes, paths, SPARQL-based constraints, and the
  allow-lists derived from the table; anything else raises :class:`Unsupported`;
- ``engine.py``: the queries, each giving pyshacl's multiplicity of results;
- ``terms.py``: the data in Oxigraph, literals as pyshacl (through rdflib) reads them;
- ``model.py``: compiled shapes and raw results.

Outside the subset :func:`supported` is false (and :func:`evaluate` raises), and
``validation.validate`` falls back to pyshacl, which stays the reference: the tests hold the
reports of both engines equal (same results, multiplicity, values, paths and messages), and
run the W3C SHACL Core test suite for the subset (tests/graph/test_shacl_w3c.py).
"""

from __future__ import annotations

from dataclasses import replace

from rdflib import Graph

from .compile import compile_shapes
from .components import COMPONENTS
from .engine import Engine
from .model import NodeShape, RawResult, Unsupported
from .terms import load, ontology_axioms

__all__ = ["COMPONENTS", "RawResult", "Unsupported", "evaluate", "supported"]


def run(engine: Engine, node_shapes: list[NodeShape]) -> list[RawResult]:
    """Every constraint of every shape: SPARQL constraints, then each component in use."""
    for number, node_shape in enumerate(node_shapes):
        focus = engine.materialise(node_shape, number)
        for constraint in node_shape.sparql:
            engine.sparql(node_shape, constraint, focus)
        for shape in node_shape.properties:
            for component in COMPONENTS:
                values = shape.params.get(component.key)
                if values:
                    component.check(engine, replace(shape, component=component.iri), focus, values)
    return engine.results


def evaluate(
    data: Graph, shapes: Graph, ontology: Graph | None = None, messages_needed: bool = True
) -> list[RawResult]:
    """Validate ``data`` against ``shapes``; raises Unsupported when pyshacl must do it."""
    node_shapes = compile_shapes(shapes, messages_needed)
    store, terms = load(data, ontology_axioms(ontology))
    return run(Engine(store, terms, shapes), node_shapes)


def supported(shapes: Graph, messages_needed: bool = True) -> bool:
    """Whether this engine evaluates every shape of ``shapes`` (else use pyshacl)."""
    try:
        compile_shapes(shapes, messages_needed)
    except Unsupported:
        return False
    return True
