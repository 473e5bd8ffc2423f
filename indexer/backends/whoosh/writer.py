"""A faster Whoosh segment writer for full builds: the same segment, less Python per posting.

Whoosh's ``SegmentWriter`` sends every posting through a sorting pool as a tuple, looks each
document's field length up in a column file when it writes the posting, and adds postings one at
a time (with type checks) to the W3 postings writer. With three text fields that per-posting work
is most of a build (bench/RESULTS.md). ``FastSegmentWriter`` keeps the postings of each term in
one list, analyses our text fields without Whoosh's token objects, keeps field lengths in memory
and writes each term's W3 blocks and term-table row in one pass. Stored fields, lengths and
columns still go through Whoosh's per-document writer, so the segment holds the same terms,
postings, statistics, stored fields and columns as ``SegmentWriter`` would write; only small
posting blocks are left uncompressed (see postings.TermWriter; tests/unit/test_segment.py).

Memory stays bounded: when the buffered postings pass ``limitmb``, they are written to a sorted
run file in pieces of at most ``run_chunk`` postings, and when the segment is finished the runs
are merged a piece at a time: each term's blocks are written as its pieces arrive, so neither
a long posting list nor the number of runs makes the merge hold much.
"""

from __future__ import annotations

import ctypes
import heapq
import os
import pickle
import signal
import tempfile
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter

from whoosh.formats import Positions
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.system import pack_uint, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from indexer.backends.whoosh.analyzers import TermAnalyzer
from indexer.backends.whoosh.postings import Postings, TermIndex, TermWriter

_ONE = pack_uint(1)
BYTES_PER_POSTING = 100  # rough memory cost of one buffered posting, term overhead included
# Postings per pickle in a run file (a longer list is cut into pieces): the merge holds one
# piece of every run, so its memory grows slowly with the number of runs, not with their size.
RUN_CHUNK = 4096
MIN_COMPRESS = 256  # bytes: smaller posting blocks are stored uncompressed (see TermWriter)
PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h)
_TERM = itemgetter(0, 1)


class FastSegmentWriter(SegmentWriter):
    """A SegmentWriter that buffers postings per term and writes them a block at a time."""

    def __init__(
        self,
        ix,
        limitmb: int = 128,
        min_compress: int = MIN_COMPRESS,
        run_chunk: int = RUN_CHUNK,
        **kwargs,
    ) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.min_compress = min_compress
        self.run_chunk = run_chunk
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
        batch, size, step = [], 0, 3 * self.run_chunk
        for name, tbytes, postings in self._sorted_buffer():
            for start in range(0, len(postings), step):
                piece = postings[start : start + step] if len(postings) > step else postings
                batch.append((name, tbytes, piece))
                size += len(piece)
                if size >= step:
                    pickle.dump(batch, run, pickle.HIGHEST_PROTOCOL)
                    batch, size = [], 0
        pickle.dump(batch, run, pickle.HIGHEST_PROTOCOL)
        run.seek(0)
        self._runs.append(run)
        self._terms = {}
        self._buffered = 0

    def _merged(self) -> Iterator[tuple[str, bytes, Iterator[Postings]]]:
        """All terms in index order, each with its postings in document order, in pieces that
        are read from the runs as they are consumed (use them before the next term)."""
        if not self._runs:
            for name, tbytes, postings in self._sorted_buffer():
                yield name, tbytes, iter((postings,))
            return
        self._spill()
        # a term in several runs: tuples compare by field, term, then first docnum (run order)
        merged = heapq.merge(*(_read_run(run) for run in self._runs))
        for (name, tbytes), items in groupby(merged, key=_TERM):
            yield name, tbytes, _chunks(items)

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        fw = self.fieldwriter
        codec = fw._codec
        if codec._inlinelimit > 1:
            raise ValueError("FastSegmentWriter does not inline postings")
        write = TermWriter(fw._postfile, codec._blocklimit, codec._compression, self.min_compress)
        add_term = TermIndex(fw._tindex)
        current = None
        for name, tbytes, chunks in self._merged():
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
            add_term(key + tbytes, write(chunks, lengths, fixed))
        if current is not None:
            fw.finish_field()
        write.finish()
        add_term.finish()
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
    """The chunks of a run file; one unpickler per batch, so nothing accumulates in a memo."""
    while True:
        try:
            yield from pickle.load(run)
        except EOFError:
            return


def _chunks(items: Iterator[tuple[str, bytes, Postings]]) -> Iterator[Postings]:
    return (postings for _, _, postings in items)


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
