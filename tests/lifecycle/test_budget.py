"""Files over the per-file work budget are named and skipped; the rest of the batch lands."""

from __future__ import annotations

import io
import time
import zipfile

from indexer.ingest.sources import MAX_TEXT_LINES
from tests.lifecycle.conftest import doc_keys, hits, live_manifest, make_docx, zh_doc


def test_costly_files_are_skipped_quickly_and_the_rest_is_indexed(corpus, root, cli):
    (corpus / "zh" / "good.txt").write_text(zh_doc("TEST/6/1"), encoding="utf-8")
    # 200,001 lines of text in a 0.6 MB file (the splitter took minutes on 40,000 of them)
    long_text = zh_doc("TEST/6/2") + "文字\n" * MAX_TEXT_LINES
    (corpus / "zh" / "lines.txt").write_text(long_text, encoding="utf-8")
    # a .docx whose document.xml unpacks to about 48 MB: refused from its zip directory
    bomb = make_docx(corpus / "en" / "bomb.docx", ["TEST/6/3", "1. First."])
    data = io.BytesIO()
    with zipfile.ZipFile(bomb) as source, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                content = content.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * 8_000_000)
            out.writestr(info.filename, content)
    bomb.write_bytes(data.getvalue())

    started = time.perf_counter()
    result = cli("update")
    elapsed = time.perf_counter() - started
    print(f"update with two costly files: {elapsed:.1f} s")
    assert result.exit_code == 1
    assert "1 added" in result.output and "2 file(s) could not be indexed" in result.output
    failures = {f["source"]: f["reason"] for f in live_manifest(root)["failures"]}
    assert failures == {
        "zh/lines.txt": (
            f"File 'lines.txt' has {long_text.count(chr(10)) + 1:,} lines of text, more than "
            f"the limit of {MAX_TEXT_LINES:,} lines for one document."
        ),
        "en/bomb.docx": (
            "File 'bomb.docx' unpacks to 46.6 MB of XML, more than the 32 MB limit for a Word "
            "document."
        ),
    }
    assert doc_keys(root)["TEST/6/1|zh"] == "zh/good.txt"
    assert ("TEST/6/1", "1") in hits(root, "蓝鲸星光计划", "zh")
    assert elapsed < 60  # a sanity bound: the refusals themselves take milliseconds
