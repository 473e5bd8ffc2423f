"""Read one corpus file (.txt, .pdf or .docx) into plain text.

The rest of the indexer only ever sees :class:`SourceText`: the decoded text with newlines
normalised to ``"\\n"``, how it was read, and the SHA-256 of the raw bytes. Every problem with an
input file that a user can fix (missing, too large, binary, undecodable, encrypted, damaged...)
is raised as :class:`SourceError`, whose message is one sentence naming the file.

Text files are decoded strictly, in a fixed order, because statistical detectors misjudge short
Chinese texts: byte-order mark (UTF-8 / UTF-16), then UTF-8, then GB18030 (a superset of GBK and
GB2312) if the result looks like Chinese or ASCII text, and only as a last resort
charset-normalizer. PDF and DOCX files are turned into text laid out like the corpus text files:
one text line per line and a blank line between paragraphs, so that paragraph numbers such as
``"1. "`` start a line; a form feed marks the start of a new page (every PDF page, explicit page
breaks in DOCX), which the paragraph splitter reads as a page break.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import nsmap
from lxml import etree
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTContainer, LTTextLine
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

__all__ = ["MAX_BYTES", "SUPPORTED_SUFFIXES", "SourceError", "SourceText", "read_source"]

logger = logging.getLogger(__name__)

MAX_BYTES: int = 20 * 1024 * 1024
SUPPORTED_SUFFIXES = (".txt", ".pdf", ".docx")

_MIB = 1024 * 1024


@dataclass(frozen=True)
class SourceText:
    """The text of one corpus file and how it was obtained."""

    path: Path
    text: str
    """The decoded text, newlines normalised to ``"\\n"``."""
    encoding: str
    """``"utf-8"``, ``"utf-8-sig"``, ``"utf-16"``, ``"gb18030"``, ``"pdf"``, ``"docx"``, or
    ``"detected:<name>"`` when charset-normalizer (the last resort) decided."""
    sha256: str
    """Hex digest of the raw file bytes."""


class SourceError(ValueError):
    """A user-facing problem with one input file.

    ``str(err)`` is ONE clear sentence naming the file and the reason; ``err.path`` is the path.
    """

    def __init__(self, message: str, *, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


def read_source(path: Path, *, max_bytes: int = MAX_BYTES) -> SourceText:
    """Read ``path`` (a .txt, .pdf or .docx file) into a :class:`SourceText`.

    The file is read once, as bytes. Raises :class:`SourceError` for any problem with the file.
    """
    path = Path(path)
    name = f"'{path.name or path}'"
    suffix = path.suffix.lower()

    if path.is_dir():
        raise SourceError(f"Path {name} is a directory, not a file.", path=path)
    if not path.exists():
        raise SourceError(f"File {name} does not exist.", path=path)
    if suffix not in SUPPORTED_SUFFIXES:
        kind = f"an unsupported type '{path.suffix}'" if path.suffix else "no file extension"
        raise SourceError(
            f"File {name} has {kind}; supported types are .txt, .pdf and .docx.", path=path
        )

    data = _read_bytes(path, name, max_bytes)
    if not data:
        raise SourceError(f"File {name} is empty.", path=path)
    digest = hashlib.sha256(data).hexdigest()

    if suffix == ".txt":
        text, encoding = _decode_text(data, name, path)
    elif suffix == ".pdf":
        text, encoding = _pdf_to_text(data, name, path), "pdf"
    else:
        text, encoding = _docx_to_text(data, name, path), "docx"

    text = _normalise_newlines(text)
    if not text.strip():
        if encoding in ("pdf", "docx"):
            why = "no extractable text"
            if encoding == "pdf":
                why += " (it may be a scanned image without a text layer)"
            raise SourceError(f"File {name} contains {why}.", path=path)
        raise SourceError(f"File {name} contains only whitespace, no text.", path=path)
    return SourceText(path=path, text=text, encoding=encoding, sha256=digest)


# --------------------------------------------------------------------------------------------
# Reading bytes


def _read_bytes(path: Path, name: str, max_bytes: int) -> bytes:
    """Return the file's bytes, refusing files larger than ``max_bytes``."""
    limit = f"{max_bytes / _MIB:g} MB"
    data = b""
    try:
        size = path.stat().st_size
        if size <= max_bytes:
            with path.open("rb") as fh:
                data = fh.read(max_bytes + 1)
            size = len(data)
    except FileNotFoundError as exc:
        raise SourceError(f"File {name} does not exist.", path=path) from exc
    except OSError as exc:
        reason = (exc.strerror or type(exc).__name__).lower()
        raise SourceError(f"File {name} could not be read ({reason}).", path=path) from exc
    if size > max_bytes:
        shown = math.ceil(size * 10 / _MIB) / 10
        raise SourceError(
            f"File {name} is {shown:.1f} MB, larger than the {limit} limit for input files.",
            path=path,
        )
    return data


def _normalise_newlines(text: str) -> str:
    """Turn ``\\r\\n`` and lone ``\\r`` into ``\\n``; nothing else is touched."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------------------------
# Plain text

# C0 controls except \t \n \f \r, DEL and the C1 range: never in real text.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff\U000f0000-\U0010ffff]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
_ASCII_TEXT = re.compile(r"[\t\n\f\r\x20-\x7e]")
_SAMPLE_CHARS = 200_000  # the text checks look at this many characters at most
_DETECTOR_MIN_BYTES = 16  # charset-normalizer guesses on shorter input are unreliable
_DETECTOR_MAX_CHAOS = 0.1  # charset-normalizer's "mess" ratio: 0 for clean text
_DETECTOR_TIE = 0.05  # decodings this close to the least chaotic one count as equally likely
# Legacy encodings of the UN languages: Western European, traditional Chinese, Cyrillic, Arabic.
_PREFERRED_ENCODINGS = ("cp1252", "big5", "cp1251", "cp1256")


def _decode_text(data: bytes, name: str, path: Path) -> tuple[str, str]:
    """Decode a text file: BOM, strict UTF-8, checked GB18030, then charset-normalizer."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig").lstrip("\ufeff"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"File {name} starts with a UTF-8 byte-order mark but is not valid UTF-8 "
                f"(invalid byte at offset {exc.start}).",
                path=path,
            ) from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16").lstrip("\ufeff")
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"File {name} starts with a UTF-16 byte-order mark but is not valid UTF-16.",
                path=path,
            ) from exc
        if _CONTROL_CHARS.search(text):
            raise SourceError(f"File {name} looks like binary data, not text.", path=path)
        return text, "utf-16"

    if _looks_binary(data):
        if _looks_like_bomless_utf16(data):
            raise SourceError(
                f"File {name} looks like UTF-16 text without a byte-order mark (BOM); "
                "save it as UTF-8 or as UTF-16 with a BOM.",
                path=path,
            )
        raise SourceError(f"File {name} looks like binary data, not text.", path=path)

    try:
        return data.decode("utf-8").lstrip("\ufeff"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc

    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        if _looks_like_chinese_or_ascii(text):
            return text.lstrip("\ufeff"), "gb18030"
        logger.debug("%s decodes as GB18030 but does not look like Chinese text", name)

    detected = _detect(data)
    if detected is not None:
        text, encoding = detected
        logger.info("%s: encoding guessed by charset-normalizer as %s", name, encoding)
        return text.lstrip("\ufeff"), f"detected:{encoding}"

    raise SourceError(
        f"File {name} could not be decoded: it is neither UTF-8 (invalid byte at offset "
        f"{utf8_error.start}), UTF-16 with a byte-order mark nor GB18030; save it as UTF-8.",
        path=path,
    )


def _looks_binary(data: bytes) -> bool:
    """True for data with NUL bytes or more than 2% control bytes (no UTF-16 BOM assumed)."""
    if b"\x00" in data:
        return True
    sample = data[: _SAMPLE_CHARS * 2]
    return len(_CONTROL_BYTES.findall(sample)) > 0.02 * len(sample)


def _looks_like_bomless_utf16(data: bytes) -> bool:
    """True if NUL bytes sit almost only at even or only at odd offsets (UTF-16 without BOM)."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return False
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    return (even >= 0.3 * half and odd == 0) or (odd >= 0.3 * half and even == 0)


def _looks_like_text(text: str) -> bool:
    """No control characters besides \\t \\n \\r \\f, and no flood of private-use characters."""
    sample = text[:_SAMPLE_CHARS]
    if _CONTROL_CHARS.search(sample):
        return False
    visible = len(sample) - sum(ch.isspace() for ch in sample)
    return len(_PRIVATE_USE.findall(sample)) <= max(2, 0.05 * visible)


def _looks_like_chinese_or_ascii(text: str) -> bool:
    """Decide whether a GB18030 decoding is real text rather than mojibake.

    Real (simplified) Chinese text is almost entirely ASCII plus GB2312 characters, and its Han
    characters are nearly all from GB2312 level 1 (the 3,755 common ones). Text in another
    encoding decoded as GB18030 spreads evenly over rare characters instead (Big5), or over
    only part of level 1 (EUC-KR Korean).
    """
    sample = text[:_SAMPLE_CHARS]
    if not sample or not _looks_like_text(sample):
        return False
    common = len(_ASCII_TEXT.findall(sample))
    han = common_han = upper_han = 0
    for ch in sample:
        if ch < "\x80":
            continue
        encoded = ch.encode("gb2312", errors="ignore")
        if encoded:
            common += 1
        if _HAN.match(ch):
            han += 1
            if len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xD7:
                common_han += 1
                upper_han += encoded[0] >= 0xC9
    if len(sample) - common > max(2, 0.1 * len(sample)):
        return False
    if han - common_han > max(1, 0.2 * han):
        return False
    # EUC-KR Hangul bytes fall in GB2312 rows 0xB0-0xC8 only; Chinese text uses the rows above
    # for over 15% of its characters (的, 会, 议, 员, 知, 识, 组, 织, ...).
    return han < 20 or upper_han >= 0.05 * han


def _detect(data: bytes) -> tuple[str, str] | None:
    """Last resort: charset-normalizer, accepted only when confident and the text looks sane.

    Confident means: the least chaotic decodings (BOM-less UTF-16/32 guesses are ignored) all
    give the same text, or one of them is an encoding this corpus plausibly holds
    (``_PREFERRED_ENCODINGS``): the detector ranks e.g. cp1250 and cp1252 alike on French text.
    """
    if len(data) < _DETECTOR_MIN_BYTES:
        return None
    matches = [m for m in charset_normalizer.from_bytes(data) if not m.encoding.startswith("utf")]
    if not matches:
        return None
    least = min(m.chaos for m in matches)
    if least > _DETECTOR_MAX_CHAOS:
        return None
    near = [m for m in matches if m.chaos <= least + _DETECTOR_TIE]
    choice: tuple[str, str] | None = None
    for preferred in _PREFERRED_ENCODINGS:
        if any(preferred in (m.encoding, *m.could_be_from_charset) for m in near):
            try:
                choice = data.decode(preferred), preferred
            except UnicodeDecodeError:
                continue
            break
    if choice is None and len({str(m) for m in near}) == 1:
        choice = str(near[0]), near[0].encoding
    if choice is None or not choice[0].strip() or not _looks_like_text(choice[0]):
        return None
    return choice


# --------------------------------------------------------------------------------------------
# PDF

_CID = re.compile(r"\(cid:\d+\)")
# A line that starts a new paragraph even when the spacing above it is tight.
_PARAGRAPH_START = re.compile(
    r"^(?:\d{1,3}\.(?!\d)|\([0-9A-Za-z]{1,4}\)|（[0-9一二三四五六七八九十]{1,3}）|[一二三四五六七八九十]{1,3}、)\s*\S"
)
_SAME_ROW_OVERLAP = 0.5  # share of the smaller line height two lines must overlap to share a row
_PARAGRAPH_GAP = 0.6  # a vertical gap larger than this share of the line height ends a paragraph


@dataclass
class _Row:
    """Text lines of a PDF page that sit on the same baseline, left to right."""

    parts: list[tuple[float, str]]  # (x0, text)
    y0: float
    y1: float
    height: float  # height of the smallest line in the row

    @property
    def text(self) -> str:
        return " ".join(text for _, text in sorted(self.parts))


def _la_params() -> LAParams:
    """pdfminer layout parameters; ``all_texts`` also lays out text drawn inside figures."""
    return LAParams(line_margin=0.5, char_margin=2.0, word_margin=0.1, all_texts=True)


def _pdf_to_text(data: bytes, name: str, path: Path) -> str:
    """Extract a PDF's text: one line per text line, a blank line between paragraphs and pages."""
    if b"%PDF-" not in data[:1024]:
        raise SourceError(f"File {name} is not a PDF file (it has no PDF header).", path=path)
    pages: list[str] = []
    layouts = extract_pages(io.BytesIO(data), laparams=_la_params())
    while True:
        try:
            page = next(layouts)
        except StopIteration:
            break
        except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
            raise SourceError(
                f"File {name} is an encrypted PDF that cannot be read without its password.",
                path=path,
            ) from exc
        except Exception as exc:  # pdfminer raises many exception types on damaged files
            logger.debug("pdfminer failed on %s", name, exc_info=True)
            raise SourceError(
                f"File {name} could not be read as a PDF: it is damaged or not a valid PDF file.",
                path=path,
            ) from exc
        page_text = _page_text(page)
        if page_text:
            pages.append(page_text)
    text = "\n\n\f".join(pages)  # a form feed starts each new page, as the splitter expects
    text, unmapped = _CID.subn("", text)
    if unmapped:
        logger.warning("%s: dropped %d glyphs that have no Unicode mapping", name, unmapped)
    return text + "\n" if text.strip() else ""


def _page_text(page: LTContainer) -> str:
    """Lay out one page as rows of text, top to bottom; blank lines separate paragraphs.

    Text lines on the same baseline are joined with a space, so a paragraph number set apart
    from its text by a tab ("1." at the margin, text indented) starts the line it belongs to.
    A new paragraph starts after a vertical gap larger than ``_PARAGRAPH_GAP`` line heights or
    at a line that starts with a paragraph number. Limit: pages are assumed to be single-column
    (WIPO documents are); two columns side by side are read row by row.
    """
    lines = sorted(_text_lines(page), key=lambda ln: -(ln.y0 + ln.y1))
    rows: list[_Row] = []
    for line in lines:
        text = line.get_text().strip()
        if not text:
            continue
        height = max(line.y1 - line.y0, 0.1)
        row = rows[-1] if rows else None
        if row is not None:
            overlap = min(row.y1, line.y1) - max(row.y0, line.y0)
            if overlap >= _SAME_ROW_OVERLAP * min(height, row.height):
                row.parts.append((line.x0, text))
                row.y0, row.y1 = min(row.y0, line.y0), max(row.y1, line.y1)
                row.height = min(row.height, height)
                continue
        rows.append(_Row([(line.x0, text)], line.y0, line.y1, height))

    out: list[str] = []
    previous: _Row | None = None
    for row in rows:
        text = row.text
        if previous is not None:
            gap = previous.y0 - row.y1
            new_paragraph = gap > _PARAGRAPH_GAP * min(previous.height, row.height)
            out.append("\n\n" if new_paragraph or _PARAGRAPH_START.match(text) else "\n")
        out.append(text)
        previous = row
    return "".join(out)


def _text_lines(container: LTContainer) -> Iterator[LTTextLine]:
    """Yield every text line on the page, also those inside text boxes and figures."""
    for obj in container:
        if isinstance(obj, LTTextLine):
            yield obj
        elif isinstance(obj, LTContainer):
            yield from _text_lines(obj)


# --------------------------------------------------------------------------------------------
# DOCX

_W = "{" + nsmap["w"] + "}"  # the WordprocessingML namespace, as lxml spells tags
# Subtrees whose text is not part of the visible paragraph text.
_SKIP_TAGS = frozenset(
    _W + tag
    for tag in ("pPr", "rPr", "del", "moveFrom", "instrText", "delText", "sdtPr", "fldData")
)
_MANUAL_LABEL_TAB = re.compile(r"^(\(?[0-9A-Za-z]{1,4}[.)])\t+")
_PAGE_BREAK = "\x00"  # stands for <w:br w:type="page"/> (XML text cannot contain NUL)


def _docx_to_text(data: bytes, name: str, path: Path) -> str:
    """Extract a DOCX's body text: one line per paragraph, a blank line between paragraphs.

    Limits (best effort): headers, footers, footnotes, comments, hidden and deleted (tracked)
    text are left out; text boxes follow the paragraph that anchors them; each table row becomes
    one line with its cells separated by tabs; a manual line break starts a new line within the
    paragraph; an explicit page break (not Word's own pagination) puts a form feed before the
    next line, as in the PDF text. See :class:`_Numbering` for automatic numbering.
    """
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SourceError(
            f"File {name} is an old binary Word (.doc) file or a password-protected document; "
            "save it as .docx without a password.",
            path=path,
        )
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except Exception as exc:  # zipfile, lxml and python-docx raise many types on bad files
        logger.debug("python-docx failed on %s", name, exc_info=True)
        raise SourceError(
            f"File {name} could not be read as a Word document: it is damaged or not a .docx file.",
            path=path,
        ) from exc
    blocks = list(_DocxWalker(document).blocks(body))
    return "\n\n".join(blocks) + "\n" if blocks else ""


class _DocxWalker:
    """Walks a document body in order, keeping list counters and pending page breaks."""

    def __init__(self, document: DocxDocument) -> None:
        self.numbering = _Numbering(document)
        self.page_break = False  # an explicit page break waits for the next line

    def blocks(self, container: etree._Element, in_table: bool = False) -> Iterator[str]:
        """Yield the text of each paragraph / table row in a body, cell or text box."""
        for child in container:
            tag = child.tag
            if tag == _W + "p":
                text, text_boxes = self.paragraph(child, in_table)
                if text:
                    yield text
                for box in text_boxes:
                    yield from self.blocks(box, in_table)
            elif tag == _W + "tbl":
                yield from self.table_rows(child)
            elif tag in (_W + "sdt", _W + "customXml", _W + "sdtContent"):
                yield from self.blocks(child, in_table)

    def table_rows(self, table: etree._Element) -> Iterator[str]:
        """Yield one line per table row: the cells' text joined by tabs."""
        for row in table.iter(_W + "tr"):
            if _nearest_table(row) is not table:
                continue  # a row of a nested table: rendered inside its cell
            cells = []
            for cell in row.iter(_W + "tc"):
                if _nearest_table(cell) is not table:
                    continue
                text = " ".join(self.blocks(cell, in_table=True)).replace("\n", " ").strip()
                if text:
                    cells.append(text)
            if cells:
                line = "\t".join(cells)
                if self.page_break:
                    line, self.page_break = "\f" + line, False
                yield line

    def paragraph(self, p: etree._Element, in_table: bool) -> tuple[str, list[etree._Element]]:
        """Return a paragraph's text (with its automatic number) and its text-box contents."""
        ppr = p.find(_W + "pPr")
        if ppr is not None and not in_table and _flag(ppr.find(_W + "pageBreakBefore")):
            self.page_break = True
        parts: list[str] = []
        text_boxes: list[etree._Element] = []
        _collect_runs(p, parts, text_boxes)
        label = self.numbering.label(p)
        lines: list[tuple[bool, str]] = []  # (page break before, text)
        for line in "".join(parts).replace(_PAGE_BREAK, "\n" + _PAGE_BREAK + "\n").split("\n"):
            if line == _PAGE_BREAK:
                self.page_break = self.page_break or not in_table
                continue
            line = line.strip()
            if line:
                # In a table the row takes the page break, not the cell's paragraph.
                lines.append((self.page_break and not in_table, line))
                self.page_break = self.page_break and in_table
        if not lines:
            return "", text_boxes
        first = _MANUAL_LABEL_TAB.sub(r"\1 ", lines[0][1])
        lines[0] = (lines[0][0], f"{label} {first}" if label else first)
        return "\n".join(("\f" if page else "") + text for page, text in lines), text_boxes


def _nearest_table(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != _W + "tbl":
        parent = parent.getparent()
    return parent


def _collect_runs(el: etree._Element, parts: list[str], text_boxes: list[etree._Element]) -> None:
    """Append the visible text under ``el`` to ``parts`` in document order."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP_TAGS or tag.endswith("}Fallback"):
            continue  # mc:Fallback repeats the mc:Choice content (text boxes) for old readers
        if tag == _W + "t":
            parts.append(child.text or "")
        elif tag in (_W + "tab", _W + "ptab"):
            parts.append("\t")
        elif tag == _W + "br":
            parts.append(_PAGE_BREAK if child.get(_W + "type") == "page" else "\n")
        elif tag == _W + "cr":
            parts.append("\n")
        elif tag == _W + "noBreakHyphen":
            parts.append("-")
        elif tag == _W + "sym":
            code = child.get(_W + "char", "")
            if re.fullmatch(r"[0-9A-Fa-f]{1,6}", code) and int(code, 16) < 0x110000:
                parts.append(chr(int(code, 16)))
        elif tag == _W + "txbxContent":
            text_boxes.append(child)
        elif not (tag == _W + "r" and _flag(child.find(f"{_W}rPr/{_W}vanish"))):
            _collect_runs(child, parts, text_boxes)


def _flag(el: etree._Element | None) -> bool:
    """Whether an on/off property element (``<w:vanish/>``, ``w:val="0"``...) is on."""
    return el is not None and el.get(_W + "val", "true") not in ("0", "false", "off")


@dataclass(frozen=True)
class _Level:
    fmt: str
    text: str
    start: int


class _Numbering:
    """Word automatic paragraph numbering, rendered as a ``"1."``-style label (best effort).

    The number comes from the paragraph's own ``w:numPr`` or from its paragraph style (and the
    styles that style is based on), as in WIPO templates. Counters are kept per abstract
    numbering definition, so lists that share one continue each other (as Word does), except a
    list instance with a start override, which counts on its own. A level restarts whenever a
    higher level is used. Decimal, letter, roman and Chinese-counting formats are rendered with
    the level's ``lvlText`` (``"%1."``, ``"(%2)"``, ``"%1.%2."``); bullets and other formats get
    no label. Not handled: ``lvlRestart``, ``isLgl``, numbering changed by tracked revisions,
    fields such as ``LISTNUM``/``SEQ``.
    """

    def __init__(self, document: DocxDocument) -> None:
        self._styles: dict[str, etree._Element] = {}
        self._default_style: str | None = None
        styles_el = document.styles.element
        for style in styles_el.iterchildren(_W + "style"):
            style_id = style.get(_W + "styleId")
            if style_id is None:
                continue
            self._styles[style_id] = style
            if style.get(_W + "type") == "paragraph" and style.get(_W + "default") in (
                "1",
                "true",
                "on",
            ):
                self._default_style = style_id
        self._nums: dict[str, etree._Element] = {}
        self._abstracts: dict[str, etree._Element] = {}
        try:
            numbering_el = document.part.part_related_by(RT.NUMBERING).element
        except KeyError:
            numbering_el = None
        if numbering_el is not None:
            for num in numbering_el.iterchildren(_W + "num"):
                self._nums[num.get(_W + "numId", "")] = num
            for abstract in numbering_el.iterchildren(_W + "abstractNum"):
                self._abstracts[abstract.get(_W + "abstractNumId", "")] = abstract
        self._counters: dict[tuple[str, str], dict[int, int]] = {}
        self._seen_nums: set[str] = set()

    def label(self, p: etree._Element) -> str:
        """Advance the paragraph's list counter and return its label ("" if not numbered)."""
        found = self._num_pr(p)
        if found is None:
            return ""
        num_id, ilvl = found
        num = self._nums.get(num_id)
        if num is None:
            return ""
        abstract_id = _val(num.find(_W + "abstractNumId"))
        abstract = self._resolve_abstract(abstract_id)
        if abstract is None:
            return ""
        levels = self._levels(abstract, num)
        level = levels.get(ilvl)
        if level is None:
            return ""
        overrides = {
            _int(o.get(_W + "ilvl")): _int(_val(o.find(_W + "startOverride")))
            for o in num.iterchildren(_W + "lvlOverride")
            if o.find(_W + "startOverride") is not None
        }
        key = ("num", num_id) if overrides else ("abstract", abstract_id or "")
        counters = self._counters.setdefault(key, {})
        if overrides and num_id not in self._seen_nums:
            counters.clear()
        self._seen_nums.add(num_id)
        counters[ilvl] = (
            counters[ilvl] + 1 if ilvl in counters else overrides.get(ilvl, level.start)
        )
        for deeper in [lvl for lvl in counters if lvl > ilvl]:
            del counters[deeper]
        if level.fmt == "bullet":
            return ""

        def render(match: re.Match[str]) -> str:
            lvl = int(match.group(1)) - 1
            ref = levels.get(lvl, level)
            value = counters.get(lvl, overrides.get(lvl, ref.start))
            formatted = _format_number(value, ref.fmt)
            if formatted is None:
                raise _UnsupportedFormat
            return formatted

        try:
            return re.sub(r"%([1-9])", render, level.text).strip()
        except _UnsupportedFormat:
            return ""

    def _num_pr(self, p: etree._Element) -> tuple[str, int] | None:
        """Return (numId, ilvl) from the paragraph or its style chain, or None."""
        num_id: str | None = None
        ilvl: str | None = None
        style_id = self._default_style
        ppr = p.find(_W + "pPr")
        if ppr is not None:
            style_id = _val(ppr.find(_W + "pStyle")) or style_id
            num_pr = ppr.find(_W + "numPr")
            if num_pr is not None:
                num_id = _val(num_pr.find(_W + "numId"))
                ilvl = _val(num_pr.find(_W + "ilvl"))
        numbered_style = None
        seen: set[str] = set()
        while num_id is None and style_id and style_id not in seen:
            seen.add(style_id)
            style = self._styles.get(style_id)
            if style is None:
                break
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            if num_pr is not None and num_pr.find(_W + "numId") is not None:
                num_id = _val(num_pr.find(_W + "numId"))
                ilvl = ilvl or _val(num_pr.find(_W + "ilvl"))
                numbered_style = style_id
                break
            style_id = _val(style.find(_W + "basedOn"))
        if not num_id or num_id == "0":
            return None
        if ilvl is None and numbered_style is not None:
            ilvl = self._level_for_style(num_id, numbered_style)
        return num_id, _int(ilvl)

    def _level_for_style(self, num_id: str, style_id: str) -> str | None:
        num = self._nums.get(num_id)
        abstract = (
            self._resolve_abstract(_val(num.find(_W + "abstractNumId")))
            if num is not None
            else None
        )
        if abstract is not None:
            for lvl in abstract.iterchildren(_W + "lvl"):
                if _val(lvl.find(_W + "pStyle")) == style_id:
                    return lvl.get(_W + "ilvl")
        return None

    def _resolve_abstract(self, abstract_id: str | None) -> etree._Element | None:
        """Follow ``numStyleLink`` (a list defined by a numbering style) a few times."""
        abstract = self._abstracts.get(abstract_id or "")
        for _ in range(5):
            if abstract is None or abstract.find(_W + "lvl") is not None:
                return abstract
            link = _val(abstract.find(_W + "numStyleLink"))
            style = self._styles.get(link or "")
            num_id = _val(style.find(f"{_W}pPr/{_W}numPr/{_W}numId")) if style is not None else None
            num = self._nums.get(num_id or "")
            abstract = (
                self._abstracts.get(_val(num.find(_W + "abstractNumId")) or "")
                if num is not None
                else None
            )
        return abstract

    @staticmethod
    def _levels(abstract: etree._Element, num: etree._Element) -> dict[int, _Level]:
        levels: dict[int, _Level] = {}
        lvl_elements = list(abstract.iterchildren(_W + "lvl"))
        for override in num.iterchildren(_W + "lvlOverride"):
            lvl_elements.extend(override.iterchildren(_W + "lvl"))  # full redefinitions win
        for lvl in lvl_elements:
            levels[_int(lvl.get(_W + "ilvl"))] = _Level(
                fmt=_val(lvl.find(_W + "numFmt"), "decimal") or "decimal",
                text=_val(lvl.find(_W + "lvlText"), "") or "",
                start=_int(_val(lvl.find(_W + "start"))),
            )
        return levels


class _UnsupportedFormat(Exception):
    """A numbering format this module does not render."""


def _int(value: str | None) -> int:
    """A decimal attribute value; 0 when missing or malformed (the schema's default)."""
    try:
        return int(value or 0)
    except ValueError:
        return 0


def _val(el: etree._Element | None, default: str | None = None) -> str | None:
    """The ``w:val`` attribute of ``el`` (``default`` if there is none)."""
    if el is None:
        return default
    return el.get(_W + "val", default)


_CHINESE_DIGITS = "〇一二三四五六七八九"


def _format_number(n: int, fmt: str) -> str | None:
    """Render ``n`` in a Word numbering format; None if the format is not supported."""
    if fmt == "decimal":
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    if fmt in ("lowerLetter", "upperLetter") and n > 0:
        letters = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman") and 0 < n < 4000:
        roman = _roman(n)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting") and n >= 0:
        return _chinese(n)
    if fmt == "ideographDigital" and n >= 0:
        return "".join(_CHINESE_DIGITS[int(d)] for d in str(n))
    if fmt == "decimalFullWidth" and n >= 0:
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    return None


def _roman(n: int) -> str:
    out = []
    for value, symbol in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        count, n = divmod(n, value)
        out.append(symbol * count)
    return "".join(out)


def _chinese(n: int) -> str:
    """Chinese counting numerals for 0..9999 (十一, 二十, 一百零五); larger numbers as digits."""
    if n >= 10000:
        return str(n)
    if n < 10:
        return _CHINESE_DIGITS[n]
    out = ""
    zero = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, unit_value)
        if digit:
            if zero:
                out += "〇"
                zero = False
            out += _CHINESE_DIGITS[digit] + unit
        elif out:
            zero = True
    if out.startswith("一十"):
        out = out[1:]
    return out.replace("〇", "零")
