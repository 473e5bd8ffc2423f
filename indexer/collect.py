"""One pass over the matches of a query: top paragraphs, top headings, and every match.

Whoosh's usual route (search for the top N, then `docs_for_query` for the total and a filter
set built per query) evaluates an expensive query -- phrases over CJK bigrams -- two or three
times. This collector scores each match once and sorts it into the paragraph heap or the
heading heap, remembering every matching paragraph for the unit count and the facets.
"""

from __future__ import annotations

from heapq import heappush, heapreplace

from whoosh.collectors import ScoredCollector


class SplitTopCollector(ScoredCollector):
    """Top `limit` paragraphs and top `heads_limit` headings/titles, plus all matching docnums."""

    def __init__(self, limit: int, heads_limit: int, heads: frozenset[int]) -> None:
        super().__init__()
        self.limit = limit
        self.heads_limit = heads_limit
        self.heads = heads  # docnums of heading and title blocks

    def prepare(self, top_searcher, q, context):
        super().prepare(top_searcher, q, context)
        self.head_items: list[tuple[float, int]] = []

    def _use_block_quality(self) -> bool:
        return False  # every match is needed for the counts

    def _collect(self, global_docnum: int, score: float):
        if global_docnum in self.heads:
            heap, limit = self.head_items, self.heads_limit
        else:
            heap, limit = self.items, self.limit
            self.docset.add(global_docnum)
        entry = (score, 0 - global_docnum)  # lower docnums first among equal scores
        if len(heap) < limit:
            heappush(heap, entry)
        elif entry > heap[0]:
            heapreplace(heap, entry)
        return 0 - score

    @staticmethod
    def ranked(heap: list[tuple[float, int]]) -> list[tuple[int, float]]:
        """(docnum, score), best first."""
        return [(0 - negated, score) for score, negated in sorted(heap, reverse=True)]

    def top(self) -> list[tuple[int, float]]:
        return self.ranked(self.items)

    def top_heads(self) -> list[tuple[int, float]]:
        return self.ranked(self.head_items)

    def results(self):
        return self._results(self.items, docset=self.docset)
