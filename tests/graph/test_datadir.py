"""The data folder's one owner: the layout on disk, atomic pointing, pruning, the manifest.

The names on disk are a contract with every data folder already written: a folder laid out
by hand here, as earlier builds laid it out, must read the same.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cls_kg.graph.datadir import (
    KEEP_VERSIONS,
    DataDir,
    NoManifest,
    VersionFolder,
    current_version,
    read_manifest,
    writer_pid,
)
from cls_kg.graph.errors import NoBuildError, StoreError

ID_A, ID_B = "0123456789abcdef", "fedcba9876543210"


def built(data_dir: Path, version: str, mtime: float | None = None) -> Path:
    """A version folder laid out by hand, as a build leaves it (manifest written last)."""
    folder = data_dir / "versions" / version
    (folder / "dumps").mkdir(parents=True)
    (folder / "dumps" / "cls-kg.nq").write_text("", encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps({"version": version}), encoding="utf-8")
    if mtime is not None:
        os.utime(folder, (mtime, mtime))
    return folder


def dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_layout_keeps_its_names(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    version = data.version(ID_A)
    assert data.current_link == tmp_path / "current"
    assert data.versions_folder == tmp_path / "versions"
    assert version.folder == tmp_path / "versions" / ID_A
    assert version.id == ID_A
    parts = {
        version.manifest_file: "manifest.json",
        version.store: "store",
        version.dumps: "dumps",
        version.tables: "tables",
        version.search: "search",
        version.records: "records",
        version.consistency: "consistency.json",
        version.history: "history.ttl",
        version.publication: "publication.json",
    }
    for path, name in parts.items():
        assert path == version.folder / name
    assert version.dump("cls-kg.nt") == version.folder / "dumps" / "cls-kg.nt"
    rooms = {
        data.staging: "staging",
        data.jobs: "jobs",
        data.reports: "reports",
        data.cache: "cache",
        data.reference_cache: ".cache",
        data.lock_file: ".ingest.lock",
    }
    for path, name in rooms.items():
        assert path == tmp_path / name
    assert data.job("abc") == tmp_path / "jobs" / "abc"
    assert data.report("val-d-exemple") == tmp_path / "reports" / "val-d-exemple"
    assert data.staging_folder() == tmp_path / "staging" / str(os.getpid())


def test_a_folder_laid_out_by_an_earlier_build_reads_the_same(tmp_path: Path) -> None:
    built(tmp_path, ID_A)
    (tmp_path / "current").symlink_to(Path("versions") / ID_A)
    served = DataDir(tmp_path).served()
    assert served.folder == (tmp_path / "versions" / ID_A).resolve()
    assert served.manifest() == {"version": ID_A}
    assert current_version(tmp_path) == served.folder


def test_pointing_writes_a_relative_link_and_leaves_no_temporary(tmp_path: Path) -> None:
    built(tmp_path, ID_A)
    built(tmp_path, ID_B)
    data = DataDir(tmp_path)
    data.point(ID_A)
    data.point(ID_B)
    assert os.readlink(tmp_path / "current") == f"versions/{ID_B}"
    assert data.served().id == ID_B
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current", "versions"]


def test_readers_never_miss_current_while_it_moves(tmp_path: Path) -> None:
    built(tmp_path, ID_A)
    built(tmp_path, ID_B)
    data = DataDir(tmp_path)
    data.point(ID_A)
    missing: list[int] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            if data.current() is None:
                missing.append(1)

    reader = threading.Thread(target=read)
    reader.start()
    for turn in range(300):
        data.point((ID_A, ID_B)[turn % 2])
    done.set()
    reader.join()
    assert missing == []


def test_before_the_first_build_nothing_is_served(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    assert data.current() is None
    with pytest.raises(NoBuildError, match="cls-kg build"):
        data.served()
    assert data.versions() == [] and data.names() == set()


def test_a_version_is_added_whole_or_not_at_all(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    seen: list[Path] = []

    def write(folder: Path) -> None:
        seen.append(folder)
        VersionFolder(folder).write_manifest({"version": ID_A})

    assert data.add(ID_A, write) is False
    assert seen[0].name.startswith(f".{ID_A}.") and seen[0].parent == data.versions_folder
    assert data.kept(ID_A) is not None
    assert data.add(ID_A, write) is True  # kept already: nothing written
    assert len(seen) == 1

    def fail(folder: Path) -> None:
        (folder / "half").write_text("x", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        data.add(ID_B, fail)
    assert sorted(p.name for p in data.versions_folder.iterdir()) == [ID_A]


def test_prune_keeps_the_most_recent_and_those_asked(tmp_path: Path) -> None:
    names = [f"{n:016x}" for n in range(KEEP_VERSIONS + 3)]
    for age, name in enumerate(names):
        built(tmp_path, name, mtime=1_000_000 - age * 10)  # names[0] is the most recent
    hidden = tmp_path / "versions" / f".{names[0]}.{os.getpid()}.tmp"
    hidden.mkdir()
    data = DataDir(tmp_path)
    assert [v.id for v in data.versions()] == names
    data.prune(keep={names[-1]})
    assert [v.id for v in data.versions()] == [*names[:KEEP_VERSIONS], names[-1]]
    assert hidden.exists()  # a version being written is not a kept one


def test_kept_refuses_what_is_not_a_complete_version(tmp_path: Path) -> None:
    built(tmp_path, ID_A)
    (tmp_path / "versions" / ID_B).mkdir()  # no manifest: not complete
    data = DataDir(tmp_path)
    assert data.kept(ID_A) == data.version(ID_A)
    for name in ("", ID_B, "../versions", f"{ID_A}/dumps", "missing"):
        assert data.kept(name) is None, name
    assert data.names() == {ID_A, ID_B}


def test_the_manifest_is_read_and_written_as_before(tmp_path: Path) -> None:
    folder = VersionFolder(tmp_path)
    manifest = {"version": ID_A, "counts": {"contracts": 5}, "dumps": []}
    folder.write_manifest(manifest)
    written = (tmp_path / "manifest.json").read_text(encoding="utf-8")
    assert written == json.dumps(manifest, indent=2)
    assert folder.manifest() == manifest == read_manifest(tmp_path)
    assert folder.is_built()


def test_a_missing_manifest_says_the_folder_is_not_a_version(tmp_path: Path) -> None:
    with pytest.raises(NoManifest, match="not a built version") as raised:
        VersionFolder(tmp_path).manifest()
    assert isinstance(raised.value, StoreError)
    assert raised.value.folder == tmp_path
    assert str(tmp_path) in str(raised.value)


def test_a_broken_manifest_is_not_taken_for_an_empty_one(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text('{"version": ', encoding="utf-8")
    with pytest.raises(ValueError):
        read_manifest(tmp_path)


def test_writer_pids_are_read_from_hidden_names() -> None:
    assert writer_pid(f".{ID_A}.1234.tmp") == 1234
    assert writer_pid(".current.99") == 99
    assert writer_pid(".current") is None
    assert writer_pid(ID_A) is None


def test_leftovers_of_dead_writers_go_and_live_ones_stay(tmp_path: Path) -> None:
    built(tmp_path, ID_A)
    data = DataDir(tmp_path)
    data.point(ID_A)
    dead, live = dead_pid(), os.getpid()
    (tmp_path / "staging" / str(dead) / "records").mkdir(parents=True)
    gone = [tmp_path / "versions" / f".{ID_B}.{dead}.tmp", tmp_path / f".current.{dead}"]
    gone[0].mkdir()
    gone[1].symlink_to(Path("versions") / ID_A)
    stays = tmp_path / "versions" / f".{ID_B}.{live}.tmp"
    stays.mkdir()
    removed = data.clean_leftovers()
    assert set(removed) == {tmp_path / "staging" / str(dead), *gone}
    assert not any(path.exists() or path.is_symlink() for path in removed)
    assert stays.exists() and data.served().id == ID_A
