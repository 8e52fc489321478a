"""Stable IRIs from spreadsheet content: slugging rules and the IRI patterns of docs/MODEL.md.

The same sheet always gives the same IRIs: an IRI depends only on identifiers (written in an
``Identifiant`` column, or derived from a name, a period or a number), never on row order.
"""

from __future__ import annotations

import re
import unicodedata

from rdflib import URIRef

from ..namespaces import DEFAULT_BASE, data_namespace

#: Instance data is written under the default base; the build rebases it (README).
DATA = data_namespace(DEFAULT_BASE)

#: Resource kind -> IRI pattern under the data base (docs/MODEL.md, "Instance IRIs").
PATTERNS: dict[str, str] = {
    "contract": "contract/{contract}",
    "period": "contract/{contract}/period",
    "participation": "contract/{contract}/participation/{organisation}",
    "objective": "contract/{contract}/objective/{objective}",
    "axis": "contract/{contract}/axis/{axis}",
    "action": "contract/{contract}/axis/{axis}/action/{action}",
    "territory": "territory/{territory}",
    "organisation": "organisation/{organisation}",
    "source": "source/{source}",
}

#: Letters that Unicode decomposition does not reduce to ASCII.
LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})

#: What an identifier may look like: lowercase ASCII words joined by "-" or "_".
IDENTIFIER = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


def fold(text: str) -> str:
    """Accents stripped and case folded: how names and list values are compared."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def slug(text: str) -> str:
    """Lowercase ASCII, accents stripped, every other run of characters a single hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def is_identifier(text: str) -> bool:
    """True when ``text`` can be used as is in an IRI."""
    return bool(IDENTIFIER.match(text))


def iri(kind: str, **keys: str) -> URIRef:
    """The IRI of a resource of ``kind`` from its keys (contract, axis, ... identifiers)."""
    return URIRef(DATA + PATTERNS[kind].format(**keys))


def _matcher(kind: str) -> re.Pattern[str]:
    """A regular expression that reads the keys back out of an IRI of ``kind``."""
    parts = re.split(r"\{(\w+)\}", PATTERNS[kind])
    body = "".join(
        f"(?P<{part}>[^/]+)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
    )
    return re.compile(f"^{re.escape(DATA)}{body}$")


MATCHERS: dict[str, re.Pattern[str]] = {kind: _matcher(kind) for kind in PATTERNS}


def keys_of(kind: str, node: object) -> dict[str, str] | None:
    """The keys of an IRI that follows the pattern of ``kind``, else None."""
    found = MATCHERS[kind].match(str(node)) if isinstance(node, URIRef) else None
    return found.groupdict() if found else None


def strip_kind(kind: str, text: str) -> str:
    """An identifier given as a full IRI of ``kind`` reduced to the identifier itself."""
    keys = keys_of(kind, URIRef(text)) if text.startswith(DATA) else None
    return keys[kind] if keys and kind in keys else text
