"""The one reader of SPARQL text: terminals, prologue and a canonical writing of a query.

It follows the terminals of SPARQL 1.1 Query, section 19.8, and the rules around them:
``\\u`` and ``\\U`` code point escapes are expanded first, over the whole text (19.2); white
space is space, tab, carriage return and line feed, nothing else (``WS``, 19.8 [162]); a
comment runs from ``#`` outside an IRI or a string to the next carriage return or line feed
(19.4); keywords match in any case (19.5). Everything that decides about a query's text (the
SERVICE allow-list, the read-only rule, the size limits, the SERVICE inliner, ``FROM``
detection, the SHACL compiler's ``$this``) reads it through this module, so no two readers
can disagree on where a comment ends or what a word is.

``canonical`` writes a query back from its tokens: no comments, no escapes, single spaces
(a line break where the text had one, so error positions keep their line), prefixed names and
relative IRIs written as the absolute IRIs they stand for, strings in one quoting. The service
runs that text, so the engine, embedded or remote, reads exactly the tokens that were checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from .errors import QuerySyntaxError

# --- Terminals (section 19.8, rules [139] to [173]) -----------------------------------------

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = (
    f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)
_ECHAR = r"""\\[tbnrf\\"']"""
_EXPONENT = r"[eE][+-]?[0-9]+"

#: Token kind -> its pattern, tried in this order at each position (first match wins).
TERMINALS: dict[str, str] = {
    "string": (
        rf'"""(?:(?:"|"")?(?:[^"\\]|{_ECHAR}))*"""'
        rf"|'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}))*'''"
        rf'|"(?:[^"\\\n\r]|{_ECHAR})*"'
        rf"|'(?:[^'\\\n\r]|{_ECHAR})*'"
    ),
    "iri": r'<[^<>"{}|^`\\\x00-\x20]*>',
    "var": rf"[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*",
    "bnode": rf"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?",
    "langtag": r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*",
    "pname": f"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?",
    "number": rf"[+-]?(?:[0-9]+\.[0-9]*{_EXPONENT}|\.[0-9]+{_EXPONENT}|[0-9]+{_EXPONENT}"
    r"|[0-9]*\.[0-9]+|[0-9]+)",
    "word": r"[A-Za-z][A-Za-z0-9_]*",
    "punct": r"\|\||&&|!=|<=|>=|\^\^|[{}()\[\];,.=<>!+\-*/^|?]",
}
_SKIP = re.compile(r"(?:[ \t\r\n]+|#[^\r\n]*)+")
_TERMINAL = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in TERMINALS.items()))
_LINE_BREAK = re.compile(r"\r\n?|\n")
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_STRING_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", "\\": "\\", '"': '"', "'": "'"}
_WRITTEN = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b"}
_WRITTEN["\f"] = "\\f"
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r\t\b\f]')
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")

#: Every word of the grammar (section 19.8 and SPARQL 1.1 Update), upper-cased; Oxigraph's
#: SPARQL 1.2 words too. Any other bare word is refused: engines match keywords by prefix
#: (Oxigraph reads ``SERVICEx:y`` as ``SERVICE x:y``), so an unknown word is never passed on.
KEYWORDS = frozenset(
    """
    BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK DISTINCT REDUCED AS FROM NAMED WHERE ORDER BY
    ASC DESC LIMIT OFFSET VALUES UNDEF GROUP HAVING OPTIONAL GRAPH SERVICE SILENT BIND MINUS
    UNION FILTER NOT IN EXISTS A TRUE FALSE COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR
    STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN
    UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY
    HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE
    IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE
    LOAD CLEAR DROP CREATE ADD MOVE COPY INSERT DELETE DATA WITH USING DEFAULT ALL TO INTO
    LATERAL VERSION TRIPLE SUBJECT PREDICATE OBJECT ISTRIPLE LANGDIR HASLANG HASLANGDIR
    STRLANGDIR
    """.split()  # noqa: SIM905 - a word list reads better as text
)

#: Words that start an update operation (SPARQL 1.1 Update, section 3); none is a query word.
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})


class Token(NamedTuple):
    """One terminal: its kind (a key of ``TERMINALS``, or ``invalid``), its text, its place.

    ``start`` and ``end`` are offsets in the text with escapes expanded (``decode``);
    ``expression`` says the token is in (or, for a ``(``, opens) the brackets of an expression.
    """

    kind: str
    text: str
    start: int
    end: int
    expression: bool = False

    @property
    def word(self) -> str | None:
        """The keyword, upper-cased, when the token is a word."""
        return self.text.upper() if self.kind == "word" else None

    def is_word(self, *words: str) -> bool:
        """Whether the token is one of these keywords (any case)."""
        return self.kind == "word" and self.text.upper() in words


class SparqlTextError(QuerySyntaxError):
    """The text breaks a rule of SPARQL's terminals (a stray character, a bad escape ...)."""


def decode(query: str) -> str:
    """The text with its code point escapes expanded (section 19.2), before any reading.

    A backslash followed by another character is kept as the pair, as Oxigraph and Jena
    read it: ``"\\\\u0041"`` is a backslash and ``u0041``, not a backslash and ``A``.
    """
    if "\\" not in query:
        return query
    return _ESCAPE.sub(_code_point, query)


def _code_point(match: re.Match[str]) -> str:
    """One escape expanded; an escape of a surrogate or beyond Unicode is an error."""
    digits = match.group(1) or match.group(2)
    if digits is None:
        return match.group()
    value = int(digits, 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        raise SparqlTextError(f"\\u escape of no character: {match.group()}")
    return chr(value)


#: Token kinds and texts after which a ``<`` in an expression is "less than", not an IRI.
_OPERAND_KINDS = frozenset({"var", "number", "string", "langtag", "iri", "pname"})
_OPERAND_TEXTS = frozenset({")", "]"})
_LESS = re.compile(r"<=?")
#: Words after which a ``(`` is not an expression's: ``a ( ... )`` is an RDF collection.
_NOT_CALLERS = frozenset({"A", "TRUE", "FALSE", "UNDEF"})


class _Context:
    """What the lexer must know of the grammar around it: whether it is in an expression.

    Outside expressions ``<`` starts an IRI; in one, after an operand, it is "less than"
    (``FILTER(?a<?b&&?c>?d)`` compares). A ``(`` opens an expression after a keyword, after a
    function IRI that follows a keyword (``FILTER <f>(``), or inside an expression.
    """

    def __init__(self) -> None:
        self.frames: list[bool] = []  # one per open bracket: is it an expression's?
        self.before: Token | None = None
        self.earlier: Token | None = None

    def less_than(self, text: str, start: int) -> int | None:
        """The end of a ``<`` or ``<=`` operator at ``start``, when the grammar wants one."""
        before = self.before
        if before is None or not (self.frames and self.frames[-1]):
            return None
        operand = before.kind in _OPERAND_KINDS or before.text in _OPERAND_TEXTS
        if not (operand or before.is_word("TRUE", "FALSE")):
            return None
        return start + (2 if text.startswith("<=", start) else 1)

    def calls(self) -> bool:
        """Whether a ``(`` here opens an expression."""
        before, earlier = self.before, self.earlier
        if self.frames and self.frames[-1]:
            return True
        if before is None:
            return False
        if before.kind == "word":
            return before.text.upper() not in _NOT_CALLERS
        named = before.kind in ("iri", "pname")
        return named and earlier is not None and earlier.kind == "word"

    def see(self, kind: str, text: str, start: int, end: int) -> Token:
        """The token, flagged when it is in (or opens) an expression; the context follows."""
        frames = self.frames
        inside = bool(frames) and frames[-1]
        if kind == "punct" and text in _BRACKETS:
            if text in "({[":
                inside = text == "(" and self.calls()
                frames.append(inside)
            elif frames:
                frames.pop()
        token = Token(kind, text, start, end, inside)
        self.earlier, self.before = self.before, token
        return token


_BRACKETS = frozenset("({[)}]")
#: White space and comments, then one terminal (or nothing: the end, or a stray character).
_NEXT = re.compile("(?:" + _SKIP.pattern + ")?(?:" + _TERMINAL.pattern + ")?")


def lex(text: str) -> Iterator[Token]:
    """The terminals of an already decoded ``text``; a character no terminal takes is a
    one-character ``invalid`` token (callers decide whether that is an error)."""
    position, size, context = 0, len(text), _Context()
    while position < size:
        match = _NEXT.match(text, position)
        kind = match.lastgroup if match else None
        if match is None or kind is None:
            start = match.end() if match else position
            if start >= size:
                return
            yield context.see("invalid", text[start], start, start + 1)
            position = start + 1
            continue
        start, end = match.span(kind)
        if text[start] == "<":
            less = context.less_than(text, start)
            kind, end = ("punct", less) if less is not None else (kind, end)
        yield context.see(kind, text[start:end], start, end)
        position = end


def tokens(query: str) -> Iterator[Token]:
    """The terminals of ``query`` (escapes expanded first), never raising: for scans."""
    try:
        text = decode(query)
    except SparqlTextError:
        text = query
    return lex(text)


def where(text: str, offset: int) -> str:
    """Line and column (from 1) of an offset, as parsers report them."""
    line = len(_LINE_BREAK.findall(text, 0, offset)) + 1
    column = offset - max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset))
    return f"{line}:{column}"


def strict(text: str, limit: int | None = None) -> list[Token]:
    """Every terminal of a decoded text; a stray character, an unknown word or more than
    ``limit`` tokens is an error."""
    found: list[Token] = []
    for token in lex(text):
        if token.kind == "invalid":
            raise SparqlTextError(
                f"unexpected character U+{ord(token.text):04X} at {where(text, token.start)}"
            )
        if token.kind == "word" and token.text.upper() not in KEYWORDS:
            raise SparqlTextError(f"unknown word {token.text[:40]!r} at {where(text, token.start)}")
        found.append(token)
        if limit is not None and len(found) > limit:
            raise TooManyTokens(limit)
    return found


class TooManyTokens(QuerySyntaxError):
    """More tokens than the caller allows; ``limit`` says how many."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} tokens")
        self.limit = limit


# --- Values of terminals ---------------------------------------------------------------------


def string_value(text: str) -> str:
    """The characters a string literal stands for (its quotes and ECHAR escapes removed)."""
    quote = 3 if text[:3] in ('"""', "'''") else 1
    body = text[quote:-quote]
    return _STRING_ESCAPE.sub(lambda m: _ECHARS.get(m.group(1), m.group()), body)


def write_string(value: str) -> str:
    """A string literal in one quoting: double quotes, ECHAR escapes, nothing else escaped."""
    return '"' + _NEEDS_ESCAPE.sub(lambda m: _WRITTEN[m.group()], value) + '"'


def local_name(local: str) -> str:
    """A prefixed name's local part as IRI characters (``\\`` escapes removed, ``%XX`` kept)."""
    return re.sub(r"\\(.)", r"\1", local)


def is_absolute(iri: str) -> bool:
    """Whether an IRI has a scheme (RFC 3986 section 4.3)."""
    return _SCHEME.match(iri) is not None


# --- Relative references (RFC 3986, section 5.2) ---------------------------------------------

_REFERENCE = re.compile(r"^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$", re.S)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986, 5.2.4."""
    output: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if len(output) > 1 or (output and output[0] != ""):
                output.pop()
        elif segment != ".":
            output.append(segment)
    if path.startswith("/") and (not output or output[0] != ""):
        output.insert(0, "")
    if path.rsplit("/", 1)[-1] in (".", ".."):
        output.append("")
    return "/".join(output)


def _merge(base_authority: str | None, base_path: str, path: str) -> str:
    """RFC 3986, 5.2.3."""
    if base_authority is not None and base_path == "":
        return "/" + path
    return base_path[: base_path.rfind("/") + 1] + path


def resolve(reference: str, base: str) -> str:
    """The absolute IRI ``reference`` names against ``base`` (RFC 3986, 5.2.2 and 5.3)."""
    match, root = _REFERENCE.match(reference), _REFERENCE.match(base)
    assert match is not None and root is not None  # the pattern matches every string
    scheme, authority, path, query, fragment = match.groups()
    if scheme is None:
        if authority is not None:
            path = _remove_dot_segments(path)
        else:
            if path == "":
                path, query = root.group(3), query if query is not None else root.group(4)
            else:
                if not path.startswith("/"):
                    path = _merge(root.group(2), root.group(3), path)
                path = _remove_dot_segments(path)
            authority = root.group(2)
        scheme = root.group(1)
    else:
        path = _remove_dot_segments(path)
    text = f"{scheme}:" if scheme is not None else ""
    text += f"//{authority}" if authority is not None else ""
    text += path
    text += f"?{query}" if query is not None else ""
    return text + (f"#{fragment}" if fragment is not None else "")


# --- A query read: prologue applied, body tokens ---------------------------------------------


@dataclass
class Reading:
    """A query's decoded text, its prologue (BASE, PREFIX) and the tokens after it.

    In ``body`` a prefixed name, and a relative IRI when a base is known, are already ``iri``
    tokens holding the absolute IRI (their ``start`` and ``end`` still point at the text).
    """

    text: str
    base: str | None
    prefixes: dict[str, str] = field(default_factory=dict)
    body: list[Token] = field(default_factory=list)
    declared_base: bool = False

    def prologue(self) -> str:
        """The BASE the text must keep (``IRI("x")`` resolves against it), or nothing."""
        return f"BASE <{self.base}>\n" if self.declared_base else ""


def read(query: str, base: str | None = None, limit: int | None = None) -> Reading:
    """Read a query: escapes, terminals, prologue; errors are the client's (400)."""
    text = decode(query)
    found = strict(text, limit)
    reading = Reading(text, base)
    index = prologue(found, reading)
    reading.body = [part for token in found[index:] for part in expand(token, reading)]
    return reading


def prologue(found: Sequence[Token], reading: Reading) -> int:
    """Apply the BASE and PREFIX declarations at the start; the index of the first other."""
    index = 0
    while index < len(found) and found[index].is_word("BASE", "PREFIX"):
        if found[index].is_word("BASE"):
            iri = declared(found, index + 1, "iri", reading.text)
            reading.base = absolute(iri.text[1:-1], reading.base)
            reading.declared_base = True
            index += 2
        else:
            name = declared(found, index + 1, "pname", reading.text)
            iri = declared(found, index + 2, "iri", reading.text)
            if not name.text.endswith(":") or name.text.count(":") != 1:
                raise SparqlTextError(
                    f"PREFIX expects a name ending with ':' at {where(reading.text, name.start)}"
                )
            reading.prefixes[name.text[:-1]] = absolute(iri.text[1:-1], reading.base)
            index += 3
    return index


def declared(found: Sequence[Token], index: int, kind: str, text: str) -> Token:
    """The token a declaration expects at ``index``."""
    if index >= len(found) or found[index].kind != kind:
        at = where(text, found[index].start) if index < len(found) else "the end"
        raise SparqlTextError(f"incomplete BASE or PREFIX declaration at {at}")
    return found[index]


def absolute(iri: str, base: str | None) -> str:
    """An IRI resolved against the base when it is relative and a base is known."""
    return iri if base is None or is_absolute(iri) else resolve(iri, base)


def expand(token: Token, reading: Reading) -> list[Token]:
    """A body token with prefixed names and relative IRIs made absolute.

    ``SERVICE:x`` with no ``SERVICE:`` prefix declared is read as Oxigraph and rdflib read
    it, the keyword then ``:x``; declared, it is a prefixed name (and written as its IRI).
    """
    if token.kind == "pname":
        prefix, local = token.text.split(":", 1)
        if prefix not in reading.prefixes and prefix.upper() in KEYWORDS:
            word = Token("word", prefix, token.start, token.start + len(prefix), token.expression)
            rest = token._replace(text=token.text[len(prefix) :], start=word.end)
            return [word, *expand(rest, reading)]
        if prefix not in reading.prefixes:
            at = where(reading.text, token.start)
            raise SparqlTextError(f"undeclared prefix '{prefix}:' at {at}")
        iri = reading.prefixes[prefix] + local_name(local)
        return [token._replace(kind="iri", text=f"<{iri}>")]
    if token.kind == "iri":
        return [token._replace(text=f"<{absolute(token.text[1:-1], reading.base)}>")]
    if token.is_word("BASE", "PREFIX"):
        raise SparqlTextError(f"BASE and PREFIX come first, at {where(reading.text, token.start)}")
    return [token]


# --- Writing ---------------------------------------------------------------------------------

#: Tokens written without a space before them (a language tag sticks to its string).
_GLUED_BEFORE = frozenset({"langtag"})
#: Kinds of tokens a ``(`` is written against: a function's name (or an IRI before a list).
_CALLED = frozenset({"word", "iri"})
_EMPTY = frozenset({("(", ")"), ("[", "]")})


def written(token: Token) -> str:
    """One token as the canonical text writes it."""
    if token.kind == "string":
        return write_string(string_value(token.text))
    return token.text


def separator(text: str, before: Token | None, token: Token) -> str:
    """What goes between two tokens: nothing, a space, or the line breaks the text had."""
    if before is None:
        return ""
    if token.kind in _GLUED_BEFORE or "^^" in (before.text, token.text):
        return ""
    if (before.text, token.text) in _EMPTY:
        return ""  # NIL and ANON: Oxigraph 0.5 takes no space in ``BNODE()``
    if token.text == "(" and before.kind in _CALLED:
        return ""  # Oxigraph 0.5 takes no space in ``CONCAT(``, ``COALESCE(``, ``BNODE(``
    gap = text[before.end : token.start]
    if gap == " ":
        return " "
    breaks = gap.count("\n") + gap.count("\r") - gap.count("\r\n")
    return "\n" * breaks if breaks else " "


def write(text: str, body: Sequence[Token]) -> str:
    """The canonical text of a run of tokens of ``text``."""
    out: list[str] = []
    before: Token | None = None
    for token in body:
        out += (separator(text, before, token), written(token))
        before = token
    return "".join(out)


def canonical(query: str, base: str | None = None) -> str:
    """The query written back from its tokens (see the module's docstring)."""
    reading = read(query, base)
    return reading.prologue() + write(reading.text, reading.body)


# --- Shape: the sizes that make engines recurse or slow down ---------------------------------

#: Operators of expressions (section 17): each makes one more node of the expression's tree.
EXPRESSION_OPERATORS = frozenset(
    {"||", "&&", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "!", "|", "^", "^^"}
)
#: Operators of property paths (section 9): each makes one more step.
PATH_OPERATORS = frozenset({"/", "|", "^", "^^"})
#: Words that add a graph pattern to a group (a ``{`` adds one too).
PATTERN_WORDS = frozenset(
    {"OPTIONAL", "MINUS", "FILTER", "BIND", "VALUES", "GRAPH", "SERVICE", "UNION"}
)
#: Kinds of tokens that end an RDF term (a triple pattern's object is one).
TERM_KINDS = frozenset({"var", "iri", "pname", "bnode", "string", "number", "langtag"})
_SEPARATORS = frozenset({".", ";", ","})


@dataclass
class Shape:
    """What the token stream of a query adds up to: the limits of ``policy`` read these."""

    tokens: int = 0
    depth: int = 0
    expression: int = 0  # most operators in one expression (the outermost brackets of one)
    path: int = 0  # most operators in one property path
    unions: int = 0
    triples: int = 0
    patterns: int = 0


@dataclass
class _Walk:
    """The state of ``shape``'s walk: open brackets, and the current expression and path."""

    shape: Shape = field(default_factory=Shape)
    frames: list[str] = field(default_factory=list)  # "{", "[", "(" (path or list) or "e"
    expression_at: int | None = None  # depth where the outermost open expression opened
    operators: int = 0
    steps: int = 0
    before: Token | None = None

    def ends_term(self) -> bool:
        """Whether the previous token ends an RDF term."""
        before = self.before
        if before is None:
            return False
        return before.kind in TERM_KINDS or before.text == "]" or before.is_word("TRUE", "FALSE")

    def open(self, token: Token) -> None:
        """A ``{``, ``[`` or ``(``: one level deeper."""
        kind = "e" if token.expression else token.text
        if kind == "e" and self.expression_at is None:
            self.expression_at, self.operators = len(self.frames), 0
        if kind == "{":
            self.shape.patterns += 1
        if kind in "{[":
            self.steps = 0
        self.frames.append(kind)
        self.shape.depth = max(self.shape.depth, len(self.frames))

    def close(self, token: Token) -> None:
        """A closing bracket: a group or a blank node list may end a triple pattern."""
        if self.frames and self.frames[-1] in "{[" and self.ends_term():
            self.shape.triples += 1
        if self.frames:
            self.frames.pop()
        if self.expression_at is not None and len(self.frames) <= self.expression_at:
            self.expression_at = None

    def count(self, token: Token) -> None:
        """An operator, a path step or the end of a triple pattern."""
        shape, frame = self.shape, self.frames[-1] if self.frames else ""
        operator = token.kind == "punct" and token.text in EXPRESSION_OPERATORS
        if frame == "e":
            signed = token.kind == "number" and token.text[0] in "+-"
            if operator or signed or token.is_word("IN"):
                self.operators += 1
                shape.expression = max(shape.expression, self.operators)
        elif token.kind == "punct" and token.text in PATH_OPERATORS:
            self.steps += 1
            shape.path = max(shape.path, self.steps)
        elif token.kind == "punct" and token.text in _SEPARATORS:
            shape.triples += 1 if frame in ("{", "[") and self.ends_term() else 0
            self.steps = 0

    def step(self, token: Token) -> None:
        """Count what one token adds."""
        if token.kind == "punct" and token.text in "{[(":
            self.open(token)
        elif token.kind == "punct" and token.text in ")]}":
            self.close(token)
        else:
            self.count(token)
        if token.kind == "word" and token.text.upper() in PATTERN_WORDS:
            self.shape.patterns += 1
            self.shape.unions += token.is_word("UNION")
        self.shape.tokens += 1
        self.before = token


def shape(body: Sequence[Token]) -> Shape:
    """The shape of a query's tokens, in one pass."""
    walk = _Walk()
    for token in body:
        walk.step(token)
    return walk.shape
