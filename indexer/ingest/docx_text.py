"""Word (.docx) files to text with python-docx: paragraphs, tables, text boxes, list numbers."""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import nsmap
from lxml import etree

from indexer.errors import SourceError
from indexer.ingest.limits import MAX_TEXT_CHARS, too_much_text

logger = logging.getLogger(__name__)

_MIB = 1024 * 1024
# A .docx is a zip: its directory says how large each part is once unpacked, and zipfile never
# unpacks more than that. python-docx holds every part in memory and parses each XML part
# (about ten times its size in memory), so XML is capped lower than the whole.
MAX_UNPACKED_XML_BYTES = 32 * _MIB  # about 15,000 pages of text
MAX_UNPACKED_BYTES = 128 * _MIB  # XML, images and everything else
MAX_PARTS = 10_000

_W = "{" + nsmap["w"] + "}"  # the WordprocessingML namespace, as lxml spells tags
# Subtrees whose text is not part of the visible paragraph text.
_SKIP_TAGS = frozenset(
    _W + tag
    for tag in ("pPr", "rPr", "del", "moveFrom", "instrText", "delText", "sdtPr", "fldData")
)
_MANUAL_LABEL_TAB = re.compile(r"^(\(?[0-9A-Za-z]{1,4}[.)])\t+")
_PAGE_BREAK = "\x00"  # stands for <w:br w:type="page"/> (XML text cannot contain NUL)


def docx_to_text(data: bytes, name: str, path: Path) -> str:
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
    _check_unpacked_sizes(data, name, path)
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except Exception as exc:  # zipfile, lxml and python-docx raise many types on bad files
        logger.debug("python-docx failed on %s", name, exc_info=True)
        raise SourceError(
            f"File {name} could not be read as a Word document: it is damaged or not a .docx file.",
            path=path,
        ) from exc
    blocks: list[str] = []
    chars = 0
    for block in _DocxWalker(document).blocks(body):
        chars += len(block) + 2
        if chars > MAX_TEXT_CHARS:
            raise too_much_text(name, path)
        blocks.append(block)
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _check_unpacked_sizes(data: bytes, name: str, path: Path) -> None:
    """Refuse a zip whose directory announces more than the caps (a "zip bomb")."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return  # not a readable zip: python-docx says the file is damaged
    if len(parts) > MAX_PARTS:
        raise SourceError(
            f"File {name} holds {len(parts):,} zip entries, more than the {MAX_PARTS:,} a Word "
            "document may have.",
            path=path,
        )
    xml = sum(p.file_size for p in parts if p.filename.lower().endswith((".xml", ".rels")))
    total = sum(p.file_size for p in parts)
    for size, limit, what in (
        (xml, MAX_UNPACKED_XML_BYTES, "of XML"),
        (total, MAX_UNPACKED_BYTES, "in all"),
    ):
        if size > limit:
            raise SourceError(
                f"File {name} unpacks to {size / _MIB:,.1f} MB {what}, more than the "
                f"{limit // _MIB} MB limit for a Word document.",
                path=path,
            )


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
