"""Versions and their history: who published what, when, with which changes (W3C PROV-O).

Each version folder carries what a later version starts from: the records published through
the admin API or ``cls-kg build`` since the shipped ones (``records/``), the history up to it
(``history.ttl``, also loaded into the named graph ``{base}graph/history``) and its own
publication (``publication.json``); where each lives is ``datadir.VersionFolder``'s. Rolling
back is pointing ``current`` at an older folder: its records and history come back with it.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, XSD

from . import queries
from .build import Loaded
from .datadir import DataDir, VersionFolder
from .errors import VersionNotFound
from .namespaces import CLS, data_namespace, records_graph
from .sources import parse_files
from .spreadsheet.identifiers import slug

CLSH = Namespace("https://w3id.org/cls-sante/def/history#")
RECORDS_DUMP = "cls-kg.nq"  # the dump that holds the records graph


def terms() -> Graph:
    """Labels and classes of the history's own terms, so its pages read well."""
    graph = Graph()
    for triple in Graph().query(queries.load("history-terms")):
        graph.add(triple)  # type: ignore[arg-type]
    return graph


def history_graph(base: str) -> str:
    """Name of the named graph that holds the publication history under ``base``."""
    return f"{base}graph/history"


def version_iri(base: str, version: str) -> URIRef:
    """The IRI of a dataset version."""
    return URIRef(f"{data_namespace(base)}version/{version}")


def report_iri(base: str, record: str) -> URIRef:
    """The IRI of the last validation report of a record (its page is served)."""
    return URIRef(f"{data_namespace(base)}report/{record}")


@dataclass(frozen=True)
class Changes:
    """What a version changes in the records, compared with the version it replaces."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    triples_added: int = 0
    triples_removed: int = 0


def owner_of(subject: str, contracts: set[str]) -> str | None:
    """The contract whose IRI is a prefix of ``subject`` (its period, axes, actions ...)."""
    while subject not in contracts and "/" in subject:
        subject = subject.rsplit("/", 1)[0]
    return subject if subject in contracts else None


def contract_triples(graph: Graph) -> dict[str, set[Any]]:
    """Each contract with the triples about it or its parts (IRIs under the contract's)."""
    contracts = {str(c) for c in graph.subjects(RDF.type, CLS.Contract)}
    owned: dict[str, set[Any]] = {c: set() for c in contracts}
    for triple in graph:
        owner = owner_of(str(triple[0]), contracts)
        if owner is not None:
            owned[owner].add(triple)
    return owned


def changes(old: Graph, new: Graph) -> Changes:
    """Contracts added, changed, removed, and triples added and removed."""
    before, after = contract_triples(old), contract_triples(new)
    changed = [c for c in after if c in before and after[c] != before[c]]
    return Changes(
        added=tuple(sorted(set(after) - set(before))),
        changed=tuple(sorted(changed)),
        removed=tuple(sorted(set(before) - set(after))),
        triples_added=len(set(new) - set(old)),
        triples_removed=len(set(old) - set(new)),
    )


def published_records(data_dir: Path) -> Path | None:
    """The records published since the shipped ones, as the served version carries them."""
    served = DataDir(data_dir).current()
    return served.records if served and served.records.is_dir() else None


def records_of(folder: Path | None) -> Graph:
    """The records graph of a version, read back from its N-Quads dump."""
    version = VersionFolder(folder) if folder else None
    if version is None or not version.dump(RECORDS_DUMP).exists():
        return Graph()
    base = version.manifest()["base"]
    dataset = Dataset()
    dataset.parse(version.dump(RECORDS_DUMP), format="nquads")
    return Graph() + dataset.graph(URIRef(records_graph(base)))


def history_of(folder: Path | None) -> Graph:
    """The history a version carries (empty for a version built before history existed)."""
    if folder is None or not VersionFolder(folder).history.exists():
        return Graph()
    return parse_files([VersionFolder(folder).history])


def publication_of(folder: Path) -> dict[str, Any]:
    """What ``publication.json`` says about how a version was published."""
    path = VersionFolder(folder).publication
    if not path.exists():
        return {}
    result: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return result


@dataclass
class Publication:
    """The annotation of a new version (``build(annotate=...)``): records, history, provenance.

    ``records`` is the folder of published records the build reads; it is copied into the
    version. ``report`` names the validation report of the record that triggered it.
    """

    data_dir: Path
    base: str
    publisher: str
    records: Path | None = None
    record: str | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def __call__(self, loaded: Loaded, version: str, folder: Path) -> None:
        """Write records, history and publication into the new version's folder."""
        served = DataDir(self.data_dir).current()
        previous = served.folder if served else None
        summary = changes(records_of(previous), loaded.records)
        history = history_of(previous) + self.activity(version, previous, summary)
        history += terms()
        written = VersionFolder(folder)
        self.copy_records(written.records)
        history.serialize(written.history, format="turtle")
        loaded.extra[history_graph(self.base)] = history
        entry: dict[str, Any] = {
            "version": version,
            "previous": previous.name if previous else None,
            "publisher": self.publisher,
            "at": self.at.isoformat(),
            "record": self.record,
            "changes": asdict(summary),
        }
        written.publication.write_text(json.dumps(entry, indent=2), encoding="utf-8")

    def copy_records(self, target: Path) -> None:
        """The published records travel with the version."""
        target.mkdir()
        for path in sorted(self.records.glob("*.ttl")) if self.records else ():
            shutil.copy2(path, target / path.name)

    def activity(self, version: str, previous: Path | None, summary: Changes) -> Graph:
        """The PROV description of this publication."""
        graph, ns = Graph(), data_namespace(self.base)
        act, entity = URIRef(f"{ns}publication/{version}"), version_iri(self.base, version)
        agent = URIRef(f"{ns}publisher/{slug(self.publisher) or 'anonymous'}")
        when = Literal(self.at.isoformat(), datatype=XSD.dateTime)
        facts = [
            (act, RDF.type, CLSH.Publication),
            (act, RDF.type, PROV.Activity),
            (act, RDFS.label, Literal(f"Publication {version}")),
            (act, PROV.endedAtTime, when),
            (act, PROV.wasAssociatedWith, agent),
            (act, PROV.generated, entity),
            (act, CLSH.triplesAdded, Literal(summary.triples_added)),
            (act, CLSH.triplesRemoved, Literal(summary.triples_removed)),
            (agent, RDF.type, PROV.Agent),
            (agent, RDFS.label, Literal(self.publisher)),
            (entity, RDF.type, CLSH.Version),
            (entity, RDF.type, PROV.Entity),
            (entity, DCTERMS.identifier, Literal(version)),
            (entity, PROV.generatedAtTime, when),
            (entity, PROV.wasGeneratedBy, act),
        ]
        for prop, contracts in CHANGE_PROPERTIES.items():
            facts += [(act, prop, URIRef(c)) for c in getattr(summary, contracts)]
        if previous is not None:
            facts += [(entity, PROV.wasRevisionOf, version_iri(self.base, previous.name))]
            facts += [(act, PROV.used, version_iri(self.base, previous.name))]
        if self.record:
            facts += [(act, CLSH.record, Literal(self.record))]
            facts += [(act, PROV.used, report_iri(self.base, self.record))]
        for triple in facts:
            graph.add(triple)
        return graph


#: Change-summary property -> field of ``Changes`` listing the contracts.
CHANGE_PROPERTIES: dict[URIRef, str] = {
    CLSH.contractAdded: "added",
    CLSH.contractChanged: "changed",
    CLSH.contractRemoved: "removed",
}


def rollback_target(data_dir: Path, version: str | None = None) -> str:
    """The version a rollback serves: the one given, else the one the current one replaced."""
    folder = DataDir(data_dir)
    served = folder.current()
    if version is None:
        version = publication_of(served.folder).get("previous") if served else None
    if not version or folder.kept(version) is None:
        raise VersionNotFound(version or "")
    return version
