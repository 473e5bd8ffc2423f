"""Real file formats and bad input: every bad file named in one sentence, the rest still lands."""

from __future__ import annotations

import os

from indexer.ingest.sources import MAX_BYTES
from tests.lifecycle.conftest import (
    ZH_DOC,
    doc_keys,
    en_doc,
    hits,
    live_manifest,
    make_docx,
    make_pdf,
    zh_doc,
)


def test_gbk_utf16_bom_pdf_and_docx_are_indexed(corpus, root, cli):
    (corpus / "zh" / "gbk.txt").write_bytes(zh_doc("TEST/2/1", "蓝鲸甲").encode("gbk"))
    (corpus / "zh" / "utf16.txt").write_bytes(zh_doc("TEST/2/2", "蓝鲸乙").encode("utf-16"))
    (corpus / "zh" / "bom.txt").write_bytes(zh_doc("TEST/2/3", "蓝鲸丙").encode("utf-8-sig"))
    make_pdf(corpus / "zh" / "scan.pdf", zh_doc("TEST/2/4", "蓝鲸丁").splitlines())
    make_docx(corpus / "en" / "word.docx", [p for p in en_doc("TEST/2/5").split("\n\n")])

    result = cli("update")
    assert result.exit_code == 0, result.output
    assert "5 added" in result.output
    for source, encoding in [
        ("zh/gbk.txt", "gb18030"),
        ("zh/utf16.txt", "utf-16"),
        ("zh/bom.txt", "utf-8-sig"),
        ("zh/scan.pdf", "pdf"),
        ("en/word.docx", "docx"),
    ]:
        assert f"read {source} as {encoding}" in result.output
    encodings = {e["source"]: e["encoding"] for e in live_manifest(root)["documents"]}
    assert encodings["zh/gbk.txt"] == "gb18030" and encodings["zh/scan.pdf"] == "pdf"
    for symbol, word in [("TEST/2/1", "蓝鲸甲"), ("TEST/2/2", "蓝鲸乙"), ("TEST/2/4", "蓝鲸丁")]:
        assert (symbol, "1") in hits(root, word, "zh"), symbol
        assert (symbol, "2") in hits(root, word, "zh"), symbol
    assert ("TEST/2/5", "2") in hits(root, "bluewhale", "en")
    entries = {e["symbol"]: e for e in live_manifest(root)["documents"]}
    assert entries["TEST/2/4"]["paragraphs"] == entries["TEST/2/1"]["paragraphs"] == 2
    assert entries["TEST/2/5"]["paragraphs"] == 2


def test_every_bad_input_is_named_and_the_rest_of_the_batch_lands(corpus, root, cli):
    before = doc_keys(root)
    bad = {
        "zh/empty.txt": b"",
        "zh/random.txt": os.urandom(4096),
        "zh/undecodable.txt": "委员会注意到".encode()[:-1] + " 第二句。".encode(),
        "zh/no_paragraphs.txt": "TEST/3/1\n\n只有一行标题，没有编号的段落。\n".encode(),
        "zh/zz_copy.txt": zh_doc().encode(),  # same symbol+language as test_1_1.txt, later
        "unknown_4_1.txt": "1. 没有页眉的文本。\n\n2. 第二段。\n".encode(),
    }
    (corpus / "zh" / "test_1_1.txt").write_text(zh_doc(), encoding="utf-8")
    (corpus / "en" / "test_1_1.txt").write_text(en_doc(), encoding="utf-8")
    for name, data in bad.items():
        (corpus / name).write_bytes(data)
    with open(corpus / "en" / "huge_5_1.txt", "wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: costs no disk

    result = cli("update")
    assert result.exit_code == 1
    out = result.output
    assert "2 added" in out and "7 file(s) could not be indexed" in out
    failures = {f["source"]: f["reason"] for f in live_manifest(root)["failures"]}
    assert set(failures) == {*bad, "en/huge_5_1.txt"}
    assert failures["zh/empty.txt"] == "File 'empty.txt' is empty."
    assert "looks like binary data" in failures["zh/random.txt"]
    assert "could not be decoded" in failures["zh/undecodable.txt"]
    assert "no numbered paragraphs" in failures["zh/no_paragraphs.txt"]
    assert "TEST/1/1 (zh) is already provided by zh/test_1_1.txt" in failures["zh/zz_copy.txt"]
    assert "unknown language" in failures["unknown_4_1.txt"]
    assert "20 MB limit" in failures["en/huge_5_1.txt"]
    for source, reason in failures.items():
        assert f"failed {source}: {reason}" in out
        assert reason.count(". ") <= 1 or "limit" in reason  # one sentence each
    after = doc_keys(root)
    assert set(before) <= set(after)
    assert doc_keys(root)["TEST/1/1|zh"] == "zh/test_1_1.txt"
    assert "TEST/1/1|en" in after

    again = cli("update")  # unchanged bad files are not read again, but still reported
    assert again.exit_code == 1
    assert again.output.startswith("Index is up to date")
    assert "7 file(s) could not be indexed" in again.output


def test_a_changed_file_that_fails_keeps_its_indexed_version(corpus, root, cli):
    path = corpus / "zh" / "test_1_1.txt"
    path.write_text(zh_doc(), encoding="utf-8")
    assert cli("update").exit_code == 0
    path.write_bytes(b"\x00\x01\x02binary" * 100)
    result = cli("update")
    assert result.exit_code == 1
    assert "failed zh/test_1_1.txt: File 'test_1_1.txt' looks like binary data" in result.output
    assert "(its previously indexed version is kept)" in result.output
    assert ("TEST/1/1", "1") in hits(root, "蓝鲸星光计划", "zh")
    path.write_text(zh_doc(word="白鹭"), encoding="utf-8")
    result = cli("update")
    assert result.exit_code == 0 and "1 replaced" in result.output
    assert hits(root, "蓝鲸星光计划", "zh") == []
    assert live_manifest(root)["failures"] == []


def test_duplicate_does_not_displace_the_indexed_document(corpus, root, cli):
    (corpus / "zh" / "b_first.txt").write_text(zh_doc(), encoding="utf-8")
    assert cli("update").exit_code == 0
    (corpus / "zh" / "a_second.txt").write_text(zh_doc(word="白鹭"), encoding="utf-8")
    result = cli("update")
    assert result.exit_code == 1
    assert "a_second.txt': TEST/1/1 (zh) is already provided by zh/b_first.txt" in result.output
    assert doc_keys(root)["TEST/1/1|zh"] == "zh/b_first.txt"
    (corpus / "zh" / "b_first.txt").unlink()  # the conflict is gone: the other file lands
    result = cli("update")
    assert result.exit_code == 0, result.output
    assert doc_keys(root)["TEST/1/1|zh"] == "zh/a_second.txt"


def test_header_language_is_used_outside_language_folders(corpus, root, cli):
    (corpus / "incoming").mkdir()
    (corpus / "incoming" / "x.txt").write_text(ZH_DOC, encoding="utf-8")
    assert cli("update").exit_code == 0
    assert doc_keys(root)["TEST/1/1|zh"] == "incoming/x.txt"
