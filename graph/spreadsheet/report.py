"""The import report as text, JSON or a standalone HTML page, French first.

Every value that comes from the spreadsheet is escaped in the HTML page: a cell may hold
anything, including markup.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from importlib.resources import files
from string import Template

from cls_kg.i18n import say, translator

from .importer import Imported
from .problems import Problem

HTML_TEMPLATE = "report.html"


def summary(imported: Imported, lang: str) -> str:
    """One line: how many errors, warnings and infos."""
    return say("import.summary", lang, **imported.summary())


def verdict(imported: Imported, lang: str) -> str:
    """Whether the records were written."""
    return say("import.ok" if imported.conforms else "import.refused", lang)


def text_block(problem: Problem, lang: str) -> list[str]:
    """One problem as a few lines: severity, where, what, how to fix."""
    words = translator("import", lang)
    lines = [f"\n[{words(problem.severity)}] {problem.where(lang)}", f"  {problem.what[lang]}"]
    lines.append(f"  {words('fix')} {problem.fix[lang]}")
    if problem.value and not problem.rule.startswith("spreadsheet:"):
        lines.append(f"  {words('value')} {problem.value}")
    return lines


def to_text(imported: Imported, lang: str = "fr") -> str:
    """The report a person reads in a terminal."""
    lines = [summary(imported, lang), verdict(imported, lang)]
    for problem in imported.problems:
        lines.extend(text_block(problem, lang))
    return "\n".join(lines)


def to_json(imported: Imported, lang: str = "fr") -> str:
    """The report for tools: location, texts in ``lang`` and technical details per problem."""
    body = {
        "conforms": imported.conforms,
        "summary": imported.summary(),
        "problems": [problem.as_dict(lang) for problem in imported.problems],
    }
    return json.dumps(body, ensure_ascii=False, indent=2)


def html_row(problem: Problem, lang: str) -> str:
    """One table row of the HTML report, every text escaped."""
    cells = (
        say(f"import.{problem.severity}", lang),
        problem.where(lang),
        problem.what[lang],
        problem.fix[lang],
    )
    body = "".join(f"<td>{html.escape(text)}</td>" for text in cells)
    return f'<tr class="{problem.severity.lower()}">{body}</tr>'


def to_html(imported: Imported, lang: str = "fr", source: str = "") -> str:
    """A standalone HTML page (styles inline, nothing fetched) a publisher can keep or share."""
    words = translator("import", lang)
    page = Template(files(__package__).joinpath(HTML_TEMPLATE).read_text(encoding="utf-8"))
    return page.substitute(
        lang=lang,
        title=html.escape(words("title")),
        file_label=html.escape(words("file")),
        file=html.escape(source),
        summary=html.escape(summary(imported, lang)),
        verdict=html.escape(verdict(imported, lang)),
        verdict_class="ok" if imported.conforms else "refused",
        severity=html.escape(words("severity")),
        where=html.escape(words("where")),
        what=html.escape(words("what")),
        how=html.escape(words("how")),
        rows="\n".join(html_row(problem, lang) for problem in imported.problems),
    )


#: Report format -> renderer.
FORMATS: dict[str, Callable[[Imported, str, str], str]] = {
    "text": lambda imported, lang, source: to_text(imported, lang),
    "json": lambda imported, lang, source: to_json(imported, lang),
    "html": to_html,
}


def render(imported: Imported, fmt: str, lang: str, source: str = "") -> str:
    """The report in the asked format."""
    return FORMATS[fmt](imported, lang, source)
