"""A ready-made store holding only the reference graph, copied into each new version's store.

Loading some 320 000 quads into an on-disk Oxigraph store takes seconds; a backup of a store
that already holds them takes milliseconds, because RocksDB hard-links its immutable files.
The template (that store and the compressed N-Quads dump of the graph) is built once per
content and base in the data folder's cache (``.cache/``, out of the way of the versions) and
remembered for the process, so that the test suite's many data folders share one. The link
step adds the records to a copy of it (``scratch_folder``), which becomes the published
version's store, or is removed when the build publishes nothing.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from ..datadir import DataDir
from ..errors import StoreError
from ..processes import alive
from .divisions import load
from .geometries import geometry_nquads
from .rdf import reference_nquads

PREFIX = "reference-"
STORE = "store"
DUMP = "reference.nq.gz"
GEOMETRY_DUMP = "geometry.nq.gz"
COUNT = "quads"
SCRATCH = ".scratch-"
SERIAL = itertools.count()
T = TypeVar("T")


@dataclass(frozen=True)
class ReferenceSource:
    """Where a reference graph comes from: the copy's folder and the base of its IRIs."""

    directory: Path
    base: str

    @property
    def key(self) -> str:
        """What the graph depends on: the copy's content and the base."""
        return template_key(load(self.directory).digest, self.base)

    def nquads(self) -> bytes:
        """The graph as N-Quads (converted once per process; only needed for a new template)."""
        return reference_nquads(self.base, self.directory)

    def geometry_nquads(self) -> bytes:
        """The official units' geometry graph as N-Quads (empty when the copy has none)."""
        return geometry_nquads(self.base, self.directory)


@dataclass(frozen=True)
class Template:
    """A built template: its store folder and its dump."""

    folder: Path

    @property
    def store(self) -> Path:
        """The store holding only the reference graph."""
        return self.folder / STORE

    @property
    def dump(self) -> Path:
        """The reference graph as gzip-compressed N-Quads (no timestamp: reproducible)."""
        return self.folder / DUMP

    @property
    def geometry_dump(self) -> Path:
        """The geometry graph of the official units, gzip-compressed N-Quads (maybe empty)."""
        return self.folder / GEOMETRY_DUMP

    @property
    def quads(self) -> int:
        """How many quads the reference graph has."""
        return int((self.folder / COUNT).read_text(encoding="utf-8"))

    def ready(self) -> bool:
        """Whether the template is complete (it is put in place by renaming its folder)."""
        files = (self.dump, self.geometry_dump, self.folder / COUNT)
        return self.store.is_dir() and all(path.is_file() for path in files)


#: Template key -> a template already built in this process.
KNOWN: dict[str, Template] = {}


def template_key(digest: str, base: str) -> str:
    """What a template depends on: the reference copy and the base of its IRIs."""
    return f"{digest[:16]}-{hashlib.sha256(base.encode()).hexdigest()[:8]}"


def build_template(folder: Path, reference: bytes, geometry: bytes = b"") -> None:
    """Load the reference graph (and the units' geometry graph, in its own named graph) into a
    new store, put in place by renaming its folder."""
    tmp = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    # Both release the GIL: the dumps are compressed while the store is loaded.
    dump = threading.Thread(target=write_dumps, args=(tmp, reference, geometry))
    dump.start()
    try:
        store = ox.Store(str(tmp / STORE))
        store.bulk_load(reference, ox.RdfFormat.N_QUADS)
        if geometry:
            store.bulk_load(geometry, ox.RdfFormat.N_QUADS)
        store.flush()
        del store  # close RocksDB before the folder is renamed
    finally:
        dump.join()
    (tmp / COUNT).write_text(str(reference.count(b"\n")), encoding="utf-8")
    try:
        os.rename(tmp, folder)
    except OSError:  # another build put the same template in place first
        shutil.rmtree(tmp, ignore_errors=True)


def write_dumps(folder: Path, reference: bytes, geometry: bytes) -> None:
    """The template's two dumps: the reference graph and the geometry graph."""
    write_dump(folder / DUMP, reference)
    write_dump(folder / GEOMETRY_DUMP, geometry)


def write_dump(path: Path, reference: bytes) -> None:
    """The gzip-compressed N-Quads (no timestamp: the same bytes for the same graph); level 6
    takes a quarter of level 9's time for a file 8 % larger."""
    path.write_bytes(gzip.compress(reference, compresslevel=6, mtime=0))


def drop_others(cache: Path, keep: str) -> None:
    """Templates of an older reference copy or another base are of no further use."""
    for old in cache.glob(f"{PREFIX}*"):
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)


def template(data_dir: Path, source: ReferenceSource) -> Template:
    """The template of ``source``, built in ``data_dir``'s cache if this process has none."""
    key = source.key
    known = KNOWN.get(key)
    if known is not None and known.ready():
        return known
    found = Template(DataDir(data_dir).reference_cache / f"{PREFIX}{key}")
    if not found.ready():
        drop_others(found.folder.parent, found.folder.name)
        build_template(found.folder, source.nquads(), source.geometry_nquads())
    KNOWN[key] = found
    return found


def copy_store(source: Template, target: Path) -> ox.Store:
    """A new writable store at ``target`` holding what the template's store holds."""
    try:
        ox.Store.read_only(str(source.store)).backup(str(target))
    except OSError as error:
        raise StoreError(f"cannot copy the reference store {source.store}: {error}") from error
    return ox.Store(str(target))


def copy_dump(source: Template, target: Path) -> None:
    """The template's dump at ``target``: a hard link where the file system allows one."""
    try:
        os.link(source.dump, target)
    except OSError:
        shutil.copyfile(source.dump, target)


def drop_stale_scratch(cache: Path) -> None:
    """Scratch copies left by builds that died before removing them."""
    for folder in cache.glob(f"{SCRATCH}*"):
        pid = folder.name.removeprefix(SCRATCH).split("-")[0]
        if pid.isdigit() and not alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def scratch_folder(source: Template) -> Path:
    """A new folder name for a throwaway copy of the template's store (its owner removes it)."""
    drop_stale_scratch(source.folder.parent)
    folder = source.folder.parent / f"{SCRATCH}{os.getpid()}-{next(SERIAL)}"
    shutil.rmtree(folder, ignore_errors=True)
    return folder


def on_scratch_copy(source: Template, work: Callable[[ox.Store], T]) -> T:
    """Run ``work`` on a throwaway writable copy of the template's store, then remove it."""
    folder = scratch_folder(source)
    store = copy_store(source, folder)
    try:
        return work(store)
    finally:
        del store  # close RocksDB before its folder goes
        shutil.rmtree(folder, ignore_errors=True)
