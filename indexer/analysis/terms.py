"""The index's terms, composed from small steps over one scanner.

Each field's analysis is one walk over the scanned pieces with a step for CJK runs and a step
for Latin words (the way Whoosh composes a tokenizer and its filters):

- ``words``: jieba precise-mode words with ordinal positions, so quoted phrases work; Latin
  words, digits and single letters kept.
- ``chars``: every CJK character as a unigram plus the bigram starting at it (same position),
  so any substring of a longer word matches exactly, however jieba segments it.
- ``en``: Latin words lowercased and Snowball-stemmed (``working groups`` matches ``Working
  Group``); stop words are not indexed but keep their position, so a phrase never joins words
  that were apart; CJK text is ignored.

In all three, a compound such as ``CDIP/17/8``, ``72/279``, ``17.6`` or ``IAEG-SDG`` is one
position holding the whole token and its parts, so ``CDIP/17/8`` matches that symbol and not
``CDIP/16/8``. A term is (text, position, start, end) with offsets into the original text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator, Iterator

from indexer.analysis.scan import Piece, part_spans, scan
from indexer.analysis.segmenter import segment, sub_words

ANALYSIS_VERSION = 3  # 3: Snowball English stems, stop words keep their positions

Term = tuple[str, int, int, int]
# A step turns one piece at a position into terms and returns how many positions it used.
Step = Callable[[Piece, int], Generator[Term, None, int]]

STOP_WORDS = frozenset(
    "a an and are as at be by can for from have if in is it may not of on or tbd that the "
    "this to us we when will with yet you your".split()
)


@functools.cache
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english", 100_000)  # the C stemmer keeps its own cache of words


def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def _walk(text: str, cjk: Step, word: Step) -> Iterator[Term]:
    pos = 0
    for piece in scan(text):
        pos += yield from (cjk if piece.kind == "cjk" else word)(piece, pos)


def compound(piece: Piece, pos: int) -> Generator[Term, None, int]:
    """A Latin word or number, and a compound's parts at the same position."""
    yield (piece.text, pos, *piece.span(0, len(piece.text)))
    for part, start, end in part_spans(piece.text):
        yield (part, pos, *piece.span(start, end))
    return 1


def jieba_words(piece: Piece, pos: int) -> Generator[Term, None, int]:
    words = segment(piece.text)
    for i, (word, start, end) in enumerate(words):
        yield (word, pos + i, *piece.span(start, end))
    return len(words)


def cjk_grams(piece: Piece, pos: int) -> Generator[Term, None, int]:
    """Each CJK character and the bigram starting at it, at the character's position."""
    chars, at, origin = piece.text, piece.at, piece.origin
    last = len(chars) - 1
    for i, ch in enumerate(chars):
        start = origin[at[i]]
        yield (ch, pos + i, start, start + 1)
        if i < last:
            yield (chars[i : i + 2], pos + i, start, origin[at[i + 1]] + 1)
    return len(chars)


def skip_cjk(piece: Piece, pos: int) -> Generator[Term, None, int]:
    """No terms, but the positions `cjk_grams` would use."""
    return len(piece.text)
    yield  # a generator


def no_cjk(piece: Piece, pos: int) -> Generator[Term, None, int]:
    """CJK text is not part of this field at all."""
    return 0
    yield  # a generator


def english_word(piece: Piece, pos: int) -> Generator[Term, None, int]:
    """A stemmed English word; a stop word leaves only its position; compounds whole."""
    if part_spans(piece.text):
        return (yield from compound(piece, pos))
    if piece.text not in STOP_WORDS:
        word = piece.text.replace("’", "'").removesuffix("'s")
        yield (stem(word) if word.isalpha() else word, pos, *piece.span(0, len(piece.text)))
    return 1


def word_terms(text: str) -> Iterator[Term]:
    """Terms of the `words` field with their positions and original character offsets."""
    return _walk(text, jieba_words, compound)


def char_terms(text: str) -> Iterator[Term]:
    """Terms of the `chars` field: CJK unigrams and bigrams, compounds as in `word_terms`."""
    return _walk(text, cjk_grams, compound)


def latin_char_terms(text: str) -> Iterator[Term]:
    """The `chars` terms of Latin words and numbers only, at the positions `char_terms` gives."""
    return _walk(text, skip_cjk, compound)


def english_terms(text: str) -> Iterator[Term]:
    """Terms of the `en` field: stemmed Latin words without stop words; compounds kept whole."""
    return _walk(text, no_cjk, english_word)


FIELD_TERMS: dict[str, Callable[[str], Iterator[Term]]] = {
    "words": word_terms,
    "chars": char_terms,
    "en": english_terms,
}

# --- the same analysis for queries ------------------------------------------------------------

# Terms at relative positions; None marks a position any term may hold (a stop word's).
Units = list[str | None]


def phrase_units(text: str) -> list[str]:
    """The `chars` terms that match `text` as an exact run at consecutive positions.

    A CJK run of n characters is its n-1 bigrams (one character: its unigram); when something
    follows the run, its last character's unigram is added so the next term's position follows
    on. A compound is its whole token. So 发展 is the single term 发展, and 2015 年 6 月 is
    2015, 年, 6, 月.
    """
    units: list[str] = []
    pieces = scan(text)
    for i, piece in enumerate(pieces):
        if piece.kind != "cjk":
            units.append(piece.text)
            continue
        chars = piece.text
        units.extend(chars[j : j + 2] for j in range(len(chars) - 1))
        if len(chars) == 1 or i + 1 < len(pieces):
            units.append(chars[-1])
    return units


def english_units(text: str) -> Units:
    """The `en` terms of `text` by position (compounds whole; None where a stop word stands),
    without stop words at either end."""
    by_pos: dict[int, str] = {}
    last = -1
    for term, pos, _, _ in english_terms(text):
        by_pos.setdefault(pos, term)
        last = pos
    if not by_pos:
        return []
    first = min(by_pos)
    return [by_pos.get(p) for p in range(first, last + 1)]


def query_words(text: str) -> list[str]:
    """The `words` terms of a query string (compounds as their whole token only)."""
    words: list[str] = []
    for piece in scan(text):
        if piece.kind == "cjk":
            words.extend(word for word, _, _ in segment(piece.text))
        else:
            words.append(piece.text)
    return words


def relaxed_words(text: str) -> list[str]:
    """The shorter words a long query word is made of, for a relaxed (all-words) search.

    jieba's search mode yields the sub-words of long dictionary words; the longest ones that do
    not cover the whole run are kept: 联合国发展系统改革 -> 联合国, 发展, 系统, 改革.
    """
    words: list[str] = []
    for piece in scan(text):
        if piece.kind != "cjk":
            words.append(piece.text)
            continue
        # in jieba's order (a set's would change from process to process)
        found = [w for w in dict.fromkeys(sub_words(piece.text)) if w != piece.text]
        found = [w for w in found if len(w) > 1] or list(dict.fromkeys(piece.text))
        words.extend(w for w in found if not any(w != o and w in o for o in found))
    return words
