"""One publication of a record: upload -> safe parse -> validate -> new version, or nothing.

The service behind the admin API (``server/ops/admin.py``) and ``cls-kg build``. Crash safety
rests on two facts: everything an ingest writes before the switch goes to a staging folder
(``{data_dir}/staging/``) or to a hidden version folder (``versions/.<id>.<pid>.tmp``) that
nothing serves; and the switch itself is the atomic ``rename`` of ``current`` (``datadir.py``).
A process killed at any point leaves ``current`` on the last good version; the next ingest
removes what the dead one left. Ingests take a lock on the data folder, one at a time.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import upload_checks
from .build import BuildResult, Loaded, build, rebase
from .consistency import DEFAULT_TOLERANCE
from .datadir import DataDir
from .errors import SourceError, UploadRefused
from .history import Publication, published_records, report_iri, rollback_target
from .namespaces import DEFAULT_BASE
from .reports import problems_of_error, problems_of_report, save_report
from .sources import parse_files
from .spreadsheet.identifiers import slug
from .spreadsheet.importer import Imported, import_path
from .validation import Report, ValidationFailed

MAX_UNPACKED = 50_000_000  # bytes a zip (XLSX or CSV) may hold once unpacked
#: Tests: stop at this point (``point`` or ``point:record``) so that they can kill us there.
PAUSE_VARIABLE = "CLS_KG_INGEST_PAUSE"
#: The steps of an ingest, as its job reports them: for the lock (another ingest runs), the
#: upload read and checked, the new version built and validated, the report written.
STEPS = ("waiting", "reading", "building", "reporting")


@dataclass(frozen=True)
class Upload:
    """A file handed in: its name (the kind and the record's name come from it), its bytes."""

    name: str
    data: bytes
    publisher: str
    record: str | None = None

    @property
    def suffix(self) -> str:
        """The file's extension, lower-case."""
        return Path(self.name).suffix.lower()

    @property
    def slug(self) -> str:
        """The record's name: given, else from the file name."""
        return slug(self.record or Path(self.name).stem)


@dataclass(frozen=True)
class Outcome:
    """What an ingest did: the report, and the version published (None when refused)."""

    record: str
    report: Imported
    result: BuildResult | None
    report_iri: str

    @property
    def accepted(self) -> bool:
        """True when a version was published (or an identical one served again)."""
        return self.result is not None


def pause(point: str, record: str = "") -> None:
    """Tests name a point in ``CLS_KG_INGEST_PAUSE``: say so, and wait there to be killed."""
    if os.environ.get(PAUSE_VARIABLE) in (point, f"{point}:{record}"):
        print(f"paused at {point}", flush=True)
        sys.stdout.flush()
        time.sleep(600)


def check_zip(path: Path) -> None:
    """XLSX and CSV zips: a real zip, not a bomb."""
    if not zipfile.is_zipfile(path):
        raise SourceError(path, "not a zip file (XLSX files are zips)")
    with zipfile.ZipFile(path) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
            raise SourceError(path, f"more than {MAX_UNPACKED} bytes once unpacked")


def from_spreadsheet(path: Path) -> Imported:
    """A filled template: converted and checked cell by cell (openpyxl reads with defusedxml)."""
    check_zip(path)
    return import_path(path)


def from_rdf(path: Path) -> Imported:
    """RDF records, parsed safely (sources.py refuses remote contexts and DOCTYPEs).

    The shapes judge them once, in the build, with everything published: the report keeps
    the results about the nodes the file describes (``build_report``).
    """
    return Imported(parse_files([path]), ())


#: Upload extension -> how it becomes records and a report.
KINDS: dict[str, Callable[[Path], Imported]] = {
    ".xlsx": from_spreadsheet,
    ".zip": from_spreadsheet,
    ".ttl": from_rdf,
    ".jsonld": from_rdf,
    ".json": from_rdf,
}
RDF_KINDS = {suffix for suffix, reader in KINDS.items() if reader is from_rdf}


def check_upload(upload: Upload) -> None:
    """Refuse what cannot be a record before writing anything."""
    if upload.suffix not in KINDS:
        raise UploadRefused(f"{upload.name!r} ({', '.join(KINDS)})")
    if not upload.slug:
        raise UploadRefused(f"{upload.name!r}")


@contextmanager
def locked(data_dir: Path) -> Iterator[None]:
    """One ingest at a time per data folder; the lock dies with its process."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with DataDir(data_dir).lock_file.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def stage(data_dir: Path, upload: Upload, imported: Imported) -> Path:
    """The records the new version reads: those published so far, and this one."""
    records = DataDir(data_dir).staging_folder() / "records"
    records.mkdir(parents=True)
    previous = published_records(data_dir)
    for path in sorted(previous.glob("*.ttl")) if previous else ():
        shutil.copy2(path, records / path.name)
    (records / f"{upload.slug}.ttl").write_text(imported.turtle(), encoding="utf-8")
    return records


def read_upload(staging: Path, upload: Upload, base: str) -> Imported:
    """The upload as records and a report; an unreadable file is a report, not a crash."""
    source = staging / "upload" / f"{upload.slug}{upload.suffix}"
    source.parent.mkdir(parents=True)
    source.write_bytes(upload.data)
    try:
        imported = KINDS[upload.suffix](source)
    except SourceError as error:
        return Imported(parse_files([]), problems_of_error(error, upload.name))
    found = upload_checks.check(imported.graph, source, upload.name, base)
    return Imported(imported.graph, (*imported.problems, *found))


def publish_staged(
    data_dir: Path, upload: Upload, imported: Imported, base: str, tolerance: float
) -> tuple[Imported, BuildResult | None]:
    """Build the new version from the staged records; a violation refuses it."""
    records = stage(data_dir, upload, imported)
    pause("staged", upload.slug)
    annotate = Publication(data_dir, base, upload.publisher, records, upload.slug)

    def annotate_then_pause(loaded: Loaded, version: str, folder: Path) -> None:
        annotate(loaded, version, folder)
        pause("building", upload.slug)  # the new version's folder is half-written, hidden

    try:
        result = build(
            data_dir, base, tolerance=tolerance, published=records, annotate=annotate_then_pause
        )
    except ValidationFailed as failure:
        return build_report(imported, failure.report, upload, base), None
    pause("published", upload.slug)
    if upload.suffix in RDF_KINDS:
        imported = build_report(imported, result.report, upload, base)
    return imported, result


def build_report(imported: Imported, report: Report, upload: Upload, base: str) -> Imported:
    """The build's SHACL results about the upload's nodes (all of them if none is about it)."""
    described = {str(node) for node in rebase(imported.graph, base).subjects()}
    mine = report.restricted_to(described)
    if report.count("Violation") and not mine.count("Violation"):
        mine = report
    return Imported(imported.graph, problems_of_report(mine, upload.name))


def quiet(step: str) -> None:
    """Progress nobody follows."""


def ingest(
    data_dir: Path,
    upload: Upload,
    base: str = DEFAULT_BASE,
    tolerance: float = DEFAULT_TOLERANCE,
    progress: Callable[[str], None] = quiet,
) -> Outcome:
    """Check, validate and publish one record as a new version; a refusal changes nothing.

    ``progress`` hears each step (``STEPS``), for the status URL of the job (``jobs.py``).
    """
    check_upload(upload)
    progress("waiting")
    with locked(data_dir):
        DataDir(data_dir).clean_leftovers()
        staging = DataDir(data_dir).staging_folder()
        try:
            progress("reading")
            imported, result = read_upload(staging, upload, base), None
            if imported.conforms:
                progress("building")
                imported, result = publish_staged(data_dir, upload, imported, base, tolerance)
            progress("reporting")
            save_report(data_dir, upload.slug, upload.name, imported, result)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return Outcome(upload.slug, imported, result, str(report_iri(base, upload.slug)))


def rebuild(
    data_dir: Path, publisher: str, base: str = DEFAULT_BASE, tolerance: float = DEFAULT_TOLERANCE
) -> BuildResult:
    """``cls-kg build``: the shipped records and those published since, as a new version."""
    with locked(data_dir):
        DataDir(data_dir).clean_leftovers()
        records = published_records(data_dir)
        annotate = Publication(data_dir, base, publisher, records)
        return build(data_dir, base, tolerance=tolerance, published=records, annotate=annotate)


def roll_back(data_dir: Path, version: str | None = None) -> str:
    """``cls-kg rollback`` and the admin API: never in the middle of an ingest."""
    with locked(data_dir):
        version = rollback_target(data_dir, version)
        DataDir(data_dir).point(version)
        return version
