"""Text folding for matching: width (NFKC), case and traditional->simplified Chinese.

Folding never changes what is stored or displayed; it produces a matching form of the text
together with a map from each folded character back to the original character, so that token
offsets (and therefore highlights) point at exactly the characters the document contains.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

# Full-width ASCII variants and the ideographic space fold to their ASCII forms one to one.
_WIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


@dataclass(frozen=True)
class Folded:
    """A folded string and, for each of its characters, the index of its source character."""

    text: str
    origin: list[int]


@functools.cache
def _t2s():
    import opencc  # imported lazily: loading the conversion tables costs time

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert traditional Chinese characters to simplified ones (length-preserving)."""
    if text.isascii():
        return text
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    # A phrase rule changed the length: fall back to character-by-character conversion.
    out = []
    for ch in text:
        c = _t2s().convert(ch)
        out.append(c if len(c) == 1 else ch)
    return "".join(out)


def fold(text: str) -> Folded:
    """Fold `text` for matching: NFKC width folding, lowercase, traditional -> simplified."""
    if text.isascii():
        return Folded(text.lower(), list(range(len(text))))
    narrowed = text.translate(_WIDTH_TABLE)
    lowered = narrowed.lower()
    if len(lowered) == len(text) and unicodedata.is_normalized("NFKC", lowered):
        return Folded(to_simplified(lowered), list(range(len(text))))
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(narrowed):
        for out in unicodedata.normalize("NFKC", ch).lower():
            chars.append(out)
            origin.append(i)
    return Folded(to_simplified("".join(chars)), origin)


def fold_query_text(text: str) -> str:
    """The folded form of a short string (a query term, a symbol, a filter value)."""
    return fold(text).text
