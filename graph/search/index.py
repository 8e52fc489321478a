"""Write a version's search index: the build's last step before the manifest.

The documents are the contracts, axes, actions, territories and organisations of the built
graph, read with the SPARQL of ``queries/``. Each gets four fields of analysed terms
(``text.terms``): its labels (``title``), the labels of its themes (``themes``), its other
texts (``body``: alternative labels, descriptions, notes) and the names of the places it
lies in (``place``: territory, département, région); and facets: kind, région, département,
theme, status and the years a contract is in force, axes and actions taking those of their
contract, territories and organisations those of their contracts.

The index is one SQLite database (``search/index.sqlite``): an FTS5 table of the terms
(contentless, ranked with BM25), the documents' IRIs, labels and context lines, and the
facets, written once and opened read-only by the server (``reader.py``).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..store import OxigraphStore, Store
from . import queries
from .text import indexed

FILE = "index.sqlite"
SCHEMA_VERSION = "1"
KINDS = ("contract", "axis", "action", "territory", "organisation")
FIELDS = ("title", "themes", "body", "place")
LANGUAGES = ("fr", "en")
#: Longest contract period counted year by year (a wrong end date cannot blow up the index).
MAX_YEARS = 30

CLS = "https://w3id.org/cls-sante/def#"
#: Class IRI -> kind of document (a resource of two classes takes the first in KINDS).
CLASSES = {
    f"{CLS}Contract": "contract",
    f"{CLS}Axis": "axis",
    f"{CLS}Action": "action",
    f"{CLS}Territory": "territory",
    "http://www.w3.org/ns/org#Organization": "organisation",
    f"{CLS}Signatory": "organisation",
}
#: Text property IRI -> field (labels make the title, every other text the body).
TEXT_FIELDS = {
    "http://www.w3.org/2000/01/rdf-schema#label": "title",
    "http://www.w3.org/2004/02/skos/core#prefLabel": "title",
}

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE doc(
    id INTEGER PRIMARY KEY, path TEXT NOT NULL, kind TEXT NOT NULL, label_fr TEXT NOT NULL,
    label_en TEXT, parent INTEGER, context_fr TEXT, context_en TEXT
);
CREATE VIRTUAL TABLE fts USING fts5(
    title, themes, body, place, content='', tokenize='ascii'
);
CREATE TABLE facet(
    name TEXT NOT NULL, value TEXT NOT NULL, bits BLOB NOT NULL, PRIMARY KEY (name, value)
) WITHOUT ROWID;
CREATE TABLE facet_label(
    name TEXT NOT NULL, value TEXT NOT NULL, lang TEXT NOT NULL, label TEXT NOT NULL,
    PRIMARY KEY (name, value, lang)
) WITHOUT ROWID;
"""


@dataclass
class Document:
    """One searchable resource as the index gathers it."""

    iri: str
    kind: str
    labels: dict[str, str] = field(default_factory=dict)  # language -> first label
    fields: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    facets: set[tuple[str, str]] = field(default_factory=set)
    context: dict[str, str] = field(default_factory=dict)
    parent: str | None = None  # the contract of an axis or action

    def label(self, lang: str) -> str:
        """The label in ``lang``, else in French, else any, else the IRI."""
        return (
            self.labels.get(lang)
            or self.labels.get("fr")
            or next(iter(self.labels.values()), self.iri)
        )


@dataclass
class Contract:
    """What a contract's parts and parties inherit from it."""

    territory: str | None = None
    facets: set[tuple[str, str]] = field(default_factory=set)
    period: str = ""


@dataclass
class Concept:
    """A concept of a facet: notation, labels per language, every label as text."""

    notation: str
    labels: dict[str, str] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)


#: A result row as the index reads it: variable -> text, and ``variable@`` -> language tag.
Values = dict[str, str]


def text(row: Values, name: str) -> str:
    """A bound value as text ('' when unbound)."""
    return row.get(name, "")


def language(row: Values, name: str) -> str:
    """The language tag of a literal ('' when none)."""
    return row.get(name + "@", "")


def solutions(store: Store, name: str) -> list[Values]:
    """The rows of the query ``name`` as texts: straight from pyoxigraph's terms on the
    embedded store (half the time of converting tens of thousands of rows to rdflib's),
    through ``Store.select`` on any other."""
    query = queries.load(name)
    if isinstance(store, OxigraphStore):
        found = store.raw_query(query)
        names = [variable.value for variable in found.variables]
        return [values(((n, s[n]) for n in names), lexical=oxigraph_text) for s in found]
    return [values(row.items(), lexical=str) for row in store.select(query)]


def oxigraph_text(term: Any) -> str:
    """The lexical form of a pyoxigraph term."""
    return str(term.value)


def values(bound: Iterable[tuple[str, Any]], lexical: Callable[[Any], str]) -> Values:
    """Texts and language tags of the bound variables of one row."""
    row: Values = {}
    for name, term in bound:
        if term is not None:
            row[name] = lexical(term)
            row[name + "@"] = getattr(term, "language", None) or ""
    return row


def documents(store: Store) -> dict[str, Document]:
    """Every searchable resource with its labels and texts, by IRI."""
    docs: dict[str, Document] = {}
    for row in solutions(store, "texts"):
        iri, kind = text(row, "doc"), CLASSES[text(row, "class")]
        doc = docs.setdefault(iri, Document(iri, kind))
        if KINDS.index(kind) < KINDS.index(doc.kind):
            doc.kind = kind
        name = TEXT_FIELDS.get(text(row, "property"), "body")
        doc.fields[name].append(text(row, "text"))
        lang = language(row, "text") or "fr"
        if name == "title" and lang in LANGUAGES:
            doc.labels.setdefault(lang, text(row, "text"))
    return docs


def concepts(store: Store) -> dict[str, dict[str, Concept]]:
    """Per facet (theme, status), its concepts by IRI."""
    found: dict[str, dict[str, Concept]] = defaultdict(dict)
    for row in solutions(store, "concepts"):
        concept = found[text(row, "facet")].setdefault(
            text(row, "concept"), Concept(text(row, "notation"))
        )
        concept.texts.append(text(row, "text"))
        if text(row, "field") == "label" and language(row, "text") in LANGUAGES:
            concept.labels.setdefault(language(row, "text"), text(row, "text"))
    return found


def years(start: str, end: str) -> list[str]:
    """The years from ``start`` to ``end`` (gYear or date; one end alone: that year)."""
    first, last = (int(v[:4]) if v[:4].isdigit() else None for v in (start, end))
    first, last = first or last, last or first
    if first is None or last is None or last < first or last - first > MAX_YEARS:
        return [str(first)] if first is not None else []
    return [str(y) for y in range(first, last + 1)]


def contracts(store: Store, statuses: dict[str, Concept]) -> dict[str, Contract]:
    """Each contract's territory, status and years in force, by IRI."""
    found: dict[str, Contract] = {}
    for row in solutions(store, "contracts"):
        contract = found.setdefault(text(row, "contract"), Contract(text(row, "territory") or None))
        status = statuses.get(text(row, "status"))
        if status is not None:
            contract.facets.add(("status", status.notation))
        start, end = text(row, "start"), text(row, "end")
        contract.facets.update(("year", y) for y in years(start, end))
        if start or end:
            contract.period = f"{start[:4] or '…'}-{end[:4] or '…'}"
    return found


@dataclass
class Places:
    """Where each territory lies: facets, names, and the names of the units."""

    facets: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    names: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    units: dict[tuple[str, str], str] = field(default_factory=dict)


def places(store: Store) -> Places:
    """The régions and départements of each territory."""
    found = Places()
    for row in solutions(store, "places"):
        territory, facet, code = text(row, "territory"), text(row, "facet"), text(row, "code")
        found.facets[territory].add((facet, code))
        found.names[territory].append(text(row, "name"))
        found.units[(facet, code)] = text(row, "name")
    return found


def pairs(store: Store, query: str, first: str, second: str) -> dict[str, set[str]]:
    """A two-column query as a mapping of the first column to the set of the second."""
    found: dict[str, set[str]] = defaultdict(set)
    for row in solutions(store, query):
        found[text(row, first)].add(text(row, second))
    return found


@dataclass
class Graph:
    """Everything read from the built graph."""

    docs: dict[str, Document]
    concepts: dict[str, dict[str, Concept]]
    contracts: dict[str, Contract]
    places: Places
    themes: dict[str, set[str]]
    parts: dict[str, set[str]]
    parties: dict[str, set[str]]
    by_territory: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def __post_init__(self) -> None:
        for iri, contract in self.contracts.items():
            if contract.territory:
                self.by_territory[contract.territory].add(iri)

    @classmethod
    def read(cls, store: Store) -> Graph:
        """Run every query of the index."""
        found = concepts(store)
        return cls(
            docs=documents(store),
            concepts=found,
            contracts=contracts(store, found.get("status", {})),
            places=places(store),
            themes=pairs(store, "themes", "doc", "theme"),
            parts=pairs(store, "parts", "part", "contract"),
            parties=pairs(store, "signatories", "organisation", "contract"),
        )

    def name(self, iri: str | None, lang: str) -> str:
        """The label of a document (empty when it is none)."""
        doc = self.docs.get(iri or "")
        return doc.label(lang) if doc else ""


def contracts_of(graph: Graph, doc: Document) -> set[str]:
    """The contracts a document inherits facets from."""
    if doc.kind == "contract":
        return {doc.iri}
    if doc.kind in ("axis", "action"):
        return graph.parts.get(doc.iri, set())
    if doc.kind == "territory":
        return graph.by_territory.get(doc.iri, set())
    return graph.parties.get(doc.iri, set())


def territories_of(graph: Graph, doc: Document, contracts: set[str]) -> set[str]:
    """The territories whose places a document lies in."""
    if doc.kind == "territory":
        return {doc.iri}
    found = (graph.contracts[c].territory for c in contracts if c in graph.contracts)
    return {t for t in found if t}


def context(graph: Graph, doc: Document, contracts: set[str], lang: str) -> str:
    """The line shown under a result: where it belongs."""
    if doc.kind in ("axis", "action"):
        return " · ".join(sorted(graph.name(c, lang) for c in contracts))
    if doc.kind == "contract":
        contract = graph.contracts.get(doc.iri, Contract())
        parts = (graph.name(contract.territory, lang), contract.period)
        return " · ".join(p for p in parts if p)
    if doc.kind == "territory":
        return ", ".join(reversed(graph.places.names.get(doc.iri, [])))
    return ""


def complete(graph: Graph) -> None:
    """Give each document its themes, facets, places and context lines."""
    themes = graph.concepts.get("theme", {})
    for doc in graph.docs.values():
        doc.facets.add(("kind", doc.kind))
        for theme in (themes[t] for t in graph.themes.get(doc.iri, ()) if t in themes):
            doc.facets.add(("theme", theme.notation))
            doc.fields["themes"].extend(theme.texts)
        contracts = contracts_of(graph, doc)
        for contract in (graph.contracts[c] for c in contracts if c in graph.contracts):
            doc.facets.update(contract.facets)
        for territory in territories_of(graph, doc, contracts):
            doc.facets.update(graph.places.facets.get(territory, ()))
            if doc.kind != "organisation":
                doc.fields["place"].append(graph.name(territory, "fr"))
                doc.fields["place"].extend(graph.places.names.get(territory, ()))
        doc.context = {lang: context(graph, doc, contracts, lang) for lang in LANGUAGES}
        if doc.kind in ("axis", "action") and len(contracts) == 1:
            doc.parent = next(iter(contracts))


def ordered(docs: Iterable[Document]) -> list[Document]:
    """Documents by kind, then label: ids in this order make ties read naturally."""
    return sorted(docs, key=lambda d: (KINDS.index(d.kind), d.label("fr").casefold(), d.iri))


def facet_labels(graph: Graph) -> Iterable[tuple[str, str, str, str]]:
    """(facet, value, language, label) of the concepts and places the facets show."""
    for facet, found in graph.concepts.items():
        for concept in found.values():
            for lang in LANGUAGES:
                label = concept.labels.get(lang) or concept.labels.get("fr") or concept.notation
                yield facet, concept.notation, lang, label
    for (facet, code), name in graph.places.units.items():
        for lang in LANGUAGES:
            yield facet, code, lang, name


def common_prefix(iris: Iterable[str]) -> str:
    """The longest folder prefix of every IRI (``{base}id/``): stored once, not per row."""
    listed = list(iris)
    if not listed:
        return ""
    first, last = min(listed), max(listed)
    pairs = enumerate(zip(first, last, strict=False))
    same = next((n for n, (a, b) in pairs if a != b), len(first))
    return first[: first.rfind("/", 0, same) + 1]


def different(value: str, than: str) -> str | None:
    """``value`` unless it is ``than`` (English columns are empty when French says it)."""
    return value if value != than else None


def row(n: int, doc: Document, prefix: str, ids: dict[str, int]) -> tuple[object, ...]:
    """A document's row: its path under the prefix, kind, labels, the contract it belongs
    to (axes, actions: their context line is that contract's label), else its context."""
    label = doc.label("fr")
    parent = ids.get(doc.parent) if doc.parent else None
    contexts = ("", "") if parent else (doc.context["fr"], doc.context["en"])
    return (
        n,
        doc.iri[len(prefix) :],
        doc.kind,
        label,
        different(doc.label("en"), label),
        parent,
        contexts[0] or None,
        different(contexts[1], contexts[0]) or None,
    )


def bitmaps(docs: list[Document]) -> Iterable[tuple[str, str, bytes]]:
    """Each facet value with the set of its documents as a bitmap (bit n: document n,
    little-endian bytes, ``int.from_bytes(bits, "little")``)."""
    found: dict[tuple[str, str], bytearray] = {}
    size = len(docs) // 8 + 1
    for n, doc in enumerate(docs, 1):
        for key in doc.facets:
            bits = found.setdefault(key, bytearray(size))
            bits[n >> 3] |= 1 << (n & 7)
    for (name, value), bits in sorted(found.items()):
        yield name, value, bytes(bits)


def write(path: Path, docs: list[Document], labels: Iterable[tuple[str, str, str, str]]) -> None:
    """The SQLite database of the index."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA)
        prefix = common_prefix(d.iri for d in docs)
        ids = {d.iri: n for n, d in enumerate(docs, 1)}
        db.executemany(
            "INSERT INTO doc VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (row(n, d, prefix, ids) for n, d in enumerate(docs, 1)),
        )
        db.executemany(
            "INSERT INTO fts(rowid, title, themes, body, place) VALUES (?, ?, ?, ?, ?)",
            (
                (n, *(" ".join(map(indexed, d.fields.get(f, ()))) for f in FIELDS))
                for n, d in enumerate(docs, 1)
            ),
        )
        db.executemany("INSERT INTO facet VALUES (?, ?, ?)", bitmaps(docs))
        db.executemany("INSERT OR IGNORE INTO facet_label VALUES (?, ?, ?, ?)", labels)
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [("schema", SCHEMA_VERSION), ("documents", str(len(docs))), ("prefix", prefix)],
        )
        db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        db.commit()
        db.execute("VACUUM")  # the pages 'optimize' freed
    finally:
        db.close()


def write_index(folder: Path, store: Store) -> Path:
    """Read the built graph and write its search index into ``folder``; returns the file."""
    graph = Graph.read(store)
    complete(graph)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE
    write(path, ordered(graph.docs.values()), facet_labels(graph))
    return path
