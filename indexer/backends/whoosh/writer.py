"""A faster Whoosh segment writer for full builds: the same segment, less Python per posting.

Whoosh's ``SegmentWriter`` sends every posting through a sorting pool as a tuple, looks each
document's field length up in a column file when it writes the posting, and adds postings one at
a time (with type checks) to the W3 postings writer. With three text fields that per-posting work
is most of a build (bench/RESULTS.md). ``FastSegmentWriter`` keeps the postings of each term in
one list, analyses our text fields without Whoosh's token objects, keeps field lengths in memory
and writes each term's W3 blocks and term-table row in one pass. Stored fields, lengths and
columns still go through Whoosh's per-document writer, so the segment holds the same terms,
postings, statistics, stored fields and columns as ``SegmentWriter`` would write; only small
posting blocks are left uncompressed (see _TermWriter; tests/unit/test_segment.py).

Memory stays bounded: when the buffered postings pass ``limitmb``, they are written to a sorted
run file, and the runs are merged term by term (not posting by posting) when the segment is
finished.
"""

from __future__ import annotations

import ctypes
import heapq
import os
import pickle
import signal
import tempfile
import zlib
from array import array
from collections.abc import Iterator
from operator import sub

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.filedb.filetables import _lengths as _ROW_LENGTHS
from whoosh.formats import Positions
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from indexer.backends.whoosh.analyzers import TermAnalyzer

_TERMINFO = W3TermInfo._struct
_ONE = pack_uint(1)
BYTES_PER_POSTING = 100  # rough memory cost of one buffered posting, term overhead included
RUN_BATCH = 1000  # terms per pickle in a run file
MIN_COMPRESS = 256  # bytes: smaller posting blocks are stored uncompressed (see _TermWriter)
PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h)

# A buffered term: its postings as a flat list docnum, weight, value, docnum, weight, value, ...
Postings = list


class FastSegmentWriter(SegmentWriter):
    """A SegmentWriter that buffers postings per term and writes them a block at a time."""

    def __init__(self, ix, limitmb: int = 128, min_compress: int = MIN_COMPRESS, **kwargs) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.min_compress = min_compress
        self._terms: dict[str, dict] = {}  # field -> term (str or bytes) -> Postings
        self._buffered = 0
        self._limit = limitmb * 2**20 // BYTES_PER_POSTING
        self._runs: list = []
        self._lengths: dict[str, bytearray] = {}  # field -> length byte of each document
        self._fast = {
            name: field.analyzer.terms
            for name, field in self.schema.items()
            if type(field.format) is Positions and isinstance(field.analyzer, TermAnalyzer)
        }

    def add_document(self, **fields) -> None:
        """Index one document (same fields and options as SegmentWriter.add_document)."""
        self._check_state()
        pdw = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        pdw.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    boost = self._field_boost(fields, name, docboost)
                    length = self._index(name, field, value, docnum, boost)
                    if not field.scorable:
                        length = 0
                    lengths = self._lengths.setdefault(name, bytearray())
                    lengths.extend(bytes(docnum + 1 - len(lengths)))
                    lengths[docnum] = length_to_byte(length) if length else 0
                value = fields.get(f"_stored_{name}", value)
                pdw.add_field(name, field, value if field.stored else None, length)
                if field.column_type and value is not None:
                    pdw.add_column_value(name, field.column_type, field.to_column_value(value))
        except Exception:
            pdw.cancel_doc()
            raise
        pdw.finish_doc()
        self._added = True
        self.docnum += 1
        if self._buffered >= self._limit:
            self._spill()

    def _index(self, name: str, field, value, docnum: int, boost: float) -> int:
        """Buffer the postings of one field of one document; returns the field's length."""
        if field.separate_spelling() or field.vector:
            raise ValueError(f"field {name!r}: spelling and vectors are not supported here")
        terms = self._terms.setdefault(name, {})
        length = 0
        if name in self._fast and isinstance(value, str):
            poses: dict[str, list[int]] = {}
            for text, pos, _, _ in self._fast[name](value):
                if text in poses:
                    poses[text].append(pos)
                else:
                    poses[text] = [pos]
            fb = field.format.field_boost
            for text, plist in poses.items():
                freq = len(plist)
                length += freq
                # Positions.encode; one position is its own delta
                value = _ONE + pickle.dumps(plist, 2) if freq == 1 else _encode_positions(plist)
                if text in terms:
                    terms[text].extend((docnum, freq * fb * boost, value))
                else:
                    terms[text] = [docnum, freq * fb * boost, value]
            self._buffered += len(poses)
            return length
        for tbytes, freq, weight, vbytes in field.index(value):
            length += freq
            entry = (docnum, weight * boost, vbytes)
            if tbytes in terms:
                terms[tbytes].extend(entry)
            else:
                terms[tbytes] = list(entry)
            self._buffered += 1
        return length

    def _sorted_buffer(self) -> Iterator[tuple[str, bytes, Postings]]:
        """The buffered terms in index order: by field name, then by UTF-8 term bytes."""
        for name in sorted(self._terms):
            terms = self._terms[name]
            # str order is code point order, which is UTF-8 byte order
            for term in sorted(terms):
                tbytes = term.encode("utf-8") if isinstance(term, str) else term
                yield name, tbytes, terms[term]

    def _spill(self) -> None:
        """Write the buffered postings to a sorted run file and empty the buffer."""
        # open until the segment is finished (_close_segment); deleted when closed
        run = tempfile.TemporaryFile(dir=self.storage.folder, prefix=".run-")  # noqa: SIM115
        batch = []
        for item in self._sorted_buffer():
            batch.append(item)
            if len(batch) == RUN_BATCH:
                pickle.dump(batch, run, pickle.HIGHEST_PROTOCOL)
                batch = []
        pickle.dump(batch, run, pickle.HIGHEST_PROTOCOL)
        run.seek(0)
        self._runs.append(run)
        self._terms = {}
        self._buffered = 0

    def _merged(self) -> Iterator[tuple[str, bytes, Postings]]:
        """All terms in index order, each term's postings joined across runs (in doc order)."""
        if not self._runs:
            yield from self._sorted_buffer()
            return
        self._spill()
        # a term in several runs: tuples compare by field, term, then first docnum (run order)
        merged = heapq.merge(*(_read_run(run) for run in self._runs))
        name, tbytes, postings = next(merged)
        for item in merged:
            if item[1] == tbytes and item[0] == name:
                postings.extend(item[2])
            else:
                yield name, tbytes, postings
                name, tbytes, postings = item
        yield name, tbytes, postings

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        fw = self.fieldwriter
        codec = fw._codec
        if codec._inlinelimit > 1:
            raise ValueError("FastSegmentWriter does not inline postings")
        write = _TermWriter(fw._postfile, codec._blocklimit, codec._compression, self.min_compress)
        add_term = _TermIndex(fw._tindex)
        current = None
        for name, tbytes, postings in self._merged():
            if name != current:
                if current is not None:
                    fw.finish_field()
                field = self.schema[name]
                fw.start_field(name, field)
                current = name
                key = pack_ushort(fw._fieldid)
                fixed = field.format.fixed_value_size()
                lengths = self._lengths.get(name, bytearray())
                lengths.extend(bytes(self.docnum - len(lengths)))
            add_term(key + tbytes, write(postings, lengths, fixed))
        if current is not None:
            fw.finish_field()
        fw.close()
        self._terms = {}

    def _close_segment(self) -> None:
        super()._close_segment()
        for run in self._runs:
            run.close()
        self._runs = []


def _encode_positions(plist: list[int]) -> bytes:
    """Whoosh's Positions.encode: count, then the pickled position deltas."""
    deltas = [plist[0]]
    deltas.extend(b - a for a, b in zip(plist, plist[1:], strict=False))
    return pack_uint(len(deltas)) + pickle.dumps(deltas, 2)


def _read_run(run) -> Iterator[tuple[str, bytes, Postings]]:
    """The terms of a run file; one unpickler per batch, so nothing accumulates in a memo."""
    while True:
        try:
            yield from pickle.load(run)
        except EOFError:
            return


class _TermWriter:
    """Writes one term's postings as W3PostingsWriter does; returns its W3TermInfo bytes.

    The same blocks (delta-coded ids, minified weights and values, pickled, with their block
    info) and the same term statistics, computed a block at a time instead of a posting at a
    time. One difference: a block whose pickle is shorter than `min_compress` bytes is stored
    uncompressed (compression 0 in its block info, which Whoosh's reader honours). zlib costs
    more than the rest of a one-posting term and does not shrink such a block; W3 meant to skip
    blocks under 20 bytes but never does. With min_compress=0 the files are byte for byte
    Whoosh's (tests/unit/test_segment.py).
    """

    def __init__(self, postfile, blocklimit: int, compression: int, min_compress: int) -> None:
        self._postfile = postfile
        self._offset = postfile.tell()
        self._blocklimit = blocklimit
        self._compression = compression
        self._min_compress = min_compress

    def __call__(self, postings: Postings, lengths: bytearray, fixed: int | None) -> bytes:
        ids = postings[0::3]
        weights = postings[1::3]
        values = postings[2::3]
        count = len(ids)
        size = self._blocklimit
        if count <= size:  # most terms: one block
            blocks = [self._block(ids, weights, values, lengths, fixed, True)]
        else:
            blocks = [
                self._block(
                    ids[start : start + size],
                    weights[start : start + size],
                    values[start : start + size],
                    lengths,
                    fixed,
                    start + size >= count,
                )
                for start in range(0, count, size)
            ]
        data = b"".join([WHOOSH3_HEADER_MAGIC, *(b[0] for b in blocks)])
        offset = self._offset
        self._postfile.write(data)
        self._offset += len(data)
        # W3TermInfo: sums and extremes of the blocks' statistics; lengths are length bytes
        mins = [b[2] for b in blocks if b[2]]
        return (
            _TERMINFO.pack(
                False,
                sum(b[1] for b in blocks),
                count,
                min(mins) if mins else 0,
                max(b[3] for b in blocks),
                max(0, *(b[4] for b in blocks)),
                ids[0],
                ids[-1],
            )
            + pack_long(offset)
            + pack_int(len(data))
        )

    def _block(self, ids, weights, values, lengths, fixed, last: bool) -> tuple:
        """A block's bytes (as W3PostingsWriter._write_block writes them, length first) and its
        statistics: total weight, min and max length byte (0: none), max weight."""
        stored = array("f", weights)
        n = len(ids)
        if stored.count(1.0) == n:
            mini_weights = None
        elif stored.count(stored[0]) == n:
            mini_weights = stored[0]
        else:
            mini_weights = tuple(stored)
        if fixed is None:
            mini_values = tuple(filter(None, values))
        elif fixed == 0:
            mini_values = None
        else:
            mini_values = b"".join(values)
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
        body = b"".join((pack_int(-size if last else size), info, data))
        return body, sum(stored), minbyte, maxbyte, maxweight


class _TermIndex:
    """Adds rows to the segment's term table (an OrderedHashWriter) as its add() does.

    The same row and hash entry; the file position is tracked here rather than asked of the file
    twice per term, and the key order is left to the caller (terms come sorted).
    """

    def __init__(self, table) -> None:
        self._table = table
        self._write = table.dbfile.write
        self._pos = table.dbfile.tell()

    def __call__(self, key: bytes, value: bytes) -> None:
        table = self._table
        pos = self._pos
        table.index.append(pos)
        row = _ROW_LENGTHS.pack(len(key), len(value)) + key + value
        self._write(row)
        self._pos = pos + len(row)
        h = table.hashfn(key)
        table.buckets[h & 255].append((h, pos))


class _FastSubTask(SubWriterTask):
    """A Whoosh writer process that indexes with FastSegmentWriter into its own segment."""

    def run(self) -> None:
        _die_with_parent()
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = FastSegmentWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            job = self.jobqueue.get()
            if job is None:
                break
            self._process_file(*job)
        if not self.running:
            writer.cancel()
            return
        self.resultqueue.put((None, None, writer._finalize_segment()), timeout=5)


def _die_with_parent() -> None:
    """Have the kernel kill this worker when the build process that forked it dies (kill -9
    included), so no orphan goes on writing into a generation the next writer removes."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() == 1:  # the parent died before prctl: nothing will send the signal
        os._exit(1)


class FastMpWriter(MpWriter):
    """Whoosh's multi-process writer (one segment per process), writing with FastSegmentWriter."""

    def __init__(self, ix, procs: int, **kwargs) -> None:
        super().__init__(ix, procs=procs, multisegment=True, **kwargs)

    def _new_task(self):
        task = _FastSubTask(
            self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, True
        )
        self.tasks.append(task)
        task.start()
        return task
