"""Fuzzing with a fixed budget: the query parser, the splitter and the source readers never raise
anything but their documented one-sentence errors, and keep their invariants.

Derandomized and without an example database, so every run (and CI) tries the same inputs.
"""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

import docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.ingest.paragraphs import split_text
from indexer.ingest.sources import SourceError, read_source
from indexer.query.parse import FILTERS, MAX_CLAUSES, MAX_QUERY_CHARS, QueryTooLong, parse_query

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# --- the query parser ---------------------------------------------------------------------------

QUERY_PIECES = st.sampled_from(
    ['"', "“", "”", "-", "OR", "AND", "NOT", "|", "(", ")", "*", "?", "~", "\\", ":", "\x00", " "]
    + [f"{name}:" for name in FILTERS]
    + ["CDIP/19/6", "技术促进机制", "2015", "Re:Search", "ＳＤＧ", "秘書處", "\u200b", "\U0001f600"]
)
QUERIES = st.lists(st.one_of(QUERY_PIECES, st.text(max_size=8)), max_size=60).map("".join)


@FUZZ
@given(QUERIES)
def test_the_query_parser_never_raises_and_keeps_its_limits(text):
    if len(text) > MAX_QUERY_CHARS:
        try:
            parse_query(text)
        except QueryTooLong as err:
            assert str(err).endswith(f"the limit is {MAX_QUERY_CHARS}.")
        else:
            raise AssertionError("a query over the limit was parsed")
        return
    parsed = parse_query(text)
    clauses = parsed.positives + parsed.negatives
    assert len(clauses) <= MAX_CLAUSES
    assert all(c.text and c.text == c.text.strip() for c in clauses)
    assert all(group for group in parsed.groups)
    assert set(parsed.filters) <= set(FILTERS)
    assert all(v for values in parsed.filters.values() for v in values)


# --- the splitter -------------------------------------------------------------------------------

LINE_PIECES = st.sampled_from(
    [
        "1. ",
        "2. ",
        "3. ",
        "12. ",
        "(a) ",
        "（i）",
        "ii) ",
        "(b) ",
        "。",
        "；",
        "：",
        ".",
        ";",
        "以及",
        " and",
        "背 景",
        "技术促进机制",
        "the Committee",
        "[后接附件]",
        "[Annex follows]",
        "[附件和文件完]",
        "附件",
        "ANNEX",
        "秘书处编拟",
        "prepared by the Secretariat",
        "CDIP/19/6",
        "日期：2017 年 5 月 15 日",
        "\uf0a7",
        "o ",
        "• ",
        "\f",
        " ",
        "\t",
        "\r",
        "”",
        ")",
    ]
)
LINES = st.lists(st.one_of(LINE_PIECES, st.text(max_size=6)), max_size=6).map("".join)
TEXTS = st.lists(LINES, max_size=40).map("\n".join)


def is_subsequence(needle: str, haystack: str) -> bool:
    rest = iter(haystack)
    return all(ch in rest for ch in needle)


@FUZZ
@given(TEXTS)
def test_the_splitter_never_raises_and_only_keeps_text_of_its_input(text):
    parsed = split_text(text)
    labels = [b.label for b in parsed.blocks]
    assert len(labels) == len(set(labels))  # a block's identity is (symbol, language, label)
    numbers = [b.number for b in parsed.numbered]
    assert numbers == sorted(numbers) and len(numbers) == len(set(numbers))
    kept = re.sub(r"[\s•◦]", "", "".join(b.text for b in parsed.blocks))
    assert is_subsequence(kept, re.sub(r"\s", "", text))
    assert all(b.text.strip() for b in parsed.blocks)


# --- the source readers -------------------------------------------------------------------------


def _valid_docx() -> bytes:
    document = docx.Document()
    for line in ("CDIP/1/1", "1. 第一段。", "2. Second paragraph."):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _valid_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for number in (1, 2):
        pdf.drawString(72, 720, f"{number}. Paragraph {number}.")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


VALID = {".docx": _valid_docx(), ".pdf": _valid_pdf(), ".txt": "1. 第一段。\n".encode()}
MUTATIONS = st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=8)
ONE_SENTENCE = re.compile(r"^File '[^']*' [^\n]*\.$")


@st.composite
def files(draw) -> tuple[str, bytes]:
    """Random bytes, or a valid file with bytes flipped and perhaps cut short."""
    suffix = draw(st.sampled_from(sorted(VALID)))
    if draw(st.booleans()):
        return suffix, draw(st.binary(max_size=2048))
    data = bytearray(VALID[suffix])
    for where, value in draw(MUTATIONS):
        data[min(int(where * len(data)), len(data) - 1)] = value
    cut = draw(st.one_of(st.just(1.0), st.floats(0.5, 1)))
    return suffix, bytes(data[: max(1, int(cut * len(data)))])


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
PARAGRAPHS = st.sampled_from(
    [
        "<w:p><w:r><w:t>1. 第一段。</w:t></w:r></w:p>",
        "<w:p><w:r><w:t xml:space='preserve'> (a) item; </w:t></w:r></w:p>",
        "<w:p><w:pPr><w:numPr><w:ilvl w:val='9'/><w:numId w:val='1'/></w:numPr></w:pPr>"
        "<w:r><w:t>numbered</w:t></w:r></w:p>",
        "<w:p><w:pPr><w:numPr><w:ilvl w:val='x'/><w:numId w:val='-1'/></w:numPr></w:pPr></w:p>",
        "<w:p><w:pPr><w:pStyle w:val='Nope'/><w:pageBreakBefore/></w:pPr>"
        "<w:r><w:t>after a break</w:t></w:r></w:p>",
        "<w:p><w:r><w:sym w:char='FFFFFFF'/><w:sym w:char='0041'/><w:br w:type='page'/>"
        "<w:t>x</w:t></w:r></w:p>",
        "<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r></w:p>",
        "<w:p><w:r><w:tab/><w:cr/><w:noBreakHyphen/><w:t>tabs</w:t></w:r></w:p>",
        "<w:p><w:ins><w:r><w:t>inserted</w:t></w:r></w:ins><w:del><w:r><w:delText>gone"
        "</w:delText></w:r></w:del></w:p>",
        "<w:p/>",
    ]
)
BROKEN = st.sampled_from(["<w:p>", "</w:t>", "text & more", "\x00", "<w:tbl><w:tr>"])


def _nest(children):
    return st.one_of(
        children.map(lambda c: f"<w:tbl><w:tr><w:tc>{c}<w:p/></w:tc></w:tr></w:tbl>"),
        children.map(lambda c: f"<w:sdt><w:sdtContent>{c}</w:sdtContent></w:sdt>"),
        st.lists(children, max_size=4).map("".join),
    )


BODY_PARTS = st.recursive(PARAGRAPHS, _nest, max_leaves=20)


@st.composite
def docx_bodies(draw) -> tuple[str, bytes]:
    """A .docx whose document.xml body is made of WordprocessingML pieces (often invalid)."""
    import zipfile

    parts = draw(st.lists(st.one_of(BODY_PARTS, BODY_PARTS, BODY_PARTS, BROKEN), max_size=8))
    body = "".join(parts)
    source = zipfile.ZipFile(io.BytesIO(VALID[".docx"]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = f"<w:document {W}><w:body>{body}</w:body></w:document>".encode()
            target.writestr(info.filename, data)
    return ".docx", out.getvalue()


@FUZZ
@given(st.one_of(files(), docx_bodies()))
def test_the_source_readers_return_text_or_one_sentence(file):
    suffix, data = file
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzzed{suffix}"
        path.write_bytes(data)
        try:
            source = read_source(path)
        except SourceError as err:
            message = str(err)
            assert ONE_SENTENCE.match(message), message
            assert not re.search(r"\. [A-Z]", message), message  # one sentence, not two
            assert err.path == path
        else:
            assert source.text.strip() and "\r" not in source.text
            assert source.encoding in ("pdf", "docx") or suffix == ".txt"
