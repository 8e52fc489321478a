"""Answer a search from a version's index: ranked hits grouped by kind, facet counts.

The text goes through the same analysis as the indexed texts (``text.terms``); every term
must match (in any field). FTS5 finds the matching documents and ranks them with BM25,
each field weighted (``WEIGHTS``: a word of the title counts most, a place name least).
Facets are bitmaps (one Python integer per facet value, loaded once per version), so the
filters and the counts of every facet value are a few integer operations whatever the
number of matches. Without terms, the filters alone select, in label order.

An ``Index`` holds what is read once (bitmaps, labels); each request reads the documents it
shows through a connection of its own (``Index.connect``), closed when it ends.
"""

from __future__ import annotations

import heapq
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import NoBuildError
from .index import KINDS, LANGUAGES
from .text import terms

#: Facets one can filter on, in the order pages show them.
FILTERS = ("region", "departement", "theme", "status", "year")
#: BM25 weight of each field of the FTS table: title, themes, body, place.
WEIGHTS = (10.0, 4.0, 2.0, 1.0)
#: Hits shown per kind when all kinds are shown, and per page for one kind.
GROUP_SIZE = 5
PAGE_SIZE = 20
#: Longest query text read, and most terms kept of it.
MAX_CHARS = 500
MAX_TERMS = 12


@dataclass(frozen=True)
class Query:
    """What a search asks: the text, facet filters, one kind (or all), a page, a language."""

    text: str = ""
    filters: Mapping[str, str] = field(default_factory=dict)
    kind: str | None = None
    page: int = 1
    lang: str = "fr"

    def terms(self) -> list[str]:
        """The analysed terms of the text, without repeats."""
        return list(dict.fromkeys(terms(self.text[:MAX_CHARS])))[:MAX_TERMS]


@dataclass(frozen=True)
class Hit:
    """One result: the resource, its kind, label, context line and BM25 score."""

    iri: str
    kind: str
    label: str
    context: str
    score: float


@dataclass(frozen=True)
class Group:
    """The results of one kind: how many, and the hits of the page shown."""

    kind: str
    count: int
    hits: tuple[Hit, ...]
    page: int
    pages: int


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet: how many results have it, and whether it filters."""

    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Results:
    """The answer to a query."""

    query: Query
    terms: tuple[str, ...]
    total: int
    kinds: dict[str, int]
    groups: tuple[Group, ...]
    facets: dict[str, tuple[FacetValue, ...]]


def connect(path: Path) -> sqlite3.Connection:
    """A read-only connection to an index file that never changes once written."""
    if not path.is_file():
        raise NoBuildError(f"no search index at {path}: rebuild the version")
    return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)


def set_bits(bits: bytes) -> Iterator[int]:
    """The numbers of the set bits of a little-endian bitmap, in order."""
    for offset, byte in enumerate(bits):
        while byte:
            low = byte & -byte
            yield offset * 8 + low.bit_length() - 1
            byte ^= low


class Index:
    """A version's search index: its bitmaps and labels in memory, its file for the rest."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with connect(path) as db:
            self.read(db)

    def read(self, db: sqlite3.Connection) -> None:
        """Load the bitmaps, the facet labels and the IRI prefix."""
        meta = dict(db.execute("SELECT key, value FROM meta"))
        self.prefix, self.size = meta["prefix"], int(meta["documents"])
        self.bitmaps: dict[str, dict[str, int]] = {}
        for name, value, bits in db.execute("SELECT name, value, bits FROM facet"):
            self.bitmaps.setdefault(name, {})[value] = int.from_bytes(bits, "little")
        self.everything = (1 << (self.size + 1)) - 2  # documents are numbered from 1
        self.kind_of = bytearray(self.size + 1)
        for kind, bits in self.bitmaps.get("kind", {}).items():
            for n in set_bits(bits.to_bytes(self.size // 8 + 1, "little")):
                self.kind_of[n] = KINDS.index(kind)
        self.labels: dict[tuple[str, str, str], str] = {
            (name, value, lang): label
            for name, value, lang, label in db.execute("SELECT * FROM facet_label")
        }

    def connect(self) -> sqlite3.Connection:
        """A connection for one request (the caller closes it)."""
        return connect(self.path)

    def allowed(self, filters: Mapping[str, str]) -> int:
        """The documents every filter keeps (an unknown value keeps none)."""
        kept = self.everything
        for name, value in filters.items():
            kept &= self.bitmaps.get(name, {}).get(value, 0)
        return kept

    def matches(self, db: sqlite3.Connection, words: list[str]) -> list[tuple[int, float]]:
        """(document, BM25 score) of every document holding all the terms."""
        expression = " ".join(f'"{word}"' for word in words)
        weights = ", ".join(str(w) for w in WEIGHTS)
        sql = f"SELECT rowid, bm25(fts, {weights}) FROM fts WHERE fts MATCH ?"
        return db.execute(sql, (expression,)).fetchall()

    def bitmap(self, numbers: Iterable[int]) -> int:
        """The bitmap of a set of document numbers."""
        bits = bytearray(self.size // 8 + 1)
        for n in numbers:
            bits[n >> 3] |= 1 << (n & 7)
        return int.from_bytes(bits, "little")

    def search(self, db: sqlite3.Connection, query: Query) -> Results:
        """Run a query: filters, terms, kinds, facets, and the page of hits asked."""
        words = query.terms()
        kept = self.allowed({k: v for k, v in query.filters.items() if k in FILTERS})
        if words:
            scored = self.matches(db, words)
            kept &= self.bitmap(n for n, _ in scored)
        else:
            scored = []
        kinds = {kind: self.count(kept, "kind", kind) for kind in KINDS}
        shown = kept & self.bitmaps.get("kind", {}).get(query.kind, 0) if query.kind else kept
        groups = self.groups(db, query, kept, scored if words else None, kinds)
        return Results(
            query=query,
            terms=tuple(words),
            total=kept.bit_count(),
            kinds=kinds,
            groups=groups,
            facets=self.facets(shown, query),
        )

    def count(self, kept: int, name: str, value: str) -> int:
        """How many kept documents have a facet value."""
        return (kept & self.bitmaps.get(name, {}).get(value, 0)).bit_count()

    def facets(self, kept: int, query: Query) -> dict[str, tuple[FacetValue, ...]]:
        """Each filter's values with their counts among the kept documents (the value
        chosen is listed even when nothing has it)."""
        found = {}
        for name in FILTERS:
            values = []
            for value, bits in self.bitmaps.get(name, {}).items():
                count = (kept & bits).bit_count()
                chosen = query.filters.get(name) == value
                if count or chosen:
                    label = self.labels.get((name, value, query.lang), value)
                    values.append(FacetValue(value, label, count, chosen))
            found[name] = tuple(sorted(values, key=facet_order(name)))
        return found

    def groups(
        self,
        db: sqlite3.Connection,
        query: Query,
        kept: int,
        scored: list[tuple[int, float]] | None,
        kinds: dict[str, int],
    ) -> tuple[Group, ...]:
        """The hits of each kind shown: the first few of every kind, or a page of one."""
        wanted = [query.kind] if query.kind in KINDS else [k for k in KINDS if kinds[k]]
        size = PAGE_SIZE if query.kind in KINDS else GROUP_SIZE
        pages = {kind: max(1, -(-kinds[kind] // size)) for kind in wanted}
        page = {kind: min(max(query.page, 1), pages[kind]) for kind in wanted}
        ranked = self.ranked(kept, scored, {k: page[k] * size for k in wanted})
        chosen = {k: ranked.get(k, [])[(page[k] - 1) * size : page[k] * size] for k in wanted}
        rows = self.rows(db, [n for hits in chosen.values() for _, n in hits], query.lang)
        return tuple(
            Group(
                kind,
                kinds[kind],
                tuple(Hit(*rows[n], score=-score) for score, n in chosen[kind] if n in rows),
                page[kind],
                pages[kind],
            )
            for kind in wanted
        )

    def ranked(
        self, kept: int, scored: list[tuple[int, float]] | None, first: Mapping[str, int]
    ) -> dict[str, list[tuple[float, int]]]:
        """Per kind, its ``first[kind]`` best (score, document) among the kept ones: by BM25
        (FTS5's scores are negative, lower is better), else in label order."""
        bits = kept.to_bytes(self.size // 8 + 1, "little")
        per_kind: dict[str, list[tuple[float, int]]] = {kind: [] for kind in first}
        if scored is None:
            for n in set_bits(bits):
                kind = KINDS[self.kind_of[n]]
                if kind in per_kind and len(per_kind[kind]) < first[kind]:
                    per_kind[kind].append((0.0, n))
            return per_kind
        for n, score in scored:
            if bits[n >> 3] >> (n & 7) & 1:
                kind = KINDS[self.kind_of[n]]
                if kind in per_kind:
                    per_kind[kind].append((score, n))
        return {kind: heapq.nsmallest(first[kind], found) for kind, found in per_kind.items()}

    def rows(
        self, db: sqlite3.Connection, numbers: list[int], lang: str
    ) -> dict[int, tuple[str, str, str, str]]:
        """(IRI, kind, label, context) of documents, in ``lang`` where the index has it."""
        if not numbers:
            return {}
        marks = ", ".join("?" * len(numbers))
        sql = (
            "SELECT d.id, d.path, d.kind, d.label_fr, d.label_en, d.context_fr, d.context_en,"
            " p.label_fr, p.label_en FROM doc d LEFT JOIN doc p ON p.id = d.parent"
            f" WHERE d.id IN ({marks})"
        )
        english = lang == "en" and lang in LANGUAGES
        found = {}
        for n, path, kind, fr, en, cfr, cen, pfr, pen in db.execute(sql, numbers):
            label = (en or fr) if english else fr
            context = ((pen or pfr) if english else pfr) or ((cen or cfr) if english else cfr)
            found[n] = (self.prefix + path, kind, label, context or "")
        return found


def facet_order(name: str) -> Callable[[FacetValue], str]:
    """Years in order, everything else by label."""
    if name == "year":
        return lambda value: value.value
    return lambda value: value.label.casefold()
