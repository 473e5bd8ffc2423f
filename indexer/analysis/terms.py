"""Whoosh analysis for Chinese text: jieba words, CJK character bigrams, whole symbols.

Two analyzers share one scanner, at index time and at query time:

- ``WordAnalyzer`` (field ``words``): jieba precise-mode words with ordinal positions, so quoted
  phrases work; Latin words, digits and single letters kept.
- ``CharAnalyzer`` (field ``chars``): every CJK character as a unigram plus the bigram starting
  at it (same position), so any substring of a longer word matches exactly, however jieba
  segments it.
- ``EnglishAnalyzer`` (field ``en``): Latin words lowercased, stop words dropped, Porter-stemmed
  (``working groups`` matches ``Working Group``); CJK text is ignored.

In both, a compound such as ``CDIP/17/8``, ``72/279``, ``17.6`` or ``IAEG-SDG`` is one position
holding the whole token and its parts, so ``CDIP/17/8`` matches that symbol and not
``CDIP/16/8``. Text is folded for matching (width, case, traditional -> simplified) while token
offsets point into the original text. The analyzers hold no jieba object (Whoosh pickles them
into the index); the segmenter is looked up lazily, once per process.
"""

from __future__ import annotations

import functools
import logging
import os
import pickle
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from whoosh.analysis import STOP_WORDS, Analyzer, Token
from whoosh.lang import porter

from indexer.analysis.normalize import Folded, fold

ANALYSIS_VERSION = 2

CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SCAN = re.compile(
    rf"(?P<cjk>[{CJK_CHARS}](?:\s?[{CJK_CHARS}])*)"
    r"|(?P<word>[a-z0-9]+(?:[/.\-:'’&][a-z0-9]+)*)"
)
_PARTS = re.compile(r"[a-z0-9]+")
_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Piece:
    """A run of the folded text: either CJK characters or one Latin/number word."""

    kind: str  # "cjk" | "word"
    text: str  # folded; for CJK runs, the spaces between characters removed
    at: Sequence[int]  # where each character of `text` is in the folded text
    origin: Sequence[int]  # each folded character's offset in the original text

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original (start, end) of text[start:end]."""
        return self.origin[self.at[start]], self.origin[self.at[end - 1]] + 1


def scan(text: str) -> tuple[Piece, ...]:
    """Split `text` into CJK runs and words, in order, with offsets into `text`.

    Cached for the last few texts: indexing analyses each paragraph once per field.
    """
    return _scan(text)


@functools.lru_cache(maxsize=32)
def _scan(text: str) -> tuple[Piece, ...]:
    folded: Folded = fold(text)
    origin = folded.origin
    pieces = []
    for m in _SCAN.finditer(folded.text):
        start, end = m.span()
        chars = m.group()
        if m.lastgroup == "cjk" and _SPACE.search(chars):  # CJK run spread over spaces
            at = [i for i in range(start, end) if not folded.text[i].isspace()]
            chars = "".join(folded.text[i] for i in at)
            pieces.append(Piece("cjk", chars, at, origin))
        else:
            pieces.append(Piece(m.lastgroup, chars, range(start, end), origin))
    return tuple(pieces)


@functools.cache
def segmenter():
    """jieba's tokenizer with the glossary as user dictionary, created once per process.

    Its prefix dictionary (jieba's words plus the glossary's) is cached as a pickle in a private
    per-user cache directory, keyed by jieba's version and the glossary: it loads about three
    times faster than jieba's own marshal cache, which matters for every cold start and every
    `docsearch update`. The dictionary itself, and so the segmentation, is jieba's.
    """
    import jieba

    from indexer.analysis.glossary import fingerprint, user_words
    from indexer.settings import cache_dir

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    cache = cache_dir() / f"jieba-{jieba.__version__}-{fingerprint()}.pickle"
    try:
        with open(cache, "rb") as handle:
            tokenizer.FREQ, tokenizer.total = pickle.load(handle)
        tokenizer.initialized = True
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        tokenizer.tmp_dir = str(cache_dir())  # jieba's own cache: private, not the shared /tmp
        tokenizer.initialize()
        for word in user_words():
            tokenizer.add_word(word)
        _write_private(cache, pickle.dumps((tokenizer.FREQ, tokenizer.total), protocol=5))
    return tokenizer


def _write_private(path, data: bytes) -> None:
    """Write a cache file atomically, readable by this user only."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


stem = functools.lru_cache(maxsize=100_000)(porter.stem)  # a pure function of the word


def segment(run: str) -> list[tuple[str, int, int]]:
    """jieba precise-mode words of a CJK run, as (word, start, end) within the run."""
    return list(segmenter().tokenize(run, HMM=False))


def word_parts(word: str) -> list[str]:
    """A compound's parts (`cdip/17/8` -> cdip, 17, 8); [] for a simple word."""
    parts = _PARTS.findall(word)
    return parts if len(parts) > 1 else []


# Terms as (text, position offset, start, end) -- shared by the analyzers and the highlighter.
Term = tuple[str, int, int, int]


def word_terms(text: str) -> Iterator[Term]:
    """Terms of the `words` field with their positions and original character offsets."""
    pos = 0
    for piece in scan(text):
        if piece.kind == "cjk":
            for word, s, e in segment(piece.text):
                yield (word, pos, *piece.span(s, e))
                pos += 1
        else:
            yield from _compound(piece, pos)
            pos += 1


def char_terms(text: str) -> Iterator[Term]:
    """Terms of the `chars` field: CJK unigrams and bigrams, compounds as in `word_terms`."""
    pos = 0
    for piece in scan(text):
        if piece.kind == "cjk":
            chars, at, origin = piece.text, piece.at, piece.origin
            last = len(chars) - 1
            for i, ch in enumerate(chars):
                start = origin[at[i]]
                yield (ch, pos, start, start + 1)
                if i < last:
                    yield (chars[i : i + 2], pos, start, origin[at[i + 1]] + 1)
                pos += 1
        else:
            yield from _compound(piece, pos)
            pos += 1


def latin_char_terms(text: str) -> Iterator[Term]:
    """The `chars` terms of Latin words and numbers only, at the positions `char_terms` gives."""
    pos = 0
    for piece in scan(text):
        if piece.kind == "cjk":
            pos += len(piece.text)
        else:
            yield from _compound(piece, pos)
            pos += 1


def english_terms(text: str) -> Iterator[Term]:
    """Terms of the `en` field: stemmed Latin words without stop words; compounds kept whole."""
    pos = 0
    for piece in scan(text):
        if piece.kind == "cjk":
            continue
        if word_parts(piece.text):
            yield from _compound(piece, pos)
        elif piece.text in STOP_WORDS:
            continue
        else:
            word = piece.text.replace("’", "'").removesuffix("'s")
            yield (stem(word) if word.isalpha() else word, pos, *piece.span(0, len(piece.text)))
        pos += 1


def _compound(piece: Piece, pos: int) -> Iterator[Term]:
    yield (piece.text, pos, *piece.span(0, len(piece.text)))
    if word_parts(piece.text):
        for m in _PARTS.finditer(piece.text):
            yield (m.group(), pos, *piece.span(m.start(), m.end()))


class _TermAnalyzer(Analyzer):
    """Adapts a term generator to Whoosh's analyzer protocol (positions and chars honoured)."""

    terms = staticmethod(word_terms)

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for text, pos, start, end in self.terms(value):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self).__name__)


class WordAnalyzer(_TermAnalyzer):
    """jieba words + whole compounds: the precise field."""

    terms = staticmethod(word_terms)


class CharAnalyzer(_TermAnalyzer):
    """CJK unigrams + bigrams + whole compounds: the recall field."""

    terms = staticmethod(char_terms)


class EnglishAnalyzer(_TermAnalyzer):
    """Stemmed English words without stop words; compounds whole."""

    terms = staticmethod(english_terms)


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


def english_units(text: str) -> list[str]:
    """The `en` terms that match `text` at consecutive positions (compounds whole)."""
    units: list[str] = []
    last = None
    for term, pos, _, _ in english_terms(text):
        if pos != last:
            units.append(term)
        last = pos
    return units


def has_cjk(text: str) -> bool:
    return any(piece.kind == "cjk" for piece in scan(text))


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
        found = {w for w, _, _ in segmenter().tokenize(piece.text, mode="search", HMM=False)}
        found.discard(piece.text)
        found = {w for w in found if len(w) > 1} or set(piece.text)
        words.extend(w for w in found if not any(w != o and w in o for o in found))
    return words
