"""Cell codecs: how the text of a cell becomes RDF terms, and back, one codec per column kind.

Parsing raises ``CellError`` with the key of the message to show; the caller places it at
the cell. Rendering is the exact inverse on the values the template covers, which is what
makes the round trip of the seed records exact.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..errors import CellError
from ..reference.rdf import UNIT_PATHS
from .identifiers import DATA, fold, iri, is_identifier, keys_of, slug, strip_kind
from .layout import SEPARATOR, Column
from .vocabulary import vocabularies

LANGUAGE_BASE = "http://id.loc.gov/vocabulary/iso639-1/"
UNIT_FOLDERS = tuple(sorted(set(UNIT_PATHS.values())))
UNIT = re.compile(rf"^({'|'.join(map(re.escape, UNIT_FOLDERS))})/([0-9A-Za-z]+)$")
YES = frozenset({"oui", "o", "yes", "y", "vrai", "true", "x", "1"})
NO = frozenset({"non", "n", "no", "faux", "false", "0"})

Parse = Callable[[str, Column], Node]
Render = Callable[[Node, Column], str | None]


@dataclass(frozen=True)
class Codec:
    """Read one value from text, write one value as text; ``numeric`` cells hold numbers."""

    parse: Parse
    render: Render
    numeric: bool = False


# --- Dates and numbers ----------------------------------------------------------------------

#: Accepted spellings of a date: pattern -> (datatype, how to build the lexical form).
DATE_FORMATS: tuple[tuple[re.Pattern[str], URIRef, str], ...] = (
    (re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})$"), XSD.date, "{y}-{m}-{d}"),
    (re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$"), XSD.date, "{y}-{m}-{d}"),
    (re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})$"), XSD.gYearMonth, "{y}-{m}"),
    (re.compile(r"^(?P<m>\d{1,2})/(?P<y>\d{4})$"), XSD.gYearMonth, "{y}-{m}"),
    (re.compile(r"^(?P<y>\d{4})$"), XSD.gYear, "{y}"),
)


def calendar(text: str, allowed: Iterable[URIRef], key: str) -> Literal:
    """A date, month or year literal, whichever of the ``allowed`` datatypes the text spells."""
    for pattern, datatype, shape in DATE_FORMATS:
        found = pattern.match(text)
        if found and datatype in allowed:
            parts = {k: v.zfill(2) for k, v in found.groupdict().items()}
            if _real(parts):
                return Literal(shape.format(**parts), datatype=datatype)
    raise CellError(key, text)


def _real(parts: dict[str, str]) -> bool:
    """True when the day and month exist (31/02 does not)."""
    try:
        dt.date(int(parts["y"]), int(parts.get("m", "1")), int(parts.get("d", "1")))
    except ValueError:
        return False
    return True


def parse_year(text: str, column: Column) -> Node:
    """A period bound: a year or a full date."""
    return calendar(text, (XSD.gYear, XSD.date), "bad-year")


def parse_date(text: str, column: Column) -> Node:
    """A date, a month or a year."""
    return calendar(text, (XSD.date, XSD.gYearMonth, XSD.gYear), "bad-date")


def whole(text: str, minimum: int, key: str) -> int:
    """A whole number of at least ``minimum``; spaces between thousands are allowed."""
    digits = re.sub(r"[\s\u00a0\u202f]", "", text)
    if not digits.isdigit() or int(digits) < minimum:
        raise CellError(key, text)
    return int(digits)


def parse_count(text: str, column: Column) -> Node:
    """A declared figure: a non-negative integer."""
    return Literal(str(whole(text, 0, "bad-count")), datatype=XSD.nonNegativeInteger)


def parse_decimal(text: str, column: Column) -> Node:
    """An announced figure: a non-negative decimal (comma or point; spaces between thousands)."""
    digits = re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".")
    if not re.fullmatch(r"\d+(?:\.\d+)?", digits):
        raise CellError("bad-decimal", text)
    return Literal(digits, datatype=XSD.decimal)


def parse_rank(text: str, column: Column) -> Node:
    """A generation or a position: a positive integer."""
    return Literal(str(whole(text, 1, "bad-rank")), datatype=XSD.positiveInteger)


def parse_siren(text: str, column: Column) -> Node:
    """A SIREN number: 9 digits, kept as a string like Wikidata's P1616."""
    digits = re.sub(r"[\s\u00a0\u202f]", "", text)
    if not (digits.isdigit() and len(digits) == 9):
        raise CellError("bad-siren", text)
    return Literal(digits)


# --- Text -----------------------------------------------------------------------------------


def parse_text(text: str, column: Column) -> Node:
    """Free text in the column's language (none for codes and addresses)."""
    return Literal(text, lang=column.lang)


def render_text(node: Node, column: Column) -> str | None:
    """The literals of the column's language only."""
    if isinstance(node, Literal) and node.language == column.lang and node.datatype is None:
        return str(node)
    return None


def render_literal(node: Node, column: Column) -> str | None:
    """The lexical form of a typed literal."""
    return str(node) if isinstance(node, Literal) else None


def parse_yesno(text: str, column: Column) -> Node:
    """oui / non (and the usual variants) as a boolean."""
    answer = fold(text)
    if answer not in YES | NO:
        raise CellError("bad-yesno", text)
    return Literal(answer in YES)


def render_yesno(node: Node, column: Column) -> str | None:
    """A boolean as oui / non."""
    return "oui" if isinstance(node, Literal) and node.toPython() is True else "non"


# --- Controlled values and references -------------------------------------------------------


def parse_concept(text: str, column: Column) -> Node:
    """A concept of the column's list, by label, alternative label or notation."""
    assert column.vocabulary is not None
    words = vocabularies()[column.vocabulary]
    found = words.find(text)
    if found is None:
        suggestions = words.suggest(text)
        key = "unknown-value" if suggestions else "unknown-value-far"
        raise CellError(key, text, list=words.spec.title, suggestions=suggestions)
    return found


def render_concept(node: Node, column: Column) -> str | None:
    """A concept by the label the Listes sheet shows."""
    assert column.vocabulary is not None
    return vocabularies()[column.vocabulary].label(node) or str(node)


def parse_source(text: str, column: Column) -> Node:
    """A source: an identifier (source/{id}), a path under the data base, or a full IRI."""
    if re.match(r"^https?://\S+$", text):
        return URIRef(text)
    if is_identifier(text):
        return iri("source", source=text)
    if re.match(r"^[a-z0-9][a-z0-9_/-]*[a-z0-9]$", text) and "//" not in text:
        return URIRef(DATA + text)
    raise CellError("bad-reference", text)


def render_source(node: Node, column: Column) -> str | None:
    """The shortest text that ``parse_source`` reads back as the same IRI."""
    keys = keys_of("source", node)
    if keys and is_identifier(keys["source"]):
        return keys["source"]
    return str(node)[len(DATA) :] if str(node).startswith(DATA) else str(node)


def parse_unit(text: str, column: Column) -> Node:
    """An official unit: kind/code, e.g. commune/25056."""
    if not UNIT.match(text.strip().lower()):
        raise CellError("bad-unit", text, kinds=[f"{folder}/…" for folder in UNIT_FOLDERS])
    kind, code = text.strip().split("/")
    return URIRef(f"{DATA}{kind.lower()}/{code.upper()}")


def render_unit(node: Node, column: Column) -> str | None:
    """A unit IRI as kind/code."""
    return str(node)[len(DATA) :] if str(node).startswith(DATA) else str(node)


def parse_language(text: str, column: Column) -> Node:
    """A two- or three-letter language code as its Library of Congress IRI."""
    code = text.strip().lower()
    if not re.match(r"^[a-z]{2,3}$", code):
        raise CellError("bad-language", text)
    return URIRef(LANGUAGE_BASE + code)


def render_language(node: Node, column: Column) -> str | None:
    """A language IRI as its code."""
    return str(node).removeprefix(LANGUAGE_BASE)


def parse_identifier(text: str, column: Column) -> Node:
    """An identifier that makes an IRI (a full IRI of the right kind is accepted)."""
    bare = strip_kind(column.target, text) if column.target else text
    if not is_identifier(bare):
        raise CellError("bad-identifier", text, suggestion=slug(text) or "mon-identifiant")
    return Literal(bare)


def parse_reference(text: str, column: Column) -> Node:
    """A reference to another row or to published data, resolved when the graph is built."""
    return Literal(strip_kind(column.target, text) if column.target else text)


CODECS: dict[str, Codec] = {
    "text": Codec(parse_text, render_text),
    "lines": Codec(parse_text, render_text),
    "rank": Codec(parse_rank, render_literal, numeric=True),
    "count": Codec(parse_count, render_literal, numeric=True),
    "decimal": Codec(parse_decimal, render_literal),
    "year": Codec(parse_year, render_literal, numeric=True),
    "date": Codec(parse_date, render_literal),
    "siren": Codec(parse_siren, render_literal),
    "yesno": Codec(parse_yesno, render_yesno),
    "concept": Codec(parse_concept, render_concept),
    "sources": Codec(parse_source, render_source),
    "units": Codec(parse_unit, render_unit),
    "language": Codec(parse_language, render_language),
    "identifier": Codec(parse_identifier, render_literal),
    "reference": Codec(parse_reference, render_literal),
}


def by_separator(text: str) -> list[str]:
    """Values separated by ";"."""
    return text.split(SEPARATOR)


def by_line(text: str) -> list[str]:
    """Values one per line."""
    return text.splitlines()


#: How several values share a cell: remarks one per line, everything else separated by ";".
SPLITTERS: dict[str, Callable[[str], list[str]]] = {"lines": by_line}
JOINERS: dict[str, str] = {"lines": "\n"}


def split(text: str, column: Column) -> list[str]:
    """The values written in one cell."""
    if not column.multi:
        return [text]
    splitter = SPLITTERS.get(column.kind, by_separator)
    return [part.strip() for part in splitter(text) if part.strip()]


def parse_cell(text: str, column: Column) -> list[Node]:
    """Every value of a cell; raises CellError on the first one that cannot be read."""
    if column.kind == "concept" and not column.multi and SEPARATOR in text:
        raise CellError("single-value", text)
    codec = CODECS[column.kind]
    return [codec.parse(part, column) for part in split(text, column)]


def render_cell(nodes: Iterable[Node], column: Column) -> str:
    """The text of a cell for the given values, in a stable order."""
    codec = CODECS[column.kind]
    shown = sorted(t for t in (codec.render(n, column) for n in nodes) if t is not None)
    joiner = JOINERS.get(column.kind, f"{SEPARATOR} ")
    return joiner.join(shown if column.multi else shown[:1])
