"""Step 2-4 of the flow: parse the sources, rebase, link, validate, then publish one version.

A build writes a new version folder next to the previous ones and only then points
``current`` at it (an atomic symlink swap): a failed or interrupted build leaves the last
good version serving, and a build that finds violations writes nothing.

The link step (``link.py``) ties the records to the reference data (``reference/``). The
reference graph never goes through rdflib (it is two orders of magnitude larger than the
records): the link step adds the records to a copy of a store that holds it (``template.py``),
and that copy, once validation passed, becomes the version's store; the graph has its own
dump, ``reference.nq.gz``. Only the units the records point at are validated and copied into
the other dumps.

Speed: Oxigraph parses the Turtle sources and its triples are kept (``Loaded.triples``) to
load the stores and write every dump without going back through rdflib; rdflib graphs are
still built for validation and the history; the cyclic garbage collector is paused while the
large structures are built (``paused_gc``).
"""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph

from . import geometry, queries, search
from .consistency import DEFAULT_TOLERANCE, Consistency, CurationIssue
from .datadir import DataDir, VersionFolder
from .errors import ConfigError
from .folders import check_against_turtle, import_folders
from .link import derived_graph, link
from .namespaces import (
    DEFAULT_BASE,
    ONTOLOGY_IRI,
    PREFIXES,
    VOCABULARIES_GRAPH,
    data_namespace,
    records_graph,
)
from .reference import divisions
from .reference.rdf import reference_graph
from .reference.template import (
    ReferenceSource,
    Template,
    copy_dump,
    copy_store,
    scratch_folder,
    template,
)
from .sources import (
    SourceSet,
    add_all,
    default_sources,
    oxigraph_triples,
    parse_files_with_triples,
)
from .store import OxigraphStore
from .tables import write_tables
from .validation import Report, ValidationFailed, validate

SHAPES_GRAPH = "https://w3id.org/cls-sante/def/shapes"
FORMAT_VERSION = "4"  # bump when the layout of a version folder changes (graph/datadir.py)
REFERENCE_DUMP = "reference.nq.gz"

#: Dumps of the merged data (records, derived facts, linked units, vocabularies, ontology),
#: besides the N-Triples: file name -> format (written by pyoxigraph from the sorted triples).
MERGED_DUMPS: dict[str, ox.RdfFormat] = {
    "cls-kg.ttl": ox.RdfFormat.TURTLE,
    "cls-kg.jsonld": ox.RdfFormat.JSON_LD,
}

#: The prefixes of the Turtle dump.
DUMP_PREFIXES: dict[str, str] = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}

#: Steps of a build, as ``build(timings=...)`` names them.
STEPS = ("parse", "reference", "link", "validate", "publish")


@dataclass
class Loaded:
    """The parsed sources of one build, one rdflib graph per named graph.

    ``reference`` says where the reference graph comes from; ``derived`` and ``units`` are
    filled by the link step (what it derives, and the reference units the records point at).
    """

    ontology: Graph
    vocabularies: Graph
    shapes: Graph
    records: Graph
    reference: ReferenceSource
    curation: Graph = field(default_factory=Graph)
    derived: Graph = field(default_factory=Graph)
    units: Graph = field(default_factory=Graph)
    extra: dict[str, Graph] = field(default_factory=dict)  # in the store, not in the dumps
    #: id of a graph -> (the graph, its triples as pyoxigraph's), so that the store and the
    #: dumps are written without going through rdflib again (see ``triples``).
    oxigraph: dict[int, tuple[Graph, list[ox.Triple]]] = field(default_factory=dict, repr=False)

    def data(self) -> Graph:
        """What the shapes validate: records and derived facts, with what they point at."""
        return union(self.records, self.derived, self.units, self.vocabularies)

    def merged(self) -> Graph:
        """Records, derived facts, linked units, vocabularies, ontology: the single-file dumps."""
        merged = union(self.records, self.derived, self.units, self.vocabularies, self.ontology)
        for prefix, namespace in PREFIXES.items():
            merged.bind(prefix, namespace)
        return merged

    def remember(self, graph: Graph, triples: list[ox.Triple] | None) -> Graph:
        """Keep the pyoxigraph triples a graph was made from (None: nothing to keep)."""
        if triples is not None:
            self.oxigraph[id(graph)] = (graph, triples)
        return graph

    def triples(self, graph: Graph) -> list[ox.Triple]:
        """The triples of one of the graphs as pyoxigraph's: those it was parsed from while it
        holds as many, else converted (and remembered)."""
        known = self.oxigraph.get(id(graph))
        if known is not None and known[0] is graph and len(known[1]) == len(graph):
            return known[1]
        triples = oxigraph_triples(graph)
        self.oxigraph[id(graph)] = (graph, triples)
        return triples

    def merged_triples(self) -> list[ox.Triple]:
        """What ``merged`` holds, as pyoxigraph triples (without duplicates)."""
        parts = (self.records, self.derived, self.units, self.vocabularies, self.ontology)
        merged: dict[ox.Triple, None] = {}
        for part in parts:
            merged.update(dict.fromkeys(self.triples(part)))
        return list(merged)


def union(*graphs: Graph) -> Graph:
    """One new graph with the triples and prefixes of all (``a + b + c`` copies a, then a + b)."""
    merged = Graph()
    for graph in graphs:
        for prefix, namespace in graph.namespaces():
            merged.bind(prefix, namespace)
        add_all(merged, graph)
    return merged


@dataclass
class BuildResult:
    """What a build published, for the command line and the tests."""

    version: str
    path: Path
    counts: dict[str, int]
    report: Report
    reused: bool = False
    manifest: dict[str, Any] = field(default_factory=dict)
    consistency: Consistency | None = None


def check_base(base: str) -> str:
    """A data base must be an absolute http(s) IRI ending with a slash."""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc or not base.endswith("/"):
        raise ConfigError(f"base URI must be an absolute http(s) IRI ending with '/': {base!r}")
    return base


def mover(base: str, iri: Callable[[Any], str | None], make: Callable[[str], Any]) -> Any:
    """A memoised term mapping from the default data base to ``base`` (None: no move),
    for one RDF library: ``iri`` gives an IRI term's text (None for other terms), ``make``
    builds the moved IRI term."""
    old, new = data_namespace(DEFAULT_BASE), data_namespace(base)
    if old == new:
        return None
    moved: dict[Any, Any] = {}

    def move(term: Any) -> Any:
        found = moved.get(term)
        if found is None:
            value = iri(term)
            found = moved[term] = (
                make(new + value[len(old) :]) if value and value.startswith(old) else term
            )
        return found

    return move


def rebase(graph: Graph, base: str) -> Graph:
    """Move instance IRIs from the default data base to ``base``."""
    move = mover(base, lambda t: str(t) if isinstance(t, URIRef) else None, URIRef)
    if move is None:
        return graph
    return add_all(Graph(), ((move(s), move(p), move(o)) for s, p, o in graph))


def rebase_triples(triples: list[ox.Triple], base: str) -> list[ox.Triple]:
    """``rebase`` for pyoxigraph triples."""
    move = mover(base, lambda t: t.value if isinstance(t, ox.NamedNode) else None, ox.NamedNode)
    if move is None:
        return triples
    return list(
        dict.fromkeys(
            ox.Triple(move(t.subject), move(t.predicate), move(t.object)) for t in triples
        )
    )


def has_blank_nodes(graph: Graph) -> bool:
    """Whether any triple has a blank node (a predicate never is one)."""
    return any(isinstance(s, BNode) or isinstance(o, BNode) for s, _, o in graph)


def canonical(graph: Graph) -> Graph:
    """Blank nodes relabelled from the graph's content, so dumps are byte-for-byte stable."""
    if not has_blank_nodes(graph):
        return graph
    relabelled = Graph()
    for triple in to_canonical_graph(graph):
        relabelled.add(triple)
    return relabelled


def load_graph(
    paths: Iterable[Path], base: str | None = None
) -> tuple[Graph, list[ox.Triple] | None]:
    """Parse files into one canonical graph (rebased to ``base`` if given), with its pyoxigraph
    triples when Oxigraph parsed them and there is no blank node to relabel."""
    graph, triples = parse_files_with_triples(paths)
    if base is not None:
        graph = rebase(graph, base)
        triples = None if triples is None else rebase_triples(triples, base)
    if triples is None:
        return canonical(graph), None
    if any(
        isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples
    ):
        return canonical(graph), None
    return graph, triples


def load_records(sources: SourceSet, base: str) -> tuple[Graph, list[ox.Triple] | None]:
    """The Turtle records and the records of the CSV folders (``folders.py``), rebased."""
    if not sources.folders:
        return load_graph(sources.records, base)
    turtle, triples = load_graph(sources.records)
    imported = import_folders(sources.folders)
    check_against_turtle(imported, turtle)
    graph = add_all(turtle, imported.graph)
    if triples is not None:
        triples = list(dict.fromkeys([*triples, *oxigraph_triples(imported.graph)]))
    if base != DEFAULT_BASE:
        graph = rebase(graph, base)
        triples = None if triples is None else rebase_triples(triples, base)
    return graph, triples


def load_sources(sources: SourceSet, base: str, reference_dir: Path = divisions.DATA_DIR) -> Loaded:
    """Parse every source file; records are rebased to ``base``, as is the reference graph."""
    parsed = {
        "ontology": load_graph(sources.ontology),
        "vocabularies": load_graph(sources.vocabularies),
        "shapes": load_graph(sources.shapes),
        "records": load_records(sources, base),
    }
    loaded = Loaded(
        ontology=parsed["ontology"][0],
        vocabularies=parsed["vocabularies"][0],
        shapes=parsed["shapes"][0],
        records=parsed["records"][0],
        reference=ReferenceSource(reference_dir, base),
        curation=load_graph(sources.curation)[0],
    )
    for graph, triples in parsed.values():
        loaded.remember(graph, triples)
    return loaded


def version_id(
    sources: SourceSet,
    base: str,
    reference_dir: Path = divisions.DATA_DIR,
    tolerance: float = DEFAULT_TOLERANCE,
) -> str:
    """A digest of everything that determines the content: same sources, same version."""
    digest = hashlib.sha256(f"{FORMAT_VERSION}\n{base}\n{tolerance!r}\n".encode())
    for path in (*sources.all_files(), *divisions.data_files(reference_dir)):
        digest.update(f"{path.parent.name}/{path.name}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def named_graphs(loaded: Loaded, base: str) -> dict[str, Graph]:
    """Which rdflib graph goes to which named graph of the store (the reference graph aside)."""
    return {
        ONTOLOGY_IRI: loaded.ontology,
        VOCABULARIES_GRAPH: loaded.vocabularies,
        SHAPES_GRAPH: loaded.shapes,
        records_graph(base): loaded.records,
        derived_graph(base): loaded.derived,
    }


#: Called with the loaded sources, the version id and the (still hidden) version folder before
#: anything is written to it: may add named graphs (``Loaded.extra``) and files (history).
Annotate = Callable[[Loaded, str, Path], None]


Triples = dict[str, list[ox.Triple]]


def quads(graphs: Triples) -> list[ox.Quad]:
    """The triples of each named graph as quads of that graph."""
    return [
        ox.Quad(t.subject, t.predicate, t.object, graph)
        for graph, triples in ((ox.NamedNode(name), triples) for name, triples in graphs.items())
        for t in triples
    ]


def write_store(
    path: Path, graphs: Triples | list[ox.Quad], reference: Template | None = None
) -> OxigraphStore:
    """Load each graph into its named graph of a new on-disk Oxigraph store.

    ``graphs`` are the triples of each named graph, or already quads; ``reference`` is a
    template whose store (holding the reference graph) is the start.
    """
    store = copy_store(reference, path) if reference else ox.Store(str(path))
    store.bulk_extend(quads(graphs) if isinstance(graphs, dict) else graphs)
    store.flush()
    return OxigraphStore(store)


def sorted_lines(data: bytes) -> bytes:
    """Sort N-Triples/N-Quads lines so dumps of the same content compare equal."""
    return b"".join(sorted(line + b"\n" for line in data.splitlines() if line.strip()))


def nquads(graphs: Triples | list[ox.Quad]) -> bytes:
    """Every named graph as N-Quads (from the triples of each, or from quads)."""
    if not isinstance(graphs, dict):
        return ox.serialize(graphs, format=ox.RdfFormat.N_QUADS) or b""
    lines: list[bytes] = []
    for name, triples in graphs.items():  # N-Triples lines, the graph name before the " ."
        in_graph = str(ox.NamedNode(name)).encode() + b" .\n"
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        lines.extend(line[:-1] + in_graph for line in data.splitlines() if line.endswith(b"."))
    return b"".join(lines)


def write_dumps(
    folder: Path,
    graphs: Triples | list[ox.Quad],
    merged: list[ox.Triple],
    reference: Template | None = None,
) -> None:
    """The named graphs as N-Quads (the reference graph in its own, compressed file) and the
    merged Turtle, N-Triples, JSON-LD, all written from the sorted triples."""
    folder.mkdir()
    (folder / "cls-kg.nq").write_bytes(sorted_lines(nquads(graphs)))
    if reference is not None:
        copy_dump(reference, folder / REFERENCE_DUMP)
    triples = sorted_lines(ox.serialize(merged, format=ox.RdfFormat.N_TRIPLES) or b"")
    (folder / "cls-kg.nt").write_bytes(triples)
    ordered = list(ox.parse(triples, ox.RdfFormat.N_TRIPLES))  # in the default graph
    for name, fmt in MERGED_DUMPS.items():
        ox.serialize(ordered, str(folder / name), fmt, prefixes=DUMP_PREFIXES)


@dataclass
class Started:
    """The link step's store: a copy of the reference template to which it added the records
    and the derived graph. The published store starts from it (moved, not copied) rather
    than from another copy of the template, so the records are loaded once."""

    folder: Path
    graphs: dict[str, list[ox.Triple]]  # named graph -> the triples the link step added


def adopt(
    started: Started, path: Path, graphs: Triples, extra: list[ox.Quad]
) -> OxigraphStore | None:
    """Move the link step's store to ``path`` and complete it with ``graphs`` (each named
    graph the link step loaded other triples into is replaced) and ``extra``; None when the
    store cannot be moved (the caller writes a new one)."""
    try:
        os.rename(started.folder, path)
    except OSError:
        return None
    store = ox.Store(str(path))
    missing: Triples = {}
    for name, triples in graphs.items():
        if started.graphs.get(name) is not triples:
            if name in started.graphs:
                store.clear_graph(ox.NamedNode(name))
            missing[name] = triples
    store.bulk_extend(quads(missing) + extra)
    store.flush()
    return OxigraphStore(store)


def summary_counts(store: OxigraphStore) -> dict[str, int]:
    """The counts of the build summary query, as integers."""
    row = store.select(queries.load("build-summary"))[0]
    return {name: int(str(row[name])) if name in row else 0 for name in SUMMARY_FIELDS}


SUMMARY_FIELDS = ("contracts", "territories", "signatories", "axes", "actions", "declaredActions")


def file_entry(path: Path) -> dict[str, Any]:
    """Name, size and digest of a published file."""
    return {
        "name": path.name,
        "bytes": path.stat().st_size,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }


def graph_sizes(loaded: Loaded, base: str, reference: Template) -> dict[str, int]:
    """Triples per named graph, the reference graph included."""
    graphs = named_graphs(loaded, base) | loaded.extra
    sizes = {name: len(graph) for name, graph in graphs.items()}
    sizes[reference_graph(base)] = reference.quads
    return sizes


def write_version(
    folder: Path,
    version: str,
    loaded: Loaded,
    base: str,
    report: Report,
    checks: Consistency,
    reference: Template,
    annotate: Annotate | None = None,
    started: Started | None = None,
) -> dict[str, Any]:
    """Write store, dumps, consistency report and manifest of one version into an empty folder.

    ``reference`` is the template of the reference graph; ``started`` is the link step's
    store, which becomes this version's store if it can.
    """
    if annotate is not None:
        annotate(loaded, version, folder)
    written = VersionFolder(folder)
    graphs = {name: loaded.triples(graph) for name, graph in named_graphs(loaded, base).items()}
    extra = quads({name: oxigraph_triples(graph) for name, graph in loaded.extra.items()})
    store = adopt(started, written.store, graphs, extra) if started else None
    if store is None:
        store = write_store(written.store, quads(graphs) + extra, reference)
    write_dumps(written.dumps, graphs, loaded.merged_triples(), reference)
    directory = loaded.reference.directory
    shapes = geometry.write_geometry(written.dumps, store, base, reference, directory)
    search.write_index(written.search, store)
    written.consistency.write_text(checks.to_json(), encoding="utf-8")
    manifest = {
        "version": version,
        "base": base,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "graphs": graph_sizes(loaded, base, reference) | shapes,
        "quads": len(store),
        "counts": summary_counts(store),
        "validation": report.summary(),
        "consistency": checks.summary(),
        "dumps": [file_entry(p) for p in sorted(written.dumps.iterdir())],
        "tables": write_tables(written.tables, written.dump("cls-kg.nt"), version),
    }
    del store  # close RocksDB before the folder is renamed
    written.write_manifest(manifest)
    return manifest


def publish(
    data_dir: Path,
    version: str,
    loaded: Loaded,
    base: str,
    report: Report,
    checks: Consistency,
    reference: Template,
    annotate: Annotate | None = None,
    started: Started | None = None,
) -> bool:
    """Write the version unless it is kept, then point ``current`` at it; True if reused.

    ``started``: the link step's store, to start the version's store from (``write_version``).
    """
    data = DataDir(data_dir)

    def write(folder: Path) -> None:
        write_version(folder, version, loaded, base, report, checks, reference, annotate, started)

    reused = data.add(version, write)
    data.point(version)
    data.prune(keep={version})
    return reused


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector paused while a step builds large, long-lived structures.

    Each collection walks every tracked object, and the sources of a national build are
    millions (rdflib's indexes): with collections on, building them takes twice as long.
    What a step drops is freed by reference counting; cycles wait for the next collection.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Timings:
    """Seconds per step of a build, into a caller's dict (or nowhere)."""

    def __init__(self, into: dict[str, float] | None) -> None:
        self.into = into

    @contextmanager
    def __call__(self, step: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            if self.into is not None:
                self.into[step] = time.perf_counter() - started


def check_tolerance(tolerance: float) -> float:
    """A tolerance is a fraction between 0 and 1 (0.05 for 5 %)."""
    if not 0 <= tolerance <= 1:
        raise ConfigError(f"tolerance must be between 0 and 1 (0.05 for 5 %): {tolerance!r}")
    return tolerance


def build(
    data_dir: Path,
    base: str = DEFAULT_BASE,
    sources: SourceSet | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    reference_dir: Path = divisions.DATA_DIR,
    published: Path | None = None,
    annotate: Annotate | None = None,
    timings: dict[str, float] | None = None,
) -> BuildResult:
    """Parse, link, validate, publish; raises ValidationFailed (writing nothing) on violations.

    ``published`` is a folder of records published since the shipped ones (read after them);
    ``annotate`` adds what a new version carries besides the sources (``graph/history.py``);
    ``timings``, when given, gets the seconds each step took (``STEPS``, as far as it went).
    """
    base, tolerance = check_base(base), check_tolerance(tolerance)
    sources = sources or default_sources(published=published)
    clock = Timings(timings)
    with clock("parse"), paused_gc():
        loaded = load_sources(sources, base, reference_dir)
    with clock("reference"), paused_gc():
        reference = template(data_dir, loaded.reference)
    started = Started(scratch_folder(reference), {})
    try:
        with clock("link"), paused_gc():
            records = loaded.triples(loaded.records)
            started.graphs[records_graph(base)] = records
            started.graphs[derived_graph(base)] = []  # whatever it holds is replaced
            store = copy_store(reference, started.folder)
            key = loaded.reference.key
            linked = link(store, loaded.records, base, tolerance, records, key)
            del store  # close RocksDB: the folder is moved or removed
            loaded.derived, loaded.units = canonical(linked.derived), linked.units
        with clock("validate"):
            with paused_gc():
                data = loaded.data()
            report, curation = validate_with_curation(data, loaded)
            del data
        if not report.conforms:
            raise ValidationFailed(report)
        with clock("publish"), paused_gc():
            version = version_id(sources, base, reference_dir, tolerance)
            checks = replace(linked.consistency, curation=curation_issues(curation))
            reused = publish(
                data_dir, version, loaded, base, report, checks, reference, annotate, started
            )
    finally:
        shutil.rmtree(started.folder, ignore_errors=True)  # gone once moved into the version
    written = DataDir(data_dir).version(version)
    manifest = written.manifest()
    counts = manifest["counts"]
    return BuildResult(version, written.folder, counts, report, reused, manifest, checks)


#: Node shapes of the curation checks (``shapes/curation/``) live in this namespace.
CURATION_SHAPES = "https://w3id.org/cls-sante/def/shapes/curation#"


def validate_with_curation(data: Graph, loaded: Loaded) -> tuple[Report, Report]:
    """The publishers' shapes and the curation checks in one validation, reported apart: the
    first refuses a build, the second is printed with the coverage table (docs/DATA.md)."""
    shapes = union(loaded.shapes, loaded.curation) if len(loaded.curation) else loaded.shapes
    found = validate(data, shapes, ontology=loaded.ontology)
    curated = tuple(r for r in found.results if r.node_shape.startswith(CURATION_SHAPES))
    others = tuple(r for r in found.results if not r.node_shape.startswith(CURATION_SHAPES))
    return Report(others), Report(curated)


def curation_issues(report: Report) -> tuple[CurationIssue, ...]:
    """The curation checks' results as the consistency report keeps them."""
    return tuple(
        CurationIssue(r.focus, r.value, r.message("fr"), r.message("en")) for r in report.results
    )
