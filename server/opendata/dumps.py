"""The dumps of the served version, at ``/dumps/{name}``: the files its manifest lists.

Only names in the manifest are served (nothing else of the folder, no path). Each answer
has the file's media type, an ``ETag`` (the manifest's sha256, suffixed for the gzip
encoding), ``Last-Modified`` (the build time), and ``304`` on ``If-None-Match`` or
``If-Modified-Since``. A client that accepts gzip gets the file compressed: a ``.gz`` next
to the dump when the build wrote one, else a copy compressed once into ``CACHE_DIR``.
"""

from __future__ import annotations

import gzip
import os
import shutil
import threading
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request, send_file

from cls_kg.graph.datadir import DataDir

from ..core import published
from ..core.published import Dump

bp = Blueprint("dumps", __name__)

#: Extension of a dump -> (IANA media type, EU file type of the DCAT description).
DUMP_TYPES: dict[str, tuple[str, str]] = {
    "ttl": ("text/turtle", "RDF_TURTLE"),
    "nt": ("application/n-triples", "RDF_N_TRIPLES"),
    "nq": ("application/n-quads", "RDF_N_QUADS"),
    "jsonld": ("application/ld+json", "JSON_LD"),
    "rdf": ("application/rdf+xml", "RDF_XML"),
    "trig": ("application/trig", "RDF_TRIG"),
    "gz": ("application/gzip", "GZIP"),
    "geojson": ("application/geo+json", "GEOJSON"),
}
COMPRESSED = (".gz",)  # dumps served as they are, never compressed again
UNKNOWN = ("application/octet-stream", "BIN")
MAX_AGE = 3600  # seconds a client may reuse a dump before asking again (then 304)
#: One per process, not per app: the partial file of a copy is named after the process.
LOCK = threading.Lock()


def dump_type(name: str) -> tuple[str, str]:
    """Media type and EU file type of a dump, from its extension."""
    return DUMP_TYPES.get(name.rsplit(".", 1)[-1], UNKNOWN)


def cache_dir() -> Path:
    """Where compressed copies go: ``CACHE_DIR``, else ``{DATA_DIR}/cache``."""
    configured = current_app.config.get("CACHE_DIR")
    return Path(configured) if configured else DataDir(Path(current_app.config["DATA_DIR"])).cache


def compress(source: Path, target: Path) -> Path:
    """Write ``target`` as the gzip of ``source`` (atomically), unless it exists already."""
    with LOCK:
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.{os.getpid()}")
            with source.open("rb") as raw, gzip.open(partial, "wb", compresslevel=6) as packed:
                shutil.copyfileobj(raw, packed, 1 << 20)
            os.replace(partial, target)
    return target


def gzipped(dump: Dump) -> Path | None:
    """The gzip of a dump: the build's, else the cached one; None when it cannot be written."""
    beside = dump.path.with_name(dump.name + ".gz")
    if beside.is_file():
        return beside
    try:
        return compress(dump.path, cache_dir() / "dumps" / f"{dump.sha256}.gz")
    except OSError as error:
        current_app.logger.warning("cannot cache a gzip of %s: %s", dump.name, error)
        return None


def wants_gzip() -> bool:
    """Whether the client accepts the gzip content coding."""
    return request.accept_encodings.quality("gzip") > 0


@bp.route("/dumps/<name>")
def dump(name: str) -> Response:
    """One dump, compressed when the client accepts it; 304 when the client has it already."""
    version = published.current()
    found = version.dumps.get(name)
    if found is None or not found.path.is_file():
        abort(404)
    packed = gzipped(found) if wants_gzip() and not name.endswith(COMPRESSED) else None
    response = send_file(
        packed or found.path,
        mimetype=dump_type(name)[0],
        etag=f"{found.sha256}-gzip" if packed else found.sha256,
        last_modified=version.built_at,
        max_age=MAX_AGE,
        conditional=True,
        download_name=name,
    )
    if packed:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.headers.pop("Content-Disposition", None)
    return response
