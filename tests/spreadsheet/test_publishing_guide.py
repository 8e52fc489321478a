"""docs/PUBLISHING.md, the publishers' guide, follows the template: every sheet, column and
list value, and the commands it shows exist."""

from __future__ import annotations

import argparse
import re

import pytest

from cls_kg.cli import make_parser
from cls_kg.graph.spreadsheet.layout import SHEETS, Sheet
from cls_kg.graph.spreadsheet.vocabulary import vocabularies

from ..support.paths import REPO

GUIDE = (REPO / "docs" / "PUBLISHING.md").read_text(encoding="utf-8")


def section(sheet: Sheet) -> str:
    """The guide's section about one sheet."""
    start = GUIDE.index(f"### Feuille « {sheet.name} »")
    end = GUIDE.find("\n### ", start + 1)
    return GUIDE[start:end]


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda s: s.name)
def test_every_column_is_explained(sheet: Sheet) -> None:
    text = section(sheet)
    for column in sheet.columns:
        assert f"| {column.header} |" in text, column.header
        assert column.note in text, column.header


def test_every_list_value_is_given() -> None:
    for words in vocabularies().values():
        for concept in words.concepts:
            assert concept.label in " ".join(GUIDE.split()), concept.label


def test_commands_shown_exist() -> None:
    shown = set(re.findall(r"^cls-kg (\w+)", GUIDE, re.MULTILINE))
    assert shown >= {"template", "import", "export", "validate"}
    subcommands = next(
        a for a in make_parser()._actions if isinstance(a, argparse._SubParsersAction)
    )
    assert shown <= set(subcommands.choices)
