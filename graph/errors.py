"""One exception hierarchy for the data side; the server maps it to HTTP in one place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ClsKgError(Exception):
    """Base class of every error the project raises on purpose."""


@dataclass
class SourceError(ClsKgError):
    """An input file cannot be read or parsed; names the file and, when known, the line."""

    path: Path
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        return f"{where}: {self.reason}"


class ConfigError(ClsKgError):
    """A setting has an unusable value."""


class StoreError(ClsKgError):
    """The store cannot be opened or queried."""


class NoBuildError(StoreError):
    """No validated build exists yet in the data directory."""


class StoreUnavailable(StoreError):
    """The remote store cannot be reached, or refuses us; ``detail`` says how (a 503 to clients).

    Transient by nature: the next request tries again, so the service recovers by itself.
    """

    key = "store-unavailable"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail


class NoPublication(NoBuildError):
    """The remote store holds no version pushed by ``cls-kg publish``."""

    key = "no-publication"


class PublishError(StoreError):
    """A version cannot be pushed to (or switched back in) a remote store; nothing switched."""


# --- Refusals and failures of the query service (server/core/errors.py maps each to HTTP) ---------


class QueryError(StoreError):
    """A query the store cannot answer as asked; ``detail`` says why, ``key`` names the message."""

    key = "query-error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail


class QuerySyntaxError(QueryError):
    """The query does not parse; ``detail`` is the parser's own message."""

    key = "syntax"

    def __str__(self) -> str:
        return f"SPARQL syntax error: {self.detail}"


class QueryEvaluationError(QueryError):
    """The engine failed while evaluating a query that parsed."""

    key = "evaluation"


class NotAcceptable(QueryError):
    """No format the client accepts fits this kind of result; ``detail`` is the kind."""

    key = "not-acceptable"


class QueryTimeout(QueryError):
    """The query ran past its deadline and was stopped; ``detail`` is the deadline in seconds."""

    key = "timeout"


class StoreBusy(QueryError):
    """Every query worker stayed busy for the whole deadline."""

    key = "busy"


class MemoryLimitExceeded(QueryError):
    """The query needed more memory than a query process may take; ``detail`` is the cap (MiB)."""

    key = "memory-limit"


class ResultTooLarge(QueryError):
    """Not even the first row of the result fits the byte limit; ``detail`` is the limit."""

    key = "result-too-large"


class RequestRefused(ClsKgError):
    """The service will not run a request; ``key`` names the reason, ``detail`` the specifics.

    The refusals of HTTP requests alone (protocol, policy, rate limit, admin token) are its
    subclasses in ``server/core/errors.py``; here are those the data side raises itself.
    """

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(key, detail)
        self.key = key
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.key}: {self.detail}" if self.detail else self.key


class ReferenceDataError(ClsKgError):
    """The reference data cannot be refreshed: npm failed, or the package is not as expected."""


# --- Spreadsheets (graph/spreadsheet/) -------------------------------------------------------


class SpreadsheetUnreadable(SourceError):
    """A spreadsheet (XLSX, folder or zip of CSV files) cannot be opened or decoded."""


class SpreadsheetRefused(SpreadsheetUnreadable):
    """A sheet that is read no further: beyond an upload's limits, or broken. ``key`` names
    the problem's message (``spreadsheet/messages.py``), ``values`` fill it."""

    def __init__(
        self,
        path: Path,
        sheet: str,
        key: str,
        reason: str,
        line: int | None = None,
        **values: object,
    ) -> None:
        super().__init__(path, reason, line)
        self.sheet, self.key, self.values = sheet, key, values


class CellError(ClsKgError):
    """A cell's text is not what its column expects; ``key`` names the message to show."""

    def __init__(self, key: str, value: str, **values: object) -> None:
        super().__init__(f"{key}: {value}")
        self.key = key
        self.value = value
        self.values = values


class UnknownContract(ClsKgError):
    """A contract asked for by the export is not in the records."""


# --- Publication through the admin API (graph/ingest.py, graph/history.py) -----------------


class VersionNotFound(ClsKgError):
    """No kept version has this id (only the last few versions are kept)."""

    key = "version-not-found"

    def __init__(self, version: str) -> None:
        super().__init__(version)
        self.detail = version


class UploadRefused(RequestRefused):
    """An upload that cannot even be looked at: no file, unknown kind, too large unpacked
    (``ingest.check_upload`` refuses it, whoever hands the upload in)."""

    def __init__(self, detail: str) -> None:
        super().__init__("upload-refused", detail)


class FederationError(RequestRefused):
    """A SERVICE block cannot be run remotely: endpoint failed, too many rows, nesting."""
