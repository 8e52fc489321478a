"""The small graph of the page tests, under the base http://localhost/ with markup in its labels,
and the ``Accept`` header of a browser."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from cls_kg.graph.namespaces import ONTOLOGY_IRI, VOCABULARIES_GRAPH, records_graph

from .apps import write_data_dir
from .paths import REPO

DATA = REPO / "tests" / "pages" / "data"
LOCAL_BASE = "http://localhost/"
SHAPES_GRAPH = ONTOLOGY_IRI + "/shapes"
PARTNERS = 120  # organisations pointing at the markup territory: three pages of 50
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
HTML = {"Accept": BROWSER_ACCEPT}


def partners() -> bytes:
    """Many organisations that name the markup territory as their area."""
    lines = [
        f"<{LOCAL_BASE}id/organisation/partner-{n:03d}> "
        f'<http://www.w3.org/2000/01/rdf-schema#label> "Partenaire {n:03d}"@fr ; '
        f"<http://www.w3.org/ns/org#hasSite> <{LOCAL_BASE}id/territory/markup> ."
        for n in range(PARTNERS)
    ]
    return "\n".join(lines).encode()


def write_local_data_dir(folder: Path) -> Path:
    """A data folder with the markup record, the ontology, vocabularies and shapes."""
    graphs = {
        records_graph(LOCAL_BASE): (DATA / "markup.ttl").read_bytes() + b"\n" + partners(),
        ONTOLOGY_IRI: (REPO / "ontology" / "cls.ttl").read_bytes(),
        SHAPES_GRAPH: (REPO / "shapes" / "cls-shapes.ttl").read_bytes(),
    }
    write_data_dir(folder, graphs)
    store_vocabularies(folder)
    return folder


def store_vocabularies(folder: Path) -> None:
    """Add the vocabularies (several Turtle files, each with its prefixes) to the store."""
    store = ox.Store(str(folder / "versions" / "test" / "store"))
    for path in sorted((REPO / "ontology/vocabularies").glob("*.ttl")):
        store.load(
            path.read_bytes(), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(VOCABULARIES_GRAPH)
        )
    store.flush()
    del store
