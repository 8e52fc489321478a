"""Push (``cls-kg publish``): load a built version into a remote SPARQL store, switch at once.

Readers never see a half-loaded dataset, because they only ever read the graphs the pointer
graph ``urn:cls-kg:publication`` lists (see ``remote.py``), and the pointer changes in the
same SPARQL Update request as the graphs it lists:

1. the version's dumps (``dumps/*.nq``, ``dumps/*.nq.gz``: every named graph) are read; each
   graph gets its N-Triples, its number of triples and a digest of its name and content;
2. the pointer says which version is served (C) and which came before it;
3. every graph of the new version (N) whose content C does not serve is preloaded: under its own
   name when C serves no graph of that name (nobody reads it until the switch), else as a
   parked graph ``urn:cls-kg:parked:<digest>``; through the SPARQL 1.1 Graph Store Protocol
   when its URL is known, else with SPARQL Update ``INSERT DATA``; graphs C already serves
   with the same content are not sent at all;
4. every preloaded graph is counted: a shortfall stops the push, nothing switched;
5. one SPARQL Update request (``queries/publication-switch.ru``) parks C's graphs that N
   changes or drops, moves N's parked graphs to their names and rewrites the pointer
   (current N, previous C): on Oxigraph it is one transaction, readers see C or N, never both.
   On an engine whose readers can see a commit half done (Virtuoso: ``Engine.isolated``),
   the pointer carries a "switching" mark from before that request until after it, and
   ``RemoteStore`` runs again any query that overlapped the mark;
6. parked graphs neither N nor C needs any more are dropped.

Switching back (``--rollback``) is the same switch towards the previous version, whose changed
graphs are parked: it needs no dumps. A second switch back goes forward again. One pusher at
a time. (Words: ``graph/datadir.py``.)
"""

from __future__ import annotations

import gzip
import hashlib
import json
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import pyoxigraph as ox

from . import queries
from .datadir import NoManifest, VersionFolder
from .errors import ClsKgError, PublishError
from .remote import PARKED_PREFIX, POINTER_GRAPH, RemoteConfig, RemoteStore

CLSP = "urn:cls-kg:publication#"
VERSION_PREFIX = "urn:cls-kg:version:"
#: Seconds a load or the switch may take (a whole graph goes in one request).
PUSH_TIMEOUT = 600.0


def as_is(data: bytes) -> bytes:
    """A dump that is not compressed."""
    return data


#: The dumps that hold named graphs: file name ending -> how to read its bytes.
QUAD_DUMPS: dict[str, Callable[[bytes], bytes]] = {".nq": as_is, ".nq.gz": gzip.decompress}

#: The query URL's last path segment -> the update and graph store segments beside it.
CONVENTIONS: dict[str, tuple[str | None, str | None]] = {
    "query": ("update", "store"),  # Oxigraph server: /query, /update, /store
}


@dataclass(frozen=True)
class GraphContent:
    """One named graph of a local version: its N-Triples, size and digest."""

    name: str
    data: bytes
    triples: int
    digest: str

    @property
    def entry(self) -> Entry:
        """How the pointer records it."""
        return Entry(self.name, self.digest, self.triples)


@dataclass(frozen=True)
class Entry:
    """A graph of a pushed version: its name, digest and size."""

    name: str
    digest: str
    triples: int

    @property
    def parked(self) -> str:
        """The name its content has while it is not live."""
        return PARKED_PREFIX + self.digest


@dataclass(frozen=True)
class Pointed:
    """A version as the pointer records it: id, manifest (JSON text), graphs by name."""

    version: str
    manifest: str
    entries: dict[str, Entry]


@dataclass(frozen=True)
class State:
    """What the store serves now and what it served before."""

    current: Pointed | None = None
    previous: Pointed | None = None


@dataclass
class PushResult:
    """What a push or a switch back did, for the command line."""

    version: str
    previous: str | None
    sent: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    seconds: float = 0.0
    unchanged: bool = False


# --- the local version -----------------------------------------------------------------------


def quads_of(folder: Path) -> Iterator[Any]:
    """Every quad of the version's quad dumps."""
    where = VersionFolder(folder).dumps
    dumps = sorted(where.iterdir()) if where.is_dir() else []
    for path in dumps:
        read = next((r for end, r in QUAD_DUMPS.items() if path.name.endswith(end)), None)
        if read is not None:
            yield from ox.parse(read(path.read_bytes()), ox.RdfFormat.N_QUADS)


def graph_content(name: str, triples: Iterable[Any]) -> GraphContent:
    """A graph's N-Triples, sorted and without repeats, with its digest."""
    text = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
    lines = sorted(set(text.splitlines()))
    data = b"".join(line + b"\n" for line in lines)
    digest = hashlib.sha256(name.encode() + b"\n" + data).hexdigest()[:32]
    return GraphContent(name, data, len(lines), digest)


def manifest_text(folder: Path) -> tuple[str, str]:
    """A built version's id and manifest (compact JSON text)."""
    try:
        manifest = VersionFolder(folder).manifest()
    except NoManifest as error:
        raise PublishError(str(error)) from error
    return str(manifest["version"]), json.dumps(manifest, ensure_ascii=False, separators=(",", ":"))


def read_graphs(folder: Path) -> dict[str, GraphContent]:
    """A built version's named graphs, from its quad dumps."""
    graphs: dict[str, list[Any]] = defaultdict(list)
    for quad in quads_of(folder):
        if not isinstance(quad.graph_name, ox.NamedNode):
            raise PublishError(f"{folder}: a quad outside any named graph: {quad}")
        graphs[quad.graph_name.value].append(quad.triple)
    if not graphs:
        raise PublishError(f"{folder}/dumps holds no named graph (*.nq, *.nq.gz)")
    return {name: graph_content(name, triples) for name, triples in graphs.items()}


# --- the remote store ------------------------------------------------------------------------


def conventional(url: str) -> tuple[str | None, str | None]:
    """The update and graph store URLs an engine puts beside its query URL, when known."""
    parts = urlsplit(url)
    head, _, last = parts.path.rpartition("/")
    update, graph_store = CONVENTIONS.get(last, (None, None))

    def beside(segment: str | None) -> str | None:
        return urlunsplit(parts._replace(path=f"{head}/{segment}")) if segment else None

    return beside(update), beside(graph_store)


def term(iri: str) -> str:
    """An IRI written for SPARQL."""
    return str(ox.NamedNode(iri))


def fill_update(name: str, **values: str) -> str:
    """The update template ``name`` with its placeholders filled."""
    return Template(queries.load_update(name)).substitute(values)


class Target:
    """The remote store a version is pushed to: reads through RemoteStore, writes too."""

    def __init__(self, config: RemoteConfig) -> None:
        self.config = config
        self.store = RemoteStore(config)

    def state(self) -> State:
        """The current and previous versions, as the pointer records them."""
        found: dict[str, Pointed] = {}
        for row in self.store.rows(queries.load("publication-state"), None):
            role = str(row["role"]).removeprefix(CLSP)
            known = found.setdefault(role, Pointed(str(row["version"]), str(row["manifest"]), {}))
            digest = str(row["entry"]).removeprefix(PARKED_PREFIX)
            name = str(row["graph"])
            known.entries[name] = Entry(name, digest, int(str(row["triples"])))
        return State(found.get("current"), found.get("previous"))

    def sizes(self, graphs: Iterable[str]) -> dict[str, int]:
        """Triples per graph, for the graphs that have any."""
        names = " ".join(term(g) for g in sorted(set(graphs)))
        if not names:
            return {}
        query = Template(queries.load("graph-sizes")).substitute(graphs=names)
        return {str(r["graph"]): int(str(r["triples"])) for r in self.store.rows(query, None)}

    def drop(self, graphs: Iterable[str]) -> None:
        """Drop graphs, silently when they do not exist."""
        operations = [fill_update("drop-graph", graph=term(g)) for g in sorted(set(graphs))]
        if operations:
            self.store.update(" ;\n".join(operations))

    def load(self, graph: str, content: GraphContent) -> None:
        """Put a graph's content under ``graph``, replacing what was there."""
        self.drop([graph])
        if self.config.graph_store_url:
            self.send_graph(graph, content.data)
        else:
            for template, chunk in chunks(content.data, self.store.engine.insert_lines):
                triples = chunk.decode("utf-8")
                self.store.update(fill_update(template, graph=term(graph), triples=triples))

    def send_graph(self, graph: str, data: bytes) -> None:
        """One graph through the Graph Store Protocol (a bulk load where the engine has one)."""
        engine = self.store.engine
        bulk = f"&{engine.bulk_load}" if engine.bulk_load else ""
        url = f"{self.config.graph_store_url}?{urlencode({'graph': graph})}{bulk}"
        request = urllib.request.Request(url, data=data, method="POST")
        request.add_header("Content-Type", engine.upload_type)
        self.store.guarded(lambda: self.opener().open(request, timeout=self.config.timeout).read())

    def opener(self) -> urllib.request.OpenerDirector:
        """An HTTP opener that answers the store's authentication challenge."""
        if not self.config.user:
            return urllib.request.build_opener()
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        password = self.config.password or ""
        for url in (self.config.query_url, self.config.graph_store_url or self.config.query_url):
            passwords.add_password(None, url, self.config.user, password)
        handler = AUTH_HANDLERS[self.config.auth](passwords)
        return urllib.request.build_opener(handler)


#: Authentication scheme (``CLS_KG_STORE_AUTH``) -> urllib's handler of its challenge.
AUTH_HANDLERS: dict[str, Callable[[Any], urllib.request.BaseHandler]] = {
    "basic": urllib.request.HTTPBasicAuthHandler,
    "digest": urllib.request.HTTPDigestAuthHandler,
}


def chunks(data: bytes, size: int) -> Iterator[tuple[str, bytes]]:
    """N-Triples in requests of at most ``size`` lines, each with its update template.

    Lines with blank nodes go all in one ``INSERT {...} WHERE {}``: a blank node label names
    the same node only within one request, and some engines (Virtuoso) refuse blank nodes
    in ``INSERT DATA``.
    """
    lines = data.splitlines(keepends=True)
    plain = [line for line in lines if b"_:" not in line]
    for start in range(0, len(plain), size):
        yield "insert-data", b"".join(plain[start : start + size])
    blank = [line for line in lines if b"_:" in line]
    if blank:
        yield "insert-template", b"".join(blank)


# --- the switch ------------------------------------------------------------------------------


def differs(entry: Entry, other: Pointed | None) -> bool:
    """Whether ``other`` serves that graph with other content, or not at all."""
    return other is None or other.entries.get(entry.name) != entry


#: Graph name -> where its content waits for the switch, for the graphs that change.
Sources = dict[str, str]


def push_sources(target: Pointed, current: Pointed | None) -> Sources:
    """Where a push preloads each changed graph: parked if its name is live, else there."""
    return {
        entry.name: entry.parked if current and entry.name in current.entries else entry.name
        for entry in target.entries.values()
        if differs(entry, current)
    }


def switch_back_sources(target: Pointed, current: Pointed) -> Sources:
    """Where the previous version's changed graphs are: parked, when the current one came."""
    return {e.name: e.parked for e in target.entries.values() if differs(e, current)}


def moves(current: Pointed | None, target: Pointed, sources: Sources) -> list[str]:
    """The MOVE operations of a switch: park what goes, then bring in what comes."""
    going = current.entries.values() if current else ()
    out = [(entry.name, entry.parked) for entry in going if differs(entry, target)]
    into = [(source, name) for name, source in sorted(sources.items()) if source != name]
    return [
        fill_update("move-graph", source=term(source), target=term(name))
        for source, name in [*out, *into]
    ]


def version_triples(version: Pointed) -> list[Any]:
    """A version as the pointer describes it: id, manifest, each graph with its size."""
    node = ox.NamedNode(VERSION_PREFIX + version.version)
    triples = [
        ox.Triple(node, CLSP_TERMS["id"], ox.Literal(version.version)),
        ox.Triple(node, CLSP_TERMS["manifest"], ox.Literal(version.manifest)),
    ]
    for entry in version.entries.values():
        graph = ox.NamedNode(entry.parked)
        triples += [
            ox.Triple(node, CLSP_TERMS["graph"], graph),
            ox.Triple(graph, CLSP_TERMS["name"], ox.NamedNode(entry.name)),
            ox.Triple(graph, CLSP_TERMS["triples"], ox.Literal(str(entry.triples))),
        ]
    return triples


CLSP_TERMS = {
    name: ox.NamedNode(CLSP + name)
    for name in ("current", "previous", "id", "manifest", "graph", "name", "triples", "switching")
}


def pointer(target: Pointed, previous: Pointed | None, switching: bool = False) -> str:
    """The pointer graph's new content, as N-Triples (with the switch marker if asked)."""
    root = ox.NamedNode(POINTER_GRAPH)
    triples = [
        ox.Triple(root, CLSP_TERMS["current"], ox.NamedNode(VERSION_PREFIX + target.version))
    ]
    triples += version_triples(target)
    if previous is not None:
        link = ox.NamedNode(VERSION_PREFIX + previous.version)
        triples += [ox.Triple(root, CLSP_TERMS["previous"], link), *version_triples(previous)]
    if switching:
        triples.append(ox.Triple(root, CLSP_TERMS["switching"], ox.Literal("true")))
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def switch(store: Target, current: Pointed | None, target: Pointed, sources: Sources) -> None:
    """Serve ``target`` instead of ``current``, in one request; ``current`` becomes previous.

    On an engine whose readers may see an update half done, the pointer is marked before and
    unmarked after (each in its own request), and readers run their queries again meanwhile.
    """
    marked = not store.store.engine.isolated
    text = fill_update(
        "publication-switch",
        moves="\n".join(moves(current, target, sources)),
        pointer=pointer(target, current, switching=marked),
    )
    if marked:
        store.store.update(marker("INSERT"))
    store.store.update(text)
    if marked:
        store.store.update(marker("DELETE"))


def marker(operation: str) -> str:
    """The update that sets (INSERT) or clears (DELETE) the switch marker."""
    return fill_update("switch-marker", operation=operation)


def leftovers(state: State, target: Pointed) -> set[str]:
    """Parked graphs nobody needs once ``target`` is served and ``state.current`` is previous."""
    current = state.current
    kept = {e.parked for e in (current.entries.values() if current else ()) if differs(e, target)}
    older = state.previous.entries.values() if state.previous else ()
    return {e.parked for e in older if differs(e, current)} - kept


# --- the commands ----------------------------------------------------------------------------


def preload(store: Target, contents: dict[str, GraphContent], sources: Sources) -> list[str]:
    """Send the changed graphs to where they wait (a parked copy already there is kept)."""
    present = store.sizes(place for place in sources.values() if place.startswith(PARKED_PREFIX))
    sent = [n for n, place in sorted(sources.items()) if present.get(place) != contents[n].triples]
    try:
        for name in sent:
            store.load(sources[name], contents[name])
        verify(store, {place: contents[name].triples for name, place in sources.items()})
    except ClsKgError:
        store.drop(sources[name] for name in sent)  # none of them is read by anybody yet
        raise
    return sent


def verify(store: Target, expected: dict[str, int]) -> None:
    """Refuse to switch unless every preloaded graph holds all its triples."""
    found = store.sizes(expected)
    short = {g: (n, found.get(g, 0)) for g, n in expected.items() if found.get(g, 0) != n}
    if short:
        detail = ", ".join(f"{g}: {got}/{n}" for g, (n, got) in sorted(short.items()))
        raise PublishError(f"staged graphs are incomplete ({detail}); nothing was switched")


def push(folder: Path, config: RemoteConfig) -> PushResult:
    """Push the version in ``folder`` to the remote store, then serve it there."""
    started = time.monotonic()
    version, manifest = manifest_text(folder)
    store = Target(config)
    state = store.state()
    current = state.current
    previous = current.version if current else None
    if current is not None and current.version == version:
        return PushResult(version, previous, unchanged=True)
    contents = read_graphs(folder)
    target = Pointed(version, manifest, {n: c.entry for n, c in contents.items()})
    sources = push_sources(target, current)
    sent = preload(store, contents, sources)
    switch(store, current, target, sources)
    store.drop(leftovers(state, target))
    kept = sorted(set(contents) - set(sent))
    return PushResult(version, previous, sent, kept, time.monotonic() - started)


def switch_back(config: RemoteConfig) -> PushResult:
    """Serve the previous version again (its changed graphs are parked in the store)."""
    started = time.monotonic()
    store = Target(config)
    state = store.state()
    if state.current is None or state.previous is None:
        raise PublishError(f"{config.query_url} keeps no previous version to roll back to")
    target = state.previous
    sources = switch_back_sources(target, state.current)
    verify(store, {source: target.entries[name].triples for name, source in sources.items()})
    switch(store, state.current, target, sources)
    return PushResult(target.version, state.current.version, seconds=time.monotonic() - started)
