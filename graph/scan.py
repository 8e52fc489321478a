"""Quick questions about a query's text, answered from ``sparql_text``'s tokens.

Some decisions need a query's keywords but not its full parse: does it name its own dataset
(``FROM``), is it an update sent as a query? These scans never raise: a text that breaks the
grammar still gets an answer (its engine will report the error). They read the same tokens as
the safety rules (``server/sparql/policy.py``), so a keyword is told from the same word inside a
string, an IRI, a comment, a variable or a prefixed name exactly as the policy tells it.
"""

from __future__ import annotations

from collections.abc import Iterator

from .sparql_text import UPDATE_KEYWORDS, Token, tokens

__all__ = ["UPDATE_KEYWORDS", "Token", "tokens"]  # read here by graph/remote.py and others

#: Brackets that open and close a level of nesting (group, expression, blank node list).
OPENERS, CLOSERS = frozenset("{(["), frozenset("})]")


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
    return (mentions(query, "from") or "\\" in query) and "FROM" in keywords(query)


def first_keyword(query: str) -> str | None:
    """The first keyword after the prologue (BASE and PREFIX declarations), upper-cased."""
    for token in tokens(query):
        if token.kind == "word" and token.text.upper() not in ("BASE", "PREFIX"):
            return token.text.upper()
        if token.kind not in ("word", "iri", "pname"):
            return None
    return None


def looks_like_update(query: str) -> bool:
    """Whether the text is a SPARQL Update rather than a query."""
    return first_keyword(query) in UPDATE_KEYWORDS


def depth(query: str) -> int:
    """The deepest nesting of brackets outside strings, IRIs and comments (engines recurse)."""
    level = deepest = 0
    for token in tokens(query):
        if token.kind != "punct":
            continue
        if token.text in OPENERS:
            level += 1
            deepest = max(deepest, level)
        elif token.text in CLOSERS:
            level -= 1
    return deepest
