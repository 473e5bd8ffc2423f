"""The obvious design, for comparison: jieba's ChineseAnalyzer into a default Whoosh writer.

One TEXT(stored=True) field analysed by ``jieba.analyse.ChineseAnalyzer()``, a default
``ix.writer()`` (one process, default limitmb), the same blocks as the real index; queried with
Whoosh's QueryParser and highlighted with ``hit.highlights``.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser

from indexer.ingest.corpus import Document


def schema() -> Schema:
    from jieba.analyse import ChineseAnalyzer

    return Schema(
        symbol=ID(stored=True),
        lang=ID(stored=True),
        label=ID(stored=True),
        content=TEXT(stored=True, analyzer=ChineseAnalyzer()),
    )


def build(documents: list[Document], root: Path) -> int:
    """Index every block of `documents` into a new Whoosh index at `root`; returns blocks."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    root.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(root), schema())
    writer = ix.writer()
    blocks = 0
    for doc in documents:
        for block in doc.blocks:
            writer.add_document(
                symbol=doc.meta.symbol, lang=doc.meta.lang, label=block.label, content=block.text
            )
            blocks += 1
    writer.commit()
    ix.close()
    return blocks


class BaselineSearcher:
    def __init__(self, root: Path) -> None:
        self.ix = whoosh_index.open_dir(str(root))
        self.searcher = self.ix.searcher()
        self.parser = QueryParser("content", self.ix.schema)

    def search(self, text: str) -> tuple[int, float]:
        """Run one query (first page, highlights); returns (total, milliseconds)."""
        started = time.perf_counter()
        results = self.searcher.search(self.parser.parse(text), limit=10)
        for hit in results:
            hit.highlights("content")
        return len(results), (time.perf_counter() - started) * 1000
