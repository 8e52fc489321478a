"""The example queries of the query page: ``examples/*.rq``, each with a bilingual header.

A header line is ``# title@fr: ...``, ``# title@en: ...``, ``# description@fr: ...`` or
``# description@en: ...``; the rest of the file is the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
HEADER = re.compile(r"#\s*(title|description)@(fr|en):\s*(.*)")


@dataclass(frozen=True)
class Example:
    """One example query: its name (file stem), texts per field and language, the query."""

    name: str
    texts: dict[tuple[str, str], str]
    query: str

    def title(self, lang: str) -> str:
        """The title in ``lang``."""
        return self.texts.get(("title", lang), self.name)

    def description(self, lang: str) -> str:
        """The description in ``lang``."""
        return self.texts.get(("description", lang), "")


def parse(path: Path) -> Example:
    """Read one example file: header lines become texts, the others the query."""
    texts: dict[tuple[str, str], str] = {}
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = HEADER.fullmatch(line.strip())
        if match:
            texts[(match.group(1), match.group(2))] = match.group(3).strip()
        else:
            lines.append(line)
    return Example(path.stem, texts, "\n".join(lines).strip() + "\n")


@cache
def examples() -> tuple[Example, ...]:
    """Every example, in file name order, read once."""
    return tuple(parse(path) for path in sorted(EXAMPLES_DIR.glob("*.rq")))


def find(name: str | None) -> Example | None:
    """The example called ``name``, if there is one."""
    return next((example for example in examples() if example.name == name), None)
