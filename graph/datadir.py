"""The data folder's one owner: its layout, the one manifest reader, pointing, pruning.

Every module that reads or writes a data folder goes through ``DataDir`` (the folder) and
``VersionFolder`` (one version in it); no other module joins the layout's names or reads
``manifest.json``. The layout (README "What a build writes"); the names on disk never change,
so existing data folders keep working::

    current -> versions/<id>     the version served, an atomically swapped symlink
    .current.<pid>               the new link, just before it replaces ``current``
    versions/<id>/               one version: store/, dumps/, tables/, search/, records/,
                                 manifest.json, consistency.json, history.ttl, publication.json
    versions/.<id>.<pid>.tmp/    a version being written (hidden: nothing serves it)
    staging/<pid>/               what an ingest stages (graph/ingest.py)
    jobs/<id>/                   one per upload (graph/jobs.py)
    reports/<record>/            the last validation report of a record (graph/reports.py)
    cache/                       gzip copies of dumps (server, ``CACHE_DIR`` by default)
    .cache/                      the reference templates (graph/reference/template.py)
    .ingest.lock                 one ingest at a time

What is inside a job's, a report's, the reference cache's or the search index's folder
belongs to the module named beside it.

Words, one meaning each (README "Words"):

- **version**: a folder ``versions/<id>/`` a build wrote, never changed after; its id is a
  digest of its sources (``VERSION_ID``).
- **current**: the symlink naming the version the embedded server reads.
- **point**: atomically make ``current`` name a version (``DataDir.point``).
- **publish**: make a new version the served one in the data folder: build it, write its
  folder, point ``current`` at it (``cls-kg build``, an admin upload, the build step
  ``publish``, the history's ``Publication``).
- **stage**: gather in ``staging/<pid>/`` the records a new version is built from (ingest).
- **roll back**: point ``current`` at an older kept version (``cls-kg rollback``,
  ``POST /admin/rollback``).
- **prune**: remove the oldest versions (or jobs) beyond the number kept.
- **push**: load a built version into a remote SPARQL store and switch the store's pointer to
  it (``graph/push.py``; the command keeps its name, ``cls-kg publish``); it **preloads** the
  changed graphs (**parked** under ``urn:cls-kg:parked:<digest>`` or under their own name),
  verifies them, then **switches**.
- **switch back**: the remote store serves its previous version again
  (``cls-kg publish --rollback``).
- **served**: the version the server reads now: ``current``'s, or the remote pointer's.
- **distribution**: a file of the served version as the open-data catalogue (DCAT-AP) and the
  downloads page list it (``server/opendata/``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import NoBuildError, StoreError
from .processes import alive

CURRENT = "current"
VERSIONS = "versions"
STAGING = "staging"
JOBS = "jobs"
REPORTS = "reports"
CACHE = "cache"
REFERENCE_CACHE = ".cache"
LOCK_FILE = ".ingest.lock"

MANIFEST = "manifest.json"
STORE = "store"
DUMPS = "dumps"
TABLES = "tables"
SEARCH = "search"
RECORDS = "records"
CONSISTENCY_FILE = "consistency.json"
HISTORY_FILE = "history.ttl"
PUBLICATION_FILE = "publication.json"

#: Versions kept besides the current one's (the most recent first).
KEEP_VERSIONS = 3
#: What a version id looks like (``build.version_id``: 16 hex digits of a digest).
VERSION_ID = re.compile(r"[0-9a-f]{16}")


class NoManifest(StoreError):
    """A folder holds no manifest: it is not a built version."""

    def __init__(self, folder: Path) -> None:
        super().__init__(f"no {MANIFEST} in {folder}: not a built version")
        self.folder = folder


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a version folder: the one reader of ``manifest.json``."""
    try:
        text = (folder / MANIFEST).read_text(encoding="utf-8")
    except FileNotFoundError as missing:
        raise NoManifest(folder) from missing
    result: dict[str, Any] = json.loads(text)
    return result


@dataclass(frozen=True)
class VersionFolder:
    """One version's folder (also the hidden one a build is writing): where each part lives."""

    folder: Path

    @property
    def id(self) -> str:
        """The version id (the folder's name, once it is in place)."""
        return self.folder.name

    @property
    def manifest_file(self) -> Path:
        """What the version holds: version, base, counts, dumps and tables with digests."""
        return self.folder / MANIFEST

    @property
    def store(self) -> Path:
        """The on-disk Oxigraph store."""
        return self.folder / STORE

    @property
    def dumps(self) -> Path:
        """The folder of the RDF dumps (and the GeoJSON files)."""
        return self.folder / DUMPS

    @property
    def tables(self) -> Path:
        """The folder of the tabular distributions (``graph/tables/``)."""
        return self.folder / TABLES

    @property
    def search(self) -> Path:
        """The folder of the search index (``graph/search/``)."""
        return self.folder / SEARCH

    @property
    def records(self) -> Path:
        """The records published since the shipped ones, as this version carries them."""
        return self.folder / RECORDS

    @property
    def consistency(self) -> Path:
        """Announced vs derived figures, coverage, curation checks."""
        return self.folder / CONSISTENCY_FILE

    @property
    def history(self) -> Path:
        """The publication history up to this version (PROV-O, Turtle)."""
        return self.folder / HISTORY_FILE

    @property
    def publication(self) -> Path:
        """How this version was published (publisher, time, changes)."""
        return self.folder / PUBLICATION_FILE

    def dump(self, name: str) -> Path:
        """One dump of the version (the name is checked by the caller)."""
        return self.dumps / name

    def is_built(self) -> bool:
        """Whether the folder is a complete version (the manifest is written last)."""
        return self.manifest_file.is_file()

    def manifest(self) -> dict[str, Any]:
        """The manifest (``read_manifest``)."""
        return read_manifest(self.folder)

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Write the manifest (last: it makes the folder a complete version)."""
        self.manifest_file.write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def writer_pid(name: str) -> int | None:
    """The process id in a hidden name: ``.<id>.<pid>.tmp`` or ``.current.<pid>``."""
    parts = name.split(".")
    digits = [p for p in parts[2:] if p.isdigit()]
    return int(digits[0]) if digits else None


def remove(path: Path) -> None:
    """A folder with what it holds, or a file or link."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@dataclass(frozen=True)
class DataDir:
    """A data folder: its versions, the ``current`` pointer, and the rooms beside them."""

    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))

    @property
    def current_link(self) -> Path:
        """The symlink naming the served version."""
        return self.root / CURRENT

    @property
    def versions_folder(self) -> Path:
        """Where the versions are kept."""
        return self.root / VERSIONS

    @property
    def staging(self) -> Path:
        """Where ingests stage what a new version is built from."""
        return self.root / STAGING

    @property
    def jobs(self) -> Path:
        """Where the upload jobs are kept."""
        return self.root / JOBS

    @property
    def reports(self) -> Path:
        """Where the last report of each record is kept."""
        return self.root / REPORTS

    @property
    def cache(self) -> Path:
        """Where the server keeps gzip copies of dumps, unless configured elsewhere."""
        return self.root / CACHE

    @property
    def reference_cache(self) -> Path:
        """Where the reference templates are built (out of the way of the versions)."""
        return self.root / REFERENCE_CACHE

    @property
    def lock_file(self) -> Path:
        """The file ingests lock, one at a time."""
        return self.root / LOCK_FILE

    def version(self, version: str) -> VersionFolder:
        """The folder of a version, kept or not (the id is checked by the caller)."""
        return VersionFolder(self.versions_folder / version)

    def kept(self, version: str) -> VersionFolder | None:
        """A complete version kept here; None for anything else (or a name outside)."""
        if not VERSION_ID.fullmatch(version):
            return None
        found = self.version(version)
        return found if found.is_built() else None

    def current(self) -> VersionFolder | None:
        """The version ``current`` points at, if any."""
        link = self.current_link
        return VersionFolder(link.resolve()) if link.exists() else None

    def served(self) -> VersionFolder:
        """The version ``current`` points at; NoBuildError before the first build."""
        found = self.current()
        if found is None:
            raise NoBuildError(f"no build in {self.root}: run 'cls-kg build' first")
        return found

    def names(self) -> set[str]:
        """The ids of the versions kept (hidden folders being written aside)."""
        root = self.versions_folder
        return (
            {p.name for p in root.iterdir() if VERSION_ID.fullmatch(p.name)}
            if root.exists()
            else set()
        )

    def versions(self) -> list[VersionFolder]:
        """The versions kept, most recent first (hidden folders being written aside)."""
        root = self.versions_folder
        kept = [p for p in root.iterdir() if not p.name.startswith(".")] if root.exists() else []
        return [
            VersionFolder(p) for p in sorted(kept, key=lambda p: p.stat().st_mtime, reverse=True)
        ]

    def add(self, version: str, write: Callable[[Path], object]) -> bool:
        """Keep a new version: ``write`` fills a hidden folder, renamed into place once done;
        nothing is written when the version is kept already (True then)."""
        self.versions_folder.mkdir(parents=True, exist_ok=True)
        final = self.version(version).folder
        if final.exists():
            return True
        tmp = self.versions_folder / f".{version}.{os.getpid()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        try:
            write(tmp)
            os.rename(tmp, final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return False

    def point(self, version: str) -> None:
        """Atomically make ``current`` name the given version."""
        tmp = self.root / f".{CURRENT}.{os.getpid()}"
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(Path(VERSIONS) / version)
        os.replace(tmp, self.current_link)

    def prune(self, keep: Iterable[str]) -> None:
        """Remove old versions beyond the most recent few; never those in ``keep``."""
        kept = set(keep)
        for old in self.versions()[KEEP_VERSIONS:]:
            if old.id not in kept:
                shutil.rmtree(old.folder, ignore_errors=True)

    def staging_folder(self) -> Path:
        """This process's staging folder (its name tells whose it is)."""
        return self.staging / str(os.getpid())

    def job(self, job: str) -> Path:
        """The folder of a job (the id is checked by the caller)."""
        return self.jobs / job

    def report(self, record: str) -> Path:
        """The folder of a record's last report (the name is checked by the caller)."""
        return self.reports / record

    def clean_leftovers(self) -> list[Path]:
        """Remove what killed ingests and builds left: staging, hidden versions, link temps."""
        found = list(self.staging.glob("*")) if self.staging.exists() else []
        hidden = [*self.versions_folder.glob(".*"), *self.root.glob(f".{CURRENT}.*")]
        found += [p for p in hidden if (pid := writer_pid(p.name)) and not alive(pid)]
        for path in found:
            remove(path)
        return found


def current_version(data_dir: Path) -> Path:
    """The folder of the version being served; NoBuildError before the first build."""
    return DataDir(data_dir).served().folder
