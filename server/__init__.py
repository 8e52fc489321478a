"""The SPARQL service: a Flask app factory, one blueprint per concern.

``create_app`` reads the settings in layers (``config.py``), wires the store accessor, the
error handlers, rate limiting and CORS, and registers the blueprints: ``sparql`` (the SPARQL
1.1 Protocol endpoint, its service description and query page), ``meta`` (health),
``landing`` (``/``), ``catalog`` (DCAT-AP and VoID), ``dumps``, ``admin`` (the admin API),
``history`` (``/history``, per-version dumps, validation reports), ``downloads``
(``/donnees`` and the tabular files of each version), ``search`` (``/recherche``, ``/search``),
``completions`` (``/sparql/completions.json``, what the query editor completes) and, last,
``resources`` (every other path dereferences the IRI it stands for).

Per-process state (the store's backend and its query pools, rate-limit buckets, the search
index, the page cache, the tables of versions and figures read) belongs to the app: each
module of ``STATEFUL`` registers its own in ``init_app`` (``core/state.py``), and
``state.close(app)`` releases it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

from .core import config, errors, published, ratelimit, state, store
from .opendata import catalog, downloads, dumps
from .ops import admin, history, meta
from .pages import landing, ontology_doc, pagecache, resources, search
from .sparql import completions, endpoint
from .sparql.service import BYTE_LIMIT_HEADER, ROW_LIMIT_HEADER, TRUNCATED_HEADER
from .wsgi.bodytimeout import BodyDeadline

BLUEPRINTS = (
    endpoint.bp,
    meta.bp,
    landing.bp,
    catalog.bp,
    dumps.bp,
    admin.bp,
    history.bp,
    downloads.bp,
    search.bp,
    completions.bp,
    resources.bp,
)
#: The modules whose ``init_app`` gives the app its part of the per-process state.
STATEFUL = (store, published, ratelimit, search, pagecache, landing, ontology_doc)
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": (
        f"{ROW_LIMIT_HEADER}, {BYTE_LIMIT_HEADER}, {TRUNCATED_HEADER}, Retry-After"
    ),
}
CACHEABLE = ("GET", "HEAD")
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, Content-Type",
    "Access-Control-Max-Age": "86400",
}


def cors(response: Response) -> Response:
    """Anyone may query from a browser page of any origin: the data is public and read-only."""
    response.headers.update(CORS_HEADERS)
    if request.method == "OPTIONS":
        response.headers.update(PREFLIGHT_HEADERS)
    return response


def cache_control(response: Response) -> Response:
    """Shared caches may keep public answers HTTP_MAX_AGE seconds (a new version shows within
    that); not errors of the moment (5xx), nor answers to a user or setting a cookie."""
    if "Cache-Control" in response.headers:  # dumps, probes: their own
        return response
    if response.status_code >= 500 or "Authorization" in request.headers:
        response.headers["Cache-Control"] = "no-store"
    elif "Set-Cookie" in response.headers:
        response.headers["Cache-Control"] = "private, no-cache"
    elif request.method in CACHEABLE and response.status_code in (200, 404):
        age = current_app.config["HTTP_MAX_AGE"]
        response.headers["Cache-Control"] = f"public, max-age={age}" if age else "no-cache"
    return response


def init_app(app: Flask) -> None:
    """Wire what the app needs: limits, error handlers, its state, CORS, blueprints."""
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]
    app.config["MAX_FORM_MEMORY_SIZE"] = app.config["MAX_BODY_BYTES"]
    app.wsgi_app = BodyDeadline(app.wsgi_app, app.config["BODY_TIMEOUT"])  # type: ignore[method-assign]
    if app.config["TRUSTED_PROXIES"]:
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    errors.init_app(app)
    state.init_app(app)
    for module in STATEFUL:
        module.init_app(app)
    app.after_request(cors)
    app.after_request(cache_control)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """The app: defaults, then CLS_KG_* environment variables, then ``test_config``."""
    app = Flask(__name__)
    app.config.from_mapping(config.load(os.environ, test_config))
    init_app(app)
    return app
