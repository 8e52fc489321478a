"""The one translation catalogue (i18n/): complete, consistent, and used by the source.

Every message has a French and an English text with the same placeholders; every key the
source names exists, and every key is named somewhere in the source (in full, by the name the
service passes around, as a rule id ``area:name``, or by a prefix a key is built from).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from string import Formatter

import pytest

from cls_kg.i18n import DEFAULT, LANGUAGES, catalogue, known, say

from .conftest import REPO

SOURCES = ("cli", "graph", "server", "i18n")
#: Templates name ``web`` keys without the area: ``t("landing-title")``, ``t("count-" ~ name)``.
TEMPLATE_AREA = "web"
TEMPLATE_CALL = re.compile(r"""\bt\(\s*["']([^"']+)["']\s*(~)?""")
TEMPLATE_STRING = re.compile(r"""["']([A-Za-z][\w.:-]*)["']""")
#: Callables of these modules that receive a bound area as a parameter (not assigned there).
BOUND_PARAMETERS: dict[str, dict[str, str]] = {
    "server/pages/maps.py": {"say": "web"},
    "server/pages/charts.py": {"say": "web"},
    "server/pages/sections.py": {"say": "web"},
    "graph/consistency.py": {"words": "consistency"},
}
#: The catalogue's functions whose first argument is a full key.
FULL_KEY_CALLS = {"say", "in_every_language", "known"}


def python_files() -> Iterator[Path]:
    """The project's Python sources."""
    for folder in SOURCES:
        yield from sorted((REPO / folder).rglob("*.py"))


def templates() -> Iterator[Path]:
    """The page templates (and the standalone report page)."""
    yield from sorted((REPO / "server" / "templates").rglob("*.html"))


def placeholders(text: str) -> list[tuple[str, str, str]]:
    """The fields of a format string, with their conversion and format spec, sorted."""
    parsed = Formatter().parse(text)
    return sorted(
        (name, conversion or "", spec or "")
        for _, name, spec, conversion in parsed
        if name is not None
    )


def callee(node: ast.Call) -> str | None:
    """The plain name a call calls, if it is one."""
    return node.func.id if isinstance(node.func, ast.Name) else None


def first_text(node: ast.Call) -> tuple[str, bool] | None:
    """The call's first argument as (text, is_prefix): a constant, or an f-string's start."""
    if not node.args:
        return None
    arg = node.args[0]
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value, False
    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        return str(arg.values[0].value), True
    if isinstance(arg, ast.BinOp) and isinstance(arg.left, ast.Constant):
        return str(arg.left.value), True
    return None


def bound_names(tree: ast.Module, path: str) -> dict[str, str]:
    """Names bound to one area in a module: ``words = translator("consistency", lang)``."""
    bound = dict(BOUND_PARAMETERS.get(path, {}))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        call = node.value
        if callee(call) == "translator" and len(call.args) == 2:
            area = first_text(call)
            for target in node.targets:
                if area and not area[1] and isinstance(target, ast.Name):
                    bound[target.id] = area[0]
    return bound


def named_keys() -> list[tuple[str, str, bool]]:
    """Every key the source names in a call: (where, key or prefix, is_prefix)."""
    found: list[tuple[str, str, bool]] = []
    for file in python_files():
        path = file.relative_to(REPO).as_posix()
        tree = ast.parse(file.read_text(encoding="utf-8"))
        bound = bound_names(tree, path)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or (name := callee(node)) is None:
                continue
            text = first_text(node)
            if text is None:
                continue
            if name in bound:
                found.append((path, f"{bound[name]}.{text[0]}", text[1]))
            elif name in FULL_KEY_CALLS:
                found.append((path, *text))
    for file in templates():
        path = file.relative_to(REPO).as_posix()
        for match in TEMPLATE_CALL.finditer(file.read_text(encoding="utf-8")):
            found.append((path, f"{TEMPLATE_AREA}.{match.group(1)}", bool(match.group(2))))
    return found


def spelled() -> tuple[set[str], set[str]]:
    """The strings of the source, and the prefixes it builds strings from."""
    strings: set[str] = set()
    prefixes: set[str] = set()
    for file in python_files():
        if file.parent.name == "i18n":
            continue
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.update({node.value, node.value.replace(":", ".", 1)})
            elif isinstance(node, ast.JoinedStr | ast.BinOp) and (
                start := first_text(ast.Call(func=ast.Name("f"), args=[node], keywords=[]))
            ):
                prefixes.add(start[0])
    for file in templates():
        text = file.read_text(encoding="utf-8")
        strings.update(TEMPLATE_STRING.findall(text))
        prefixes.update(m.group(1) for m in TEMPLATE_CALL.finditer(text) if m.group(2))
    return strings, prefixes


def is_spelled(key: str, strings: set[str], prefixes: set[str]) -> bool:
    """Whether the source names ``key``: in full, by its name in its area, or by a prefix."""
    area, _, name = key.partition(".")
    name = name.removesuffix(".fix")  # how to fix a problem is said with the problem
    full = f"{area}.{name}"
    if full in strings or name in strings:
        return True
    areas = {f"{k.partition('.')[0]}." for k in catalogue()}
    useful = {p for p in prefixes if p and p not in areas}  # f"web.{key}" names no key
    return any(full.startswith(p) or name.startswith(p) for p in useful)


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_message_has_every_language_with_the_same_placeholders(key: str) -> None:
    texts = catalogue()[key]
    assert tuple(texts) == LANGUAGES
    assert all(text.strip() for text in texts.values())
    assert placeholders(texts["en"]) == placeholders(texts[DEFAULT])


def test_every_named_key_exists() -> None:
    keys = catalogue()
    missing = [
        (where, key)
        for where, key, is_prefix in named_keys()
        if not (any(k.startswith(key) for k in keys) if is_prefix else key in keys)
    ]
    assert named_keys() and not missing


def test_every_key_is_used() -> None:
    strings, prefixes = spelled()
    unused = [key for key in catalogue() if not is_spelled(key, strings, prefixes)]
    assert not unused


def test_say_fills_placeholders_and_falls_back_to_french() -> None:
    assert say("cli.none", "en") == "none"
    assert say("cli.serving", "fr", url="u") == "Point d'accès SPARQL : u"
    assert say("cli.none", "de") == say("cli.none", DEFAULT)
    assert known("web.http-404") and not known("web.http-418")
