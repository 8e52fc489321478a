"""Service metadata: liveness, readiness, health (the landing page ``/`` is ``landing.py``).

- ``/healthz``: the web process answers (it reads nothing): restart it when this fails;
- ``/readyz``: the store answers a query and a version is served: ``200`` with the version,
  else ``503`` with the reason, in the error format of the service, whatever the error
  (a store that cannot be opened, a query process that cannot start, a remote store down):
  take the host out of the load balancer until it recovers (it does by itself when the store
  comes back). ``cls-kg serve --check`` runs the same test before serving;
- ``/health``: the version served, for people (``503`` like any route when nothing is);
- ``/favicon.ico``: the site's icon (``static/favicon.ico``, 16 by 16 pixels, drawn for the
  project), which browsers ask for on every page: without this route it would be
  dereferenced as a resource, a store query for a 404.

None is rate limited; only the icon is cached (a week: it changes with a release, if ever).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, send_from_directory

from cls_kg.graph.errors import StoreError

from .. import queries
from ..core.errors import extra_headers, key_of, message_of
from ..core.language import language
from ..core.store import backend_name, get_store, served

bp = Blueprint("meta", __name__)
NOT_READY = 503
STATIC = Path(__file__).resolve().parents[1] / "static"  # the app's static folder
ICON_MAX_AGE = 7 * 24 * 3600  # seconds caches may keep the icon


def as_json(body: dict[str, Any], status: int = 200) -> Response:
    """A JSON answer that no cache keeps."""
    response = Response(json.dumps(body), status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def version_fields() -> dict[str, Any]:
    """The version served, its build time and the backend."""
    manifest = served().manifest
    return {
        "version": manifest["version"],
        "builtAt": manifest.get("built_at"),
        "store": backend_name(current_app.config),
    }


@bp.route("/health")
def health() -> Response:
    """Is a version published, which one: for people."""
    return as_json({"status": "ok", **version_fields()})


@bp.route("/healthz")
def healthz() -> Response:
    """The process is alive: it answers without touching the store."""
    return as_json({"status": "alive"})


@bp.route("/readyz")
def readyz() -> Response:
    """The store answers and a version is served; else 503 and why."""
    try:
        fields = version_fields()
        get_store().ask(queries.load("ready"))
    except StoreError as error:
        current_app.logger.error("not ready: %s", error)  # loud: the host serves no query
        message = message_of(error, language())
        body = {"status": "unavailable", "code": key_of(error), "message": message}
        response = as_json(body, NOT_READY)
        response.headers.update(extra_headers(error))
        return response
    return as_json({"status": "ready", **fields})


@bp.route("/favicon.ico")
def favicon() -> Response:
    """The site's icon, from the static folder, without touching the store."""
    response = send_from_directory(STATIC, "favicon.ico", max_age=ICON_MAX_AGE)
    response.mimetype = "image/vnd.microsoft.icon"
    return response
