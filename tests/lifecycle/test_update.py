"""`docsearch update`: add, replace, remove, idempotence, cost, and the shared segment files."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from pathlib import Path

import indexer.index.update
from indexer import SearchIndex, build
from indexer.backends.whoosh.store import MAX_SMALL_SEGMENTS
from indexer.index.generations import current_generation
from tests.lifecycle.conftest import (
    doc_keys,
    en_doc,
    hits,
    index_keys,
    live_manifest,
    zh_doc,
)


def files_digest(generation: Path) -> dict[str, tuple[str, int]]:
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_ino)
        for p in generation.iterdir()
    }


def test_new_file_is_added_then_second_update_changes_nothing(corpus, root, cli):
    (corpus / "zh" / "test_1_1.txt").write_text(zh_doc(), encoding="utf-8")
    before = live_manifest(root)["counts"]

    result = cli("update")
    assert result.exit_code == 0, result.output
    assert "1 added, 0 replaced, 0 removed, 4 unchanged language files" in result.output
    assert "added TEST/1/1 (zh)" in result.output
    assert ("TEST/1/1", "1") in hits(root, "蓝鲸星光计划", "zh")
    after = live_manifest(root)["counts"]
    assert after["paragraphs"] == before["paragraphs"] + 2

    generation = current_generation(root)
    again = cli("update")
    assert again.exit_code == 0
    assert "Index is up to date: 5 language files unchanged, nothing to do" in again.output
    assert current_generation(root) == generation


def test_edit_replaces_and_delete_removes(corpus, root, cli):
    path = corpus / "en" / "test_1_1.txt"
    path.write_text(en_doc(), encoding="utf-8")
    assert cli("update").exit_code == 0
    assert ("TEST/1/1", "2") in hits(root, "bluewhale", "en")

    path.write_text(en_doc(word="greyheron"), encoding="utf-8")
    result = cli("update")
    assert "0 added, 1 replaced, 0 removed" in result.output
    assert "replaced TEST/1/1 (en)" in result.output
    assert hits(root, "bluewhale", "en") == []
    assert ("TEST/1/1", "1") in hits(root, "greyheron", "en")
    keys = index_keys(root)
    assert len(keys) == len(set(keys)) == live_manifest(root)["counts"]["blocks"]

    path.unlink()
    result = cli("update")
    assert "0 added, 0 replaced, 1 removed" in result.output
    assert "removed TEST/1/1 (en)" in result.output
    assert hits(root, "greyheron", "en") == []
    assert "TEST/1/1|en" not in doc_keys(root)
    assert not any(k.startswith("TEST/1/1|") for k in index_keys(root))


def test_update_links_live_segments_and_leaves_them_byte_identical(corpus, root, cli):
    old = current_generation(root)
    before = files_digest(old)
    (corpus / "zh" / "test_1_1.txt").write_text(zh_doc(), encoding="utf-8")
    assert cli("update").exit_code == 0
    new = current_generation(root)
    assert new != old
    assert files_digest(old) == before  # nothing in the old generation was modified
    old_segments = {n: v for n, v in before.items() if n.endswith(".seg")}
    new_files = files_digest(new)
    for name, (digest, inode) in old_segments.items():
        assert new_files[name] == (digest, inode)  # shared by a hard link, not copied
    assert len([n for n in new_files if n.endswith(".seg")]) == len(old_segments) + 1


def test_update_reads_only_changed_files(corpus, root, cli, monkeypatch):
    read = []
    real = indexer.index.update.load_document

    def counting(path, *args, **kwargs):
        read.append(path.name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(indexer.index.update, "load_document", counting)
    (corpus / "zh" / "test_1_1.txt").write_text(zh_doc(), encoding="utf-8")
    assert cli("update").exit_code == 0
    assert read == ["test_1_1.txt"]
    read.clear()
    os.utime(corpus / "en" / "cdip_19_6.txt")  # touched, same content: not read
    assert cli("update").exit_code == 0
    assert read == []


def test_metadata_change_reindexes_only_the_files_it_names(corpus, root, cli):
    metadata = corpus / "metadata.toml"
    text = metadata.read_text(encoding="utf-8")
    # Neither CDIP/19/6 text states a date, so the metadata file supplies it.
    text = text.replace('symbol = "CDIP/19/6"', 'symbol = "CDIP/19/6"\ndate = "2017-03-01"')
    metadata.write_text(text, encoding="utf-8")
    result = cli("update")
    assert result.exit_code == 0, result.output
    assert "2 replaced" in result.output and "2 unchanged" in result.output
    with SearchIndex(root) as index:
        versions = index.document("CDIP/19/6").versions
    assert {lang: v["date"] for lang, v in versions.items()} == {
        "zh": "2017-03-01",
        "en": "2017-03-01",
    }
    assert index.document("WO/PBC/33/PROVISIONAL").versions["zh"]["date"] == "2021-08-16"
    index.close()


def test_update_equals_rebuild(corpus, root, cli, tmp_path):
    (corpus / "zh" / "test_1_1.txt").write_text(zh_doc(), encoding="utf-8")
    (corpus / "en" / "cdip_19_6.txt").write_text(
        (corpus / "en" / "cdip_19_6.txt").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    (corpus / "en" / "wo_pbc_33_unsdg.txt").unlink()
    assert cli("update").exit_code == 0
    fresh = tmp_path / "fresh"
    build(corpus, fresh)

    def summary(r):
        # a stamp is a hashing shortcut, None for a file changed in the last two seconds: the
        # update and the fresh build may see the same file on either side of that window
        m = live_manifest(r)
        return m["counts"], [{k: v for k, v in e.items() if k != "stamp"} for e in m["documents"]]

    assert summary(root) == summary(fresh)
    assert Counter(index_keys(root)) == Counter(index_keys(fresh))


def test_many_updates_keep_segment_count_bounded(corpus, root, cli):
    path = corpus / "zh" / "test_1_1.txt"
    for i in range(MAX_SMALL_SEGMENTS + 2):
        path.write_text(zh_doc(word=f"蓝鲸{i}号"), encoding="utf-8")
        assert cli("update").exit_code == 0
    segments = [p for p in current_generation(root).iterdir() if p.suffix == ".seg"]
    assert len(segments) <= MAX_SMALL_SEGMENTS + 1
    keys = index_keys(root)
    assert len(keys) == len(set(keys)) == live_manifest(root)["counts"]["blocks"]


def test_optimize_merges_segments(corpus, root, cli):
    (corpus / "zh" / "test_1_1.txt").write_text(zh_doc(), encoding="utf-8")
    assert cli("update").exit_code == 0
    result = cli("optimize")
    assert result.exit_code == 0, result.output
    assert "Merged 2 segments into one" in result.output
    segments = [p for p in current_generation(root).iterdir() if p.suffix == ".seg"]
    assert len(segments) == 1
    assert ("TEST/1/1", "1") in hits(root, "蓝鲸星光计划", "zh")
    assert cli("update").output.startswith("Index is up to date")


def test_update_without_index_builds_it(corpus, tmp_path, cli):
    from click.testing import CliRunner

    from indexer.cli import main

    empty = tmp_path / "new-index"
    result = CliRunner().invoke(main, ["update", "--corpus", str(corpus), "--index", str(empty)])
    assert result.exit_code == 0, result.output
    assert "Built the whole index (there was no index yet)" in result.output
    assert len(doc_keys(empty)) == 4


def test_unchanged_files_are_not_hashed_again_but_quick_same_size_edits_are_seen(
    corpus, root, cli, monkeypatch
):
    doc = corpus / "zh" / "test_1_1.txt"
    doc.write_text(zh_doc(word="蓝鲸星光计划"), encoding="utf-8")
    assert cli("update").exit_code == 0
    # Same size, same second: the stamp (size, mtime) cannot tell, so the file is hashed.
    doc.write_text(zh_doc(word="白鲸星光计划"), encoding="utf-8")
    result = cli("update")
    assert "1 replaced" in result.output, result.output
    assert ("TEST/1/1", "1") in hits(root, "白鲸星光计划", "zh")

    # Files last modified long ago are recognised by their stamp alone.
    (corpus / "zh" / "test_2_1.txt").write_text(zh_doc("TEST/2/1"), encoding="utf-8")
    old = 1_600_000_000
    for path in corpus.rglob("*.txt"):
        os.utime(path, (old, old))
    assert "1 added" in cli("update").output  # and records every file's stamp
    hashed = []
    real_hash = indexer.index.update.file_sha256
    monkeypatch.setattr(
        indexer.index.update, "file_sha256", lambda p: hashed.append(p) or real_hash(p)
    )
    result = cli("update")
    assert "6 language files unchanged, nothing to do" in result.output
    assert hashed == []
