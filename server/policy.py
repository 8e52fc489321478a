"""The safety rules a query passes before it runs (read-only endpoint, SERVICE allow-list).

pyoxigraph evaluates ``SERVICE <iri>`` by sending a real HTTP request, so a query could make
the server call any address it can reach (SSRF). Every query that contains the word
"service" anywhere, in any case, is parsed with rdflib's SPARQL grammar and each
``ServiceGraphPattern`` target must be an absolute IRI of the allow-list; a query that
mentions the word but cannot be parsed is refused. The test on the word is exact (a
``SERVICE`` keyword is spelt out letter by letter, and rdflib also expands ``\\u`` escapes
before parsing), so queries without it, the common case, skip the parse.

FROM and FROM NAMED need no rule: Oxigraph reads their IRIs as names of graphs in the store
and never fetches them. Updates cannot run either (the store is opened read-only and only
``Store.query`` is called); ``explain`` turns the parser's error on one into a clear refusal.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from typing import Any

from pyparsing import ParseBaseException, ParseResults
from rdflib import URIRef

from cls_kg.graph import scan
from cls_kg.graph.errors import ProtocolError, QueryRefused, QuerySyntaxError

#: Deepest nesting of brackets a query may have: Oxigraph's parser and rdflib's recurse, and
#: about 10,000 levels overflow the query process's stack (measured with pyoxigraph 0.5).
MAX_DEPTH = 200
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape(query: str) -> str:
    """The text with SPARQL's \\u and \\U code point escapes expanded (section 19.2)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)


def mentions_service(query: str) -> bool:
    """Whether the word SERVICE could be in the query, escapes expanded or not."""
    return scan.mentions(query, "service") or (
        "\\" in query and scan.mentions(unescape(query), "service")
    )


def check_depth(query: str) -> None:
    """Refuse a query nested deeper than ``MAX_DEPTH`` (counting brackets first is cheaper)."""
    if sum(query.count(bracket) for bracket in scan.OPENERS) <= MAX_DEPTH:
        return
    found = scan.depth(query)
    if found > MAX_DEPTH:
        raise ProtocolError("too-deep", str(found))


def check(query: str, allowlist: Collection[str]) -> None:
    """Refuse a query nested too deeply or calling a SERVICE outside the allow-list."""
    check_depth(query)
    if not mentions_service(query):
        return
    for target in service_targets(query):
        if target not in allowlist:
            raise QueryRefused("service-not-allowed", target)


def explain(error: QuerySyntaxError, query: str) -> QueryRefused | QuerySyntaxError:
    """The error to report for a query that does not parse: an update is refused as such."""
    return QueryRefused("read-only") if scan.looks_like_update(query) else error


def service_targets(query: str) -> list[str]:
    """The IRI of every SERVICE clause, from rdflib's parse; refuses what it cannot resolve."""
    from rdflib.plugins.sparql.parser import parseQuery  # slow to import: only when needed

    try:
        parsed = parseQuery(query)
    except ParseBaseException as error:
        raise QueryRefused("service-unverifiable", str(error)) from error
    except RecursionError as error:  # pyparsing recurses per level of nesting
        raise QueryRefused("service-unverifiable", "nested too deeply") from error
    prefixes = declared_prefixes(parsed[0])
    return [resolve(node.get("term"), prefixes) for node in service_patterns(parsed[1])]


def declared_prefixes(prologue: Any) -> dict[str, str]:
    """PREFIX declarations of the prologue: name -> IRI as written."""
    return {
        str(decl.get("prefix") or ""): str(decl["iri"])
        for decl in prologue
        if getattr(decl, "name", None) == "PrefixDecl"
    }


def service_patterns(node: Any) -> Iterator[Any]:
    """Every ServiceGraphPattern of a parse tree, however deeply nested."""
    if getattr(node, "name", None) == "ServiceGraphPattern":
        yield node
    if isinstance(node, dict):
        children: Any = node.values()
    elif isinstance(node, list | tuple | ParseResults):
        children = node
    else:
        return
    for child in children:
        yield from service_patterns(child)


def resolve(term: Any, prefixes: dict[str, str]) -> str:
    """The absolute IRI a SERVICE names; variables and relative IRIs are refused."""
    if getattr(term, "name", None) == "pname":
        namespace = prefixes.get(str(term.get("prefix") or ""), "")
        iri = namespace + str(term.get("localname") or "")
    elif isinstance(term, URIRef):
        iri = str(term)
    else:
        raise QueryRefused("service-not-allowed", f"SERVICE {term.n3() if term else term}")
    if not _ABSOLUTE.match(iri):
        raise QueryRefused("service-not-allowed", f"<{iri}>")
    return iri
