"""Query evaluation with numpy over Whoosh's posting lists.

Whoosh stores the index; evaluating a query through its matchers costs Python calls for every
matching document, which is about a second for common words at 100,000 paragraphs. Here a
term's posting list is read block by block into two arrays (document numbers and term
frequencies) and the query tree is evaluated with array operations: AND is an intersection, OR
a union, and each term's BM25F score (Whoosh's formula and statistics) is computed for all of
its documents at once. Phrases check positions only for the documents that hold all their
terms. Posting lists are cached per index generation, so common words are read once.
"""

from __future__ import annotations

import pickle
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass, replace
from itertools import chain

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.util.numeric import byte_to_length

B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults, which the searchers use
CACHE_BYTES = 256 * 2**20  # posting lists kept per index generation
_LENGTHS = np.array([byte_to_length(i) for i in range(256)], dtype=np.float64)
_VALUES_START = b"(c_codecs\nencode"  # where a block's pickled position values begin


@dataclass(frozen=True)
class Matches:
    """Matching documents (sorted global document numbers) and their scores."""

    docs: np.ndarray
    scores: np.ndarray

    @classmethod
    def none(cls) -> Matches:
        return cls(np.empty(0, np.int32), np.empty(0, np.float64))

    def __len__(self) -> int:
        return len(self.docs)


@dataclass(frozen=True)
class _Block:
    """Where one block of a posting list lies, to read its positions when a phrase needs them."""

    segment: int
    offset: int
    length: int
    compressed: bool
    start: int  # index of the block's first posting in the term's arrays
    values: tuple | None = None  # the encoded positions, when Whoosh kept them with the term


@dataclass(frozen=True)
class _Postings:
    docs: np.ndarray  # global document numbers, ascending (deleted ones included)
    freqs: np.ndarray  # term frequency in each
    blocks: tuple[_Block, ...]
    positions: np.ndarray | None = None  # every posting's positions, one after the other
    starts: np.ndarray | None = None  # where each posting's positions start (and the end)

    @property
    def nbytes(self) -> int:
        extra = 0 if self.positions is None else self.positions.nbytes + self.starts.nbytes
        return self.docs.nbytes + self.freqs.nbytes + 64 * len(self.blocks) + extra

    def keys(self, docs: np.ndarray) -> np.ndarray:
        """(document << 32 | position) for every position of the term in `docs` (all hold it)."""
        index = np.searchsorted(self.docs, docs)
        first, counts = self.starts[index], self.starts[index + 1] - self.starts[index]
        shift = np.repeat(first - (np.cumsum(counts) - counts), counts)
        where = np.arange(counts.sum()) + shift
        return (np.repeat(docs.astype(np.int64), counts) << 32) | self.positions[where]


_EMPTY = _Postings(np.empty(0, np.int32), np.empty(0, np.float32), ())


class Engine:
    """One index generation's statistics and posting-list cache, shared by all threads.

    Every read goes through the calling thread's searcher (Whoosh file handles are not shared).
    """

    def __init__(self, searcher, cache_bytes: int = CACHE_BYTES) -> None:
        reader = searcher.reader()
        self.doc_count = reader.doc_count_all()
        self.live: np.ndarray | None = None
        if reader.has_deletions():
            self.live = np.ones(self.doc_count, dtype=bool)
            for segment, base in reader.leaf_readers():
                dead = np.fromiter(segment.deleted_docs_set, dtype=np.int64)
                self.live[dead + base] = False
        self.cache_bytes = cache_bytes
        self._cache: OrderedDict[tuple[str, bytes], _Postings] = OrderedDict()
        self._cached = 0
        self._lengths: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    # -- evaluation
    def evaluate(self, searcher, q: wq.Query) -> Matches:
        """The documents matching `q` and their scores (Whoosh's BM25F sums)."""
        if isinstance(q, wq.Term):
            return self._term(searcher, q.fieldname, q.text, q.boost)
        if isinstance(q, wq.Phrase):
            return self._phrase(searcher, q)
        if isinstance(q, wq.AndMaybe):
            required, optional = (self.evaluate(searcher, c) for c in (q.a, q.b))
            return _add(required, optional)
        if isinstance(q, wq.AndNot):
            positive = self.evaluate(searcher, q.a)
            if not len(positive):
                return positive
            negative = self.evaluate(searcher, q.b)
            keep = ~np.isin(positive.docs, negative.docs, assume_unique=True)
            return Matches(positive.docs[keep], positive.scores[keep])
        if isinstance(q, wq.And):
            result = None
            for child in q.subqueries:
                matches = self.evaluate(searcher, child)
                result = matches if result is None else _intersect(result, matches)
                if not len(result):
                    break
            return result if result is not None else Matches.none()
        if isinstance(q, wq.Or):
            return _union([self.evaluate(searcher, c) for c in q.subqueries])
        if isinstance(q, wq.Every):
            docs = np.arange(self.doc_count, dtype=np.int32)
            if self.live is not None:
                docs = docs[self.live]
            return Matches(docs, np.ones(len(docs)))  # as Whoosh scores "every document"
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return Matches.none()
        raise TypeError(f"cannot evaluate {type(q).__name__} queries")

    def _term(self, searcher, fieldname: str, text: str, boost: float = 1.0) -> Matches:
        postings = self.postings(searcher, fieldname, text)
        scores = self._scores(searcher, fieldname, text, postings, boost)
        if self.live is None:
            return Matches(postings.docs, scores)
        keep = self.live[postings.docs]
        return Matches(postings.docs[keep], scores[keep])

    def _scores(self, searcher, fieldname, text, postings: _Postings, boost: float) -> np.ndarray:
        field = searcher.schema[fieldname]
        if not field.scorable or not len(postings.docs):
            return np.zeros(len(postings.docs))
        idf = searcher.idf(fieldname, text)
        average = searcher.avg_field_length(fieldname) or 1
        tf = postings.freqs.astype(np.float64)
        lengths = self.lengths(searcher, fieldname)[postings.docs]
        return boost * idf * (tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * lengths / average))

    def _phrase(self, searcher, q: wq.Phrase) -> Matches:
        words = list(q.words)
        if len(words) == 1:
            return self._term(searcher, q.fieldname, words[0], q.boost)
        postings = [self.postings(searcher, q.fieldname, w) for w in words]
        candidates = postings[0].docs
        for p in postings[1:]:
            candidates = np.intersect1d(candidates, p.docs, assume_unique=True)
        if self.live is not None:
            candidates = candidates[self.live[candidates]]
        if not len(candidates):
            return Matches.none()
        postings = [self.postings(searcher, q.fieldname, w, positions=True) for w in words]
        reached = postings[0].keys(candidates)  # where the phrase has matched so far
        for p in postings[1:]:
            steps = np.concatenate([reached + d for d in range(1, q.slop + 1)])
            reached = np.intersect1d(steps, p.keys(candidates))
        docs = np.unique(reached >> 32).astype(np.int32)
        scores = np.zeros(len(docs))
        for word, p in zip(words, postings, strict=True):
            sub = _Postings(docs, p.freqs[np.searchsorted(p.docs, docs)], ())
            scores += self._scores(searcher, q.fieldname, word, sub, q.boost)
        return Matches(docs, scores)

    # -- reading
    def postings(self, searcher, fieldname: str, text: str, positions=False) -> _Postings:
        """A term's posting list (with positions if asked), cached or read from every segment."""
        if fieldname not in searcher.schema:
            return _EMPTY
        key = (fieldname, searcher.schema[fieldname].to_bytes(text))
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
        if found is None:
            found = self._read(searcher, *key)
        elif not positions or found.positions is not None:
            return found
        if positions:
            found = self._with_positions(searcher, found)
        with self._lock:
            old = self._cache.pop(key, None)
            self._cached -= old.nbytes if old is not None else 0
            if found.nbytes <= self.cache_bytes:
                self._cache[key] = found
                self._cached += found.nbytes
                while self._cached > self.cache_bytes:
                    _, old = self._cache.popitem(last=False)
                    self._cached -= old.nbytes
        return found

    def _read(self, searcher, fieldname: str, tbytes: bytes) -> _Postings:
        fmt = searcher.schema[fieldname].format
        docs, freqs, blocks = [], [], []
        count = 0
        for number, (segment, base) in enumerate(searcher.reader().leaf_readers()):
            if (fieldname, tbytes) not in segment:
                continue
            matcher = segment._terms.matcher(fieldname, tbytes, fmt)
            if not isinstance(matcher, W3LeafMatcher):  # a short list kept with the term
                ids = list(matcher.all_ids())
                docs.append(np.asarray(ids, dtype=np.int64) + base)
                freqs.append(np.asarray(matcher._weights or [1.0] * len(ids), np.float32))
                blocks.append(_Block(number, 0, 0, False, count, tuple(matcher._values)))
                count += len(ids)
                continue
            while True:
                ids, weights = _ids_and_weights(matcher)
                docs.append(np.cumsum(np.asarray(ids, dtype=np.int64)) + base)
                freqs.append(_weights(weights, len(ids)))
                blocks.append(
                    _Block(
                        number,
                        matcher._dataoffset,
                        matcher._nextoffset - matcher._dataoffset,
                        bool(matcher._compression),
                        count,
                    )
                )
                count += len(ids)
                if matcher._lastblock:
                    break
                matcher._goto(matcher._nextoffset)
        if not docs:
            return _EMPTY
        all_docs = np.concatenate(docs).astype(np.int32)
        return _Postings(all_docs, np.concatenate(freqs), tuple(blocks))

    def _with_positions(self, searcher, postings: _Postings) -> _Postings:
        """The posting list with every posting's positions, decoded for all blocks at once."""
        readers = [segment for segment, _ in searcher.reader().leaf_readers()]
        lists = []
        for block in postings.blocks:
            values = block.values or _block_values(readers, block)
            lists.extend(_decode_positions(values))
        counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        deltas = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum()))
        starts = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        # Whoosh stores each posting's positions as gaps: sum them within each posting.
        totals = np.cumsum(deltas)
        before = np.repeat(totals[starts[:-1] - 1] * (starts[:-1] > 0), counts)
        return replace(postings, positions=totals - before, starts=starts)

    def lengths(self, searcher, fieldname: str) -> np.ndarray:
        """Every document's length in `fieldname`, as Whoosh's scorer reads it."""
        found = self._lengths.get(fieldname)
        if found is None:
            parts = []
            for segment, _ in searcher.reader().leaf_readers():
                count = segment.doc_count_all()
                column = segment._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
                raw = np.zeros(count, dtype=np.uint8)
                if column is not None and column._count:
                    stored = column._dbfile.get(column._basepos, min(column._count, count))
                    raw[: len(stored)] = np.frombuffer(stored, dtype=np.uint8)
                parts.append(raw)
            found = _LENGTHS[np.concatenate(parts)] if parts else np.empty(0)
            self._lengths[fieldname] = found
        return found


def _ids_and_weights(matcher: W3LeafMatcher) -> tuple:
    """The current block's delta-coded ids and weights, without unpickling its positions."""
    data = matcher._postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
    if matcher._compression:
        data = zlib.decompress(data)
    cut = data.find(_VALUES_START)
    if cut < 0:  # no positions: nothing costly to skip
        return pickle.loads(data)[:2]
    return pickle.loads(data[:cut] + b"\x86.")  # TUPLE2, STOP: (ids, weights)


def _decode_positions(values: tuple[bytes, ...]) -> list[list[int]]:
    """Whoosh's encoded positions (count, then a pickled list of gaps), in one unpickling."""
    # Each value is pack_uint(count) + pickle(protocol 2) of a list; the pickles' bodies,
    # concatenated between MARK and LIST, unpickle as one list of lists.
    bodies = (v[6:-1] if v.endswith(b".") else v[6:] for v in values)
    return pickle.loads(b"\x80\x02(" + b"".join(bodies) + b"l.")


def _block_values(readers, block: _Block) -> tuple:
    data = readers[block.segment]._terms._postfile.get(block.offset, block.length)
    if block.compressed:
        data = zlib.decompress(data)
    return pickle.loads(data)[2]


def _weights(stored, n: int) -> np.ndarray:
    if stored is None:
        return np.ones(n, dtype=np.float32)
    if isinstance(stored, float):
        return np.full(n, stored, dtype=np.float32)
    return np.asarray(stored, dtype=np.float32)


def _intersect(a: Matches, b: Matches) -> Matches:
    docs, ia, ib = np.intersect1d(a.docs, b.docs, assume_unique=True, return_indices=True)
    return Matches(docs, a.scores[ia] + b.scores[ib])


def _add(required: Matches, optional: Matches) -> Matches:
    """`required`'s documents, plus `optional`'s score where it matches too."""
    if not len(optional) or not len(required):
        return required
    _, ir, io = np.intersect1d(
        required.docs, optional.docs, assume_unique=True, return_indices=True
    )
    scores = required.scores.copy()
    scores[ir] += optional.scores[io]
    return Matches(required.docs, scores)


def _union(parts: list[Matches]) -> Matches:
    parts = [p for p in parts if len(p)]
    if not parts:
        return Matches.none()
    if len(parts) == 1:
        return parts[0]
    docs, inverse = np.unique(np.concatenate([p.docs for p in parts]), return_inverse=True)
    scores = np.bincount(inverse, weights=np.concatenate([p.scores for p in parts]))
    return Matches(docs.astype(np.int32), scores)
