"""Service metadata: health check, and the root sending people to the query page."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, redirect, url_for
from werkzeug.wrappers import Response as BaseResponse

from cls_kg.graph.build import current_version

bp = Blueprint("meta", __name__)


@bp.route("/")
def home() -> BaseResponse:
    """The query page is the home page for now."""
    return redirect(url_for("sparql.endpoint"))


@bp.route("/health")
def health() -> Response:
    """Is a version published, which one: for load balancers and people."""
    manifest = json.loads(
        (current_version(current_app.config["DATA_DIR"]) / "manifest.json").read_text()
    )
    body = {"status": "ok", "version": manifest["version"], "builtAt": manifest["built_at"]}
    return Response(json.dumps(body), 200, mimetype="application/json")
