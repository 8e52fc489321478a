"""One catalogue of what the project says to people: French first, English available.

Why a package of its own (the folder ``i18n/``, installed as ``cls_kg.i18n``): the command line
(``cls_kg``), the graph (``cls_kg.graph``) and the service (``cls_kg.server``) all speak, and
the graph is the bottom layer, which imports neither of the others; so the words sit beside
them, importing nothing of the project, and each of the three reads them the same way.

One TOML file per area (``web.toml`` for the pages and refusals of the service, ``cli.toml``,
``problem.toml`` ...), read once. Each table is one message with its ``fr`` and ``en`` text;
its key is ``<area>.<table>``, and a sub-table adds a name (``problem.bad-year.fix``).
Placeholders are ``str.format`` fields, the same in both languages. ``tests/test_i18n.py``
checks that every message has both languages and the same placeholders, and that the source
uses every key and names no missing one.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from importlib.resources import files
from typing import Any

#: The languages of every message; the first is the default and the fallback.
LANGUAGES = ("fr", "en")
DEFAULT = LANGUAGES[0]


def flatten(prefix: str, table: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, str]]]:
    """The messages of a TOML table: its own texts, then those of its sub-tables."""
    texts = {name: value for name, value in table.items() if isinstance(value, str)}
    if texts:
        yield prefix, texts
    for name, value in table.items():
        if isinstance(value, dict):
            yield from flatten(f"{prefix}.{name}", value)


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every message, key -> language -> text, read from the area files once per process."""
    found: dict[str, dict[str, str]] = {}
    for resource in sorted(files(__package__).iterdir(), key=lambda r: r.name):
        if resource.name.endswith(".toml"):
            table = tomllib.loads(resource.read_text(encoding="utf-8"))
            found.update(flatten(resource.name.removesuffix(".toml"), table))
    return found


def known(key: str) -> bool:
    """Whether the catalogue has a message ``key`` (for keys built from a status or a name)."""
    return key in catalogue()


def say(key: str, lang: str, /, **values: object) -> str:
    """The message ``key`` in ``lang`` (French for a language it lacks), placeholders filled."""
    texts = catalogue()[key]
    return texts.get(lang, texts[DEFAULT]).format(**values)


def in_every_language(key: str, /, **values: object) -> dict[str, str]:
    """The message ``key`` in each language, for what is written once and read in either."""
    return {lang: say(key, lang, **values) for lang in LANGUAGES}


def translator(area: str, lang: str) -> Callable[..., str]:
    """``say`` for one area in one language: the ``t`` of the page templates."""
    return lambda key, **values: say(f"{area}.{key}", lang, **values)
