"""Settings of the service, in layers: defaults, then ``CLS_KG_*`` variables, then a mapping.

Each setting is one row of ``SETTINGS``: its default and how to read it from the environment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cls_kg.graph.errors import ConfigError
from cls_kg.graph.namespaces import DEFAULT_BASE
from cls_kg.graph.remote import RemoteConfig
from cls_kg.graph.spreadsheet.limits import Limits as UploadLimits

from ..sparql.policy import Limits

ENV_PREFIX = "CLS_KG_"
LIMITS = Limits()  # the defaults of the query size limits
UPLOAD = UploadLimits()  # the defaults of the work an upload may cost


def iri_list(text: str) -> tuple[str, ...]:
    """IRIs separated by spaces or commas."""
    return tuple(item for item in re.split(r"[\s,]+", text) if item)


@dataclass(frozen=True)
class Setting:
    """A default value and the reader of its environment variable."""

    default: Any
    read: Callable[[str], Any]
    help: str


SETTINGS: dict[str, Setting] = {
    "DATA_DIR": Setting(Path("var"), Path, "folder the build writes (current -> versions/<id>)"),
    "BASE_URI": Setting(DEFAULT_BASE, str, "base IRI of the data: /P serves {base}P"),
    "QUERY_TIMEOUT": Setting(30.0, float, "seconds a query may run before it is stopped"),
    "MAX_ROWS": Setting(10000, int, "rows (or triples) a result may have; more are cut, visibly"),
    "MAX_BODY_BYTES": Setting(1_000_000, int, "largest request body accepted (413 beyond)"),
    "BODY_TIMEOUT": Setting(30.0, float, "seconds a client has to send a request body (408)"),
    "HEADER_TIMEOUT": Setting(10.0, float, "seconds a client has to send a request head"),
    "RATE_LIMIT": Setting(300, int, "requests per minute per client address; 0 disables"),
    "SERVICE_ALLOWLIST": Setting((), iri_list, "SERVICE endpoints queries may call"),
    "MAX_QUERY_CHARS": Setting(LIMITS.chars, int, "characters a query may have (400 beyond)"),
    "MAX_QUERY_TOKENS": Setting(LIMITS.tokens, int, "tokens (words, names, signs) of a query"),
    "MAX_QUERY_OPERATORS": Setting(LIMITS.expression, int, "operators in one expression"),
    "MAX_QUERY_PATH_STEPS": Setting(LIMITS.path, int, "steps (/ | ^) in one property path"),
    "MAX_QUERY_UNIONS": Setting(LIMITS.unions, int, "UNIONs a query may have"),
    "MAX_QUERY_TRIPLES": Setting(LIMITS.triples, int, "triple patterns a query may have"),
    "MAX_QUERY_PATTERNS": Setting(LIMITS.patterns, int, "graph patterns ({}, OPTIONAL ...)"),
    "QUERY_WORKERS": Setting(4, int, "query processes per web process (long + light lanes)"),
    "QUERY_LIGHT_SECONDS": Setting(0.5, float, "seconds after which a query is long (niced)"),
    "QUERY_LONG_SLOTS": Setting(1, int, "long queries at once per web process; more get a 503"),
    "QUERY_MEMORY_MB": Setting(512, int, "MiB of data a query process may take (503); 0: no cap"),
    "MAX_RESULT_BYTES": Setting(16_000_000, int, "bytes a result may have; cut, visibly; 0: none"),
    "TRUSTED_PROXIES": Setting(0, int, "reverse proxies whose X-Forwarded-For is trusted"),
    "CACHE_DIR": Setting(None, Path, "where gzip copies of dumps are kept ({DATA_DIR}/cache)"),
    "HTTP_MAX_AGE": Setting(60, int, "seconds caches may reuse a page or result; 0: revalidate"),
    "PAGE_CACHE_BYTES": Setting(16_000_000, int, "finished pages kept per web process; 0: none"),
    "STORE_URL": Setting("", str, "SPARQL query URL of a remote store; empty: the embedded one"),
    "STORE_USER": Setting(None, str, "user name at the remote store (else the URL's user@)"),
    "STORE_PASSWORD": Setting(None, str, "password at the remote store (else the URL's)"),
    "STORE_AUTH": Setting("basic", str, "HTTP authentication at the remote store: basic, digest"),
    "STORE_ENGINE": Setting("auto", str, "remote engine: auto (Server header), oxigraph, ..."),
    "ADMIN_TOKEN": Setting("", str, "bearer token of the admin API; empty: the admin API is off"),
    "ADMIN_NAME": Setting("admin", str, "publisher recorded for uploads made with the token"),
    "ADMIN_MAX_UPLOAD_BYTES": Setting(10_000_000, int, "largest upload to the admin API"),
    # Read by the import itself from CLS_KG_UPLOAD_MAX_* (graph/spreadsheet/limits.py), wherever
    # the ingest runs; listed here so that a bad value stops the server at start.
    "UPLOAD_MAX_ROWS": Setting(UPLOAD.rows, int, "rows per sheet of an upload (refused beyond)"),
    "UPLOAD_MAX_COLUMNS": Setting(UPLOAD.columns, int, "columns per sheet of an upload"),
    "UPLOAD_MAX_CELLS": Setting(UPLOAD.cells, int, "filled cells per upload (refused beyond)"),
    "UPLOAD_MAX_PROBLEMS": Setting(UPLOAD.problems, int, "problems a report lists (then counts)"),
}

#: Settings that must be positive numbers, and those that may also be zero.
POSITIVE = (
    "QUERY_TIMEOUT",
    "MAX_ROWS",
    "MAX_BODY_BYTES",
    "BODY_TIMEOUT",
    "HEADER_TIMEOUT",
    "QUERY_WORKERS",
    "QUERY_LIGHT_SECONDS",
    "QUERY_LONG_SLOTS",
    "ADMIN_MAX_UPLOAD_BYTES",
    "UPLOAD_MAX_ROWS",
    "UPLOAD_MAX_COLUMNS",
    "UPLOAD_MAX_CELLS",
    "UPLOAD_MAX_PROBLEMS",
    "MAX_QUERY_CHARS",
    "MAX_QUERY_TOKENS",
    "MAX_QUERY_OPERATORS",
    "MAX_QUERY_PATH_STEPS",
    "MAX_QUERY_UNIONS",
    "MAX_QUERY_TRIPLES",
    "MAX_QUERY_PATTERNS",
)
NON_NEGATIVE = (
    "RATE_LIMIT",
    "TRUSTED_PROXIES",
    "HTTP_MAX_AGE",
    "PAGE_CACHE_BYTES",
    "MAX_RESULT_BYTES",
)


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The settings given as ``CLS_KG_<NAME>`` variables, read with their row's reader."""
    values: dict[str, Any] = {}
    for name, setting in SETTINGS.items():
        text = environ.get(ENV_PREFIX + name)
        if text is None:
            continue
        try:
            values[name] = setting.read(text)
        except ValueError as error:
            raise ConfigError(f"{ENV_PREFIX}{name}={text!r}: {error}") from error
    return values


def check(values: Mapping[str, Any]) -> None:
    """Refuse numbers out of range and unusable remote store settings, naming the setting."""
    if values["STORE_URL"]:
        RemoteConfig.from_url(
            values["STORE_URL"], auth=values["STORE_AUTH"], engine=values["STORE_ENGINE"]
        )
    for name in POSITIVE:
        if values[name] <= 0:
            raise ConfigError(f"{name} must be positive, not {values[name]!r}")
    for name in NON_NEGATIVE:
        if values[name] < 0:
            raise ConfigError(f"{name} must be zero or positive, not {values[name]!r}")
    check_lanes(values)
    check_memory(values)


#: A query process takes about 200 MiB of data idle (its interpreter, the store's threads and
#: caches); below 320 MiB it failed to open the seed store. Smaller caps are refused.
MIN_QUERY_MEMORY_MB = 384


def check_memory(values: Mapping[str, Any]) -> None:
    """A memory cap must leave a query process room to open the store and answer."""
    memory = values["QUERY_MEMORY_MB"]
    if memory < 0 or 0 < memory < MIN_QUERY_MEMORY_MB:
        raise ConfigError(
            f"QUERY_MEMORY_MB must be 0 (no cap) or at least {MIN_QUERY_MEMORY_MB}, not {memory!r}"
        )


def check_lanes(values: Mapping[str, Any]) -> None:
    """Long queries must leave a query process to light ones (unless there is only one)."""
    workers, slots = values["QUERY_WORKERS"], values["QUERY_LONG_SLOTS"]
    if slots >= workers and not slots == workers == 1:
        raise ConfigError(
            f"QUERY_LONG_SLOTS must be less than QUERY_WORKERS, so that light queries keep a "
            f"query process of their own: not {slots!r} with QUERY_WORKERS={workers!r}"
        )


def load(environ: Mapping[str, str], overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """Defaults, then the environment, then ``overrides`` (a test's mapping), checked."""
    values = {name: setting.default for name, setting in SETTINGS.items()}
    values.update(from_environment(environ))
    values.update(overrides or {})
    values.update(absolute_paths(values))
    values["SERVICE_ALLOWLIST"] = tuple(values["SERVICE_ALLOWLIST"])
    check(values)
    return values


#: Settings that name a folder: relative ones are read against the working directory.
PATHS = tuple(name for name, setting in SETTINGS.items() if setting.read is Path)


def absolute_paths(values: Mapping[str, Any]) -> dict[str, Path]:
    """Folders as absolute paths, resolved once against the working directory at start.

    Flask resolves a relative path it sends against the package folder, and a process may
    change folder later: a relative ``./var`` must mean the folder the server started in.
    """
    return {name: Path(values[name]).absolute() for name in PATHS if values[name] is not None}
