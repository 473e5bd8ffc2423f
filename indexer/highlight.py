"""Highlights on exactly the matched characters, computed with the same analysis as the index.

A match is found on the `chars` terms of the stored text (every phrase the index can match is
an exact run there) or, for English words, on the stemmed `en` terms, and reported as character
spans of the original text. Output is either
(text, marked) segments for templates or escaped HTML with <mark> for the JSON contract.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from markupsafe import escape

from indexer.analysis import TERMS_BY_FIELD

Segment = tuple[str, bool]
Pattern = tuple[str, list[str]]  # (field, terms at consecutive positions)


def match_spans(text: str, patterns: Iterable[Pattern]) -> list[tuple[int, int]]:
    """Spans of `text` where each pattern occurs, found with that field's analysis, merged."""
    by_field: dict[str, dict[int, dict[str, tuple[int, int]]]] = {}
    spans = []
    for field, units in patterns:
        if not units:
            continue
        if field not in by_field:
            at: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
            for term, pos, start, end in TERMS_BY_FIELD[field](text):
                at[pos].setdefault(term, (start, end))
            by_field[field] = at
        at = by_field[field]
        for pos, terms in at.items():
            if units[0] not in terms:
                continue
            if all(units[i] in at.get(pos + i, ()) for i in range(1, len(units))):
                spans.append((terms[units[0]][0], at[pos + len(units) - 1][units[-1]][1]))
    return merge(spans)


def merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def segments(text: str, spans: list[tuple[int, int]]) -> list[Segment]:
    """Cut `text` into (piece, is_match) segments."""
    out: list[Segment] = []
    cursor = 0
    for start, end in spans:
        if start > cursor:
            out.append((text[cursor:start], False))
        out.append((text[start:end], True))
        cursor = end
    if cursor < len(text):
        out.append((text[cursor:], False))
    return out


def fragment(text: str, spans: list[tuple[int, int]], width: int = 240) -> list[Segment]:
    """The segments of a window of about `width` characters around the first matches."""
    if len(text) <= width or not spans:
        cut = text if len(text) <= width else text[:width].rstrip() + "…"
        return segments(cut, [s for s in spans if s[1] <= len(cut)])
    first = spans[0][0]
    start = max(0, min(first - width // 4, len(text) - width))
    end = min(len(text), start + width)
    start, end = _word_edge(text, start, first, forward=True), _word_edge(text, end, end, False)
    window = [
        (max(s, start) - start, min(e, end) - start) for s, e in spans if e > start and s < end
    ]
    segs = segments(text[start:end], window)
    if start > 0:
        segs.insert(0, ("…", False))
    if end < len(text):
        segs.append(("…", False))
    return segs


def _word_edge(text: str, cut: int, limit: int, forward: bool) -> int:
    """Move a cut inside a Latin word to the nearest space (never past `limit`)."""
    if cut <= 0 or cut >= len(text) or not (text[cut - 1].isalnum() and text[cut].isascii()):
        return cut
    step = 1 if forward else -1
    i = cut
    while 0 < i < len(text) and abs(i - cut) < 20 and not text[i].isspace():
        i += step
    if forward:
        return i + 1 if text[i].isspace() and i < limit else cut
    return i if text[i].isspace() else cut


def to_html(segs: list[Segment]) -> str:
    """Escaped HTML: matches in <mark>, everything else escaped."""
    return "".join(f"<mark>{escape(t)}</mark>" if marked else str(escape(t)) for t, marked in segs)
