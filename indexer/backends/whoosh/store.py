"""Whoosh generations on disk: create, extend (hard links), optimise, check and open one.

A generation is a directory holding one Whoosh index; `indexer.index.generations` decides where
it lives and when it goes live. Whoosh never modifies a file it has written: a segment
(``MAIN_<id>.seg``) is written once and every commit writes a new ``_MAIN_<gen>.toc``
(deletions are recorded in the TOC), so a new generation may start from hard links to the live
one's files and unlinking names in it never touches shared data. Beside each segment, every commit
leaves its column codes (``MAIN_<id>.codes``, see columns.py), which Whoosh removes with it.
"""

from __future__ import annotations

import contextlib
import os
import struct
from collections.abc import Iterable, Iterator
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError
from whoosh.query import Term as WhooshTerm
from whoosh.reading import SegmentReader

from indexer.analysis.segmenter import segmenter
from indexer.backends.whoosh.columns import save_tables
from indexer.backends.whoosh.engine import CACHE_BYTES
from indexer.backends.whoosh.reader import WhooshReader
from indexer.backends.whoosh.schema import SCHEMA_VERSION, build_schema
from indexer.errors import IndexDamaged

__all__ = [
    "SCHEMA_VERSION",
    "WhooshWriter",
    "count_blocks",
    "create",
    "extend",
    "open_reader",
    "optimize",
]

WRITER_LIMITMB = 256
BUILD_LIMITMB = 384  # a full build's postings buffer, split between its processes (bounded)
MAX_PROCS = 2
LOCK_FILE = "MAIN_WRITELOCK"
SMALL_SEGMENT_DOCS = 1000  # segments this small are merged once there are MAX_SMALL_SEGMENTS
MAX_SMALL_SEGMENTS = 8


def storage(path: Path) -> FileStorage:
    """A generation's files, read without mmap (by writers, checkers and searchers).

    Whoosh reads an mmapped compound segment through a BytesIO copy of the whole file, so with
    mmap every process would hold the entire index in memory (1.4 GB at 100,000 paragraphs) and
    open it in seconds. Searches read posting lists in whole pieces (the engine), so plain file
    reads cost them little.
    """
    return FileStorage(str(path), supports_mmap=False)


class WhooshWriter:
    """A GenerationWriter over one Whoosh writer."""

    def __init__(self, ix, writer, path: Path, merge=None) -> None:
        self._ix = ix
        self._writer = writer
        self._path = path
        self._merge = merge

    def add(self, blocks: Iterable[dict]) -> None:
        for fields in blocks:
            self._writer.add_document(**fields)

    def delete(self, doc_key: str) -> None:
        self._writer.delete_by_term("doc", doc_key)

    def commit(self) -> None:
        if self._merge is None:
            self._writer.commit()
        else:
            self._writer.commit(mergetype=self._merge)
        reader = self._ix.reader()
        try:
            save_tables(reader, self._path)  # the new segments' column codes (columns.py)
        finally:
            reader.close()

    def cancel(self) -> None:
        self._writer.cancel()
        self._ix.close()

    def check(self, blocks: int, touched: dict[str, set[str]]) -> None:
        """Fail loudly (before any switch) if the generation disagrees with its manifest.

        Cheap: the live document count must equal the manifest's block count, and every
        document written in this run must have exactly one live index document per block key.
        Duplicates left by a delete that missed would break either check.
        """
        try:
            with self._ix.searcher() as searcher:
                found = searcher.doc_count()
                if found != blocks:
                    raise IndexDamaged(
                        f"the new index holds {found} blocks but its manifest lists {blocks}; "
                        "the live index was left unchanged."
                    )
                for doc_key, keys in touched.items():
                    stored = [
                        searcher.stored_fields(n)["key"]
                        for n in searcher.docs_for_query(WhooshTerm("doc", doc_key))
                    ]
                    if len(stored) != len(set(stored)) or set(stored) != keys:
                        raise IndexDamaged(
                            f"the new index has duplicate or missing paragraphs for {doc_key}; "
                            "the live index was left unchanged."
                        )
        finally:
            self._ix.close()
        (self._path / LOCK_FILE).unlink(missing_ok=True)


def create(path: Path, parallel: bool = False) -> WhooshWriter:
    """A writer for a whole new index in the empty directory `path`.

    Whoosh's posting and commit work, not jieba, bounds a build (see bench/RESULTS.md), so a
    build writes with FastSegmentWriter (the same segments, much less Python per posting), and
    big builds analyse and write in two processes on two cores, each its own segment.
    """
    ix = storage(path).create_index(build_schema())
    from indexer.backends.whoosh.writer import FastMpWriter, FastSegmentWriter  # builds only

    procs = min(MAX_PROCS, os.cpu_count() or 1) if parallel else 1
    if procs == 1:
        writer = FastSegmentWriter(ix, limitmb=BUILD_LIMITMB)
    else:
        segmenter()  # load jieba's dictionary once; the worker processes inherit it
        writer = FastMpWriter(ix, procs=procs, limitmb=BUILD_LIMITMB // procs)
    return WhooshWriter(ix, writer, path)


def link(source: Path, target: Path) -> None:
    """Hard-link the index files of generation `source` into the empty directory `target`
    (not its lock or the generation's own JSON files)."""
    for item in source.iterdir():
        if item.is_file() and item.name != LOCK_FILE and item.suffix != ".json":
            os.link(item, target / item.name)


def extend(live: Path, path: Path) -> WhooshWriter:
    """A writer for a new generation that starts as the live one (hard links): deletions and
    additions go to one new small segment, big segments are never rewritten."""
    link(live, path)
    ix = storage(path).open_index()
    return WhooshWriter(ix, ix.writer(limitmb=WRITER_LIMITMB), path, _merge_small_segments)


def optimize(live: Path, path: Path) -> tuple[WhooshWriter, int]:
    """A writer that merges the live generation's segments into one (and their number)."""
    link(live, path)
    ix = storage(path).open_index()
    before = len(ix._segments())
    writer = ix.writer(limitmb=WRITER_LIMITMB)
    return WhooshWriter(ix, writer, path, _merge_all), before


def open_reader(path: Path, cache_bytes: int = CACHE_BYTES) -> WhooshReader:
    """The generation open for searching; IndexDamaged (one sentence) if it cannot be read."""
    with _damage_reported(path):
        return WhooshReader(storage(path).open_index(), cache_bytes)


def count_blocks(path: Path) -> int:
    """The number of live blocks in a generation, reading every segment's header."""
    with _damage_reported(path):
        ix = storage(path).open_index()
        try:
            with ix.searcher() as searcher:
                return searcher.doc_count()
        finally:
            ix.close()


@contextlib.contextmanager
def _damage_reported(path: Path) -> Iterator[None]:
    """Whoosh reports truncated or missing files with many exception types: one sentence."""
    try:
        yield
    except (
        OSError,
        EOFError,
        ValueError,
        KeyError,
        IndexError,
        struct.error,
        EmptyIndexError,
    ) as err:
        raise IndexDamaged(
            f"the index generation {path.name} cannot be read ({type(err).__name__}: {err}); "
            "run `docsearch build` to rebuild it."
        ) from err


def _merge_small_segments(writer, segments):
    """Whoosh merge policy: drop emptied segments; merge small ones once there are many.

    Big segments are never rewritten, so an update costs what it adds, not the index size.
    """
    live = [s for s in segments if s.doc_count() > 0]
    small = [s for s in live if s.doc_count_all() <= SMALL_SEGMENT_DOCS]
    if len(small) < MAX_SMALL_SEGMENTS:
        return live
    _add_segments(writer, small)
    return [s for s in live if s not in small]


def _merge_all(writer, segments):
    _add_segments(writer, segments)
    return []


def _add_segments(writer, segments) -> None:
    for segment in segments:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
