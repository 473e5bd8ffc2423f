"""Files that cost more than they weigh: zip bombs, huge PDFs, too much text. Each is refused in
one sentence naming the file, before the expensive work starts."""

from __future__ import annotations

import io
import struct
import time
import zipfile
from pathlib import Path

import docx
import pytest

from indexer.ingest import docx_text, pdf_text
from indexer.ingest.sources import MAX_TEXT_CHARS, MAX_TEXT_LINES, SourceError, read_source

PARAGRAPH = "<w:p><w:r><w:t>" + "发展" * 30 + "。</w:t></w:r></w:p>"


def docx_bytes(extra_xml: str = "", text: str = "1. CDIP/1/1 第一段。") -> bytes:
    """A real .docx (python-docx) whose body starts with `extra_xml`."""
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + extra_xml.encode(), 1)
            target.writestr(info.filename, data)
    return out.getvalue()


def refused(path: Path, *fragments: str, seconds: float = 10) -> str:
    started = time.perf_counter()
    with pytest.raises(SourceError) as caught:
        read_source(path)
    assert time.perf_counter() - started < seconds
    message = str(caught.value)
    assert message.startswith(f"File '{path.name}' ") and message.count(". ") == 0
    for fragment in fragments:
        assert fragment in message
    return message


def test_a_docx_whose_xml_unpacks_past_the_cap_is_refused_from_its_directory(tmp_path):
    count = docx_text.MAX_UNPACKED_XML_BYTES // len(PARAGRAPH.encode()) + 100
    path = tmp_path / "bomb.docx"
    path.write_bytes(docx_bytes(PARAGRAPH * count))
    assert path.stat().st_size < 1024 * 1024  # a small file that unpacks to more than 32 MB
    refused(path, "MB of XML, more than the 32 MB limit for a Word document", seconds=2)


def test_a_docx_with_a_lying_zip_directory_is_refused_as_damaged(tmp_path):
    data = bytearray(docx_bytes(PARAGRAPH * 20_000))  # 1.8 MB of XML, deflated
    # Make the central directory claim document.xml unpacks to 1 KB: zipfile stops there.
    entry = data.find(b"PK\x01\x02")  # a central directory entry
    while entry != -1:
        name_len = struct.unpack_from("<H", data, entry + 28)[0]
        if data[entry + 46 : entry + 46 + name_len] == b"word/document.xml":
            struct.pack_into("<I", data, entry + 24, 1024)
        entry = data.find(b"PK\x01\x02", entry + 4)
    path = tmp_path / "liar.docx"
    path.write_bytes(bytes(data))
    refused(path, "could not be read as a Word document")


def test_a_docx_whose_text_passes_the_text_cap_stops_there(tmp_path, monkeypatch):
    monkeypatch.setattr(docx_text, "MAX_TEXT_CHARS", 100_000)  # the real cap: 5 M characters
    path = tmp_path / "long.docx"
    path.write_bytes(docx_bytes(PARAGRAPH * 2_000))
    refused(path, "holds more than 5,000,000 characters of text")


def test_a_docx_within_the_caps_is_read(tmp_path):
    path = tmp_path / "fine.docx"
    path.write_bytes(docx_bytes(PARAGRAPH * 1_000))
    text = read_source(path).text
    assert text.count("发展" * 30) == 1_000 and "1. CDIP/1/1 第一段。" in text


def _pdf(path: Path, pages: int) -> Path:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    for number in range(1, pages + 1):
        pdf.drawString(72, 720, f"{number}. Paragraph on page {number}.")
        pdf.showPage()
    pdf.save()
    return path


def test_a_pdf_with_more_pages_than_the_cap_is_refused_before_layout(tmp_path):
    path = _pdf(tmp_path / "many.pdf", pdf_text.MAX_PAGES + 1)
    refused(path, "has more than 1,000 pages, the limit for one PDF document", seconds=5)


def test_a_pdf_whose_text_passes_the_text_cap_stops_there(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_text, "MAX_TEXT_CHARS", 200)  # 30 pages of about 30 characters
    refused(_pdf(tmp_path / "wordy.pdf", 30), "characters of text, the limit for one document")


def test_a_pdf_under_the_caps_is_read(tmp_path):
    text = read_source(_pdf(tmp_path / "short.pdf", 30)).text
    assert text.count("\f") == 29 and "30. Paragraph on page 30." in text


def test_a_text_file_with_too_many_lines_is_refused(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_bytes(b"a\n" * MAX_TEXT_LINES)  # 400 kB; 200,001 lines with the last one
    refused(path, "has 200,001 lines of text, more than the limit of 200,000 lines")


def test_a_text_file_with_too_many_characters_is_refused(tmp_path):
    path = tmp_path / "chars.txt"
    path.write_bytes(b"a" * (MAX_TEXT_CHARS + 1))
    refused(path, "holds more than 5,000,000 characters of text, the limit for one document")
