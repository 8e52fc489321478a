"""The last validation report of each record, kept so a publisher can share a link to it.

Every upload's report, accepted or refused, is written to ``{data_dir}/reports/{record}/``
(replacing the previous one atomically, file by file): ``report.json`` (the verdict, the
version published if any, the problems in French and English) and ``fr.html`` / ``en.html``
(the standalone page of the import report). The server serves them at ``{base}id/report/
{record}``. Reports live beside the versions, not in them: a refused upload changes no version.

A report stays small whatever the upload: at most ``Limits.problems`` problems (the others
counted in one last line), each quoting values up to ``problems.CLIP`` characters; a report
file is a few hundred kilobytes at most, so serving it costs little.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cls_kg.i18n import LANGUAGES, in_every_language

from .build import BuildResult
from .datadir import DataDir
from .errors import SourceError, SpreadsheetRefused
from .spreadsheet.importer import Imported
from .spreadsheet.limits import Limits
from .spreadsheet.problems import Cell, Problem, capped, make, more_problems
from .spreadsheet.report import to_html
from .validation import Report, Result

REPORT_JSON = "report.json"


def from_result(result: Result, source: str) -> Problem:
    """A SHACL result on RDF input, in the words of the import report."""
    what = {lang: result.message(lang) for lang in LANGUAGES}
    fix = in_every_language("upload.shacl.fix", focus=result.focus)
    return Problem(
        result.severity,
        Cell(source),
        result.shape,
        what,
        fix,
        result.value,
        result.focus,
        result.path,
    )


def problems_of_report(report: Report, source: str) -> tuple[Problem, ...]:
    """The results of a SHACL report as problems of the file handed in: the first ones, and a
    line that counts the others."""
    limit = Limits.from_environment().problems
    listed = capped([from_result(result, source) for result in report.results[:limit]], limit)
    unlisted = report.results[limit:]
    if not unlisted:
        return listed
    errors = sum(1 for result in unlisted if result.severity == "Violation")
    return (*listed, more_problems(source, len(unlisted), errors, limit))


def problems_of_error(error: SourceError, source: str) -> tuple[Problem, ...]:
    """A file that cannot be read: one violation, at its line when the parser knows it (at the
    sheet, in the publisher's words, when a sheet is refused)."""
    if isinstance(error, SpreadsheetRefused):
        cell = Cell(error.sheet, row=error.line)
        return (make(error.key, cell, "Violation", None, error.values),)
    what = {lang: error.reason for lang in LANGUAGES}
    fix = in_every_language("upload.unreadable.fix")
    return (Problem("Violation", Cell(source, row=error.line), "upload:unreadable", what, fix),)


def write_atomically(path: Path, text: str) -> None:
    """Readers see the old file or the new one, never half of one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def report_body(
    record: str, source: str, imported: Imported, result: BuildResult | None
) -> dict[str, Any]:
    """The report as JSON: verdict, version, problems in each language."""
    return {
        "record": record,
        "file": source,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "conforms": imported.conforms,
        "published": result is not None,
        "version": result.version if result else None,
        "summary": imported.summary(),
        "problems": {lang: [p.as_dict(lang) for p in imported.problems] for lang in LANGUAGES},
    }


def save_report(
    data_dir: Path, record: str, source: str, imported: Imported, result: BuildResult | None
) -> Path:
    """Keep this upload's report as the record's last one."""
    imported = Imported(
        imported.graph, capped(imported.problems, Limits.from_environment().problems)
    )
    folder = DataDir(data_dir).report(record)
    folder.mkdir(parents=True, exist_ok=True)
    for lang in LANGUAGES:
        write_atomically(folder / f"{lang}.html", to_html(imported, lang, source))
    body = report_body(record, source, imported, result)
    write_atomically(folder / REPORT_JSON, json.dumps(body, ensure_ascii=False, indent=2))
    return folder


def load_report(data_dir: Path, record: str) -> dict[str, Any] | None:
    """The last report of a record, if any."""
    path = DataDir(data_dir).report(record) / REPORT_JSON
    if not path.exists():
        return None
    body: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return body
