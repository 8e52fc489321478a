"""The one translation catalogue (i18n/): complete, consistent, and used by the source.

Every message has a French and an English text with the same placeholders; every key the
source names exists; every key is named somewhere in the source: in full, by the name the
service passes around (an error's code, a template's ``t("name")``), as a rule id
``area:name``, or by the start or end a key is built from (``"count-" ~ name``,
``name ~ "-title"``, ``f"search-kind-{kind}"``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from string import Formatter

import pytest

from cls_kg.i18n import DEFAULT, LANGUAGES, catalogue, known, say

from .support.paths import REPO

SOURCES = ("cli", "graph", "server")
#: Templates name ``web`` keys without the area.
TEMPLATE_AREA = "web"
TEMPLATE_KEY = re.compile(r"""\bt\(\s*["']([^"']+)["']\s*([~,)])""")
TEMPLATE_END = re.compile(r"""\bt\(\s*[\w.]+\s*~\s*["']([^"']+)["']\s*\)""")
TEMPLATE_STRING = re.compile(r"""["']([A-Za-z][\w.:-]*)["']""")
#: Callables of these modules that receive one area's ``say`` as a parameter.
BOUND_PARAMETERS: dict[str, dict[str, str]] = {
    "server/pages/maps.py": {"say": "web"},
    "server/pages/charts.py": {"say": "web"},
    "server/pages/sections.py": {"say": "web"},
    "graph/consistency.py": {"words": "consistency"},
}
#: The catalogue's functions whose first argument is a full key.
FULL_KEY_CALLS = {"say", "in_every_language", "known"}
#: A key built from a variable joins its parts with this: "count-" ~ name, name ~ "-title".
JOINT = "-"

#: Where a named key is: (file, text, kind), kind "key", "start" or "end".
Named = tuple[str, str, str]


def python_files() -> Iterator[Path]:
    """The project's Python sources (the catalogue's own package aside)."""
    for folder in SOURCES:
        yield from sorted((REPO / folder).rglob("*.py"))


def templates() -> Iterator[Path]:
    """The page templates."""
    yield from sorted((REPO / "server" / "templates").rglob("*.html"))


def placeholders(text: str) -> list[tuple[str, str, str]]:
    """The fields of a format string, with their conversion and format spec, sorted."""
    fields = Formatter().parse(text)
    return sorted(
        (name, conv or "", spec or "") for _, name, spec, conv in fields if name is not None
    )


def callee(node: ast.Call) -> str | None:
    """The plain name a call calls, if it is one."""
    return node.func.id if isinstance(node.func, ast.Name) else None


def parts_of(arg: ast.expr) -> tuple[str, str] | None:
    """A string expression as (kind, text): a constant key, or how a built one starts or ends."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return "key", arg.value
    pieces = arg.values if isinstance(arg, ast.JoinedStr) else []
    if isinstance(arg, ast.BinOp):
        pieces = [arg.left, arg.right]
    if pieces and isinstance(pieces[0], ast.Constant):
        return "start", str(pieces[0].value)
    if pieces and isinstance(pieces[-1], ast.Constant):
        return "end", str(pieces[-1].value)
    return None


def bound_names(tree: ast.Module, path: str) -> dict[str, str]:
    """Names bound to one area in a module: ``words = translator("consistency", lang)``."""
    bound = dict(BOUND_PARAMETERS.get(path, {}))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            call = node.value
            area = parts_of(call.args[0]) if call.args else None
            if callee(call) == "translator" and area and area[0] == "key":
                bound.update({t.id: area[1] for t in node.targets if isinstance(t, ast.Name)})
    return bound


def python_named(file: Path) -> Iterator[Named]:
    """The keys one Python module passes to ``say`` and its kin."""
    path = file.relative_to(REPO).as_posix()
    tree = ast.parse(file.read_text(encoding="utf-8"))
    bound = bound_names(tree, path)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args or (name := callee(node)) is None:
            continue
        parts = parts_of(node.args[0])
        if parts is None:
            continue
        kind, text = parts
        if name in bound:
            yield path, (f"{bound[name]}." if kind != "end" else "") + text, kind
        elif name in FULL_KEY_CALLS:
            yield path, text, kind


def template_named(file: Path) -> Iterator[Named]:
    """The keys one template passes to ``t``."""
    path = file.relative_to(REPO).as_posix()
    text = file.read_text(encoding="utf-8")
    for match in TEMPLATE_KEY.finditer(text):
        kind = "start" if match.group(2) == "~" else "key"
        yield path, f"{TEMPLATE_AREA}.{match.group(1)}", kind
    for match in TEMPLATE_END.finditer(text):
        yield path, match.group(1), "end"


def named_keys() -> list[Named]:
    """Every key the source names in a call."""
    found = [n for file in python_files() for n in python_named(file)]
    return found + [n for file in templates() for n in template_named(file)]


def matches(key: str, text: str, kind: str) -> bool:
    """Whether a named key, start or end designates ``key``."""
    if kind == "start":
        return key.startswith(text)
    return key.endswith(text) if kind == "end" else key == text


def spelled() -> tuple[set[str], set[tuple[str, str]]]:
    """The strings of the source, and the starts and ends it builds keys from."""
    strings: set[str] = set()
    built: set[tuple[str, str]] = set()
    for file in python_files():
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.update({node.value, node.value.replace(":", ".", 1)})
            elif isinstance(node, ast.JoinedStr | ast.BinOp) and (parts := parts_of(node)):
                built.add(parts)
    for file in templates():
        text = file.read_text(encoding="utf-8")
        strings.update(TEMPLATE_STRING.findall(text))
        built.update((kind, key) for _, key, kind in template_named(file) if kind != "key")
    return strings, {(k, t) for k, t in built if t.endswith(JOINT) or t.startswith(JOINT)}


def is_spelled(key: str, strings: set[str], built: set[tuple[str, str]]) -> bool:
    """Whether the source names ``key``: in full, by its name in its area, or as built."""
    area, _, name = key.partition(".")
    name = name.removesuffix(".fix")  # how to fix a problem is said with the problem
    full = f"{area}.{name}"
    if full in strings or name in strings:
        return True
    return any(matches(full, t, kind) or matches(name, t, kind) for kind, t in built)


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_message_has_every_language_with_the_same_placeholders(key: str) -> None:
    texts = catalogue()[key]
    assert tuple(texts) == LANGUAGES
    assert all(text.strip() for text in texts.values())
    assert all(placeholders(text) == placeholders(texts[DEFAULT]) for text in texts.values())


def test_every_named_key_exists() -> None:
    named = named_keys()
    missing = [n for n in named if not any(matches(key, n[1], n[2]) for key in catalogue())]
    assert len(named) > 200 and not missing


def test_every_key_is_used() -> None:
    strings, built = spelled()
    unused = [key for key in catalogue() if not is_spelled(key, strings, built)]
    assert not unused


def test_say_fills_placeholders_and_falls_back_to_french() -> None:
    assert say("cli.none", "en") == "none"
    assert say("cli.serving", "fr", url="u") == "Point d'accès SPARQL : u"
    assert say("cli.none", "de") == say("cli.none", DEFAULT)
    assert known("web.http-404") and not known("web.http-418")
