"""Column codes kept beside each segment: written by every commit, the same codes as coding the
columns when a generation is opened, removed with their segment, damage reported."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from indexer import SearchIndex, optimize
from indexer.backends.whoosh.columns import (
    CODED,
    SUFFIX,
    Table,
    _column,
    _joined,
    coded_columns,
)
from indexer.backends.whoosh.store import open_reader, storage
from indexer.errors import IndexDamaged
from indexer.index.check import check
from indexer.index.generations import current_generation

QUERIES = ["发展", "technology transfer", "知识产权 发展", "CDIP/19/6"]


def _segment_ids(generation: Path) -> set[str]:
    ix = storage(generation).open_index()
    try:
        return {segment.segment_id() for segment in ix._segments()}
    finally:
        ix.close()


def _tables(generation: Path) -> set[str]:
    return {p.name for p in generation.glob(f"*{SUFFIX}")}


def _searched(root: Path) -> list:
    with SearchIndex(root, cache_size=0) as index:
        pages = [index.search(q, page=1, page_size=10) for q in QUERIES]
        pages.append(index.search("发展", page=1, page_size=10, sort="date", group=True))
        pages.append(index.search("development", filters={"lang": ["en"], "year": ["2017"]}))
    return [
        (p.total, p.facets, p.more, [(h.symbol, h.lang, h.paragraph, h.score) for h in p.hits])
        for p in pages
    ]


def test_every_commit_writes_its_segments_tables_and_the_manifest_lists_them(updated_index):
    _, root = updated_index
    generation = current_generation(root)
    segments = _segment_ids(generation)
    assert len(segments) == 2
    assert _tables(generation) == {f"{s}{SUFFIX}" for s in segments}
    assert check(root).ok  # their sizes and checksums are in the manifest


def test_stored_tables_give_the_codes_of_coding_every_value_at_once(updated_index, tmp_path):
    _, root = updated_index
    generation = current_generation(root)
    ix = storage(generation).open_index()
    with ix.searcher() as searcher:
        reader = searcher.reader()
        stored = coded_columns(reader, generation)
        computed = coded_columns(reader, tmp_path)  # no table files there: coded on opening
        for name in CODED:
            raw = np.concatenate([_column(s, name) for s, _ in reader.leaf_readers()])
            values, codes = np.unique(raw, return_inverse=True)
            for column in (stored[name], computed[name]):
                assert column.codes.tolist() == codes.tolist()
                assert column.values == [v.decode("utf-8") for v in values.tolist()]
                assert column.size == len(values)
        fields = list(reader.all_stored_fields())
        live = [n for n in range(reader.doc_count_all()) if not reader.is_deleted(n)]
        for name in ("unit", "lang", "committee_code", "year", "day"):
            column = stored[name]
            assert [column.values[column.codes[n]] for n in live] == [
                f.get(name, "") for f in fields
            ]
    ix.close()


def test_joining_tables_codes_as_one_sort_of_all_values():
    parts = [
        [b"b", b"dd", b"a", b"b"],
        [b"c", b"a", b"eee"],
        [],
        [b"dd", b"ab", b"eee", b"a"],
    ]
    tables = []
    for values in parts:
        raw = np.array(values, dtype="S3" if values else "S1")
        distinct, codes = np.unique(raw, return_inverse=True)
        tables.append(Table(codes.astype(np.uint8), distinct))
    joined = _joined(tables)
    every = [v for values in parts for v in values]
    distinct = sorted(set(every))
    assert joined.values == [v.decode() for v in distinct]
    assert joined.codes.tolist() == [distinct.index(v) for v in every]


def test_searches_are_the_same_without_the_tables(updated_index, tmp_path):
    _, root = updated_index
    copy = tmp_path / "index"
    shutil.copytree(root, copy)
    for table in current_generation(copy).glob(f"*{SUFFIX}"):
        table.unlink()  # an index written before the tables
    assert _searched(copy) == _searched(root)


def test_optimize_writes_the_table_of_its_one_segment(updated_index, tmp_path):
    _, root = updated_index
    copy = tmp_path / "index"
    shutil.copytree(root, copy)
    for table in current_generation(copy).glob(f"*{SUFFIX}"):
        table.unlink()
    optimize(copy)
    generation = current_generation(copy)
    (segment,) = _segment_ids(generation)
    assert _tables(generation) == {f"{segment}{SUFFIX}"}
    assert check(copy).ok
    without = tmp_path / "without"
    shutil.copytree(copy, without)
    (current_generation(without) / f"{segment}{SUFFIX}").unlink()
    assert _searched(copy) == _searched(without)  # scores differ from before: no deletions


def test_a_damaged_table_is_reported(updated_index, tmp_path):
    _, root = updated_index
    copy = tmp_path / "index"
    shutil.copytree(root, copy)
    generation = current_generation(copy)
    first, second = sorted(generation.glob(f"*{SUFFIX}"))
    data = first.read_bytes()
    first.unlink()  # a hard link to the original: replace, do not write through it
    first.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexDamaged, match=first.name):
        open_reader(generation)
    first.unlink()
    shutil.copy(second, first)  # another segment's table: its codes do not fit
    with pytest.raises(IndexDamaged, match="does not fit its segment"):
        open_reader(generation)
