"""One Whoosh index generation open for searching: ranking, stored blocks, facet columns."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from indexer.analysis.segmenter import segmenter
from indexer.backends.base import GROUP_SIZE, RELEVANCE, Order, Ranked, Stored
from indexer.backends.shared import Vocabularies, one_per_unit, unit_listing
from indexer.backends.whoosh.columns import coded_columns
from indexer.backends.whoosh.engine import CACHE_BYTES, Engine, Matches
from indexer.backends.whoosh.terms import field_terms
from indexer.query.tree import Node, Or, Term

FACETS = {  # column -> filter
    "lang": "lang",
    "committee_code": "committee",
    "year": "year",
    "session_key": "session",
    "doctype": "type",
}
MAX_SECTIONS = 5  # matching headings shown above the results


class WhooshReader:
    """Search access to one generation; each thread reads through its own Whoosh searcher."""

    def __init__(self, ix, cache_bytes: int = CACHE_BYTES) -> None:
        self._ix = ix
        self._lock = threading.Lock()
        self._local = threading.local()
        self._searchers: list = []
        self._vocabularies = Vocabularies(self._terms_of)
        try:
            searcher = self._searcher()
            self.engine = Engine(searcher, cache_bytes)
            kinds = Or((Term("kind", "heading"), Term("kind", "title")))
            self.heads = np.zeros(self.engine.doc_count, dtype=bool)
            self.heads[self.engine.evaluate(searcher, kinds).docs] = True
            self.columns = coded_columns(searcher.reader(), Path(ix.storage.folder))
        except BaseException:
            self.close()  # a damaged generation: no file left open
            raise

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
    def rank(
        self, query: Node, *, limit: int, prefer: str, sections: bool, order: Order = RELEVANCE
    ) -> Ranked:
        searcher = self._searcher()
        matches = self._in_dates(self.engine.evaluate(searcher, query), order)
        heads = self.heads[matches.docs]
        paragraphs = Matches(matches.docs[~heads], matches.scores[~heads])
        more, listed = {}, None
        if order.sort == "relevance" and not order.group:
            best = self._best_units(paragraphs, limit, prefer)
        else:
            listing, more = self._ordered_units(paragraphs, prefer, order)
            listed = len(listing) if order.group else None
            best = [(searcher.stored_fields(d), s) for d, s in listing[:limit]]
        total, facets = self._count(paragraphs.docs)
        found = []
        if sections:
            top_heads = _top(Matches(matches.docs[heads], matches.scores[heads]), 2 * MAX_SECTIONS)
            found = self._per_unit(top_heads, prefer)[:MAX_SECTIONS]
        return Ranked(total, best, found, facets, more, listed)

    def _in_dates(self, matches: Matches, order: Order) -> Matches:
        """Only the matches whose document date lies in date_from..date_to."""
        low, high = order.date_from, order.date_to
        if not (low or high):
            return matches
        column = self.columns["day"]
        values = np.array(column.values, dtype=object)
        inside = values != ""
        if low:
            inside &= values >= low
        if high:  # "2017" takes in every 2017-… date
            inside &= values <= high + "\uffff"
        keep = inside[column.codes[matches.docs]]
        return Matches(matches.docs[keep], matches.scores[keep])

    def _ordered_units(
        self, paragraphs: Matches, prefer: str, order: Order
    ) -> tuple[list[tuple[int, float]], dict[str, int]]:
        """Every matching unit once, as (docnum shown, unit's best score), in `order`; grouped,
        at most GROUP_SIZE per document, with how many more each document has."""
        docs, scores = paragraphs.docs, paragraphs.scores
        if not len(docs):
            return [], {}
        units = self.columns["unit"].codes[docs]
        langs = self.columns["lang"]
        other = langs.codes[docs] != (langs.values.index(prefer) if prefer in langs.values else -1)
        days = self.columns["day"].codes  # codes follow the sorted values
        days_of = days.__getitem__ if order.sort == "date" else None
        shown, best = unit_listing(docs, scores, units, other, days_of)
        if not order.group:
            return list(zip(shown.tolist(), best.tolist(), strict=True)), {}
        return self._grouped(shown, best)

    def _grouped(self, shown: np.ndarray, best: np.ndarray):
        symbols = self.columns["symbol"].codes[shown]
        _, first_at, inverse = np.unique(symbols, return_index=True, return_inverse=True)
        grouped = np.argsort(first_at[inverse], kind="stable")
        shown, best, symbols = shown[grouped], best[grouped], symbols[grouped]
        starts = np.flatnonzero(np.r_[True, symbols[1:] != symbols[:-1]])
        sizes = np.diff(np.r_[starts, len(symbols)])
        rank = np.arange(len(symbols)) - np.repeat(starts, sizes)
        keep = rank < GROUP_SIZE
        values = self.columns["symbol"].values
        more = {
            values[symbols[s]]: int(n - GROUP_SIZE)
            for s, n in zip(starts.tolist(), sizes.tolist(), strict=True)
            if n > GROUP_SIZE
        }
        shown, best = shown[keep], best[keep]
        return list(zip(shown.tolist(), best.tolist(), strict=True)), more

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
        return one_per_unit(((searcher.stored_fields(d), score) for d, score in ranked), prefer)

    def _count(self, docs: np.ndarray) -> tuple[int, dict[str, dict[str, int]]]:
        """Matching units, and matching units per facet value: a unit whose two language
        versions both match counts once for a value they share (in linear time: each block
        is compared with one representative block of its unit)."""
        unit_codes = self.columns["unit"].codes[docs]
        representative = np.full(self.columns["unit"].size, -1, dtype=np.int64)
        representative[unit_codes] = docs
        total = int(np.count_nonzero(representative >= 0))
        others = representative[unit_codes] != docs  # a unit's second matching block
        second, first = docs[others], representative[unit_codes[others]]
        counts = {}
        for name, label in FACETS.items():
            codes = self.columns[name].codes
            size = self.columns[name].size
            found = np.bincount(codes[docs], minlength=size)
            shared = codes[second] == codes[first]
            found -= np.bincount(codes[second][shared], minlength=size)
            values = ((self.columns[name].values[c], int(found[c])) for c in np.flatnonzero(found))
            counts[label] = dict(sorted(values, key=lambda kv: (-kv[1], kv[0])))
        return total, counts

    # -- stored blocks
    def block(self, key: str) -> Stored | None:
        searcher = self._searcher()
        found = self.engine.evaluate(searcher, Term("key", key)).docs
        return searcher.stored_fields(int(found[0])) if len(found) else None

    def first_blocks(self, doc_keys: list[str]) -> dict[str, Stored]:
        searcher = self._searcher()
        found = {}
        for key in doc_keys:
            number = searcher.document_number(doc=key)
            if number is not None:
                found[key] = dict(searcher.stored_fields(number))
        return found

    def blocks_of(self, symbol: str) -> list[Stored]:
        return list(self._searcher().documents(symbol=symbol))

    def has_symbol(self, symbol: str) -> bool:
        return self._searcher().document_number(symbol=symbol) is not None

    def vocabulary(self, field: str, containing: str = "") -> dict[str, int]:
        return self._vocabularies.get(field, containing)

    def _terms_of(self, field: str) -> dict[str, int]:
        return field_terms(self._searcher(), field)


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
