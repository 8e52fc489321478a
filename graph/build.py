"""Step 2-4 of the flow: parse the sources, rebase, link, validate, then publish one version.

A build writes a new version folder next to the previous ones and only then points
``current`` at it (an atomic symlink swap): a failed or interrupted build leaves the last
good version serving, and a build that finds violations writes nothing.

The link step (``link.py``) ties the records to the reference data (``reference/``). The
reference graph never goes through rdflib (it is two orders of magnitude larger than the
records): each version's store starts as a copy of a store that holds it (``template.py``),
and it has its own dump, ``reference.nq.gz``. Only the units the records point at are
validated and copied into the other dumps.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import to_canonical_graph

from . import queries
from .consistency import DEFAULT_TOLERANCE, Consistency
from .errors import ConfigError, NoBuildError, ValidationFailed
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
    on_scratch_copy,
    template,
)
from .sources import SourceSet, default_sources, parse_files
from .store import OxigraphStore
from .validation import Report, validate

SHAPES_GRAPH = "https://w3id.org/cls-sante/def/shapes"
CURRENT = "current"
VERSIONS = "versions"
KEEP_VERSIONS = 3
FORMAT_VERSION = "2"  # bump when the layout of a version folder changes
CONSISTENCY_FILE = "consistency.json"
REFERENCE_DUMP = "reference.nq.gz"

#: Dumps of the merged data (records, derived facts, linked units, vocabularies, ontology):
#: file name -> rdflib format.
MERGED_DUMPS: dict[str, str] = {
    "cls-kg.ttl": "turtle",
    "cls-kg.jsonld": "json-ld",
}


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
    derived: Graph = field(default_factory=Graph)
    units: Graph = field(default_factory=Graph)
    extra: dict[str, Graph] = field(default_factory=dict)  # in the store, not in the dumps

    def data(self) -> Graph:
        """What the shapes validate: records and derived facts, with what they point at."""
        return self.records + self.derived + self.units + self.vocabularies

    def merged(self) -> Graph:
        """Records, derived facts, linked units, vocabularies, ontology: the single-file dumps."""
        merged = self.records + self.derived + self.units + self.vocabularies + self.ontology
        for prefix, namespace in PREFIXES.items():
            merged.bind(prefix, namespace)
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


def rebase(graph: Graph, base: str) -> Graph:
    """Move instance IRIs from the default data base to ``base``."""
    old, new = data_namespace(DEFAULT_BASE), data_namespace(base)
    if old == new:
        return graph
    moved = Graph()
    for triple in graph:
        moved.add(
            tuple(  # type: ignore[arg-type]
                URIRef(new + t[len(old) :]) if isinstance(t, URIRef) and t.startswith(old) else t
                for t in triple
            )
        )
    return moved


def canonical(graph: Graph) -> Graph:
    """Blank nodes relabelled from the graph's content, so dumps are byte-for-byte stable."""
    if not any(isinstance(term, BNode) for triple in graph for term in triple):
        return graph
    relabelled = Graph()
    for triple in to_canonical_graph(graph):
        relabelled.add(triple)
    return relabelled


def load_sources(sources: SourceSet, base: str, reference_dir: Path = divisions.DATA_DIR) -> Loaded:
    """Parse every source file; records are rebased to ``base``, as is the reference graph."""
    return Loaded(
        ontology=canonical(parse_files(sources.ontology)),
        vocabularies=canonical(parse_files(sources.vocabularies)),
        shapes=canonical(parse_files(sources.shapes)),
        records=canonical(rebase(parse_files(sources.records), base)),
        reference=ReferenceSource(reference_dir, base),
    )


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


def write_store(
    path: Path, graphs: dict[str, Graph], reference: Template | None = None
) -> OxigraphStore:
    """Load each graph into its named graph of a new on-disk Oxigraph store.

    ``reference`` is a template whose store (holding the reference graph) is the start.
    """
    store = copy_store(reference, path) if reference else ox.Store(str(path))
    for name, graph in graphs.items():
        data = graph.serialize(format="nt", encoding="utf-8")
        store.bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
    store.flush()
    return OxigraphStore(store)


def sorted_lines(data: bytes) -> bytes:
    """Sort N-Triples/N-Quads lines so dumps of the same content compare equal."""
    return b"".join(sorted(line + b"\n" for line in data.splitlines() if line.strip()))


def nquads(graphs: dict[str, Graph]) -> bytes:
    """Every named graph as N-Quads."""
    dataset = Dataset()
    for name, graph in graphs.items():
        named = dataset.graph(URIRef(name))
        for triple in graph:
            named.add(triple)
    return dataset.serialize(format="nquads", encoding="utf-8")


def write_dumps(
    folder: Path, graphs: dict[str, Graph], merged: Graph, reference: Template | None = None
) -> None:
    """The named graphs as N-Quads (the reference graph in its own, compressed file) and the
    merged Turtle, N-Triples, JSON-LD."""
    folder.mkdir()
    (folder / "cls-kg.nq").write_bytes(sorted_lines(nquads(graphs)))
    if reference is not None:
        copy_dump(reference, folder / REFERENCE_DUMP)
    triples = merged.serialize(format="nt", encoding="utf-8")
    (folder / "cls-kg.nt").write_bytes(sorted_lines(triples))
    for name, fmt in MERGED_DUMPS.items():
        (folder / name).write_bytes(merged.serialize(format=fmt, encoding="utf-8"))


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
    annotate: Annotate | None = None,
) -> dict[str, Any]:
    """Write store, dumps, consistency report and manifest of one version into an empty folder."""
    if annotate is not None:
        annotate(loaded, version, folder)
    graphs = named_graphs(loaded, base)
    reference = template(folder.parent.parent, loaded.reference)
    store = write_store(folder / "store", graphs | loaded.extra, reference)
    write_dumps(folder / "dumps", graphs, loaded.merged(), reference)
    (folder / CONSISTENCY_FILE).write_text(checks.to_json(), encoding="utf-8")
    manifest = {
        "version": version,
        "base": base,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "graphs": graph_sizes(loaded, base, reference),
        "quads": len(store),
        "counts": summary_counts(store),
        "validation": report.summary(),
        "consistency": checks.summary(),
        "dumps": [file_entry(p) for p in sorted((folder / "dumps").iterdir())],
    }
    del store  # close RocksDB before the folder is renamed
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def point_current(data_dir: Path, version: str) -> None:
    """Atomically make ``current`` name the given version."""
    link = data_dir / CURRENT
    tmp = data_dir / f".{CURRENT}.{os.getpid()}"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(Path(VERSIONS) / version)
    os.replace(tmp, link)


def prune(data_dir: Path, keep: Iterable[str]) -> None:
    """Remove old versions beyond the most recent few; never the current one."""
    versions = sorted(
        (p for p in (data_dir / VERSIONS).iterdir() if not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in versions[KEEP_VERSIONS:]:
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a published version."""
    result: dict[str, Any] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return result


def publish(
    data_dir: Path,
    version: str,
    loaded: Loaded,
    base: str,
    report: Report,
    checks: Consistency,
    annotate: Annotate | None = None,
) -> bool:
    """Write the version unless it exists, then point ``current`` at it; True if reused."""
    versions = data_dir / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    final = versions / version
    reused = final.exists()
    if not reused:
        tmp = versions / f".{version}.{os.getpid()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        try:
            write_version(tmp, version, loaded, base, report, checks, annotate)
            os.rename(tmp, final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    point_current(data_dir, version)
    prune(data_dir, keep={version})
    return reused


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
) -> BuildResult:
    """Parse, link, validate, publish; raises ValidationFailed (writing nothing) on violations.

    ``published`` is a folder of records published since the shipped ones (read after them);
    ``annotate`` adds what a new version carries besides the sources (``graph/history.py``).
    """
    base, tolerance = check_base(base), check_tolerance(tolerance)
    sources = sources or default_sources(published=published)
    loaded = load_sources(sources, base, reference_dir)
    reference = template(data_dir, loaded.reference)
    linked = on_scratch_copy(reference, lambda store: link(store, loaded.records, base, tolerance))
    loaded.derived, loaded.units = canonical(linked.derived), linked.units
    report = validate(loaded.data(), loaded.shapes, ontology=loaded.ontology)
    if not report.conforms:
        raise ValidationFailed(report)
    version = version_id(sources, base, reference_dir, tolerance)
    reused = publish(data_dir, version, loaded, base, report, linked.consistency, annotate)
    folder = data_dir / VERSIONS / version
    manifest = read_manifest(folder)
    counts = manifest["counts"]
    return BuildResult(version, folder, counts, report, reused, manifest, linked.consistency)


def current_version(data_dir: Path) -> Path:
    """The folder of the version being served."""
    link = data_dir / CURRENT
    if not link.exists():
        raise NoBuildError(f"no build in {data_dir}: run 'cls-kg build' first")
    return link.resolve()
