"""One exception hierarchy for the data side; the server maps it to HTTP in one place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .validation import Report


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


class ValidationFailed(ClsKgError):
    """The data violates the shapes: nothing is published."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"{report.count('Violation')} violation(s)")
        self.report = report


class ConfigError(ClsKgError):
    """A setting has an unusable value."""


class StoreError(ClsKgError):
    """The store cannot be opened or queried."""


class NoBuildError(StoreError):
    """No validated build exists yet in the data directory."""
