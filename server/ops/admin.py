"""The admin API: publish a record (``POST /admin/records``), follow its job
(``GET /admin/jobs/{id}``), roll back (``POST /admin/rollback``).

Every route needs ``Authorization: Bearer <ADMIN_TOKEN>`` (compared in constant time); with no
token configured the routes answer 404 (the API is off). An upload is published by a process
of its own (``graph/jobs.py``, which runs ``graph/ingest.py``), never in the web request: the
upload answers ``202`` at once with the job's status URL (``Location``). The status URL answers
``200`` with the step while the job runs (``Retry-After: 1``), then its outcome: ``200`` with
the version published, or ``422`` with the report (JSON, or the HTML page when the client
prefers HTML) when the record is refused, and nothing published changes.
"""

from __future__ import annotations

import hmac
import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, request, url_for

from cls_kg.graph import jobs
from cls_kg.graph.datadir import DataDir
from cls_kg.graph.errors import UploadRefused
from cls_kg.graph.ingest import Upload, roll_back
from cls_kg.i18n import say

from ..core.errors import AdminDisabled, NotAuthorised
from ..core.language import language
from ..pages.render import href

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


#: Job state -> HTTP status of the status URL (a job still running answers 200).
JOB_STATUS: dict[str, int] = {"published": 200, "refused": 422, "failed": 500, "interrupted": 500}
#: Fields of a job's outcome that every client gets (problems are chosen by language).
OUTCOME_FIELDS = ("record", "report", "published", "conforms", "summary", "version", "reused")


def as_json(body: dict[str, Any], status: int, **headers: str) -> Response:
    """A JSON answer of the admin API."""
    response = Response(json.dumps(body, ensure_ascii=False), status, mimetype="application/json")
    response.headers.update(headers)
    return response


@bp.post("/records")
def publish_record() -> Response:
    """Start publishing the uploaded record (validated, published only if it conforms): 202."""
    config = current_app.config
    job = jobs.submit(Path(config["DATA_DIR"]), upload(), base=config["BASE_URI"])
    link = url_for("admin.job_status", job=job)
    body = {"job": job, "state": "queued", "status": link}
    return as_json(body, 202, Location=link, **{"Retry-After": "1"})


@bp.get("/jobs/<job>")
def job_status(job: str) -> Response:
    """Where a publication is, then its outcome: the version, or the refusal and its report."""
    found = jobs.status(Path(current_app.config["DATA_DIR"]), job)
    if found is None:
        abort(404)
    state = found.get("state", "queued")
    if state not in JOB_STATUS:
        return as_json(found, 200, **{"Retry-After": "1"})
    if state == "refused":
        return refused(found)
    lang = language()
    body = {"job": job, "state": state} | {k: found[k] for k in OUTCOME_FIELDS if k in found}
    if state == "published":
        body["counts"] = found.get("counts")
        return as_json(body, 200, Location=href(found["report"]) or found["report"])
    detail = found.get("message", "")
    return as_json(body | {"message": say(f"admin.{state}", lang, detail=detail)}, 500)


def refused(found: dict[str, Any]) -> Response:
    """422 with the report: JSON for tools, the HTML page when the client prefers it."""
    lang = language()
    if request.accept_mimetypes.best_match(REPORT_TYPES) == "text/html":
        page = (
            DataDir(Path(current_app.config["DATA_DIR"])).report(found["record"]) / f"{lang}.html"
        )
        return Response(page.read_text(encoding="utf-8"), 422, mimetype="text/html")
    body = {k: found[k] for k in ("job", "state", *OUTCOME_FIELDS) if k in found}
    body["problems"] = found.get("problems", {}).get(lang, [])
    return as_json(body, 422)


@bp.post("/rollback")
def rollback_version() -> Response:
    """Serve again the version given (``?version=``), else the one the current one replaced."""
    version = roll_back(current_app.config["DATA_DIR"], request.args.get("version"))
    body = json.dumps({"version": version})
    return Response(body, 200, mimetype="application/json")
