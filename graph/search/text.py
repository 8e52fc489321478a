"""French-aware text analysis, the same for the indexed texts and the queries.

A text becomes a list of terms: Unicode compatibility form, case and accents folded
(``Santé`` → ``sante``, ``œ`` → ``oe``), elisions dropped (``l'accès`` → ``acces``), French
and English stop words left out, then a light stemmer in the spirit of Savoy's minimal
French stemmer (J. Savoy, "A stemming procedure and stopword list for general French
corpora", JASIS 1999): plurals (``-s``, ``-x``, ``-aux`` → ``-al``, ``-eaux`` → ``-eau``),
the feminine or final ``-e``, ``-é`` and a doubled final consonant. It conflates the forms
people type for the same word (*santé mentale* / *santés mentales*, *hôpitaux* / *hôpital*,
*sociale* / *social*, *personnelles* / *personnel*) without the false friends of an
aggressive stemmer.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Letters NFKD does not split into a base letter and an accent; typographic apostrophes.
LIGATURES = str.maketrans(
    {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "\u2019": "'", "\u02bc": "'"}
)
#: A word: letters and digits (after folding, ASCII only).
WORD = re.compile(r"[a-z0-9]+")
#: Elided articles and pronouns before an apostrophe (l'accès, d'une, qu'il, jusqu'à).
ELISION = re.compile(r"\b(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)'")
#: Words too common to say anything (French, and the English of English labels).
STOP_TEXT = """
    a au aux avec ce ces cet cette dans de des du elle en et il ils je la le les leur leurs
    lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses
    son sur ta te tes toi ton tu un une vos votre vous y d l c j m n s t
    est sont ete etre avoir ont a
    an and are as at be by for from in into is it of on or the their to with
"""
STOP_WORDS = frozenset(STOP_TEXT.split())
#: Terms shorter than this are not stemmed (their ending is part of the word).
MIN_STEM = 4


def fold(text: str) -> str:
    """Lower case without accents or ligatures: what a French reader sees as the same word
    (what is left outside ASCII after decomposition is no French letter: dropped)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(LIGATURES))
    return decomposed.encode("ascii", "ignore").decode("ascii")


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """The light stem of one folded word."""
    if len(word) < MIN_STEM or word.isdigit():
        return word
    if word.endswith("eaux"):
        word = word[:-1]
    elif word.endswith("aux"):
        word = word[:-2] + "l"
    elif word[-1] in "sx":
        word = word[:-1]
    if word.endswith("e") and len(word) > MIN_STEM - 1:
        word = word[:-1]
    if len(word) >= MIN_STEM and word[-1] == word[-2] and not word[-1].isdigit():
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """The folded words of a text, elisions dropped, stop words kept."""
    folded = fold(text)
    return WORD.findall(ELISION.sub(" ", folded))


def terms(text: str) -> list[str]:
    """The search terms of a text: folded words without stop words, stemmed."""
    return [stem(word) for word in words(text) if word not in STOP_WORDS]


@lru_cache(maxsize=1 << 14)
def indexed(text: str) -> str:
    """The terms of one indexed text, space-separated (labels of themes and places repeat
    across thousands of documents: analysed once)."""
    return " ".join(terms(text))
