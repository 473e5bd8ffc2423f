"""Query evaluation with numpy over Whoosh's posting lists.

Whoosh stores the index; evaluating a query through its matchers costs Python calls for every
matching document, which is about a second for common words at 100,000 paragraphs. Here a
term's posting list is read in one piece and decoded block by block into two arrays (document
numbers and term frequencies), and the query tree is evaluated with array operations: AND is an
intersection, OR a union, and each term's BM25F score (Whoosh's formula and statistics) is
computed for all of its documents at once. Phrases decode positions only for the documents that
hold all their words and that the rest of the query has not already ruled out. Posting lists
are cached per index generation, so common words are read once.
"""

from __future__ import annotations

import io
import pickle
import struct
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from itertools import chain

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, _lenfield
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from indexer.query import tree as qt

B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults, which the searchers use
CACHE_BYTES = 256 * 2**20  # posting lists kept per index generation
_LENGTHS = np.array([byte_to_length(i) for i in range(256)], dtype=np.float64)
_VALUES_START = b"(c_codecs\nencode"  # where a block's pickled position values begin
_BLOCK_LENGTH = struct.Struct("!i")
_WHOLE = -1  # `decoded` key of the positions of every block, joined
_POSITIONS_HEAD = 6  # an encoded position list's count (4 bytes) and pickle protocol (2)
_STOP = ord(".")  # the pickle opcode that ends each one


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
    offset: int  # of the block's data in the segment's postings file
    length: int
    compressed: bool
    start: int  # index of the block's first posting in the term's arrays


@dataclass(frozen=True)
class _Postings:
    docs: np.ndarray  # global document numbers, ascending (deleted ones included)
    freqs: np.ndarray  # term frequency in each
    blocks: tuple[_Block, ...]
    # Decoded positions of the blocks phrases have needed: block -> (where each posting's
    # positions start and end, all the positions one after the other). Filled in as needed.
    decoded: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    key: tuple[str, bytes] = ("", b"")  # (field, term) in the engine's cache

    @property
    def nbytes(self) -> int:
        extra = sum(a.nbytes + b.nbytes for a, b in self.decoded.values())
        return self.docs.nbytes + self.freqs.nbytes + 64 * len(self.blocks) + extra


_EMPTY = _Postings(np.empty(0, np.int32), np.empty(0, np.float32), ())


class Engine:
    """One index generation's statistics and posting-list cache, shared by all threads.

    Every read goes through the calling thread's searcher (Whoosh file handles are not shared).
    """

    def __init__(self, searcher: Searcher, cache_bytes: int = CACHE_BYTES) -> None:
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
    def evaluate(self, searcher: Searcher, q: qt.Node, within: np.ndarray | None = None) -> Matches:
        """The documents matching `q` and their scores (Whoosh's BM25F sums).

        With `within` (sorted document numbers), only matches among those are returned; the
        callers below pass what the rest of the query allows, so phrases check fewer documents.
        """
        match q:
            case qt.Term():
                return self._term(searcher, q.field, q.text, q.boost, within)
            case qt.Phrase():
                return self._phrase(searcher, q, within)
            case qt.AndMaybe():
                required = self.evaluate(searcher, q.required, within)
                return _add(required, self.evaluate(searcher, q.optional, required.docs))
            case qt.AndNot():
                return self._and_not(searcher, q, within)
            case qt.And():
                return self._and(searcher, q, within)
            case qt.Or():
                return _union([self.evaluate(searcher, c, within) for c in q.children])
            case qt.AtLeast():
                return self._at_least(searcher, q, within)
            case qt.Every():
                docs = np.arange(self.doc_count, dtype=np.int32)
                if self.live is not None:
                    docs = docs[self.live]
                matches = Matches(docs, np.ones(len(docs)))  # as Whoosh scores "every document"
                return matches if within is None else _restrict(matches, within)
            case qt.Nothing():
                return Matches.none()
        raise TypeError(f"cannot evaluate {type(q).__name__} queries")

    def _and_not(self, searcher: Searcher, q: qt.AndNot, within: np.ndarray | None) -> Matches:
        positive = self.evaluate(searcher, q.positive, within)
        if not len(positive):
            return positive
        negative = self.evaluate(searcher, q.negative, positive.docs)
        keep = np.ones(len(positive), dtype=bool)
        keep[_common(positive.docs, negative.docs)[0]] = False
        return Matches(positive.docs[keep], positive.scores[keep])

    def _and(self, searcher: Searcher, q: qt.And, within: np.ndarray | None) -> Matches:
        if qt.has_phrase(q):  # narrow phrases down to what every part could match
            for child in q.children:
                within = self._candidates(searcher, child, within)
            if self.live is not None:
                within = within[self.live[within]]
        result = None
        for child in q.children:
            matches = self.evaluate(searcher, child, within)
            result = matches if result is None else _intersect(result, matches)
            if not len(result):
                break
            within = result.docs
        return result if result is not None else Matches.none()

    def _at_least(self, searcher: Searcher, q: qt.AtLeast, within: np.ndarray | None) -> Matches:
        """Documents matching `q.minimum` children or more: coverage first, then BM25.

        With a minimum of two or more, the documents that could match that many children are
        found from document numbers first, so phrases are checked on those only.
        """
        if q.minimum >= 2:
            candidates = [self._candidates(searcher, c, within) for c in q.children]
            found = [c for c in candidates if c is not None and len(c)]
            if len(found) < q.minimum:
                return Matches.none()
            counts = np.bincount(np.concatenate(found).astype(np.int64))
            within = np.flatnonzero(counts >= q.minimum).astype(np.int32)
            if self.live is not None:
                within = within[self.live[within]]
            if not len(within):
                return Matches.none()
        parts = [self.evaluate(searcher, c, within) for c in q.children]
        parts = [p for p in parts if len(p)]
        if len(parts) < q.minimum or not parts:
            return Matches.none()
        docs = np.concatenate([p.docs for p in parts])
        counts = np.bincount(docs)
        scores = np.bincount(docs, weights=np.concatenate([p.scores for p in parts]))
        found = np.flatnonzero(counts >= max(1, q.minimum)).astype(np.int32)
        return Matches(found, scores[found] + qt.COVERAGE * counts[found])

    def _candidates(self, searcher: Searcher, q: qt.Node, within: np.ndarray | None) -> np.ndarray:
        """A superset of `q`'s matches from document numbers alone (phrases as all their words)."""
        match q:
            case qt.Term() | qt.Phrase():
                docs = within
                for word in [q.text] if isinstance(q, qt.Term) else q.terms:
                    found = self.postings(searcher, q.field, word).docs
                    docs = found if docs is None else docs[_common(docs, found)[0]]
                return docs
            case qt.AndMaybe():
                return self._candidates(searcher, q.required, within)
            case qt.AndNot():
                return self._candidates(searcher, q.positive, within)
            case qt.And():
                for child in q.children:
                    within = self._candidates(searcher, child, within)
                return within
            case qt.Or():
                parts = [self._candidates(searcher, c, within) for c in q.children]
                return _present(np.concatenate(parts)) if parts else np.empty(0, np.int32)
        return self.evaluate(searcher, q, within).docs

    def _term(self, searcher: Searcher, fieldname, text, boost=1.0, within=None) -> Matches:
        postings = self.postings(searcher, fieldname, text)
        if within is not None:  # score only the documents the rest of the query allows
            mine = _common(postings.docs, within)[0]
            postings = _Postings(postings.docs[mine], postings.freqs[mine], ())
        elif self.live is not None:
            keep = self.live[postings.docs]
            postings = _Postings(postings.docs[keep], postings.freqs[keep], ())
        return Matches(postings.docs, self._scores(searcher, fieldname, text, postings, boost))

    def _scores(
        self, searcher: Searcher, fieldname, text, postings: _Postings, boost: float
    ) -> np.ndarray:
        field = searcher.schema[fieldname]
        if not field.scorable or not len(postings.docs):
            return np.zeros(len(postings.docs))
        idf = searcher.idf(fieldname, text)
        average = searcher.avg_field_length(fieldname) or 1
        tf = postings.freqs.astype(np.float64)
        lengths = self.lengths(searcher, fieldname)[postings.docs]
        return boost * idf * (tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * lengths / average))

    def _phrase(self, searcher: Searcher, q: qt.Phrase, within: np.ndarray | None) -> Matches:
        words = q.terms
        postings = [self.postings(searcher, q.field, w) for w in words]
        candidates = postings[0].docs if within is None else within
        for p in postings if within is not None else postings[1:]:
            candidates = candidates[_common(candidates, p.docs)[0]]
        if self.live is not None:
            candidates = candidates[self.live[candidates]]
        if not len(candidates):
            return Matches.none()
        reached = None  # document << 32 | position where the phrase has matched so far
        for p, step in zip(postings, np.diff(q.positions, prepend=0), strict=True):
            keys = self._keys(searcher, p, candidates)
            if reached is not None:
                keys = keys[_common(keys, reached + int(step))[0]]
            reached = keys
        docs = _distinct(reached >> 32).astype(np.int32)
        scores = np.zeros(len(docs))
        for word, p in zip(words, postings, strict=True):
            sub = _Postings(docs, p.freqs[np.searchsorted(p.docs, docs)], ())
            scores += self._scores(searcher, q.field, word, sub, q.boost)
        return Matches(docs, scores)

    def _keys(self, searcher: Searcher, postings: _Postings, docs: np.ndarray) -> np.ndarray:
        """(document << 32 | position) for every position of the term in `docs` (all hold it).

        Positions are decoded from the blocks holding `docs`, or from all blocks at once when
        that is most of them; either way they stay with the cached posting list.
        """
        index = np.searchsorted(postings.docs, docs)
        whole = postings.decoded.get(_WHOLE)
        if whole is None:
            owners = np.searchsorted(_block_starts(postings), index, side="right") - 1
            if 2 * len(_distinct(owners)) > len(postings.blocks):
                whole = self._decode_all(searcher, postings)
        if whole is not None:
            counts, positions = _gather(*whole, index)
        else:
            bounds = np.flatnonzero(np.diff(owners)) + 1  # where the next block's postings begin
            parts = []
            for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(index)], strict=True):
                b = int(owners[lo])
                starts, flat = self._decode(searcher, postings, b)
                parts.append(_gather(starts, flat, index[lo:hi] - postings.blocks[b].start))
            counts = np.concatenate([c for c, _ in parts])
            positions = np.concatenate([p for _, p in parts])
        return (np.repeat(docs.astype(np.int64), counts) << 32) | positions

    def _decode(
        self, searcher: Searcher, postings: _Postings, b: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Block `b`'s positions: where each posting's start (and end), and all of them."""
        found = postings.decoded.get(b)
        if found is None:
            block = postings.blocks[b]
            values = _block_values(_segments(searcher), block)
            counts, flat = _positions(_decode_positions(values))
            decoded = (np.concatenate(([0], np.cumsum(counts))), flat)
            with self._lock:  # threads share cached lists: one of them records the block
                found = postings.decoded.setdefault(b, decoded)
                if found is decoded:
                    self._account(postings, decoded[0].nbytes + decoded[1].nbytes)
        return found

    def _decode_all(self, searcher: Searcher, postings: _Postings) -> tuple[np.ndarray, np.ndarray]:
        """Every block's positions, joined into one pair of arrays for the whole list."""
        parts = [self._decode(searcher, postings, b) for b in range(len(postings.blocks))]
        ends = np.cumsum([len(flat) for _, flat in parts])
        starts = np.concatenate(
            [s[:-1] + offset for (s, _), offset in zip(parts, np.r_[0, ends[:-1]], strict=True)]
            + [ends[-1:]]
        )
        whole = (starts, np.concatenate([flat for _, flat in parts]))
        with self._lock:
            before = postings.nbytes
            postings.decoded.clear()
            postings.decoded[_WHOLE] = whole
            self._account(postings, postings.nbytes - before)
        return whole

    def _account(self, postings: _Postings, nbytes: int) -> None:
        """Count `nbytes` more in the cache if it holds `postings` (call with the lock held)."""
        if self._cache.get(postings.key) is postings:
            self._cached += nbytes

    # -- reading
    def postings(self, searcher: Searcher, fieldname: str, text: str) -> _Postings:
        """A term's posting list, cached or read from every segment."""
        if fieldname not in searcher.schema:
            return _EMPTY
        key = (fieldname, searcher.schema[fieldname].to_bytes(text))
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
        found = self._read(searcher, *key)
        with self._lock:
            if key not in self._cache and found.nbytes <= self.cache_bytes:
                self._cache[key] = found
                self._cached += found.nbytes
                while self._cached > self.cache_bytes:
                    _, old = self._cache.popitem(last=False)
                    self._cached -= old.nbytes
        return found

    def _read(self, searcher: Searcher, fieldname: str, tbytes: bytes) -> _Postings:
        docs, freqs, blocks = [], [], []
        count = 0
        for number, (segment, base) in enumerate(searcher.reader().leaf_readers()):
            if (fieldname, tbytes) not in segment:
                continue
            info = segment._terms.term_info(fieldname, tbytes)
            # No list is inlined with its term: W3Codec inlines lists shorter than inlinelimit=1
            # posting (none), and the build writer never does.
            offset, length = info.extent()
            if isinstance(length, tuple):  # whoosh3 reads the length back as a 1-tuple
                (length,) = length
            for block, ids, weights in _blocks(segment._terms._postfile, offset, length):
                docs.append(np.cumsum(np.asarray(ids, dtype=np.int64)) + base)
                freqs.append(_weights(weights, len(ids)))
                blocks.append(replace(block, segment=number, start=count))
                count += len(ids)
        if not docs:
            return _EMPTY
        all_docs = np.concatenate(docs).astype(np.int32)
        return _Postings(all_docs, np.concatenate(freqs), tuple(blocks), key=(fieldname, tbytes))

    def lengths(self, searcher: Searcher, fieldname: str) -> np.ndarray:
        """Every document's length in `fieldname`, as Whoosh's scorer reads it."""
        found = self._lengths.get(fieldname)
        if found is None:
            parts = []
            for segment in _segments(searcher):
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


# --- Whoosh's posting format (whoosh3 codec) ------------------------------------------------


def _blocks(postfile, offset: int, length: int):
    """(block, delta-coded ids, weights) for each block of one segment's posting list.

    A list is the magic number, then blocks: a signed length (negative for the last block),
    a pickled info tuple (count, last id, max weight, compression, min/max length) and the
    pickled (ids, weights, positions) data, compressed or not.
    """
    raw = postfile.get(offset, length)
    assert raw[:4] == WHOOSH3_HEADER_MAGIC, "not a whoosh3 posting list"
    stream = io.BytesIO(raw)
    at = 4
    while True:
        (size,) = _BLOCK_LENGTH.unpack_from(raw, at)
        end = at + 4 + abs(size)
        stream.seek(at + 4)
        compression = pickle.load(stream)[3]
        data_at = stream.tell()
        data = raw[data_at:end]
        if compression:
            data = zlib.decompress(data)
        cut = data.find(_VALUES_START)
        if cut >= 0:  # unpickle only ids and weights: cut before the positions, make a 2-tuple
            data = data[:cut] + b"\x86."
        ids, weights = pickle.loads(data)[:2]
        yield _Block(0, offset + data_at, end - data_at, bool(compression), 0), ids, weights
        if size < 0:
            return
        at = end


def _block_values(readers, block: _Block) -> tuple:
    data = readers[block.segment]._terms._postfile.get(block.offset, block.length)
    if block.compressed:
        data = zlib.decompress(data)
    return pickle.loads(data)[2]


def _decode_positions(values: list[bytes]) -> list[list[int]]:
    """Whoosh's encoded positions (count, then a pickled list of gaps), in one unpickling."""
    # Each value is pack_uint(count) + pickle(protocol 2) of a list; the pickles' bodies,
    # concatenated between MARK and LIST, unpickle as one list of lists. The bodies are cut out
    # of all the values joined, with one mask (a Python slice per value costs more than the rest).
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    if len(values) and lengths.min() < _POSITIONS_HEAD + 1:
        bodies = b"".join(v[6:-1] if v.endswith(b".") else v[6:] for v in values)
    else:
        joined = np.frombuffer(b"".join(values), dtype=np.uint8)
        ends = np.cumsum(lengths)
        keep = np.ones(len(joined), dtype=bool)
        keep[((ends - lengths)[:, None] + np.arange(_POSITIONS_HEAD)).ravel()] = False
        last = ends - 1
        keep[last[joined[last] == _STOP]] = False
        bodies = joined[keep].tobytes()
    return pickle.loads(b"\x80\x02(" + bodies + b"l.")


def _weights(stored, n: int) -> np.ndarray:
    if stored is None:
        return np.ones(n, dtype=np.float32)
    if isinstance(stored, float):
        return np.full(n, stored, dtype=np.float32)
    return np.asarray(stored, dtype=np.float32)


# --- helpers ---------------------------------------------------------------------------------


def _segments(searcher) -> list:
    return [segment for segment, _ in searcher.reader().leaf_readers()]


def _block_starts(postings: _Postings) -> np.ndarray:
    return np.fromiter((b.start for b in postings.blocks), dtype=np.int64)


def _gather(starts: np.ndarray, flat: np.ndarray, index: np.ndarray):
    """The number of positions of each posting at `index`, and those positions in order."""
    first, counts = starts[index], starts[index + 1] - starts[index]
    return counts, flat[
        np.arange(counts.sum()) + np.repeat(first - (np.cumsum(counts) - counts), counts)
    ]


def _positions(gaps: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Each posting's number of positions, and all the positions one after the other.

    Whoosh stores a posting's positions as gaps; they are summed within each posting.
    """
    counts = np.fromiter(map(len, gaps), dtype=np.int64, count=len(gaps))
    totals = np.cumsum(np.fromiter(chain.from_iterable(gaps), np.int64, int(counts.sum())))
    ends = np.cumsum(counts)
    before = np.concatenate(([0], totals[ends[:-1] - 1]))  # the sum of earlier postings' gaps
    return counts, totals - np.repeat(before, counts)


def _common(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the values common to two sorted arrays of distinct values are, in each of them."""
    if len(a) > len(b):
        in_b, in_a = _common(b, a)
        return in_a, in_b
    if not len(a):
        return np.empty(0, np.int64), np.empty(0, np.int64)
    size = int(max(a[-1], b[-1])) + 1
    if len(a) * 32 < size:  # a few values: search them in the longer list (measured crossover)
        at = np.minimum(np.searchsorted(b, a), len(b) - 1)
        found = b[at] == a
        return np.flatnonzero(found), at[found]
    where_b = np.full(size, -1, dtype=np.int64)  # many: a table over the values is cheaper
    where_b[b] = np.arange(len(b))
    in_b = where_b[a]
    found = np.flatnonzero(in_b >= 0)
    return found, in_b[found]


def _distinct(ordered: np.ndarray) -> np.ndarray:
    """The distinct values of a sorted array."""
    if not len(ordered):
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _restrict(matches: Matches, within: np.ndarray) -> Matches:
    mine, _ = _common(matches.docs, within)
    return Matches(matches.docs[mine], matches.scores[mine])


def _intersect(a: Matches, b: Matches) -> Matches:
    ia, ib = _common(a.docs, b.docs)
    return Matches(a.docs[ia], a.scores[ia] + b.scores[ib])


def _add(required: Matches, optional: Matches) -> Matches:
    """`required`'s documents, plus `optional`'s score where it matches too."""
    if not len(optional) or not len(required):
        return required
    in_required, in_optional = _common(required.docs, optional.docs)
    scores = required.scores.copy()
    scores[in_required] += optional.scores[in_optional]
    return Matches(required.docs, scores)


def _union(parts: list[Matches]) -> Matches:
    parts = [p for p in parts if len(p)]
    if not parts:
        return Matches.none()
    if len(parts) == 1:
        return parts[0]
    docs = np.concatenate([p.docs for p in parts])
    scores = np.bincount(docs, weights=np.concatenate([p.scores for p in parts]))
    found = _present(docs)
    return Matches(found, scores[found])


def _present(docs: np.ndarray) -> np.ndarray:
    """The distinct values of `docs`, sorted: counting over document numbers beats sorting."""
    if not len(docs):
        return docs.astype(np.int32)
    present = np.zeros(int(docs.max()) + 1, dtype=bool)
    present[docs] = True
    return np.flatnonzero(present).astype(np.int32)
