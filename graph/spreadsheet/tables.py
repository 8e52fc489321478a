"""The template as plain tables (lists of text rows), whatever file format carries them:
the data sheets (empty, or filled by the export), the Notes sheet that explains every
column, and the Listes sheet of controlled values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .layout import LISTS, LISTS_SHEET, NOTES_SHEET, SEPARATOR, SHEETS, Sheet
from .problems import column_letter
from .vocabulary import vocabularies

Table = list[list[str]]

NOTES_HEADERS = [
    "Feuille",
    "Colonne",
    "En-tête",
    "Obligatoire",
    "Plusieurs valeurs",
    "Ce qu'il faut écrire",
    "Exemple",
]

GENERAL_NOTES: tuple[str, ...] = (
    "Ce classeur décrit un ou plusieurs contrats locaux de santé. Remplissez une ligne par "
    "élément sous la ligne d'en-têtes (ligne 1), sans changer les en-têtes.",
    f"Plusieurs valeurs dans une cellule : séparez-les par « {SEPARATOR} ». Plusieurs "
    "remarques : une par ligne dans la cellule (Alt+Entrée).",
    "Les valeurs des listes (thèmes, rôles, statuts…) sont dans la feuille Listes ; la casse "
    "et les accents ne comptent pas.",
    "Les identifiants font les adresses (IRI) des données publiées : ils ne doivent plus "
    "changer une fois publiés. Importer deux fois le même fichier donne les mêmes adresses.",
    "Commandes : cls-kg import FICHIER -o fiches.ttl convertit et valide ; "
    "cls-kg validate fiches.ttl revalide le Turtle produit.",
)


@dataclass
class Book:
    """The text of every data sheet: sheet name -> rows of column key -> text."""

    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def add(self, sheet: Sheet, row: Mapping[str, str]) -> None:
        """Append one row to a sheet."""
        self.rows.setdefault(sheet.name, []).append(dict(row))

    def table(self, sheet: Sheet) -> Table:
        """The sheet as a table: French headers, then the rows in column order."""
        body = [
            [row.get(c.key, "") for c in sheet.columns] for row in self.rows.get(sheet.name, [])
        ]
        return [[c.header for c in sheet.columns], *body]


def yes(flag: bool) -> str:
    """The Notes sheet's oui / (empty)."""
    return "oui" if flag else ""


def notes_table() -> Table:
    """The Notes sheet: general rules, then one row per sheet and per column."""
    table: Table = [NOTES_HEADERS]
    table.extend(["Général", "", "", "", "", note, ""] for note in GENERAL_NOTES)
    for sheet in SHEETS:
        table.append([sheet.name, "", "(feuille)", "", "", sheet.note, ""])
        for index, column in enumerate(sheet.columns, start=1):
            table.append(
                [
                    sheet.name,
                    column_letter(index),
                    column.header,
                    yes(column.required),
                    yes(column.multi),
                    column.note,
                    column.example,
                ]
            )
    return table


def lists_table() -> Table:
    """The Listes sheet: one column per controlled list, labels from the vocabularies."""
    columns = [[c.label for c in vocabularies()[spec.key].concepts] for spec in LISTS]
    depth = max(len(values) for values in columns)
    body = [[values[i] if i < len(values) else "" for values in columns] for i in range(depth)]
    return [[spec.title for spec in LISTS], *body]


def list_range(key: str) -> str:
    """The Listes cells holding one list, for a data validation: Listes!$A$2:$A$18."""
    index = next(i for i, spec in enumerate(LISTS, start=1) if spec.key == key)
    letter = column_letter(index)
    size = len(vocabularies()[key].concepts)
    return f"{LISTS_SHEET}!${letter}$2:${letter}${size + 1}"


def all_tables(book: Book) -> dict[str, Table]:
    """Every sheet of the workbook, in order: data sheets, Notes, Listes."""
    tables = {sheet.name: book.table(sheet) for sheet in SHEETS}
    return tables | {NOTES_SHEET: notes_table(), LISTS_SHEET: lists_table()}
