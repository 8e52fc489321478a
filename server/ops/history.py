"""The publication history (``/history``), dumps of each kept version and the last validation
report of each record (``{base}id/report/{record}``), so a publisher can share its link.

The history comes from the store (the named graph ``{base}graph/history``, PROV-O); the
per-version dumps and the reports from the data folder (``graph/history.py``,
``graph/reports.py``): only names the version's manifest lists are served.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file

from cls_kg.graph.datadir import DataDir
from cls_kg.graph.reports import REPORT_JSON
from cls_kg.graph.store import Row

from .. import queries
from ..core.language import language
from ..core.store import get_store
from ..opendata.dumps import dump_type
from ..pages import render

bp = Blueprint("history", __name__)
RECORD_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
REPORT_TYPES = ("text/html", "application/json")


@dataclass(frozen=True)
class Entry:
    """One publication, as the history page shows it."""

    version: str
    at: str
    publisher: str
    record: str
    added: list[str]
    changed: list[str]
    removed: list[str]
    triples_added: int
    triples_removed: int
    kept: bool


def text(row: Row, name: str) -> str:
    """A binding's text, empty when unbound."""
    return str(row.get(name, ""))


def entry(row: Row, kept: set[str]) -> Entry:
    """A row of the history query as a page entry."""
    version = text(row, "version")
    return Entry(
        version=version,
        at=text(row, "at").replace("T", " ").removesuffix("+00:00"),
        publisher=text(row, "publisher"),
        record=text(row, "record"),
        added=text(row, "added").split(),
        changed=text(row, "changed").split(),
        removed=text(row, "removed").split(),
        triples_added=int(text(row, "triplesAdded") or 0),
        triples_removed=int(text(row, "triplesRemoved") or 0),
        kept=version in kept,
    )


def kept_versions() -> set[str]:
    """The versions whose folder (and dumps) the data folder still holds."""
    return DataDir(Path(current_app.config["DATA_DIR"])).names()


@bp.route("/history")
def history() -> Response:
    """Every publication of the served version's history, newest first."""
    lang, kept = language(), kept_versions()
    entries = [entry(row, kept) for row in get_store().select(queries.load("history"))]
    base = current_app.config["BASE_URI"]
    html = render_template(
        "history.html",
        **render.context(lang),
        entries=entries,
        link=lambda iri: render.href(iri) or iri,
        report=lambda record: render.href(f"{base}id/report/{record}"),
    )
    response = Response(html, 200, content_type="text/html; charset=utf-8")
    response.vary.update(("Accept-Language", "Cookie"))
    return response


@bp.route("/versions/<version>/dumps/<name>")
def version_dump(version: str, name: str) -> Response:
    """A dump of a kept version, if its manifest lists it."""
    data_dir = DataDir(Path(current_app.config["DATA_DIR"]))
    kept = data_dir.kept(version)
    if kept is None:
        abort(404)
    if name not in {dump["name"] for dump in kept.manifest()["dumps"]}:
        abort(404)
    return send_file(kept.dump(name), mimetype=dump_type(name)[0], conditional=True)


@bp.route("/id/report/<record>")
@bp.route("/id/report/<record>.<any(html, json):extension>")
def report(record: str, extension: str | None = None) -> Response:
    """The last validation report of a record: its HTML page, or JSON."""
    folder = DataDir(Path(current_app.config["DATA_DIR"])).report(record)
    if not RECORD_ID.fullmatch(record) or not (folder / REPORT_JSON).exists():
        abort(404)
    chosen = extension or (
        "json"
        if request.accept_mimetypes.best_match(REPORT_TYPES) == "application/json"
        else "html"
    )
    if chosen == "json":
        body = json.loads((folder / REPORT_JSON).read_text(encoding="utf-8"))
        response = Response(json.dumps(body, ensure_ascii=False), 200, mimetype="application/json")
    else:
        page = folder / f"{language()}.html"
        response = Response(page.read_text(encoding="utf-8"), 200, mimetype="text/html")
    response.vary.update(("Accept", "Accept-Language"))
    return response
