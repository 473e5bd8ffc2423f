"""Highlights on exactly the matched characters, computed with the same analysis as the index.

A match is found on the `chars` terms of the stored text (every phrase the index can match is
an exact run there) or, for English words, on the stemmed `en` terms, and reported as character
spans of the original text. Output is either
(text, marked) segments for templates or escaped HTML with <mark> for the JSON contract.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from markupsafe import escape

from indexer.analysis.scan import CJK_CHARS, scan
from indexer.analysis.terms import char_terms, english_terms, latin_char_terms

_CJK = re.compile(f"[{CJK_CHARS}]+")

Segment = tuple[str, bool]
Pattern = tuple[str, list[str | None]]  # (field, terms by position; None: any term there)


def match_spans(
    text: str,
    patterns: Iterable[Pattern],
    by_terms: dict | None = None,
) -> list[tuple[int, int]]:
    """Spans of `text` where each pattern occurs, found with that field's analysis, merged.

    A pattern of CJK characters only is an exact run of the folded text, so it is looked up
    as a substring of each CJK run; other patterns are matched term by term. `by_terms` keeps
    what was derived from the text (analysed terms and their positions) between calls on the
    same text (see `which_found`).
    """
    spans = []
    by_terms = {} if by_terms is None else by_terms
    for field, units in patterns:
        if not units:
            continue
        cjk = [bool(u and _CJK.search(u)) for u in units]
        if field == "chars" and not any(cjk) and not _contains(text, units[0], by_terms):
            continue  # Latin terms are parts of the folded words: absent there, nowhere
        if field == "chars" and _one_cjk_run(units):
            needle = units[0] + "".join(u[-1] for u in units[1:])  # the bigrams' characters
            for piece in scan(text):
                start = piece.text.find(needle) if piece.kind == "cjk" else -1
                while start >= 0:
                    spans.append(piece.span(start, start + len(needle)))
                    start = piece.text.find(needle, start + 1)
            continue
        # CJK characters' terms are many: generated only for a pattern mixing scripts.
        terms_of = english_terms if field == "en" else char_terms if any(cjk) else latin_char_terms
        if terms_of not in by_terms:
            at: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
            for term, pos, start, end in terms_of(text):
                at[pos].setdefault(term, (start, end))
            by_terms[terms_of] = at
        at = by_terms[terms_of]
        for pos in _positions_of(at, units[0], by_terms, terms_of):
            terms = at[pos]
            if all(u is None or u in at.get(pos + i, ()) for i, u in enumerate(units)):
                spans.append((terms[units[0]][0], at[pos + len(units) - 1][units[-1]][1]))
    return merge(spans)


def _positions_of(at, term, by_terms, terms_of) -> list[int]:
    """The positions holding `term`, from an index of the analysed terms made once per text."""
    key = ("where", terms_of)
    where = by_terms.get(key)
    if where is None:
        where = defaultdict(list)
        for pos, terms in at.items():
            for t in terms:
                where[t].append(pos)
        by_terms[key] = where
    return where.get(term, [])


def which_found(text: str, groups: list[Iterable[Pattern]]) -> list[bool]:
    """For each group of patterns, whether any of them occurs in `text` (analysed once)."""
    by_terms: dict = {}
    return [bool(match_spans(text, group, by_terms)) for group in groups]


def _contains(text: str, folded_term: str, by_terms: dict) -> bool:
    words = by_terms.get("words")
    if words is None:  # the text's Latin words, joined once
        words = by_terms["words"] = " ".join(p.text for p in scan(text) if p.kind == "word")
    return folded_term in words


def _one_cjk_run(units: list[str]) -> bool:
    """Whether `units` are one character, or the chained bigrams of one run of CJK characters."""
    if not all(u and _CJK.fullmatch(u) for u in units):
        return False
    if len(units) == 1:
        return True
    if not all(len(u) == 2 for u in units):
        return False
    return all(a[1] == b[0] for a, b in zip(units, units[1:], strict=False))


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
