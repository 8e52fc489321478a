"""A lexical scan of SPARQL text (SPARQL 1.1 Query, section 19.8 "Grammar", terminals).

Some decisions need a query's keywords but not its full parse: does it name its own dataset
(``FROM``), is it an update sent as a query? Parsing with rdflib takes milliseconds; this scan
takes microseconds. It tells keywords from the same words inside strings, IRIs, comments,
variables and prefixed names. It is never the only guard of anything that matters for safety.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

_NAME_CHAR = r"[\w\-.\u00B7\u00C0-\U000EFFFF]"
_TOKEN = re.compile(
    "|".join(
        (
            r"(?P<comment>#[^\n\r]*)",
            r'(?P<string>"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""'
            r"|'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''"
            r'|"(?:[^"\\\n\r]|\\.)*"'
            r"|'(?:[^'\\\n\r]|\\.)*')",
            r'(?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)',
            r"(?P<var>[?$]" + _NAME_CHAR + "+)",
            r"(?P<bnode>_:" + _NAME_CHAR + "+)",
            r"(?P<pname>(?:[^\W\d_]" + _NAME_CHAR + r"*)?:(?:" + _NAME_CHAR + r"|:|%[0-9A-Fa-f]{2}"
            r"|\\[_~.\-!$&'()*+,;=/?#@%])*)",
            r"(?P<word>[A-Za-z]+)",
            r"(?P<other>\S)",
        )
    ),
    re.DOTALL,
)

#: Words that start an update operation (SPARQL 1.1 Update, section 3).
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)


#: Brackets that open and close a level of nesting (group, expression, blank node list).
OPENERS, CLOSERS = frozenset("{(["), frozenset("})]")


class Token(NamedTuple):
    """One terminal of the query text: its kind (a group name of ``_TOKEN``) and its text."""

    kind: str
    text: str


def tokens(query: str) -> Iterator[Token]:
    """The terminals of ``query`` in order, whitespace dropped."""
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup
        if kind is not None:
            yield Token(kind, match.group())


def keywords(query: str) -> Iterator[str]:
    """Upper-cased keywords, with a prefix used as keyword (``FROM:x`` is ``FROM :x``) included."""
    for token in tokens(query):
        if token.kind == "word":
            yield token.text.upper()
        elif token.kind == "pname" and not token.text.startswith(":"):
            yield token.text.split(":", 1)[0].upper()


def mentions(query: str, word: str) -> bool:
    """Whether ``word`` occurs at all, in any case: a microsecond test before any scan."""
    return word.lower() in query.lower()


def names_dataset(query: str) -> bool:
    """Whether the query chooses its own dataset with ``FROM`` or ``FROM NAMED``."""
    return mentions(query, "from") and "FROM" in keywords(query)


def first_keyword(query: str) -> str | None:
    """The first keyword after the prologue (BASE and PREFIX declarations), upper-cased."""
    prologue = {"BASE", "PREFIX"}
    for token in tokens(query):
        if token.kind == "word" and token.text.upper() not in prologue:
            return token.text.upper()
        if token.kind not in ("word", "iri", "pname", "comment"):
            return None
    return None


def looks_like_update(query: str) -> bool:
    """Whether the text is a SPARQL Update rather than a query."""
    return first_keyword(query) in UPDATE_KEYWORDS


def depth(query: str) -> int:
    """The deepest nesting of brackets outside strings, IRIs and comments (engines recurse)."""
    level = deepest = 0
    for token in tokens(query):
        if token.kind != "other":
            continue
        if token.text in OPENERS:
            level += 1
            deepest = max(deepest, level)
        elif token.text in CLOSERS:
            level -= 1
    return deepest
