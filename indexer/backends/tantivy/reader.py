"""One tantivy index generation open for searching: the same answers as the Whoosh reader.

tantivy ranks (BM25, Python never scores); what Whoosh computes from its columns is asked of
tantivy so that few matches cross into Python:

- facet counts are exact terms aggregations over the matching paragraph blocks: per language a
  block is a unit (one block per unit and language); for the other facets a unit whose two
  language versions both match counts once for a value they share, so when both languages
  match, each language's matches are read by their unit column (no stored document: a few
  milliseconds for thousands of matches) and the shared values of units found twice subtracted;
- the best units are the best-scored blocks, one per unit, each shown in `prefer`'s language
  when that block matched too (one more search for those twins);
- listings by date, or grouped by document, need every matching unit in order: those read
  every match's columns (unit, language, day, symbol) into numpy, as Whoosh does.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import tantivy

from indexer.analysis.segmenter import segmenter
from indexer.backends.base import GROUP_SIZE, RELEVANCE, Order, Ranked, Stored
from indexer.backends.shared import (
    KnownBlocks,
    Vocabularies,
    in_preferred_language,
    one_per_unit,
    unit_listing,
)
from indexer.backends.tantivy.query import to_tantivy
from indexer.backends.tantivy.schema import FACETS, PAIRED, day_number, hash32, stored
from indexer.query.tree import Node

Q, Occur = tantivy.Query, tantivy.Occur
MAX_SECTIONS = 5  # matching headings shown above the results (as the Whoosh reader)
MAX_BUCKETS = 10_000  # facet values per facet (tantivy allows 65,000 buckets per request)
_AGGREGATIONS = {name: {"terms": {"field": name, "size": MAX_BUCKETS}} for name in FACETS}
_NO_DATE_AFTER = 99_999_999
KNOWN_BLOCKS = 20_000  # twin blocks kept per open generation


class TantivyReader:
    """Search access to one generation (one tantivy searcher, shared between threads)."""

    def __init__(self, index: tantivy.Index) -> None:
        self.index = index
        self.schema = index.schema
        self.searcher = index.searcher()
        self._heads = Q.boolean_query(
            [(Occur.Should, self._term("kind", k)) for k in ("heading", "title")]
        )
        # The other-language twins of ranked units, which the search asks for one by one
        # (`block`) right after ranking: read in one search.
        self._known = KnownBlocks(KNOWN_BLOCKS)
        self._vocabularies = Vocabularies(self._terms_of)

    def _term(self, field: str, value) -> tantivy.Query:
        return Q.term_query(self.schema, field, value)

    def close(self) -> None:
        self.searcher = None

    def warm_up(self) -> None:
        segmenter()
        self.searcher.aggregate(Q.all_query(), _AGGREGATIONS)
        for field in ("words", "chars", "en"):
            self.searcher.doc_freq(field, "")

    def count(self) -> int:
        return self.searcher.num_docs

    def segments(self) -> int:
        return self.searcher.num_segments

    def every_block(self, batch: int = 5000) -> Iterator[list[Stored]]:
        """Every stored block, `batch` at a time (in the order of their key hashes)."""
        every = Q.all_query()
        for start in range(0, self.searcher.num_docs, batch):
            hits = self.searcher.search(
                every, batch, count=False, offset=start, order_by_field="key_id"
            ).hits
            yield [self._stored(a) for _, a in hits]

    # -- ranking
    def rank(
        self, query: Node, *, limit: int, prefer: str, sections: bool, order: Order = RELEVANCE
    ) -> Ranked:
        q = to_tantivy(query, self.schema)
        paragraphs = self._scoped(q, order, Occur.MustNot)
        total, facets = self._count(paragraphs)
        more, listed = {}, None
        if not total:
            best = []
        elif order.sort == "relevance" and not order.group:
            best = self._preferred(paragraphs, self._best_units(paragraphs, limit), prefer)
        else:
            listing, more = self._ordered_units(paragraphs, prefer, order)
            listed = len(listing) if order.group else None
            best = [(self._stored(a), s) for a, s in listing[:limit]]
        found = []
        if sections:
            heads = self.searcher.search(self._scoped(q, order, Occur.Must), 2 * MAX_SECTIONS)
            scored = ((self._stored(a), score) for score, a in heads.hits)
            found = one_per_unit(scored, prefer)[:MAX_SECTIONS]
        self._known.read_twins([b for b, _ in best + found], self._blocks_by_key)
        return Ranked(total, best, found, facets, more, listed)

    def _scoped(self, q: tantivy.Query, order: Order, heads: tantivy.Occur) -> tantivy.Query:
        """`q` among the headings (Must) or the other blocks (MustNot), in the order's dates."""
        parts = [(Occur.Must, q), (heads, Q.const_score_query(self._heads, 0.0))]
        if order.date_from or order.date_to:
            low = max(1, day_number(order.date_from, 0))  # a block without a date: never
            high = day_number(order.date_to, 99) if order.date_to else _NO_DATE_AFTER
            days = Q.range_query(self.schema, "day_number", tantivy.FieldType.Unsigned, low, high)
            parts.append((Occur.Must, Q.const_score_query(days, 0.0)))
        return Q.boolean_query(parts)

    def _stored(self, address: tantivy.DocAddress) -> Stored:
        return stored(self.searcher.doc(address))

    def _best_units(self, paragraphs: tantivy.Query, wanted: int) -> list[tuple[Stored, float]]:
        """The `wanted` best units: the best-scored blocks, one per unit (told apart by the
        unit column, so only the blocks shown are read from the store)."""
        limit = max(2, wanted * 2)
        while True:
            hits = self.searcher.search(paragraphs, limit, count=False).hits
            units = self._values("unit_id", [a for _, a in hits])
            first: dict[int, tuple[float, tantivy.DocAddress]] = {}
            for unit, hit in zip(units, hits, strict=True):
                first.setdefault(unit, hit)
            if len(first) >= wanted or len(hits) < limit:
                return [(self._stored(a), s) for s, a in list(first.values())[:wanted]]
            limit *= 2

    def _preferred(
        self, paragraphs: tantivy.Query, best: list[tuple[Stored, float]], prefer: str
    ) -> list[tuple[Stored, float]]:
        """Each unit shown in `prefer`'s language where that block matched too."""

        def matching(keys: list[str]) -> list[Stored]:
            twins = Q.term_set_query(self.schema, "key", keys)
            q = Q.boolean_query([(Occur.Must, paragraphs), (Occur.Must, twins)])
            return self._blocks(q, len(keys))

        return in_preferred_language(best, prefer, matching)

    # -- counting
    def _count(self, paragraphs: tantivy.Query) -> tuple[int, dict[str, dict[str, int]]]:
        """Matching units, and matching units per facet value (exact)."""
        found = self.searcher.aggregate(paragraphs, _AGGREGATIONS)
        blocks = {
            name: {str(b["key"]): int(b["doc_count"]) for b in found[name]["buckets"]}
            for name in FACETS
        }
        total = sum(blocks["lang"].values())
        if len(blocks["lang"]) > 1:
            total -= self._subtract_shared(paragraphs, blocks)
        counts = {
            label: dict(sorted(((v, n) for v, n in blocks[name].items() if n), key=_by_count))
            for name, label in FACETS.items()
        }
        return total, counts

    def _subtract_shared(self, paragraphs: tantivy.Query, blocks: dict[str, dict[str, int]]) -> int:
        """Count once the units whose several language versions match: subtract their second
        blocks from `blocks` where they share a facet value; return how many such blocks."""
        units, addresses = self._units_in_several(paragraphs, blocks["lang"])
        if not len(units):
            return 0
        order = np.argsort(units, kind="stable")
        units = units[order]
        first = np.r_[True, units[1:] != units[:-1]]
        representative = np.flatnonzero(first)[np.cumsum(first) - 1]
        seconds = np.flatnonzero(~first)
        picked = [addresses[i] for i in order.tolist()]
        for name in PAIRED:
            codes = np.asarray(self._values(f"{name}_id", picked), dtype=np.int64)
            shared = codes[seconds] == codes[representative[seconds]]
            names = {hash32(v): v for v in blocks[name]}
            for code, n in zip(*np.unique(codes[seconds][shared], return_counts=True), strict=True):
                value = names[int(code)]
                blocks[name][value] -= int(n)
        return len(seconds)

    def _units_in_several(
        self, paragraphs: tantivy.Query, langs: dict[str, int]
    ) -> tuple[np.ndarray, list[tantivy.DocAddress]]:
        """The matching blocks of units that match in more than one language (their unit
        hashes and addresses), from each language's matches read by the unit column (cheaper
        than searching one language for the other's units: a set of thousands of terms)."""
        units: list[int] = []
        addresses: list[tantivy.DocAddress] = []
        for lang, count in langs.items():
            q = Q.boolean_query([(Occur.Must, paragraphs), (Occur.Must, self._term("lang", lang))])
            hits = self.searcher.search(q, count, count=False, order_by_field="unit_id").hits
            units += [u for u, _ in hits]
            addresses += [a for _, a in hits]
        found = np.fromiter(units, dtype=np.uint64, count=len(units))
        values, counts = np.unique(found, return_counts=True)
        several = np.isin(found, values[counts > 1])
        kept = [a for a, keep in zip(addresses, several.tolist(), strict=True) if keep]
        return found[several], kept

    def _values(self, field: str, addresses: list[tantivy.DocAddress]) -> list:
        return self.searcher.fast_field_values(field, addresses) if addresses else []

    # -- listings by date or by document
    def _ordered_units(self, paragraphs: tantivy.Query, prefer: str, order: Order):
        """Every matching unit once, as (address shown, unit's best score), in `order`;
        grouped, at most GROUP_SIZE per document, with how many more each document has."""
        n = self.searcher.search(paragraphs, 1, count=True).count
        hits = self.searcher.search(paragraphs, max(1, n), count=False).hits
        addresses = [a for _, a in hits]
        scores = np.fromiter((s for s, _ in hits), dtype=np.float64, count=len(hits))
        docs = np.arange(len(hits))  # tantivy's order: best first, then by address
        units = np.asarray(self._values("unit_id", addresses), dtype=np.uint64)
        other = np.asarray(self._values("lang_id", addresses), dtype=np.int64) != hash32(prefer)

        def days_of(shown: np.ndarray) -> list[int]:
            return self._values("day_number", [addresses[i] for i in shown.tolist()])

        shown, best = unit_listing(
            docs, scores, units, other, days_of if order.sort == "date" else None
        )
        listing = [(addresses[i], s) for i, s in zip(shown.tolist(), best.tolist(), strict=True)]
        if not order.group:
            return listing, {}
        return self._grouped(listing)

    def _grouped(self, listing: list[tuple[tantivy.DocAddress, float]]):
        symbols = self._values("symbol_id", [a for a, _ in listing])
        groups: dict[int, list[tuple[tantivy.DocAddress, float]]] = {}
        for symbol, entry in zip(symbols, listing, strict=True):
            groups.setdefault(symbol, []).append(entry)
        kept: list[tuple[tantivy.DocAddress, float]] = []
        more: dict[str, int] = {}
        for entries in groups.values():
            kept += entries[:GROUP_SIZE]
            if len(entries) > GROUP_SIZE:
                more[self._stored(entries[0][0])["symbol"]] = len(entries) - GROUP_SIZE
        return kept, more

    # -- stored blocks
    def _blocks_by_key(self, keys: list[str]) -> list[Stored]:
        return self._blocks(Q.term_set_query(self.schema, "key", keys), len(keys))

    def _blocks(self, q: tantivy.Query, limit: int | None = None) -> list[Stored]:
        if limit is None:
            limit = self.searcher.search(q, 1, count=True).count
        if not limit:
            return []
        return [self._stored(a) for _, a in self.searcher.search(q, limit, count=False).hits]

    def block(self, key: str) -> Stored | None:
        known, block = self._known.lookup(key)
        if known:
            return block
        found = self._blocks(self._term("key", key), 1)
        return found[0] if found else None

    def first_blocks(self, doc_keys: list[str]) -> dict[str, Stored]:
        if not doc_keys:
            return {}
        q = Q.boolean_query(
            [
                (Occur.Must, Q.term_set_query(self.schema, "doc", list(doc_keys))),
                (Occur.Must, self._term("order", 0)),  # a version's blocks are numbered from 0
            ]
        )
        return {b["doc"]: b for b in self._blocks(q, len(doc_keys))}

    def blocks_of(self, symbol: str) -> list[Stored]:
        return self._blocks(self._term("symbol", symbol))

    def has_symbol(self, symbol: str) -> bool:
        return self.searcher.search(self._term("symbol", symbol), 1, count=True).count > 0

    def vocabulary(self, field: str, containing: str = "") -> dict[str, int]:
        return self._vocabularies.get(field, containing)

    def _terms_of(self, field: str) -> dict[str, int]:
        return dict(self.searcher.terms_with_prefix(field, "", limit=None))


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]
