"""The fast build writer writes what Whoosh's own SegmentWriter writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import SegmentWriter

from indexer.backends.whoosh.schema import build_schema
from indexer.backends.whoosh.writer import FastMpWriter, FastSegmentWriter
from indexer.index.fields import block_fields
from indexer.ingest.corpus import iter_corpus
from indexer.settings import bundled_corpus


@pytest.fixture(scope="module")
def blocks() -> list[dict]:
    return [fields for doc in iter_corpus(bundled_corpus(), []) for fields in block_fields(doc)]


def _write(path: Path, writer_class, blocks: list[dict], **kwargs):
    path.mkdir()
    ix = FileStorage(str(path)).create_index(build_schema())
    writer = writer_class(ix, **kwargs)
    for fields in blocks:
        writer.add_document(**fields)
    writer.commit()
    return ix


def _segment_files(ix, path: Path) -> dict[str, bytes]:
    """The segment's files by extension (file names hold a random segment id)."""
    (segment,) = ix._segments()
    prefix = segment.make_filename("")
    return {
        f.name.removeprefix(prefix): f.read_bytes()
        for f in path.iterdir()
        if f.name.startswith(prefix)
    }


@pytest.mark.parametrize(
    ("limitmb", "blocklimit", "run_chunk"),
    [(128, 128, 4096), (0, 4, 4096), (1, 4, 3)],
    ids=["in-memory", "run-per-document", "runs-in-small-pieces"],
)
@pytest.mark.slow
def test_same_segment_files_as_whoosh(tmp_path, blocks, limitmb, blocklimit, run_chunk):
    """With every block compressed (min_compress=0), the files are byte for byte Whoosh's."""
    codec = W3Codec(blocklimit=blocklimit)
    plain = _write(tmp_path / "plain", SegmentWriter, blocks, compound=False, codec=codec)
    fast = _write(
        tmp_path / "fast",
        FastSegmentWriter,
        blocks,
        compound=False,
        codec=codec,
        limitmb=limitmb,
        min_compress=0,
        run_chunk=run_chunk,
    )
    expected = _segment_files(plain, tmp_path / "plain")
    found = _segment_files(fast, tmp_path / "fast")
    assert sorted(found) == sorted(expected)
    for name, data in expected.items():
        assert found[name] == data, name


def _postings(ix) -> dict:
    """Every term's statistics and postings (id, weight, value), as Whoosh reads them back."""
    out = {}
    with ix.reader() as reader:
        for name, tbytes in reader.all_terms():
            info = reader.term_info(name, tbytes)
            stats = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length())
            stats += (info.max_weight(), info.min_id(), info.max_id())
            matcher = reader.postings(name, tbytes)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            out[name, tbytes] = stats, postings
    return out


@pytest.mark.slow
def test_small_blocks_uncompressed_same_postings(tmp_path, blocks):
    """The default (small blocks not compressed): same terms, statistics, postings, columns."""
    plain = _write(tmp_path / "plain", SegmentWriter, blocks, compound=False)
    fast = _write(tmp_path / "fast", FastSegmentWriter, blocks, compound=False, limitmb=0)
    assert _postings(fast) == _postings(plain)
    expected = _segment_files(plain, tmp_path / "plain")
    found = _segment_files(fast, tmp_path / "fast")
    for name in set(expected) - {".pst", ".trm"}:
        assert found[name] == expected[name], name


def _statistics(ix) -> dict:
    with ix.searcher() as searcher:
        reader = searcher.reader()
        terms = {
            term: (reader.doc_frequency(*term), reader.frequency(*term))
            for term in reader.all_terms()
        }
        stored = sorted(repr(sorted(f.items())) for f in reader.all_stored_fields())
        lengths = {name: reader.field_length(name) for name in ix.schema.names()}
        return {"terms": terms, "stored": stored, "lengths": lengths}


@pytest.mark.slow
def test_two_processes_same_statistics(tmp_path, blocks):
    plain = _write(tmp_path / "plain", SegmentWriter, blocks)
    fast = _write(tmp_path / "fast", FastMpWriter, blocks, procs=2, batchsize=10)
    assert len(fast._segments()) == 2
    assert _statistics(fast) == _statistics(plain)
