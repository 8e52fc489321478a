"""The one place where errors become HTTP responses: a status per class, a message per key.

The refusals only an HTTP request meets (protocol, policy, rate limit, admin token) are
defined here too; the data side's errors come from ``graph/errors.py``.

Errors are written as the client asked: JSON when it prefers JSON, plain text otherwise
(the query page renders its own). Messages are French unless the client prefers English.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from cls_kg.graph.errors import (
    ClsKgError,
    FederationError,
    MemoryLimitExceeded,
    NoBuildError,
    NotAcceptable,
    QuerySyntaxError,
    QueryTimeout,
    RequestRefused,
    ResultTooLarge,
    StoreBusy,
    StoreError,
    StoreUnavailable,
    UploadRefused,
    VersionNotFound,
)
from cls_kg.graph.results import FORMATS
from cls_kg.i18n import known, say

from .language import language
from .negotiation import error_format

# --- Refusals of HTTP requests alone (the data side's errors are in graph/errors.py) ----------


class ProtocolError(RequestRefused):
    """The request does not follow the SPARQL 1.1 Protocol (missing or repeated parameters ...)."""


class UnsupportedMediaType(ProtocolError):
    """A POST body in a media type the query operation does not take."""


class QueryRefused(RequestRefused):
    """A well-formed request the endpoint refuses by policy: updates, SERVICE outside the list."""


class RateLimited(RequestRefused):
    """The client sent too many requests; ``detail`` is how many seconds to wait."""


class AdminDisabled(RequestRefused):
    """No admin token is configured: the admin API is off."""

    def __init__(self) -> None:
        super().__init__("admin-disabled")


class NotAuthorised(RequestRefused):
    """The admin request has no bearer token, or not the configured one."""

    def __init__(self) -> None:
        super().__init__("admin-unauthorised")


#: Error class -> HTTP status; the nearest class in the error's MRO decides.
STATUS: dict[type[ClsKgError], int] = {
    QuerySyntaxError: 400,
    ProtocolError: 400,
    UnsupportedMediaType: 415,
    NotAcceptable: 406,
    QueryRefused: 403,
    FederationError: 502,
    RateLimited: 429,
    QueryTimeout: 503,
    StoreBusy: 503,
    MemoryLimitExceeded: 503,
    ResultTooLarge: 503,
    NoBuildError: 503,
    StoreUnavailable: 503,
    AdminDisabled: 404,
    NotAuthorised: 401,
    UploadRefused: 400,
    VersionNotFound: 404,
    ClsKgError: 500,
}

#: 503s of the service's situation rather than of its code: not logged as errors.
EXPECTED = (QueryTimeout, StoreBusy, NoBuildError, MemoryLimitExceeded, ResultTooLarge)

#: Seconds a client should wait before trying again, per error (a 429 says its own).
RETRY_AFTER: dict[type[ClsKgError], str] = {StoreUnavailable: "5", NoBuildError: "30"}

#: Message keys of the errors that do not carry one.
KEYS: dict[type[ClsKgError], str] = {
    NoBuildError: "no-build",
    StoreError: "store-error",
    ClsKgError: "internal",
}


def nearest(table: dict[type[ClsKgError], Any], error: ClsKgError) -> Any:
    """The value of the closest class of ``error`` in ``table``."""
    return next(table[cls] for cls in type(error).__mro__ if cls in table)


def status_of(error: ClsKgError) -> int:
    """The HTTP status of an error."""
    status: int = nearest(STATUS, error)
    return status


def key_of(error: ClsKgError) -> str:
    """The message key of an error."""
    key: str = getattr(error, "key", None) or nearest(KEYS, error)
    return key


def message_of(error: ClsKgError, lang: str) -> str:
    """The error said to a person, in ``lang``."""
    key = key_of(error)
    detail = getattr(error, "detail", None) or str(error)
    return say(f"web.{key}", lang, detail=detail, formats=", ".join(FORMATS))


def write(status: int, key: str, message: str, headers: dict[str, str] | None = None) -> Response:
    """An error response, as JSON or plain text depending on the Accept header."""
    if error_format(request.headers.get("Accept")) == "json":
        body = json.dumps({"error": {"status": status, "code": key, "message": message}})
        response = Response(body, status, mimetype="application/json")
    else:
        response = Response(message + "\n", status, mimetype="text/plain")
    response.headers.update(headers or {})
    return response


def extra_headers(error: ClsKgError) -> dict[str, str]:
    """Headers some errors add: when to come back after a 429 or a 503 of the store."""
    if isinstance(error, RateLimited):
        return {"Retry-After": error.detail}
    if isinstance(error, NotAuthorised):
        return {"WWW-Authenticate": 'Bearer realm="cls-kg admin"'}
    wait = getattr(error, "retry_after", None)  # the error knows (a long query refused)
    wait = wait or next((RETRY_AFTER[c] for c in type(error).__mro__ if c in RETRY_AFTER), None)
    return {"Retry-After": str(wait)} if wait else {}


def project_error(error: ClsKgError) -> Response:
    """Flask handler for every error of the project."""
    status = status_of(error)
    if isinstance(error, StoreUnavailable):
        current_app.logger.warning("store unavailable: %s", error)
    elif status >= 500 and not isinstance(error, EXPECTED):
        current_app.logger.error("request failed: %r", error)
    return write(status, key_of(error), message_of(error, language()), extra_headers(error))


def http_detail(error: HTTPException) -> str:
    """What to say about an HTTP error raised by Flask itself."""
    if error.code == 405:
        return ", ".join(getattr(error, "valid_methods", None) or ())
    if error.code == 408:
        return f"{current_app.config['BODY_TIMEOUT']:g}"
    if error.code == 413:
        return str(request.max_content_length or current_app.config["MAX_BODY_BYTES"])
    return error.description or ""


def http_error(error: HTTPException) -> Response:
    """Flask handler for HTTP errors (404, 405, 413 ...): same shape as the project's."""
    status = error.code or 500
    key = f"http-{status}" if known(f"web.http-{status}") else "http-error"
    message = say(f"web.{key}", language(), detail=http_detail(error))
    headers = {name: value for name, value in error.get_headers() if name != "Content-Type"}
    return write(status, key, message, headers)


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(ClsKgError, project_error)
    app.register_error_handler(HTTPException, http_error)
