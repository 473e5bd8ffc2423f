"""tantivy generations on disk: create, extend (hard links), optimise, check and open one.

A generation is a directory holding one tantivy index; `indexer.index.generations` decides where
it lives and when it goes live, as for Whoosh. tantivy never modifies a segment file it has
written: a commit writes new segment files (and deletions as new ``.del`` files) and replaces
``meta.json`` by a rename, so a new generation may start from hard links to the live one's
files, and removing names in it never touches the live generation's data.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

import tantivy

from indexer.backends.tantivy.reader import TantivyReader
from indexer.backends.tantivy.schema import (
    ANALYSED,
    SCHEMA_VERSION,
    build_schema,
    document,
    hash64,
)
from indexer.errors import IndexDamaged

__all__ = ["SCHEMA_VERSION", "count_blocks", "create", "extend", "open_reader", "optimize"]

BUILD_HEAP = 256_000_000  # bytes the writer buffers before it writes a segment (a build)
UPDATE_HEAP = 64_000_000
OPTIMIZE_HEAP = 1_000_000_000  # one segment up to about 10^6 paragraphs
META = "meta.json"  # the index's segment list (tantivy's own JSON, unlike ours)
COPIED = {META, ".managed.json"}  # replaced by rename on commit: copied, not linked
LOCKS = {".tantivy-writer.lock", ".tantivy-meta.lock"}


class TantivyWriter:
    """A GenerationWriter over one tantivy IndexWriter."""

    def __init__(self, index: tantivy.Index, path: Path, heap: int) -> None:
        self._index = index
        self._path = path
        self._writer = index.writer(heap_size=heap, num_threads=1)

    def add(self, blocks: Iterable[dict]) -> None:
        for fields in blocks:
            self._writer.add_document(document(fields))

    def segments(self) -> int:
        return self._index.searcher().num_segments

    def delete(self, doc_key: str) -> None:
        self._writer.delete_documents_by_term("doc", doc_key)

    def commit(self) -> None:
        self._writer.commit()
        self._writer.wait_merging_threads()  # merges done, the writer and its lock released
        self._writer = None

    def cancel(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(ValueError):
                self._writer.rollback()
            self._writer = None

    def check(self, blocks: int, touched: dict[str, set[str]]) -> None:
        """Fail loudly (before any switch) if the generation disagrees with its manifest:
        its block count, and for every document written in this run exactly one block per
        key (compared by the key hashes tantivy keeps in a column: no stored document read)."""
        self._index.reload()
        searcher = self._index.searcher()
        found = searcher.num_docs
        if found != blocks:
            raise IndexDamaged(
                f"the new index holds {found} blocks but its manifest lists {blocks}; "
                "the live index was left unchanged."
            )
        schema = self._index.schema
        for doc_key, keys in touched.items():
            q = tantivy.Query.term_query(schema, "doc", doc_key)
            hits = searcher.search(q, len(keys) + 1, count=False, order_by_field="key_id").hits
            stored = sorted(int(h[0]) for h in hits)
            if stored != sorted(hash64(k) for k in keys):
                raise IndexDamaged(
                    f"the new index has duplicate or missing paragraphs for {doc_key}; "
                    "the live index was left unchanged."
                )


def create(path: Path, parallel: bool = False) -> TantivyWriter:
    """A writer for a whole new index in the empty directory `path`."""
    return TantivyWriter(tantivy.Index(build_schema(), path=str(path)), path, BUILD_HEAP)


def link(source: Path, target: Path) -> None:
    """Hard-link the segment files of generation `source` into the empty directory `target`
    (tantivy's meta files copied; not its locks, not the generation's own JSON files)."""
    for item in source.iterdir():
        if not item.is_file() or item.name in LOCKS:
            continue
        if item.name in COPIED:
            shutil.copy2(item, target / item.name)
        elif item.suffix != ".json":
            os.link(item, target / item.name)


def extend(live: Path, path: Path) -> TantivyWriter:
    """A writer for a new generation that starts as the live one (hard links): deletions and
    additions go to new small segments; tantivy's merge policy merges small segments."""
    _require_tantivy(live)
    link(live, path)
    with _damage_reported(path):
        return TantivyWriter(tantivy.Index.open(str(path)), path, UPDATE_HEAP)


def optimize(live: Path, path: Path) -> tuple[TantivyWriter, int]:
    """A writer for a new generation holding the live one's blocks in one segment, and the
    live one's number of segments. The Python binding has no forced merge: the blocks are
    indexed again from their stored fields (their text is stored: the analysis runs again)."""
    reader = open_reader(live)
    before = reader.segments()
    writer = TantivyWriter(tantivy.Index(build_schema(), path=str(path)), path, OPTIMIZE_HEAP)
    try:
        for blocks in reader.every_block():
            writer.add({**b, **dict.fromkeys(ANALYSED, b["body"])} for b in blocks)
    except BaseException:
        writer.cancel()
        raise
    finally:
        reader.close()
    return writer, before


def open_reader(path: Path, cache_bytes: int = 0) -> TantivyReader:
    """The generation open for searching; IndexDamaged (one sentence) if it cannot be read."""
    _require_tantivy(path)
    with _damage_reported(path):
        return TantivyReader(tantivy.Index.open(str(path)))


def count_blocks(path: Path) -> int:
    _require_tantivy(path)
    with _damage_reported(path):
        return tantivy.Index.open(str(path)).searcher().num_docs


def _require_tantivy(path: Path) -> None:
    if not (path / META).is_file():
        raise IndexDamaged(
            f"the index generation {path.name} holds no tantivy index (it was built by another "
            "engine or is damaged); choose its engine with --engine, or run "
            "`docsearch build --engine tantivy` to rebuild it."
        )


@contextlib.contextmanager
def _damage_reported(path: Path) -> Iterator[None]:
    try:
        yield
    except (OSError, ValueError) as err:
        raise IndexDamaged(
            f"the index generation {path.name} cannot be read ({type(err).__name__}: {err}); "
            "run `docsearch build` to rebuild it."
        ) from err
