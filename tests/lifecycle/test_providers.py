"""One file per symbol and language: the indexed one keeps it in build and update alike, a
refused `add` leaves nothing behind, and a full disk is one sentence with nothing lost."""

from __future__ import annotations

import errno

from indexer.backends.whoosh import store as whoosh_store
from tests.lifecycle.conftest import doc_keys, live_manifest, zh_doc

CDIP_EN = "en/cdip_19_6.txt"


def impostor(corpus, name: str = "en/aaa_impostor.txt") -> str:
    """A short file whose header claims CDIP/19/6 (en), named to sort before the real one."""
    text = (corpus / CDIP_EN).read_text(encoding="utf-8")
    head = text.split("\n1. ", 1)[0]
    (corpus / name).write_text(head + "\n1. An impostor paragraph.\n", encoding="utf-8")
    return name


def test_build_and_update_keep_the_indexed_provider(corpus, root, cli):
    paragraphs = live_manifest(root)["counts"]["paragraphs"]
    name = impostor(corpus)
    update = cli("update")
    assert update.exit_code == 1 and "already provided by en/cdip_19_6.txt" in update.output
    assert doc_keys(root)["CDIP/19/6|en"] == CDIP_EN
    build = cli("build")
    assert build.exit_code == 1 and name in build.output
    assert doc_keys(root)["CDIP/19/6|en"] == CDIP_EN
    assert live_manifest(root)["counts"]["paragraphs"] == paragraphs


def test_a_refused_add_leaves_nothing_behind(corpus, root, cli, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    source = outside / "cdip_copy.txt"
    source.write_text((corpus / CDIP_EN).read_text(encoding="utf-8"), encoding="utf-8")
    before = sorted(p.relative_to(corpus) for p in corpus.rglob("*"))
    result = cli("add", str(source))
    assert result.exit_code == 1
    assert "already provided by en/cdip_19_6.txt" in result.output
    assert sorted(p.relative_to(corpus) for p in corpus.rglob("*")) == before
    assert cli("build").exit_code == 0
    assert doc_keys(root)["CDIP/19/6|en"] == CDIP_EN


def test_a_full_disk_is_one_sentence_and_the_index_stays(corpus, root, cli, monkeypatch):
    before = live_manifest(root)

    def full(self, blocks):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(whoosh_store.WhooshWriter, "add", full)
    (corpus / "zh" / "test_1_1.txt").write_text(zh_doc(), encoding="utf-8")
    result = cli("update")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [
        f"Error: No space left on the device while writing the index at {root}; "
        "the previous index is still live."
    ]
    assert live_manifest(root) == before
