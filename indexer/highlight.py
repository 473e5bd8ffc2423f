"""Highlights on exactly the matched characters, computed with the same analysis as the index.

A match is found on the `chars` terms of the stored text (every phrase the index can match is
an exact run there), and reported as character spans of the original text. Output is either
(text, marked) segments for templates or escaped HTML with <mark> for the JSON contract.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from markupsafe import escape

from indexer.analysis import char_terms

Segment = tuple[str, bool]


def match_spans(text: str, patterns: Iterable[list[str]]) -> list[tuple[int, int]]:
    """Spans of `text` where each pattern (a list of consecutive `chars` terms) occurs, merged."""
    at: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    for term, pos, start, end in char_terms(text):
        at[pos].setdefault(term, (start, end))
    spans = []
    for units in patterns:
        if not units:
            continue
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
    window = [
        (max(s, start) - start, min(e, end) - start) for s, e in spans if e > start and s < end
    ]
    segs = segments(text[start:end], window)
    if start > 0:
        segs.insert(0, ("…", False))
    if end < len(text):
        segs.append(("…", False))
    return segs


def to_html(segs: list[Segment]) -> str:
    """Escaped HTML: matches in <mark>, everything else escaped."""
    return "".join(f"<mark>{escape(t)}</mark>" if marked else str(escape(t)) for t, marked in segs)
