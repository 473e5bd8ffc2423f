"""Writing a segment's posting lists and term table as Whoosh's W3 codec does, term by term.

``TermWriter`` writes one term's W3 blocks (streamed: a long list is written a block at a time
as its postings arrive) and returns its term-table row; a term with one posting, most terms,
takes a shortcut that builds the same pickles from cached pieces. ``TermIndex`` adds the rows
to the terms file and writes its hash tables from compact arrays (Whoosh keeps a tuple per
term). Output is buffered and written in large pieces. The files are Whoosh's, byte for byte
when every block is compressed (tests/unit/test_segment.py, tests/unit/test_postings.py).
"""

from __future__ import annotations

import functools
import pickle
import struct
import zlib
from array import array
from collections.abc import Iterable
from hashlib import md5
from operator import sub

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.filedb.filetables import _lengths as _ROW_LENGTHS
from whoosh.system import pack_int, pack_long

_TERMINFO = W3TermInfo._struct
_FLOAT32 = struct.Struct("f")
_DOUBLE = struct.Struct(">d")
_BININT2 = struct.Struct("<H")
_BININT4 = struct.Struct("<i")
_SLOT = np.dtype([("hash", ">u4"), ("position", ">i8")])  # a hash table slot (filetables)
FLUSH_BYTES = 1 << 20  # output is written in pieces of about this size
MAX_TAILS = 1 << 16  # cached pickle tails of one-posting blocks

# A term's postings as a flat list docnum, weight, value, docnum, weight, value, ...
Postings = list


def pickled_int(n: int) -> bytes:
    """A non-negative int as pickle (protocol 2) writes it."""
    if n < 0x100:
        return b"K" + bytes((n,))
    if n < 0x10000:
        return b"M" + _BININT2.pack(n)
    if n < 0x80000000:
        return b"J" + _BININT4.pack(n)
    return pickle.dumps(n, 2)[2:-1]


def pickled_one(docnum: int, weights, values) -> bytes:
    """pickle.dumps(((docnum,), weights, values), 2), the data of a one-posting block.

    Everything after the document number depends on `weights` (None or a positive float: the
    cache would not tell -0.0 from 0.0) and `values` only (ints are not memoised), so that tail
    comes from a cache."""
    return b"\x80\x02" + pickled_int(docnum) + _tail(weights, values)


@functools.lru_cache(maxsize=MAX_TAILS, typed=True)
def _tail(weights, values) -> bytes:
    return pickle.dumps(((0,), weights, values), 2)[4:]


def pickled_info(docnum: int, maxweight, comp: int, minbyte: int, maxbyte: int) -> bytes:
    """pickle.dumps((1, docnum, maxweight, comp, minbyte, maxbyte), 2): a one-posting block's
    info (maxweight a positive float or the int 0; the rest ints under 256 but docnum)."""
    weight = b"G" + _DOUBLE.pack(maxweight) if maxweight else b"K\x00"
    return b"".join(
        (
            b"\x80\x02(K\x01",
            pickled_int(docnum),
            weight,
            bytes((75, comp, 75, minbyte, 75, maxbyte)),  # 75: BININT1
            b"tq\x00.",
        )
    )


class _Output:
    """Appends to a file through a buffer, keeping track of the file position."""

    def __init__(self, dbfile) -> None:
        self._dbfile = dbfile
        self._parts: list[bytes] = []
        self._pending = 0
        self.position = dbfile.tell()

    def write(self, data: bytes) -> None:
        self._parts.append(data)
        self.position += len(data)
        self._pending += len(data)
        if self._pending >= FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            self._dbfile.write(b"".join(self._parts))
            self._parts = []
            self._pending = 0


class _Stats:
    """A term's statistics summed over its blocks (W3TermInfo's fields)."""

    def __init__(self) -> None:
        self.weight = 0.0
        self.count = 0
        self.minbyte = 0  # 0: none yet
        self.maxbyte = 0
        self.maxweight = 0
        self.first = -1
        self.last = -1

    def add(self, weight, count, minbyte, maxbyte, maxweight, first, last) -> None:
        self.weight += weight
        self.count += count
        if minbyte and (not self.minbyte or minbyte < self.minbyte):
            self.minbyte = minbyte
        self.maxbyte = max(self.maxbyte, maxbyte)
        self.maxweight = max(self.maxweight, maxweight)
        if self.first < 0:
            self.first = first
        self.last = last


class TermWriter:
    """Writes one term's postings as W3PostingsWriter does; returns its W3TermInfo bytes.

    The same blocks (delta-coded ids, minified weights and values, pickled, with their block
    info) and the same term statistics, computed a block at a time instead of a posting at a
    time. One difference: a block whose pickle is shorter than `min_compress` bytes is stored
    uncompressed (compression 0 in its block info, which Whoosh's reader honours). zlib costs
    more than the rest of a one-posting term and does not shrink such a block; W3 meant to skip
    blocks under 20 bytes but never does. With min_compress=0 the files are byte for byte
    Whoosh's.
    """

    def __init__(self, postfile, blocklimit: int, compression: int, min_compress: int) -> None:
        self._out = _Output(postfile)
        self._blocklimit = blocklimit
        self._compression = compression
        self._min_compress = min_compress

    def __call__(self, chunks: Iterable[Postings], lengths: bytearray, fixed: int | None) -> bytes:
        """Write a term's postings, given as consecutive chunks (in document order)."""
        chunks = iter(chunks)
        pending = next(chunks)
        more = next(chunks, None)
        if more is None and len(pending) == 3 and type(pending[1]) is float and pending[1] > 0:
            return self._one(pending, lengths, fixed)
        out = self._out
        offset = out.position
        out.write(WHOOSH3_HEADER_MAGIC)
        stats = _Stats()
        step = 3 * self._blocklimit
        while more is not None:
            start = 0
            while len(pending) - start > step:  # more postings follow: a full block, not the last
                self._block(pending[start : start + step], lengths, fixed, False, stats)
                start += step
            pending = pending[start:] + more if start else pending + more
            more = next(chunks, None)
        start = 0
        while len(pending) - start > step:
            self._block(pending[start : start + step], lengths, fixed, False, stats)
            start += step
        self._block(pending[start:], lengths, fixed, True, stats)
        return (
            _TERMINFO.pack(
                False,
                stats.weight,
                stats.count,
                stats.minbyte,
                stats.maxbyte,
                stats.maxweight,
                stats.first,
                stats.last,
            )
            + pack_long(offset)
            + pack_int(out.position - offset)
        )

    def finish(self) -> None:
        """Write what is buffered (before the postings file is closed)."""
        self._out.flush()

    def _one(self, posting: Postings, lengths: bytearray, fixed: int | None) -> bytes:
        """A term with one posting: _block's output, from cached pieces."""
        docnum, weight, value = posting
        stored = _FLOAT32.unpack(_FLOAT32.pack(weight))[0]
        data = pickled_one(docnum, None if stored == 1.0 else stored, _minified([value], fixed))
        comp = self._compression if len(data) >= self._min_compress else 0
        if comp:
            data = zlib.compress(data, comp)
        lb = lengths[docnum]
        info = pickled_info(docnum, weight, comp, lb, lb)
        size = len(info) + len(data)
        out = self._out
        offset = out.position
        out.write(b"".join((WHOOSH3_HEADER_MAGIC, pack_int(-size), info, data)))
        return (
            _TERMINFO.pack(False, stored, 1, lb, lb, weight, docnum, docnum)
            + pack_long(offset)
            + pack_int(size + 8)
        )

    def _block(self, postings: Postings, lengths, fixed, last: bool, stats: _Stats) -> None:
        """Write one block (as W3PostingsWriter._write_block writes it, length first) and add
        its statistics: total weight, min and max length byte (0: none), max weight."""
        ids = postings[0::3]
        weights = postings[1::3]
        values = postings[2::3]
        stored = array("f", weights)
        n = len(ids)
        if stored.count(1.0) == n:
            mini_weights = None
        elif stored.count(stored[0]) == n:
            mini_weights = stored[0]
        else:
            mini_weights = tuple(stored)
        mini_values = _minified(values, fixed)
        deltas = (ids[0], *map(sub, ids[1:], ids[:-1]))
        data = pickle.dumps((deltas, mini_weights, mini_values), 2)
        comp = self._compression if len(data) >= self._min_compress else 0
        if comp:
            data = zlib.compress(data, comp)
        found = [b for b in map(lengths.__getitem__, ids) if b]
        minbyte, maxbyte = (min(found), max(found)) if found else (0, 0)
        maxweight = max(0, max(weights))
        info = pickle.dumps((n, ids[-1], maxweight, comp, minbyte, maxbyte), 2)
        size = len(info) + len(data)
        self._out.write(b"".join((pack_int(-size if last else size), info, data)))
        stats.add(sum(stored), n, minbyte, maxbyte, maxweight, ids[0], ids[-1])


def _minified(values: list[bytes], fixed: int | None):
    """A block's values as W3 stores them: a tuple of the non-empty ones (variable size),
    nothing (size 0) or all of them joined (fixed size)."""
    if fixed is None:
        return tuple(filter(None, values))
    return None if fixed == 0 else b"".join(values)


class TermIndex:
    """Adds rows to the segment's term table (an OrderedHashWriter) as its add() does, and
    writes its hash tables when finished.

    The same rows, index and hash tables; rows are written in large pieces, the key order is
    left to the caller (terms come sorted), and each key's hash and position are kept in two
    arrays per hash table instead of a tuple: 12 bytes a term, not about 100.
    """

    def __init__(self, table) -> None:
        if table.hashtype != 0:
            raise ValueError("TermIndex writes MD5-hashed tables only")
        self._table = table
        self._out = _Output(table.dbfile)
        self._positions = array("q")
        self._hashes = [array("I") for _ in range(256)]
        self._slots = [array("q") for _ in range(256)]

    def __call__(self, key: bytes, value: bytes) -> None:
        out = self._out
        pos = out.position
        self._positions.append(pos)
        out.write(b"".join((_ROW_LENGTHS.pack(len(key), len(value)), key, value)))
        h = int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")  # md5_hash
        self._hashes[h & 255].append(h)
        self._slots[h & 255].append(pos)

    def finish(self) -> None:
        """Write the rows left and the hash tables; the table's close() writes the rest."""
        self._out.flush()
        table = self._table
        dbfile = table.dbfile
        for hashes, positions in zip(self._hashes, self._slots, strict=True):
            table.directory.append((dbfile.tell(), 2 * len(hashes)))
            dbfile.write(_hash_table(hashes, positions).tobytes())
        table.buckets = []  # written: HashWriter.close() adds only the directory and extras
        last = self._positions[-1] if self._positions else 0
        table.index.array = array(_index_typecode(last), self._positions)


def _hash_table(hashes: array, positions: array) -> np.ndarray:
    """One of HashWriter's 256 hash tables: twice as many slots as keys, linear probing in the
    order the keys were added, (0, 0) for an empty slot (no key starts at position 0)."""
    numslots = 2 * len(hashes)
    table_h = [0] * numslots
    table_p = [0] * numslots
    for h, p in zip(hashes, positions, strict=True):
        slot = (h >> 8) % numslots
        while table_p[slot]:
            slot = (slot + 1) % numslots
        table_h[slot] = h
        table_p[slot] = p
    table = np.empty(numslots, dtype=_SLOT)
    table["hash"] = table_h
    table["position"] = table_p
    return table


def _index_typecode(largest: int) -> str:
    """The typecode Whoosh's GrowableArray ends with after holding numbers up to `largest`."""
    if largest < 2**16:
        return "H"
    if largest < 2**31:
        return "i"
    return "I" if largest < 2**32 else "q"
