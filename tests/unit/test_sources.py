"""Tests for indexer.ingest.sources: reading .txt, .pdf and .docx corpus files into text."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.ingest.sources import (
    MAX_BYTES,
    SUPPORTED_SUFFIXES,
    SourceError,
    SourceText,
    read_source,
)

ZH = "1. 发展与知识产权委员会（CDIP）在其第十八届会议上"
ZH_DOC = (
    "发展与知识产权委员会（CDIP）\n\n第十八届会议\n\n"
    "1. 发展与知识产权委员会（CDIP）在其第十八届会议上，要求秘书处提交报告。\n\n"
    "2. 会议忆及，本文件是继续委员会第十五届会议所开启的讨论。\n"
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def error_message(path: Path, **kwargs: int) -> str:
    """Read `path` expecting a SourceError; check the message is one sentence naming the file."""
    with pytest.raises(SourceError) as info:
        read_source(path, **kwargs)
    message = str(info.value)
    assert f"'{path.name}'" in message
    assert message.endswith(".")
    rest = message.replace(f"'{path.name}'", "'…'")
    assert not re.search(r"[.!?](\s|$)", rest[:-1]), f"more than one sentence: {message}"
    assert info.value.path == path
    return message


# --------------------------------------------------------------------------------------------
# Text files: decoding


def test_public_constants() -> None:
    assert MAX_BYTES == 20 * 1024 * 1024
    assert SUPPORTED_SUFFIXES == (".txt", ".pdf", ".docx")


def test_utf8_without_bom(tmp_path: Path) -> None:
    data = ZH_DOC.encode("utf-8")
    path = write(tmp_path, "doc.txt", data)
    source = read_source(path)
    assert source == SourceText(path, ZH_DOC, "utf-8", hashlib.sha256(data).hexdigest())


def test_utf8_with_bom_strips_the_bom(tmp_path: Path) -> None:
    data = ZH_DOC.encode("utf-8-sig")
    source = read_source(write(tmp_path, "bom.txt", data))
    assert source.text == ZH_DOC
    assert source.encoding == "utf-8-sig"
    assert source.sha256 == hashlib.sha256(data).hexdigest()  # digest of the raw bytes


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, codec: str) -> None:
    data = ("\ufeff" + ZH_DOC.replace("\n", "\r\n")).encode(codec)
    source = read_source(write(tmp_path, "u16.txt", data))
    assert source.text == ZH_DOC
    assert source.encoding == "utf-16"


@pytest.mark.parametrize("codec", ["gbk", "gb2312", "gb18030"])
def test_gb_encoded_chinese(tmp_path: Path, codec: str) -> None:
    source = read_source(write(tmp_path, "gb.txt", (ZH + "\r\n").encode(codec)))
    assert source.text == ZH + "\n"
    assert source.encoding == "gb18030"


def test_gb18030_four_byte_characters(tmp_path: Path) -> None:
    text = "本文件提及 𠀀 字与 € 符号。"
    source = read_source(write(tmp_path, "gb4.txt", text.encode("gb18030")))
    assert (source.text, source.encoding) == (text, "gb18030")


def test_big5_is_not_misread_as_gb18030(tmp_path: Path) -> None:
    # Big5 bytes decode as GB18030 too, into rare characters; the detector must decide.
    text = "發展與知識產權委員會在其第十八屆會議上要求秘書處"
    source = read_source(write(tmp_path, "big5.txt", text.encode("big5")))
    assert (source.text, source.encoding) == (text, "detected:big5")


def test_ambiguous_short_big5_is_refused_rather_than_garbled(tmp_path: Path) -> None:
    # As GB18030 this reads 玻舦舱麓璸购㎝箇衡〆穦: all valid characters, none of it Chinese.
    data = "產權組織計劃和預算委員會".encode("big5")
    message = error_message(write(tmp_path, "short.txt", data))
    assert "neither UTF-8 (invalid byte at offset 0), UTF-16 with a byte-order mark" in message


def test_korean_is_not_misread_as_gb2312(tmp_path: Path) -> None:
    # EUC-KR Hangul bytes are all valid GB2312 codes (俺惯苞 瘤侥犁魂俊...).
    text = "개발과 지식재산에 관한 위원회는 제18차 회의에서 사무국에 보고서를 요청하였다"
    source = read_source(write(tmp_path, "ko.txt", text.encode("cp949")))
    assert (source.text, source.encoding) == (text, "detected:cp949")


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Комитет по развитию и интеллектуальной собственности", "cp1251"),
        (
            "Le Comité a décidé de poursuivre l’examen à sa prochaine session – “très” bien.",
            "cp1252",
        ),
        ("لجنة التنمية والملكية الفكرية في دورتها الثامنة عشرة", "cp1256"),
    ],
)
def test_last_resort_detector_for_legacy_encodings(tmp_path: Path, text: str, codec: str) -> None:
    source = read_source(write(tmp_path, "legacy.txt", text.encode(codec)))
    assert (source.text, source.encoding) == (text, f"detected:{codec}")


def test_private_use_glyphs_and_leading_spaces_kept_verbatim(tmp_path: Path) -> None:
    text = (
        "秘书处编拟 \n\n \n\uf0a0 169个具体目标 \n\n 第十九届会议 \n\t缩进\f下一页\n"
        "\u3000全角空格\u00a0不换行空格  \n"
    )
    source = read_source(write(tmp_path, "verbatim.txt", text.encode("utf-8")))
    assert source.text == text


def test_crlf_and_lone_cr_are_normalised(tmp_path: Path) -> None:
    path = write(tmp_path, "crlf.txt", "第一行\r\n第二行\r第三行\r\n\r\n第四行\n".encode())
    assert read_source(path).text == "第一行\n第二行\n第三行\n\n第四行\n"


def corpus_texts() -> list[Path]:
    return sorted((Path(__file__).resolve().parents[2] / "corpus" / "zh").glob("*.txt"))


def test_corpus_text_files_read_unchanged_in_utf8_and_gb18030(tmp_path: Path) -> None:
    if not corpus_texts():
        pytest.skip("no corpus text files")
    for path in corpus_texts():
        text = path.read_bytes().decode("utf-8").replace("\r\n", "\n")
        source = read_source(path)
        assert (source.text, source.encoding) == (text, "utf-8")
        # The same document saved by a Chinese Windows editor.
        gb = read_source(write(tmp_path, path.name, text.encode("gb18030")))
        assert (gb.text, gb.encoding) == (text, "gb18030")


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        st.characters(
            exclude_categories=("Cs", "Cc"),
            include_characters="\n\r\t\f",
            max_codepoint=0x2FFFF,
        ),
        min_size=1,
    ).filter(lambda t: t.lstrip("\ufeff").strip())
)
def test_any_utf8_text_round_trips(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("prop") / "t.txt"
    path.write_bytes(text.encode("utf-8"))
    expected = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    source = read_source(path)
    assert source.text == expected
    assert source.encoding == ("utf-8-sig" if text.startswith("\ufeff") else "utf-8")


@settings(max_examples=150, deadline=None)
@given(st.binary(min_size=1, max_size=400), st.sampled_from(SUPPORTED_SUFFIXES))
def test_arbitrary_bytes_give_text_or_a_source_error(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str
) -> None:
    path = tmp_path_factory.mktemp("bytes") / f"input{suffix}"
    path.write_bytes(data)
    try:
        source = read_source(path)
    except SourceError as err:
        assert str(err).startswith("File 'input") and str(err).endswith(".")
    else:
        assert source.text.strip()


# --------------------------------------------------------------------------------------------
# Errors


def test_missing_file(tmp_path: Path) -> None:
    message = error_message(tmp_path / "absent.txt")
    assert message == "File 'absent.txt' does not exist."


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "docs.txt"
    folder.mkdir()
    assert error_message(folder) == "Path 'docs.txt' is a directory, not a file."


def test_unsupported_suffix_lists_supported_ones(tmp_path: Path) -> None:
    message = error_message(write(tmp_path, "report.rtf", b"{\\rtf1 hello}"))
    assert message == (
        "File 'report.rtf' has an unsupported type '.rtf'; "
        "supported types are .txt, .pdf and .docx."
    )
    message = error_message(write(tmp_path, "README", b"hello"))
    assert message == (
        "File 'README' has no file extension; supported types are .txt, .pdf and .docx."
    )


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    assert read_source(write(tmp_path, "UPPER.TXT", "文本".encode())).text == "文本"


def test_empty_file(tmp_path: Path) -> None:
    assert error_message(write(tmp_path, "empty.txt", b"")) == "File 'empty.txt' is empty."


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = write(tmp_path, "blank.txt", " \r\n\t\u3000\n".encode())
    assert error_message(path) == "File 'blank.txt' contains only whitespace, no text."


def test_file_larger_than_the_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", b"a" * (1024 * 1024 + 1))
    message = error_message(path, max_bytes=1024 * 1024)
    assert message == "File 'big.txt' is 1.1 MB, larger than the 1 MB limit for input files."
    assert read_source(path, max_bytes=2 * 1024 * 1024).text == "a" * (1024 * 1024 + 1)


def test_default_limit_is_20_mb(tmp_path: Path) -> None:
    path = write(tmp_path, "huge.txt", b"x" * (MAX_BYTES + 1))
    assert "larger than the 20 MB limit" in error_message(path)


@pytest.mark.parametrize(
    "data",
    [
        b"abc\x00def ghi",  # a NUL byte
        bytes(range(256)) * 8,  # every byte value
        bytes(range(1, 256)) * 8,  # no NUL, but control bytes throughout
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
    ],
)
def test_binary_data(tmp_path: Path, data: bytes) -> None:
    message = error_message(write(tmp_path, "blob.txt", data))
    assert message == "File 'blob.txt' looks like binary data, not text."


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_named(tmp_path: Path, codec: str) -> None:
    path = write(tmp_path, "nobom.txt", "Committee on Development".encode(codec))
    assert error_message(path) == (
        "File 'nobom.txt' looks like UTF-16 text without a byte-order mark (BOM); "
        "save it as UTF-8 or as UTF-16 with a BOM."
    )


def test_undecodable_text(tmp_path: Path) -> None:
    # Valid UTF-8 Chinese with one multi-byte character cut short: no encoding fits.
    data = ZH.encode("utf-8")[:-1] + " 第二句。".encode()
    message = error_message(write(tmp_path, "damaged.txt", data))
    assert message == (
        "File 'damaged.txt' could not be decoded: it is neither UTF-8 (invalid byte at offset "
        f"{len(ZH.encode()) - 3}), UTF-16 with a byte-order mark nor GB18030; save it as UTF-8."
    )


def test_short_legacy_text_is_not_guessed(tmp_path: Path) -> None:
    message = error_message(write(tmp_path, "latin.txt", "café".encode("latin-1")))
    assert "neither UTF-8 (invalid byte at offset 3)" in message


# --------------------------------------------------------------------------------------------
# PDF


def make_pdf(path: Path, pages: list[list[tuple[float, float, str, float]]]) -> Path:
    """Draw (x, y, text, font size) items with the built-in Chinese CID font, one list a page."""
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    for items in pages:
        for x, y, text, size in items:
            pdf.setFont("STSong-Light", size)
            pdf.drawString(x, y, text)
        pdf.showPage()
    pdf.save()
    return path


# Laid out like a WIPO document: the paragraph number at the margin, a tab to the text, and
# continuation lines back at the margin.
WIPO_PAGES = [
    [
        (200, 780, "发展与知识产权委员会（CDIP）", 14),
        (250, 760, "第十八届会议", 11),
        (72, 720, "背景", 12),
        (72, 696, "1.", 11),
        (108, 696, "发展与知识产权委员会（CDIP）在其第十八届会议上，要求秘书处", 11),
        (72, 682, "在每年第一次会议上向委员会提交一份年度报告。", 11),
        (72, 654, "2.", 11),
        (108, 654, "会议忆及，本文件是继续委员会第十五届会议所开启的讨论。", 11),
        (108, 626, "(a)", 11),
        (144, 626, "WIPO 独自开展的活动或倡议；", 11),
    ],
    [(72, 780, "3.", 11), (108, 780, "第二页的段落。", 11)],
]


def test_pdf_numbered_paragraphs_start_lines(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "cdip.pdf", WIPO_PAGES)
    source = read_source(path)
    assert source.encoding == "pdf"
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert source.text == (
        "发展与知识产权委员会（CDIP）\n\n"
        "第十八届会议\n\n"
        "背景\n\n"
        "1. 发展与知识产权委员会（CDIP）在其第十八届会议上，要求秘书处\n"
        "在每年第一次会议上向委员会提交一份年度报告。\n\n"
        "2. 会议忆及，本文件是继续委员会第十五届会议所开启的讨论。\n\n"
        "(a) WIPO 独自开展的活动或倡议；\n\n"
        "\f3. 第二页的段落。\n"
    )


def test_pdf_tightly_spaced_numbered_paragraphs_still_separate(tmp_path: Path) -> None:
    lines = [(72, 700, "1. 第一段。", 11), (72, 686, "2. 第二段，", 11), (72, 672, "接着写。", 11)]
    source = read_source(make_pdf(tmp_path / "tight.pdf", [lines]))
    assert source.text == "1. 第一段。\n\n2. 第二段，\n接着写。\n"


def test_pdf_encrypted(tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    path = tmp_path / "secret.pdf"
    pdf = canvas.Canvas(str(path), encrypt=StandardEncryption("password"))
    pdf.drawString(72, 700, "hidden")
    pdf.save()
    assert error_message(path) == (
        "File 'secret.pdf' is an encrypted PDF that cannot be read without its password."
    )


def test_pdf_without_text(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "scan.pdf", [[]])
    assert error_message(path) == (
        "File 'scan.pdf' contains no extractable text "
        "(it may be a scanned image without a text layer)."
    )


@pytest.mark.parametrize("cut", ["truncated", "garbage"])
def test_pdf_damaged(tmp_path: Path, cut: str) -> None:
    whole = make_pdf(tmp_path / "whole.pdf", WIPO_PAGES).read_bytes()
    data = whole[: len(whole) // 2] if cut == "truncated" else b"%PDF-1.7\n" + bytes(range(256))
    message = error_message(write(tmp_path, "broken.pdf", data))
    assert message == (
        "File 'broken.pdf' could not be read as a PDF: it is damaged or not a valid PDF file."
    )


def test_pdf_that_is_not_a_pdf(tmp_path: Path) -> None:
    message = error_message(write(tmp_path, "fake.pdf", "其实是文本".encode()))
    assert message == "File 'fake.pdf' is not a PDF file (it has no PDF header)."


# --------------------------------------------------------------------------------------------
# DOCX


def test_docx_paragraphs_heading_list_and_table(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("发展与知识产权委员会", level=1)
    document.add_paragraph(
        "1.\t发展与知识产权委员会（CDIP）在其第十八届会议上，要求秘书处提交报告。"
    )
    document.add_paragraph("")
    document.add_paragraph("2. 会议忆及，本文件是继续委员会第十五届会议所开启的讨论。")
    document.add_paragraph("委员会的决定：", style="Heading 2")
    document.add_paragraph("注意到本报告；", style="List Number")
    document.add_paragraph("要求秘书处继续提交报告。", style="List Number")
    table = document.add_table(rows=2, cols=2)
    for (row, col), text in {(0, 0): "国家", (0, 1): "数量", (1, 0): "中国", (1, 1): "3"}.items():
        table.cell(row, col).text = text
    document.add_paragraph("继续编号。", style="List Number")
    line_break = document.add_paragraph("第一行")
    line_break.add_run().add_break()
    line_break.add_run("第二行")
    path = tmp_path / "cdip.docx"
    document.save(str(path))

    source = read_source(path)
    assert source.encoding == "docx"
    assert source.text == (
        "发展与知识产权委员会\n\n"
        "1. 发展与知识产权委员会（CDIP）在其第十八届会议上，要求秘书处提交报告。\n\n"
        "2. 会议忆及，本文件是继续委员会第十五届会议所开启的讨论。\n\n"
        "委员会的决定：\n\n"
        "1. 注意到本报告；\n\n"
        "2. 要求秘书处继续提交报告。\n\n"
        "国家\t数量\n\n"
        "中国\t3\n\n"
        "3. 继续编号。\n\n"
        "第一行\n第二行\n"
    )


def _level(ilvl: int, fmt: str, text: str) -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
    )


W_NS = nsdecls("w")
BULLET = "\uf0b7"  # the Symbol-font bullet Word writes
NUMBERING_XML = [
    f'<w:abstractNum {W_NS} w:abstractNumId="90">'
    + _level(0, "decimal", "%1.")
    + _level(1, "lowerLetter", "(%2)")
    + _level(2, "lowerRoman", "%1.%3")
    + "</w:abstractNum>",
    f'<w:abstractNum {W_NS} w:abstractNumId="91">{_level(0, "bullet", BULLET)}</w:abstractNum>',
    f'<w:abstractNum {W_NS} w:abstractNumId="92">{_level(0, "chineseCounting", "%1、")}'
    "</w:abstractNum>",
    f'<w:num {W_NS} w:numId="90"><w:abstractNumId w:val="90"/></w:num>',
    f'<w:num {W_NS} w:numId="91"><w:abstractNumId w:val="90"/>'
    '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>',
    f'<w:num {W_NS} w:numId="92"><w:abstractNumId w:val="91"/></w:num>',
    f'<w:num {W_NS} w:numId="93"><w:abstractNumId w:val="92"/></w:num>',
    f'<w:num {W_NS} w:numId="94"><w:abstractNumId w:val="90"/>'
    '<w:lvlOverride w:ilvl="1"><w:startOverride w:val="3"/></w:lvlOverride></w:num>',
]


def numbered(document: docx.document.Document, text: str, num_id: int, ilvl: int = 0) -> None:
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
        )
    )


def test_docx_automatic_numbering_levels_and_restarts(tmp_path: Path) -> None:
    document = docx.Document()
    numbering = document.part.numbering_part.element
    for i, xml in enumerate(NUMBERING_XML):  # abstractNum and num elements come first
        numbering.insert(i, parse_xml(xml))
    numbered(document, "甲", 90)
    numbered(document, "乙", 90, 1)
    numbered(document, "丙", 90, 1)
    numbered(document, "丁", 90, 2)
    numbered(document, "戊", 90)
    numbered(document, "己", 90, 1)  # level 1 restarts after a level-0 item
    numbered(document, "庚", 91)  # its own start override: 5
    numbered(document, "辛", 91)
    numbered(document, "壬", 92)  # a bullet: no label
    numbered(document, "癸", 93)
    numbered(document, "子", 93)
    numbered(document, "丑", 94)  # overrides level 1 only: starts at (c)
    numbered(document, "寅", 94, 1)
    document.add_paragraph("未编号")
    path = tmp_path / "lists.docx"
    document.save(str(path))

    assert read_source(path).text == (
        "1. 甲\n\n(a) 乙\n\n(b) 丙\n\n1.i 丁\n\n2. 戊\n\n(a) 己\n\n5. 庚\n\n6. 辛\n\n壬\n\n"
        "一、 癸\n\n二、 子\n\n1. 丑\n\n(c) 寅\n\n未编号\n"
    )


def test_docx_skips_deleted_and_hidden_text_and_marks_page_breaks(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("保留")
    paragraph._p.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="1" w:author="x"><w:r><w:delText>已删除</w:delText></w:r>'
            "</w:del>"
        )
    )
    paragraph._p.append(
        parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="x"><w:r><w:t>插入</w:t></w:r></w:ins>')
    )
    hidden = paragraph.add_run("隐藏")
    hidden.font.hidden = True
    paragraph.add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("附件第一页")
    path = tmp_path / "tracked.docx"
    document.save(str(path))
    assert read_source(path).text == "保留插入\n\n\f附件第一页\n"


def test_docx_text_box_follows_its_anchor_paragraph(tmp_path: Path) -> None:
    document = docx.Document()
    anchor = document.add_paragraph("锚定段落")
    anchor._p.append(
        parse_xml(
            f"<w:r {W_NS}><w:pict><w:txbxContent><w:p><w:r><w:t>文本框内容</w:t></w:r></w:p>"
            "</w:txbxContent></w:pict></w:r>"
        )
    )
    document.add_paragraph("下一段")
    path = tmp_path / "box.docx"
    document.save(str(path))
    assert read_source(path).text == "锚定段落\n\n文本框内容\n\n下一段\n"


def test_docx_not_a_zip(tmp_path: Path) -> None:
    message = error_message(write(tmp_path, "plain.docx", "只是文本".encode()))
    assert message == (
        "File 'plain.docx' could not be read as a Word document: it is damaged or not a .docx file."
    )


def test_docx_zip_without_a_document(tmp_path: Path) -> None:
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hello")
    message = error_message(path)
    assert message.endswith(
        "could not be read as a Word document: it is damaged or not a .docx file."
    )


def test_docx_old_binary_word_or_password_protected(tmp_path: Path) -> None:
    path = write(tmp_path, "old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    assert error_message(path) == (
        "File 'old.docx' is an old binary Word (.doc) file or a password-protected document; "
        "save it as .docx without a password."
    )


def test_docx_without_text(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("")
    document.add_paragraph("   ")
    path = tmp_path / "blank.docx"
    document.save(str(path))
    assert error_message(path) == "File 'blank.docx' contains no extractable text."


def test_suffix_lists_agree():
    from indexer.ingest.corpus import SUPPORTED_SUFFIXES as discovered

    assert discovered == SUPPORTED_SUFFIXES
