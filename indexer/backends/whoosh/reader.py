"""One Whoosh index generation open for searching: ranking, stored blocks, facet columns."""

from __future__ import annotations

import threading

import numpy as np

from indexer.analysis.segmenter import segmenter
from indexer.backends.base import Ranked, Stored
from indexer.backends.whoosh.columns import Codes
from indexer.backends.whoosh.engine import CACHE_BYTES, Engine, Matches
from indexer.backends.whoosh.terms import field_terms
from indexer.query.tree import Node, Or, Term

FACETS = {"lang": "lang", "committee_code": "committee", "year": "year"}  # column -> filter
MAX_SECTIONS = 5  # matching headings shown above the results


class WhooshReader:
    """Search access to one generation; each thread reads through its own Whoosh searcher."""

    def __init__(self, ix, cache_bytes: int = CACHE_BYTES) -> None:
        self._ix = ix
        self._lock = threading.Lock()
        self._local = threading.local()
        self._searchers: list = []
        searcher = self._searcher()
        self.engine = Engine(searcher, cache_bytes)
        kinds = Or((Term("kind", "heading"), Term("kind", "title")))
        self.heads = np.zeros(self.engine.doc_count, dtype=bool)
        self.heads[self.engine.evaluate(searcher, kinds).docs] = True
        reader = searcher.reader()
        self.columns = {name: Codes(reader, name) for name in (*FACETS, "unit")}
        self._vocabularies: dict[tuple[str, str], dict[str, int]] = {}

    def _searcher(self):
        """This thread's searcher (Whoosh searchers are not shared between threads)."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self._ix.searcher()
            with self._lock:
                self._searchers.append(searcher)
            self._local.searcher = searcher
        return searcher

    def close(self) -> None:
        with self._lock:
            searchers, self._searchers = self._searchers, []
        for searcher in searchers:
            searcher.close()
        self._ix.close()

    def warm_up(self) -> None:
        segmenter()
        searcher = self._searcher()
        for fieldname in ("words", "chars", "en"):
            self.engine.lengths(searcher, fieldname)

    # -- ranking
    def rank(self, query: Node, *, limit: int, prefer: str, sections: bool) -> Ranked:
        searcher = self._searcher()
        matches = self.engine.evaluate(searcher, query)
        heads = self.heads[matches.docs]
        paragraphs = Matches(matches.docs[~heads], matches.scores[~heads])
        best = self._best_units(paragraphs, limit, prefer)
        total, facets = self._count(paragraphs.docs)
        found = []
        if sections:
            top_heads = _top(Matches(matches.docs[heads], matches.scores[heads]), 2 * MAX_SECTIONS)
            found = self._per_unit(top_heads, prefer)[:MAX_SECTIONS]
        return Ranked(total, best, found, facets)

    def _best_units(self, matches: Matches, wanted: int, prefer: str) -> list[tuple[Stored, float]]:
        """The `wanted` best units: the best-scored blocks, one per unit, in `prefer`'s language
        where that version matched too."""
        limit = wanted * 2
        while True:
            ranked = _top(matches, limit)
            best = self._per_unit(ranked, prefer)
            if len(best) >= wanted or len(ranked) < limit:
                return best[:wanted]
            limit *= 2

    def _per_unit(self, ranked: list[tuple[int, float]], prefer: str) -> list[tuple[Stored, float]]:
        searcher = self._searcher()
        best: dict[str, tuple[Stored, float]] = {}
        for docnum, score in ranked:
            stored = searcher.stored_fields(docnum)
            unit = stored["unit"]
            if unit not in best:
                best[unit] = (stored, score)
            elif stored["lang"] == prefer:
                best[unit] = (stored, best[unit][1])
        return list(best.values())

    def _count(self, docs: np.ndarray) -> tuple[int, dict[str, dict[str, int]]]:
        """Matching units, and matching units per language, committee and year."""
        units = self.columns["unit"]
        unit_codes = units.codes[docs]
        seen = np.zeros(len(units.values), dtype=bool)
        seen[unit_codes] = True
        counts = {}
        for name, label in FACETS.items():
            column = self.columns[name]
            # a unit counts once per value (a paragraph in both languages is one unit)
            pairs = np.unique(column.codes[docs].astype(np.int64) * len(units.values) + unit_codes)
            found = np.bincount(pairs // len(units.values), minlength=len(column.values))
            values = ((column.values[c], int(found[c])) for c in np.flatnonzero(found))
            counts[label] = dict(sorted(values, key=lambda kv: (-kv[1], kv[0])))
        return int(seen.sum()), counts

    # -- stored blocks
    def block(self, key: str) -> Stored | None:
        searcher = self._searcher()
        found = self.engine.evaluate(searcher, Term("key", key)).docs
        return searcher.stored_fields(int(found[0])) if len(found) else None

    def blocks_of(self, symbol: str) -> list[Stored]:
        return list(self._searcher().documents(symbol=symbol))

    def has_symbol(self, symbol: str) -> bool:
        return self._searcher().document_number(symbol=symbol) is not None

    def vocabulary(self, field: str, containing: str = "") -> dict[str, int]:
        key = (field, containing)
        found = self._vocabularies.get(key)
        if found is None:
            if containing:
                every = self.vocabulary(field)
                found = {t: n for t, n in every.items() if containing in t}
            else:
                found = field_terms(self._searcher(), field)
            with self._lock:
                found = self._vocabularies.setdefault(key, found)
        return found


def _top(matches: Matches, limit: int) -> list[tuple[int, float]]:
    """The best `limit` (docnum, score), best first; lower docnums first among equal scores."""
    docs, scores = matches.docs, matches.scores
    if len(docs) > limit:
        keep = np.argpartition(-scores, limit - 1)[:limit]
        threshold = scores[keep].min()
        keep = np.flatnonzero(scores >= threshold)  # ties at the threshold: lowest docnums win
        docs, scores = docs[keep], scores[keep]
    order = np.lexsort((docs, -scores))[:limit]
    return list(zip(docs[order].tolist(), scores[order].tolist(), strict=True))
