"""The downloads page (``/donnees``) and the tabular files of each version.

Every file a version's manifest lists under ``tables`` (``graph/tables/``: CSV files, their
Table Schemas, the CSV on the Web metadata, the Data Package, the XLSX workbook) is served at
``/versions/{id}/tables/{name}``, a URL whose content never changes (a version id is a digest
of its sources), and the current version's at ``/tables/{name}``. Answers carry the
manifest's sha256 as ``ETag`` and the build time as ``Last-Modified``, answer ``304`` to
conditional requests and come gzipped when the client accepts it, through the code that
serves the dumps (``dumps.py``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file

from cls_kg.graph.datadir import DataDir

from ..core import published, ratelimit
from ..core.language import language, remember_language
from ..core.published import Dump, Version
from ..pages import render
from .distributions import FILE_TITLES, TABLE_TITLES, file_type, table_files, table_path
from .dumps import COMPRESSED, MAX_AGE, dump_type, gzipped, wants_gzip

bp = Blueprint("downloads", __name__)
bp.before_request(ratelimit.limit)
bp.after_request(remember_language)

PREVIEW_ROWS = 5
PREVIEW_CHARS = 80
IMMUTABLE = 365 * 24 * 3600  # a per-version URL never changes: clients may keep it a year
LICENCE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
PACKED = (*COMPRESSED, ".xlsx")  # already compressed: served as they are


def rows_of(manifest: dict[str, Any]) -> dict[str, int]:
    """Rows of each CSV file, as the manifest counts them."""
    return {e["name"]: e["rows"] for e in manifest.get("tables", []) if "rows" in e}


def kept(version: str) -> Version:
    """A version the data folder keeps (the served one without reading it again); 404 else."""
    current = published.current()
    if current.manifest.get("version") == version:
        return current
    data_dir = DataDir(Path(current_app.config["DATA_DIR"]))
    found = data_dir.kept(version)
    if found is None:
        abort(404)
    return Version(found.folder, found.manifest(), {})


def send(found: Dump | None, built_at: datetime, immutable: bool = False) -> Response:
    """A file with its ETag (digest) and Last-Modified; 304 when the client has it already."""
    if found is None or not found.path.is_file():
        abort(404)
    packed = gzipped(found) if wants_gzip() and not found.name.endswith(PACKED) else None
    response = send_file(
        packed or found.path,
        mimetype=file_type(found.name).media,
        etag=f"{found.sha256}-gzip" if packed else found.sha256,
        last_modified=built_at,
        max_age=IMMUTABLE if immutable else MAX_AGE,
        conditional=True,
        download_name=found.name,
    )
    if packed:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.headers.pop("Content-Disposition", None)
    if immutable:
        response.cache_control.immutable = True
    return response


@bp.route("/versions/<version>/tables/<name>")
def version_table(version: str, name: str) -> Response:
    """A tabular file of a kept version: its content never changes."""
    found = kept(version)
    return send(table_files(found.folder, found.manifest).get(name), found.built_at, immutable=True)


@bp.route("/tables/<name>")
def table(name: str) -> Response:
    """A tabular file of the served version."""
    version = published.current()
    return send(table_files(version.folder, version.manifest).get(name), version.built_at)


@dataclass(frozen=True)
class Download:
    """One distribution as the downloads page lists it."""

    name: str
    href: str
    bytes: int
    media: str
    title: str = ""
    schema: str | None = None
    rows: int | None = None
    preview: tuple[tuple[str, ...], ...] = ()
    permalink: str | None = None  # a URL whose content never changes, when ``href`` may


def is_iri(cell: str) -> bool:
    """Whether a cell holds an IRI (shown whole)."""
    return cell.startswith(("https://", "http://"))


def preview(path: Path) -> tuple[tuple[str, ...], ...]:
    """The header and first rows of a CSV file, long cells cut."""
    if not path.is_file():
        return ()
    with path.open(encoding="utf-8", newline="") as handle:
        head = islice(csv.reader(handle), PREVIEW_ROWS + 1)
        return tuple(
            tuple(
                c if len(c) <= PREVIEW_CHARS or is_iri(c) else f"{c[: PREVIEW_CHARS - 1]}…"
                for c in row
            )
            for row in head
        )


def version_href(version: str, name: str) -> str:
    """The per-version URL of a tabular file."""
    return f"{request.script_root}/{table_path(version, name)}"


def download(version: Version, file: Dump, schemas: set[str]) -> Download:
    """One tabular file as the page lists it: a CSV file with its schema and a preview."""
    ident, name = str(version.manifest.get("version", "")), file.name
    schema = name.removesuffix(".csv") + ".schema.json"
    is_table = name.endswith(".csv") and schema in schemas
    return Download(
        name,
        version_href(ident, name),
        file.bytes,
        file_type(name).media,
        TABLE_TITLES.get(name.removesuffix(".csv")) or FILE_TITLES.get(name, ""),
        version_href(ident, schema) if is_table else None,
        rows_of(version.manifest).get(name),
        preview(file.path) if is_table else (),
    )


def tables(version: Version) -> list[Download]:
    """The CSV files with their schema and preview, then the other tabular files."""
    found = table_files(version.folder, version.manifest)
    schemas = {name for name in found if name.endswith(".schema.json")}
    listed = [download(version, f, schemas) for name, f in found.items() if name not in schemas]
    return sorted(listed, key=lambda d: (d.schema is None, d.name))


def dumps(version: Version) -> list[Download]:
    """The RDF dumps of the served version, with their per-version URLs (``history.py``)."""
    base, ident = current_app.config["BASE_URI"], version.manifest.get("version", "")
    return [
        Download(
            name,
            render.href(f"{base}dumps/{name}") or "",
            dump.bytes,
            dump_type(name)[0],
            permalink=f"{request.script_root}/versions/{ident}/dumps/{name}",
        )
        for name, dump in sorted(version.dumps.items())
    ]


@bp.route("/donnees")
def downloads() -> Response:
    """Every distribution of the served version, French first."""
    lang, version = language(), published.current()
    html = render_template(
        "downloads.html",
        **render.context(lang),
        tables=tables(version),
        dumps=dumps(version),
        version=version.manifest.get("version", ""),
        built_at=version.built_at.date().isoformat(),
        licence=LICENCE,
    )
    response = Response(html, 200, content_type="text/html; charset=utf-8")
    response.vary.update(("Accept-Language", "Cookie"))
    return response
