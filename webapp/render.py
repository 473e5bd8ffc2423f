"""Text to render: highlight segments combined with links to cited documents.

Everything here returns plain strings in small tuples; templates escape them. Nothing is ever
turned into markup from data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from indexer import BlockView, DocumentView
from indexer.ingest.symbols import cited_symbols


@dataclass(frozen=True)
class Piece:
    """A run of text: highlighted or not, and linking to a document (`href`) or not."""

    text: str
    mark: bool = False
    href: str | None = None


def pieces(segments: Iterable[tuple[str, bool]], link: Callable[[str], str | None]) -> list[Piece]:
    """Cut highlight `segments` further where cited symbols occur; `link(symbol)` gives a URL.

    A symbol whose `link` is None (not in the index) stays plain text.
    """
    text, marks, cursor = "", [], 0
    for part, marked in segments:
        if marked:
            marks.append((cursor, cursor + len(part)))
        text += part
        cursor += len(part)
    links = [(s, e, href) for s, e, sym in cited_symbols(text) if (href := link(sym))]
    cuts = sorted({0, len(text), *(p for s, e in marks for p in (s, e))} | _ends(links))
    out: list[Piece] = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        if start == end:
            continue
        mark = any(s <= start < e for s, e in marks)
        href = next((h for s, e, h in links if s <= start < e), None)
        out.append(Piece(text[start:end], mark, href))
    return out


def _ends(links: list[tuple[int, int, str]]) -> set[int]:
    return {p for s, e, _ in links for p in (s, e)}


@dataclass
class Row:
    """One paragraph label of a document, with its block in each shown language."""

    label: str
    kind: str
    blocks: dict[str, BlockView]


def rows(doc: DocumentView, langs: list[str]) -> list[Row]:
    """The document's blocks aligned by label across `langs` (the first language leads).

    A label that only the other language has is placed after the label preceding it there.
    """
    order: list[str] = []
    by_label: dict[str, Row] = {}
    for lang in langs:
        previous = None
        for block in (b for b in doc.blocks if b.lang == lang):
            row = by_label.get(block.paragraph)
            if row is None:
                row = by_label[block.paragraph] = Row(block.paragraph, block.kind, {})
                at = order.index(previous) + 1 if previous in by_label else 0
                order.insert(at if lang != langs[0] else len(order), block.paragraph)
            row.blocks.setdefault(lang, block)
            previous = block.paragraph
    return [by_label[label] for label in order]
