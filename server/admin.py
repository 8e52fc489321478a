"""The admin API: publish a record (``POST /admin/records``), roll back (``POST /admin/rollback``).

Every route needs ``Authorization: Bearer <ADMIN_TOKEN>`` (compared in constant time); with no
token configured the routes answer 404 (the API is off). The work is done by
``graph/ingest.py``: this router only reads the upload and writes the outcome. An accepted
upload answers ``201`` with the version; a refused one ``422`` with the report (JSON, or the
HTML page when the client prefers HTML), and nothing published changes.
"""

from __future__ import annotations

import hmac
import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, request

from cls_kg.graph.errors import AdminDisabled, NotAuthorised, UploadRefused
from cls_kg.graph.ingest import Outcome, Upload, ingest, roll_back
from cls_kg.graph.reports import report_folder
from cls_kg.graph.spreadsheet.importer import Imported

from .messages import language
from .pages import href

bp = Blueprint("admin", __name__, url_prefix="/admin")
BEARER = "Bearer "
REPORT_TYPES = ("application/json", "text/html")


@bp.before_request
def authorise() -> None:
    """No token configured: the API is off; else the right bearer token, or 401."""
    token = current_app.config["ADMIN_TOKEN"]
    if not token:
        raise AdminDisabled()
    given = request.headers.get("Authorization", "")
    if not given.startswith(BEARER) or not hmac.compare_digest(
        given[len(BEARER) :].strip().encode(), token.encode()
    ):
        raise NotAuthorised()
    request.max_content_length = current_app.config["ADMIN_MAX_UPLOAD_BYTES"]


def upload() -> Upload:
    """The file of the request: a multipart ``file`` field, or the body with ``?filename=``."""
    publisher = current_app.config["ADMIN_NAME"]
    record = request.args.get("record") or request.form.get("record")
    sent = request.files.get("file")
    if sent is not None and sent.filename:
        return Upload(Path(sent.filename).name, sent.read(), publisher, record)
    name = request.args.get("filename", "")
    if not name or not request.content_length:
        raise UploadRefused("file")
    return Upload(Path(name).name, request.get_data(), publisher, record)


def report_link(outcome: Outcome) -> str:
    """Where the record's report page answers on this server."""
    return href(outcome.report_iri) or outcome.report_iri


def accepted(outcome: Outcome) -> Response:
    """201: the version now served, its changes and the report's address."""
    assert outcome.result is not None
    body = {
        "published": True,
        "record": outcome.record,
        "version": outcome.result.version,
        "reused": outcome.result.reused,
        "counts": outcome.result.counts,
        "report": outcome.report_iri,
        "summary": outcome.report.summary(),
    }
    response = Response(json.dumps(body, ensure_ascii=False), 201, mimetype="application/json")
    response.headers["Location"] = report_link(outcome)
    return response


def refused(outcome: Outcome) -> Response:
    """422 with the report: JSON for tools, the HTML page when the client prefers it."""
    lang = language()
    if request.accept_mimetypes.best_match(REPORT_TYPES) == "text/html":
        page = report_folder(current_app.config["DATA_DIR"], outcome.record) / f"{lang}.html"
        return Response(page.read_text(encoding="utf-8"), 422, mimetype="text/html")
    body = report_json(outcome.report, lang) | {"record": outcome.record}
    body["report"] = outcome.report_iri
    return Response(json.dumps(body, ensure_ascii=False), 422, mimetype="application/json")


def report_json(imported: Imported, lang: str) -> dict[str, Any]:
    """The refused upload's report, as ``cls-kg import --format json`` writes it."""
    return {
        "published": False,
        "conforms": imported.conforms,
        "summary": imported.summary(),
        "problems": [problem.as_dict(lang) for problem in imported.problems],
    }


@bp.post("/records")
def publish_record() -> Response:
    """Validate the uploaded record and, only if it conforms, publish it as a new version."""
    config = current_app.config
    outcome = ingest(config["DATA_DIR"], upload(), base=config["BASE_URI"])
    return accepted(outcome) if outcome.accepted else refused(outcome)


@bp.post("/rollback")
def rollback_version() -> Response:
    """Serve again the version given (``?version=``), else the one the current one replaced."""
    version = roll_back(current_app.config["DATA_DIR"], request.args.get("version"))
    body = json.dumps({"version": version})
    return Response(body, 200, mimetype="application/json")
