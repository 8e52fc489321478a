"""``cls-kg publish``: staging, the one-request switch, rollback, refusal of a partial load.

Each test publishes small synthetic versions to a fresh in-memory Oxigraph server (or to
the engine's server), by the Graph Store Protocol or by SPARQL Update alone.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from cls_kg.cli import main
from cls_kg.graph.errors import PublishError
from cls_kg.graph.push import Target, read_graphs
from cls_kg.graph.push import push as publish  # the `cls-kg publish` command pushes
from cls_kg.graph.push import switch_back as rollback  # and `--rollback` switches back
from cls_kg.graph.remote import POINTER_GRAPH, RemoteStore

from .servers import RemoteServer, start

G1, G2, G3 = (f"http://example.org/graph/{n}" for n in (1, 2, 3))
BULK = 3000  # triples per big graph: the switch moves two of them


def lines(graph: str, count: int, tag: str) -> list[str]:
    """``count`` triples of ``graph`` marked ``tag``, and a blank node."""
    triples = [
        f'<http://example.org/{tag}/{n}> <http://example.org/p> "{tag} {n}" <{graph}> .'
        for n in range(count)
    ]
    triples.append(f'_:b{tag} <http://example.org/tag> "{tag}" <{graph}> .')
    triples.append(f"<http://example.org/{tag}/0> <http://example.org/q> _:b{tag} <{graph}> .")
    return triples


def version(root: Path, name: str, graphs: dict[str, list[str]]) -> Path:
    """A version folder as a build writes it: manifest and an N-Quads dump."""
    folder = root / name
    (folder / "dumps").mkdir(parents=True)
    manifest = {"version": name, "built_at": "2026-01-01T00:00:00+00:00"}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    quads = "\n".join(line for graph in graphs.values() for line in graph) + "\n"
    (folder / "dumps" / "cls-kg.nq").write_text(quads)
    return folder


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    """Version a (three graphs) and b (two big graphs changed, the third the same)."""
    same = [f'<http://example.org/s> <http://example.org/p> "same 0" <{G3}> .']
    a = version(tmp_path, "a", {G1: lines(G1, BULK, "a1"), G2: lines(G2, BULK, "a2"), G3: same})
    b = version(
        tmp_path, "b", {G1: lines(G1, BULK + 1, "b1"), G2: lines(G2, BULK + 2, "b2"), G3: same}
    )
    return a, b


@pytest.fixture
def server(engine: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteServer]:
    """A new, empty server of the engine."""
    found = start(engine, tmp_path_factory)
    yield found
    found.stop()


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
TAGS = """SELECT ?tag (COUNT(*) AS ?n) WHERE { ?s <http://example.org/p> ?o
  BIND(STRBEFORE(STR(?o), " ") AS ?tag) } GROUP BY ?tag"""


def seen(store: RemoteStore) -> tuple[str, ...]:
    """Which tags the served default graph holds, with their counts."""
    return tuple(sorted(f"{r['tag']}={r['n']}" for r in store.select(TAGS) if str(r["tag"])))


def test_first_publication_then_nothing_to_do(
    server: RemoteServer, versions: tuple[Path, Path]
) -> None:
    first = publish(versions[0], server.config())
    assert (first.version, first.previous, len(first.sent)) == ("a", None, 3)
    store = RemoteStore(server.config())
    assert int(str(store.select(COUNT)[0]["n"])) == 2 * (BULK + 2) + 1
    assert store.publication().graphs == (G1, G2, G3)
    assert publish(versions[0], server.config()).unchanged


def test_only_changed_graphs_are_sent(server: RemoteServer, versions: tuple[Path, Path]) -> None:
    publish(versions[0], server.config())
    second = publish(versions[1], server.config())
    assert (second.previous, second.sent, second.kept) == ("a", [G1, G2], [G3])
    assert seen(RemoteStore(server.config())) == (f"b1={BULK + 1}", f"b2={BULK + 2}", "same=1")


def test_readers_never_see_a_mix(server: RemoteServer, versions: tuple[Path, Path]) -> None:
    publish(versions[0], server.config())
    reader = RemoteStore(server.config())
    old, new = seen(reader), (f"b1={BULK + 1}", f"b2={BULK + 2}", "same=1")
    observed: list[tuple[str, ...]] = []
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            reader.pointer = None  # read the pointer every time: the worst case
            observed.append(seen(reader))

    thread = threading.Thread(target=poll)
    thread.start()
    try:
        publish(versions[1], server.config())
    finally:
        done.set()
        thread.join()
    assert set(observed) <= {old, new}, set(observed) - {old, new}
    assert observed[0] == old and seen(reader) == new


def test_rollback_and_forward_again(server: RemoteServer, versions: tuple[Path, Path]) -> None:
    publish(versions[0], server.config())
    publish(versions[1], server.config())
    store = RemoteStore(server.config())
    back = rollback(server.config())
    assert (back.version, back.previous) == ("a", "b")
    assert seen(store) == (f"a1={BULK}", f"a2={BULK}", "same=1")
    store.pointer = None
    assert store.publication().version == "a"
    assert rollback(server.config()).version == "b"
    store.pointer = None
    assert seen(store) == (f"b1={BULK + 1}", f"b2={BULK + 2}", "same=1")


def test_parked_graphs_are_kept_for_one_rollback_only(
    server: RemoteServer, tmp_path: Path, versions: tuple[Path, Path]
) -> None:
    c = version(tmp_path, "c", {G1: lines(G1, 5, "c1")})
    for folder in (*versions, c):
        publish(folder, server.config())
    target = Target(server.config())
    b_parked = [content.entry.parked for content in read_graphs(versions[1]).values()]
    a_parked = [content.entry.parked for content in read_graphs(versions[0]).values()]
    assert set(target.sizes(b_parked)) == set(b_parked)  # b waits for a rollback
    assert set(target.sizes(a_parked)) <= {a_parked[2]}  # a is gone (G3 is b's too)
    assert rollback(server.config()).version == "b"
    assert seen(RemoteStore(server.config())) == (f"b1={BULK + 1}", f"b2={BULK + 2}", "same=1")


def test_partial_load_is_refused_and_nothing_switches(
    server: RemoteServer, versions: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(versions[0], server.config())
    original = Target.load

    def lossy(self: Target, graph: str, content: object) -> None:
        original(self, graph, content)  # type: ignore[arg-type]
        self.store.update(
            f"DELETE WHERE {{ GRAPH <{graph}> {{ <http://example.org/b1/7> ?p ?o }} }}"
        )

    monkeypatch.setattr(Target, "load", lossy)
    with pytest.raises(PublishError, match="incomplete"):
        publish(versions[1], server.config())
    store = RemoteStore(server.config())
    assert store.publication().version == "a"
    assert seen(store) == (f"a1={BULK}", f"a2={BULK}", "same=1")
    staged = Target(server.config()).sizes(
        e.parked
        for e in Target(server.config()).state().current.entries.values()  # type: ignore[union-attr]
    )
    assert staged == {}


def test_sparql_update_alone_loads_blank_nodes_whole(
    server: RemoteServer, versions: tuple[Path, Path]
) -> None:
    config = replace(server.config(), graph_store_url=None)
    publish(versions[0], config)
    store = RemoteStore(config)
    linked = """SELECT (COUNT(*) AS ?n)
      WHERE { ?s <http://example.org/q> ?b . ?b <http://example.org/tag> ?t }"""
    assert int(str(store.select(linked)[0]["n"])) == 2


def test_pointer_graph_is_out_of_sight(server: RemoteServer, versions: tuple[Path, Path]) -> None:
    publish(versions[0], server.config())
    store = RemoteStore(server.config())
    assert POINTER_GRAPH not in store.graph_names()
    rows = store.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert {str(r["g"]) for r in rows} == {G1, G2, G3}


def test_command_line(
    server: RemoteServer,
    versions: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data_dir = versions[0].parent
    (data_dir / "versions").mkdir()
    for folder in versions:
        folder.rename(data_dir / "versions" / folder.name)
    config = server.config()
    monkeypatch.setenv("CLS_KG_STORE_USER", config.user or "")  # never on the command line
    monkeypatch.setenv("CLS_KG_STORE_PASSWORD", config.password or "")
    to = ["--to", server.query_url, "--data-dir", str(data_dir), "--lang", "en"]
    to += ["--update", config.update_url or "", "--graph-store", config.graph_store_url or ""]
    to += ["--auth", config.auth]
    assert main(["publish", *to, "--version", "a"]) == 0
    assert main(["publish", *to, "--version", "b"]) == 0
    assert main(["publish", *to, "--rollback"]) == 0
    out = capsys.readouterr().out
    assert "Version a served by" in out and "2 graph(s) sent, 1 unchanged" in out
    assert "serves version a again (instead of b)" in out
