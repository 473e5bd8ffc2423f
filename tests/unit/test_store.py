"""Generations: stale generation removal, readers of removed ones, the check before a switch."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.query import Term

from indexer import build
from indexer.backends.whoosh.store import WhooshWriter, storage
from indexer.errors import IndexDamaged
from indexer.index.generations import (
    current_generation,
    generations_dir,
    remove_stale,
    switch_current,
)
from indexer.index.manifest import MANIFEST, Manifest
from indexer.settings import bundled_corpus


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("store") / "index"
    build(bundled_corpus(), root)
    return root


def fake_generation(root: Path, name: str, age: float) -> Path:
    path = generations_dir(root) / name
    path.mkdir(parents=True)
    (path / MANIFEST).write_text("{}", encoding="utf-8")
    stamp = time.time() - age
    os.utime(path / MANIFEST, (stamp, stamp))
    return path


def test_remove_stale_keeps_live_previous_and_recently_retired(tmp_path):
    root = tmp_path
    fake_generation(root, "g1", 500)  # retired 400 s ago (g2 went live then)
    fake_generation(root, "g2", 400)  # retired 30 s ago
    fake_generation(root, "g3", 30)  # retired 10 s ago: previous
    fake_generation(root, "g4", 10)  # live
    fake_generation(root, "g5", 5)  # renamed but never switched to: never live
    (generations_dir(root) / ".tmp-g6").mkdir()
    (root / ".CURRENT.123").write_text("g5\n")
    switch_current(root, "g4")

    removed = remove_stale(root, grace=60)

    assert sorted(removed) == [".tmp-g6", "g1", "g5"]
    assert sorted(p.name for p in generations_dir(root).iterdir()) == ["g2", "g3", "g4"]
    assert not list(root.glob(".CURRENT.*"))
    assert sorted(remove_stale(root, grace=0)) == ["g2"]  # the previous one always stays


def test_a_reader_keeps_working_after_its_generation_is_deleted(built, tmp_path):
    root = tmp_path / "index"
    shutil.copytree(built, root)
    ix = whoosh_index.open_dir(str(current_generation(root)))
    searcher = ix.searcher()
    shutil.rmtree(current_generation(root))  # what remove_stale does to an old generation
    found = [searcher.stored_fields(n)["key"] for n in searcher.docs_for_query(Term("lang", "zh"))]
    assert found and all(key.split("|")[1] == "zh" for key in found)
    results = searcher.search(Term("symbol", "CDIP/19/6"), limit=None)
    assert len(results) > 10
    searcher.close()


def _checker(generation: Path) -> WhooshWriter:
    ix = storage(generation).open_index()
    return WhooshWriter(ix, None, generation)  # only its check is used


def test_check_refuses_duplicates_and_count_mismatch(built, tmp_path):
    root = tmp_path / "index"
    shutil.copytree(built, root)
    generation = current_generation(root)
    blocks = Manifest.load(generation).counts["blocks"]
    _checker(generation).check(blocks, {})
    ix = whoosh_index.open_dir(str(generation))
    with ix.searcher() as searcher:
        fields = searcher.stored_fields(0)
    doc_key = fields["doc"]
    writer = ix.writer()
    writer.add_document(**fields)  # a duplicate paragraph, as update_document could leave
    writer.commit()
    ix.close()
    with pytest.raises(IndexDamaged, match="holds .* blocks but its manifest lists"):
        _checker(generation).check(blocks, {})
    with pytest.raises(IndexDamaged, match=f"duplicate or missing paragraphs for {doc_key}"):
        _checker(generation).check(blocks + 1, {doc_key: {f"{doc_key}|x"}})
