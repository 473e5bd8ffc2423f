"""Segments + cited-symbol links -> pieces; document rows aligned by label."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from indexer import BlockView, DocumentView
from webapp.render import Piece, pieces, rows


def test_highlight_and_link_overlap_are_cut_at_every_boundary():
    segs = [("see document CDIP/", False), ("19/6 and", True), (" CDIP/16/8.", False)]
    out = pieces(segs, lambda s: "/doc/" + s if s == "CDIP/19/6" else None)
    assert out == [
        Piece("see document "),
        Piece("CDIP/", False, "/doc/CDIP/19/6"),
        Piece("19/6", True, "/doc/CDIP/19/6"),
        Piece(" and", True),
        Piece(" CDIP/16/8."),
    ]


TEXT = st.text(alphabet='CDIP/0123456789 文件ab<>&"', max_size=12)


@given(st.lists(st.tuples(TEXT, st.booleans())))
def test_pieces_keep_the_text_and_the_marks(segs):
    out = pieces(segs, lambda s: "/doc/" + s)
    assert "".join(p.text for p in out) == "".join(t for t, _ in segs)
    marked = "".join(t for t, m in segs if m)
    assert "".join(p.text for p in out if p.mark) == marked


def block(lang, label, order, kind="paragraph"):
    return BlockView("X/1/1", lang, label, kind, "", f"{lang}{label}", order)


def test_rows_align_labels_and_keep_labels_only_one_language_has():
    blocks = [
        block("en", "1", 0),
        block("en", "h1", 1, "heading"),
        block("en", "2", 2),
        block("zh", "1", 0),
        block("zh", "2", 1),
        block("zh", "3", 2),
    ]
    doc = DocumentView("X/1/1", {"en": {}, "zh": {}}, blocks)
    got = [(r.label, sorted(r.blocks)) for r in rows(doc, ["zh", "en"])]
    assert got == [("1", ["en", "zh"]), ("h1", ["en"]), ("2", ["en", "zh"]), ("3", ["zh"])]
