"""The work one spreadsheet may cost an import: rows, columns and filled cells read, problems
listed in its report. A filled template of a territory has tens of rows per sheet and about
twenty columns (the largest regional records: 144 rows); the defaults leave more than ten
times that, and stop a file that declares a million rows or sixteen thousand columns before
reading costs a second.

Read from ``CLS_KG_UPLOAD_MAX_*`` variables (the server's settings, ``server/core/config.py``; the
environment reaches the ingest wherever it runs), else the defaults.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

ENV_PREFIX = "CLS_KG_UPLOAD_MAX_"


@dataclass(frozen=True)
class Limits:
    """Per sheet: rows below the header, columns read; per file: filled cells; per report:
    problems listed (the others are counted in one last line)."""

    rows: int = 2_000
    columns: int = 100
    cells: int = 100_000
    problems: int = 200

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The limits the ``CLS_KG_UPLOAD_MAX_<NAME>`` variables set, defaults for the others."""
        environ = os.environ if environ is None else environ
        names = {f.name: ENV_PREFIX + f.name.upper() for f in fields(cls)}
        return cls(**{name: int(environ[var]) for name, var in names.items() if var in environ})
