"""The safety rules a query passes before it runs: read-only, SERVICE allow-list, size.

Every rule is decided from one reading of the query's text, ``graph/sparql_text.py``'s tokens
(SPARQL 1.1's own rules for escapes, white space, comments, strings, IRIs and keywords), and
``prepare`` returns the text the service then runs: the canonical writing of those very
tokens. So the engine (Oxigraph in a query process, or a remote store) reads the query that
was checked, whatever a comment, a line ending or an escape would have meant to another
parser.

- read-only: a word of SPARQL Update anywhere (``INSERT``, ``LOAD`` ...) is refused (403);
- SERVICE: pyoxigraph would send a real HTTP request, so each ``SERVICE`` must name, after
  BASE and PREFIX are applied, an IRI of the allow-list; a variable, a relative IRI, a
  ``file:`` IRI or anything else the list does not name is refused (403);
- size and shape: length, tokens, nesting, operators of one expression, steps of one path,
  UNIONs, triple patterns and graph patterns are capped (400 naming the limit), because the
  engines recurse on them and a query process would die of a long flat query.

FROM and FROM NAMED need no rule: Oxigraph reads their IRIs as names of graphs in the store
and never fetches them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields
from typing import Any

from flask import current_app, request

from cls_kg.graph import sparql_text
from cls_kg.graph.errors import QuerySyntaxError
from cls_kg.graph.sparql_text import Reading, Shape, Token

from ..core.errors import ProtocolError, QueryRefused

#: Deepest nesting of brackets a query may have: Oxigraph's parser recurses, and about
#: 10,000 levels overflow the query process's stack (measured with pyoxigraph 0.5).
MAX_DEPTH = 200


@dataclass(frozen=True)
class Limits:
    """How large a query may be; the defaults pass every example query many times over.

    Measured with pyoxigraph 0.5.13 on an empty store, a query process dies (stack
    overflow) at 10,000 terms of ``+`` or ``||``, 10,000 path steps or UNIONs, 3,000
    ``OPTIONAL``, ``MINUS`` or ``BIND``, 10,000 triple patterns; 1,000 of each answers, but
    300 path steps take a second and 300 triple patterns of one variable outlast the deadline.
    The largest example query (server/sparql/examples, docs/queries) has 2,344 characters, 153
    tokens, 3 operators in an expression, 5 path steps, 1 UNION, 14 triple patterns and 13
    graph patterns.
    """

    chars: int = 100_000
    tokens: int = 50_000
    depth: int = MAX_DEPTH
    expression: int = 500
    path: int = 50
    unions: int = 500
    triples: int = 200
    patterns: int = 500

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        """The limits an app is configured with (``CLS_KG_MAX_QUERY_*``)."""
        return cls(**{name: int(config[key]) for name, key in SETTINGS.items() if key in config})

    @classmethod
    def nesting_only(cls) -> Limits:
        """No limit but the nesting depth, which no setting changes."""
        unbounded = {f.name: sys.maxsize for f in fields(cls) if f.name != "depth"}
        return cls(**unbounded)


#: Limit -> the setting that changes it (server/config.py).
SETTINGS = {
    "chars": "MAX_QUERY_CHARS",
    "tokens": "MAX_QUERY_TOKENS",
    "expression": "MAX_QUERY_OPERATORS",
    "path": "MAX_QUERY_PATH_STEPS",
    "unions": "MAX_QUERY_UNIONS",
    "triples": "MAX_QUERY_TRIPLES",
    "patterns": "MAX_QUERY_PATTERNS",
}

#: Limit -> the message key of its refusal (server/messages.py).
REFUSALS = {
    "chars": "query-too-long",
    "tokens": "query-too-many-tokens",
    "depth": "too-deep",
    "expression": "query-expression-too-long",
    "path": "query-path-too-long",
    "unions": "query-too-many-unions",
    "triples": "query-too-many-triples",
    "patterns": "query-too-many-patterns",
}


def read(query: str, limits: Limits, base: str | None = None) -> Reading:
    """The query's tokens, within the length and token limits."""
    if len(query) > limits.chars:
        raise ProtocolError(REFUSALS["chars"], f"{len(query)} > {limits.chars}")
    try:
        return sparql_text.read(query, base, limits.tokens)
    except sparql_text.TooManyTokens as error:
        raise ProtocolError(REFUSALS["tokens"], f"> {error.limit}") from error


def check_shape(shape: Shape, limits: Limits) -> None:
    """Refuse a query past one of the shape limits, naming it."""
    for name in REFUSALS:
        found = getattr(shape, name, None)
        limit = getattr(limits, name)
        if found is not None and found > limit:
            raise ProtocolError(REFUSALS[name], f"{found} > {limit}")


def check_updates(body: list[Token]) -> None:
    """Refuse SPARQL Update: its words are no query's (``\\u0049NSERT`` is ``INSERT``)."""
    if any(token.word in sparql_text.UPDATE_KEYWORDS for token in body):
        raise QueryRefused("read-only")


def service_targets(query: str) -> list[str]:
    """The IRI each SERVICE of a query names, BASE and PREFIX applied."""
    return targets(sparql_text.read(query).body)


def targets(body: list[Token]) -> list[str]:
    """The IRI each SERVICE names; a SERVICE whose target is no absolute IRI is refused."""
    targets = []
    for index, token in enumerate(body):
        if not token.is_word("SERVICE"):
            continue
        following = body[index + 1 : index + 3]
        target = following[1] if following and following[0].is_word("SILENT") else None
        target = target or (following[0] if following else None)
        if target is None or target.kind != "iri":
            raise QueryRefused("service-not-allowed", f"SERVICE {target.text if target else ''}")
        iri = target.text[1:-1]
        if not sparql_text.is_absolute(iri):
            raise QueryRefused("service-not-allowed", target.text)
        targets.append(iri)
    return targets


def check_services(body: list[Token], allowlist: Collection[str]) -> None:
    """Refuse a SERVICE outside the allow-list."""
    for target in targets(body):
        if target not in allowlist:
            raise QueryRefused("service-not-allowed", f"<{target}>")


def decide(reading: Reading, allowlist: Collection[str], limits: Limits) -> None:
    """Every rule, on one reading."""
    check_updates(reading.body)
    check_services(reading.body, allowlist)
    check_shape(sparql_text.shape(reading.body), limits)


def prepare(query: str, allowlist: Collection[str], limits: Limits, base: str | None = None) -> str:
    """The text to run for a client's query: checked, then written from the same tokens."""
    reading = read(query, limits, base)
    decide(reading, allowlist, limits)
    return reading.prologue() + sparql_text.write(reading.text, reading.body)


def prepared(query: str) -> str:
    """``prepare`` with the app's settings; relative IRIs resolve against the endpoint's URL."""
    config = current_app.config
    limits = Limits.from_config(config)
    return prepare(query, config["SERVICE_ALLOWLIST"], limits, request.base_url)


# --- What the query processes call (server/worker.py) ----------------------------------------


#: Words without which, spelt anywhere in any case, a text holds no SERVICE and no update.
_RULED_WORDS = re.compile(
    r"(?<![A-Za-z_])(?:"
    + "|".join(("SERVICE", *sorted(sparql_text.UPDATE_KEYWORDS)))
    + r")(?![A-Za-z0-9_])",
    re.IGNORECASE,
)


def check(query: str, allowlist: Collection[str]) -> None:
    """The rules again where the query runs (the size limits were applied by ``prepare``);
    a text that spells none of the words the rules are about, and has few brackets, passes
    without being read (a few microseconds instead of a millisecond)."""
    text = sparql_text.decode(query)
    if not _RULED_WORDS.search(text) and sum(map(text.count, "{([")) <= MAX_DEPTH:
        return
    limits = Limits.nesting_only()
    decide(read(query, limits), allowlist, limits)


def mentions_service(query: str) -> bool:
    """Whether the query may hold a SERVICE: then it runs through ``unescape`` and inlining."""
    return "service" in sparql_text.decode(query).lower()


def unescape(query: str) -> str:
    """The text with its escapes expanded, as the service runs it: its canonical writing."""
    return sparql_text.canonical(query)


def explain(error: QuerySyntaxError, query: str) -> QueryRefused | QuerySyntaxError:
    """The error to report for a query that does not parse: an update is refused as such."""
    words = (token.word for token in sparql_text.tokens(query))
    return (
        QueryRefused("read-only") if any(w in sparql_text.UPDATE_KEYWORDS for w in words) else error
    )
