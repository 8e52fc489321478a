"""The shipped copy of the reference data: four compressed JSON files, read into records."""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from ..errors import SourceError

DATA_DIR = Path(__file__).resolve().parent / "data"
DATASET_FILE = "dataset.ttl"
SUFFIX = ".json.gz"

Record = dict[str, Any]

#: File stem -> the fields every record of the file has (the copy keeps only what we use).
FILES: dict[str, tuple[str, ...]] = {
    "regions": ("code", "nom", "zone"),
    "departements": ("code", "nom", "region", "zone"),
    "communes": ("code", "nom", "departement", "region", "zone"),
    "epci": ("code", "nom", "type", "membres"),
}


@dataclass(frozen=True)
class Divisions:
    """One copy of the reference data: records of each file, sorted by code."""

    regions: tuple[Record, ...]
    departements: tuple[Record, ...]
    communes: tuple[Record, ...]
    epci: tuple[Record, ...]
    digest: str

    def records(self, stem: str) -> tuple[Record, ...]:
        """The records of one file, by its stem."""
        found: tuple[Record, ...] = getattr(self, stem)
        return found

    @cached_property
    def communes_by_code(self) -> dict[str, Record]:
        """Communes indexed by INSEE code, for lookups in tests and tools."""
        return self.by_code["communes"]

    @cached_property
    def by_code(self) -> dict[str, dict[str, Record]]:
        """File stem -> its records indexed by code."""
        return {stem: {r["code"]: r for r in self.records(stem)} for stem in FILES}


#: The files of the geometries (``geometries.py``), when the copy has them.
GEOMETRY_FILES = (
    *(f"geometries-{stem}{SUFFIX}" for stem in ("communes", "epci", "departements", "regions")),
    "geometries.ttl",
)


def geometry_files(directory: Path = DATA_DIR) -> tuple[Path, ...]:
    """The geometry files in a stable order; none when the copy has none (a copy refreshed by
    ``reference update`` alone, as some tests make)."""
    files = tuple(directory / name for name in GEOMETRY_FILES)
    return files if all(path.is_file() for path in files) else ()


def data_files(directory: Path = DATA_DIR) -> tuple[Path, ...]:
    """The files that decide the reference content (geometries included), in a stable order."""
    divisions = (directory / f"{stem}{SUFFIX}" for stem in FILES)
    return (*divisions, directory / DATASET_FILE, *geometry_files(directory))


def digest(directory: Path = DATA_DIR) -> str:
    """A digest of the copy: same files, same reference graph."""
    sha = hashlib.sha256()
    for path in data_files(directory):
        sha.update(path.name.encode() + b"\n" + read_bytes(path))
    return sha.hexdigest()


def read_bytes(path: Path) -> bytes:
    """A file of the copy; a missing one is a source error that names it."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise SourceError(path, f"cannot read the reference data: {error.strerror}") from error


def read_file(path: Path, required: tuple[str, ...]) -> tuple[Record, ...]:
    """One compressed JSON file: a list of records that each have the required fields."""
    try:
        records = json.loads(gzip.decompress(read_bytes(path)))
    except (OSError, EOFError, ValueError) as error:
        raise SourceError(path, f"not a gzip-compressed JSON file: {error}") from error
    if not isinstance(records, list):
        raise SourceError(path, "expected a JSON list of records")
    for record in records:
        missing = [name for name in required if name not in record]
        if missing:
            raise SourceError(path, f"record {record.get('code')!r} lacks {', '.join(missing)}")
    return tuple(sorted(records, key=lambda record: str(record["code"])))


def load(directory: Path = DATA_DIR) -> Divisions:
    """The copy in ``directory``, read once per content (tests build several times)."""
    return read_copy(directory, digest(directory))


@lru_cache(maxsize=4)
def read_copy(directory: Path, content_digest: str) -> Divisions:
    """Read every file of a copy whose digest is known."""
    files = {stem: read_file(directory / f"{stem}{SUFFIX}", need) for stem, need in FILES.items()}
    return Divisions(**files, digest=content_digest)
