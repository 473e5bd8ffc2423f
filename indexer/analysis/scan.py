"""The scanner every analysis step starts from: folded text cut into CJK runs and Latin words.

Text is folded for matching (width, case, traditional -> simplified) while each piece keeps a
map back to the original characters, so every term's offsets point at what the document holds.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from indexer.analysis.normalize import Folded, fold

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


def part_spans(word: str) -> list[tuple[str, int, int]]:
    """A compound's parts with their (start, end) in the word; [] for a simple word."""
    found = [(m.group(), m.start(), m.end()) for m in _PARTS.finditer(word)]
    return found if len(found) > 1 else []


def has_cjk(text: str) -> bool:
    return any(piece.kind == "cjk" for piece in scan(text))
