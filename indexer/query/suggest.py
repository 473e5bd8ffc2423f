"""Typo suggestions for Latin words, from the index's own vocabulary.

A Latin keyword that the index does not hold (neither as typed nor by its English stem) is
compared with the indexed words: the nearest within edit distance 1 (short words and
acronyms) or 2 (longer words) wins, transpositions counting once, the more frequent word on a
tie. The suggestion is the typed query with those words replaced, in the typed letter case.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from indexer.analysis.scan import scan
from indexer.analysis.terms import stem
from indexer.query.parse import ParsedQuery

MIN_LENGTH = 3  # shorter words are not corrected
_LATIN = re.compile(r"^[a-z][a-z\-]*[a-z]$")


def _max_distance(word: str) -> int:
    return 1 if len(word) <= 5 else 2


def _in_case_of(typed: str, word: str) -> str:
    if typed.isupper():
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def correct(word: str, words: Mapping[str, int]) -> str | None:
    """The indexed word nearest to `word` (folded), or None."""
    from rapidfuzz import process  # only a query needing a correction loads it
    from rapidfuzz.distance import DamerauLevenshtein

    limit = _max_distance(word)
    found = process.extract(
        word, list(words), scorer=DamerauLevenshtein.distance, score_cutoff=limit, limit=100
    )
    found = [f for f in found if _LATIN.match(f[0])]
    if not found:
        return None
    best = min(found, key=lambda f: (f[1], -words[f[0]], f[0]))
    return best[0]


def suggest(
    text: str, parsed: ParsedQuery, words: Mapping[str, int], stems: Mapping[str, int]
) -> str | None:
    """The query with its unknown Latin words corrected, or None when none is unknown or none
    has a near neighbour. `words` and `stems`: vocabularies of the words and en fields."""
    changes: dict[str, str] = {}
    for group in parsed.groups:
        for clause in group:
            if clause.phrase or clause.symbol:
                continue
            for piece in scan(clause.text):
                folded = piece.text
                if piece.kind != "word" or len(folded) < MIN_LENGTH or not _LATIN.match(folded):
                    continue
                if folded in words or stem(folded) in stems:
                    continue
                fixed = correct(folded, words)
                if fixed:
                    changes[folded] = fixed
    if not changes:
        return None

    def replace(m: re.Match) -> str:
        fixed = changes.get(m.group().lower())
        return _in_case_of(m.group(), fixed) if fixed else m.group()

    return re.sub(r"[A-Za-z][A-Za-z\-]*[A-Za-z]", replace, text)
