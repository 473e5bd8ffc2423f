"""Split a meeting document's text into front matter, numbered paragraphs, headings and annex.

The input is PDF-extracted text (lines wrapped mid-sentence with blank lines between them, page
breaks as lines starting with a space, private-use bullet glyphs) or clean text with one
paragraph per line. Both give the same structure:

- ``title``: the front matter's title block;
- ``"1"``, ``"2"``, ...: numbered paragraphs, sub-items ``(a)``/``（i）``/``ii)`` kept inside;
- ``h1``, ``h2``, ...: unnumbered headings, also the ``section`` of the blocks that follow;
- ``annex-1``, ...: the annex, one block per page (slide).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.ingest.symbols import SymbolError, normalize_symbol

PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")
_NUMBERED = re.compile(r"^(\d{1,3})\.(?!\d)\s*(?=\S)")
_SUBITEM = re.compile(r"^(?:[(（]([a-z]{1,2}|[ivxl]{1,6})[)）]|([a-z]|[ivxl]{1,6})\))\s*", re.I)
_ANNEX_START = re.compile(r"^\[(后接附件|附件后接|Annex follows|Annexes follow)\]$", re.I)
_END_MARK = re.compile(
    r"^\[(文件完|附件和文件完|附件完|End of document|End of Annex and of document|End of Annex)\]$",
    re.I,
)
# A line ending like this closes a sentence (possibly followed by closing quotes or brackets).
_TERMINAL = re.compile(r"[。．.！!？?；;：:][”\"’')）」』]*$")
_SENTENCE_END = re.compile(r"[。．.！!？?][”\"’')）」』]*$")
# A lead-in that announces sub-items: "…包括：", "…; and".
_LEAD_IN = re.compile(r"([：:；;]|以及|\band|\bor)$")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_PREPARED = re.compile(r"(编拟|编写|prepared by the Secretariat)\s*$", re.I)
# PDF extraction puts spaces between the characters of spaced-out headings: 背 景.
_CJK_SPACES = re.compile(
    r"(?<=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]) +(?=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])"
)
# The annex's own title line ("附件", "附件一", "ANNEX", "Annex II"): the page prints the annex
# title itself, and the annex blocks have it as their section.
_ANNEX_TITLE = re.compile(r"^(附\s*件\s*[一二三四五六七八九十\d]*|annex(\s+[ivxlc\d]+)?)$", re.I)


@dataclass(frozen=True)
class Block:
    """One searchable unit of a document: a numbered paragraph, a heading, an annex page."""

    label: str
    kind: str  # "title" | "paragraph" | "heading" | "annex"
    text: str
    section: str = ""
    number: int | None = None


@dataclass(frozen=True)
class Header:
    """What a meeting document's header states about it ("" where it says nothing)."""

    title: str = ""
    committee: str = ""
    session: str = ""
    date: str = ""
    meeting: str = ""  # the meeting's place and dates
    original_language: str = ""


@dataclass(frozen=True)
class FrontMatter(Header):
    """The header as read from the text itself."""

    symbol: str = ""
    lang_hint: str = ""  # "zh" or "en" when the header is clearly in one language


@dataclass
class ParsedText:
    """The result of splitting one text."""

    front: FrontMatter
    blocks: list[Block] = field(default_factory=list)

    @property
    def numbered(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "paragraph"]


_CJK_RUN = re.compile(_CJK.pattern + "+")


def display_width(text: str) -> int:
    """Columns the text takes in a printed line (CJK characters count double)."""
    return len(text) + sum(map(len, _CJK_RUN.findall(text)))  # runs: far fewer than characters


def _separator(a: str, b: str) -> str:
    """What goes between a wrapped line ending in `a` and the next one starting with `b`."""
    if a.isspace() or b.isspace():
        return ""
    if _CJK.match(a) and _CJK.match(b):
        return ""
    if a in "/-–" and not _CJK.match(b):  # a symbol or hyphenated word broken at the line end
        return ""
    return " "


_TAIL = 64  # characters of a growing line kept for the tests on how it ends


class _Joined:
    """A logical line built from wrapped physical lines, in linear time: no space between two
    CJK characters, one space otherwise (`_separator`).

    The pieces are kept in a list and joined once; the tests on how the line ends look at its
    last `_TAIL` characters, and its display width is kept as it grows.
    """

    __slots__ = ("parts", "tail", "width")

    def __init__(self, first: str = "") -> None:
        self.parts = [first] if first else []
        self.tail = first[-_TAIL:]
        self.width = display_width(first)

    def add(self, text: str) -> None:
        if not text:
            return
        piece = (_separator(self.tail[-1], text[0]) if self.tail else "") + text
        self.parts.append(piece)
        self.tail = (self.tail + piece)[-_TAIL:]
        self.width += display_width(piece)

    def __str__(self) -> str:
        return "".join(self.parts)


@dataclass
class _Line:
    text: str
    page_break: bool  # the extraction put a page break before it (line starts with a space)
    bullet: int = 0  # 1 for "o" bullets, 2 for private-use glyph bullets (annex only)


def _clean_lines(text: str) -> list[_Line]:
    lines = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n ").split("\n"):
        stripped = raw.rstrip()
        glyph = bool(PRIVATE_USE.match(stripped.lstrip()))
        body = PRIVATE_USE.sub("", stripped).strip()
        if not body:
            continue
        page_break = raw.startswith(" ") and not glyph
        lines.append(_Line(body, page_break, 2 if glyph else 0))
    return lines


# --- front matter -----------------------------------------------------------------------------

_CN_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_EN_ORDINALS = {
    w: i
    for i, w in enumerate(
        (
            "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
            "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
        ).split()
    )
}
_EN_TENS = {
    "twent": 20,
    "thirt": 30,
    "fort": 40,
    "fift": 50,
    "sixt": 60,
    "sevent": 70,
    "eight": 80,
    "ninet": 90,
}
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        (
            "january february march april may june july august september october november december"
        ).split()
    )
}


def chinese_number(text: str) -> int | None:
    """十九 -> 19, 三十三 -> 33, 一百零二 -> 102 (enough for session numbers)."""
    if not text or any(ch not in _CN_DIGITS and ch not in "十百" for ch in text):
        return None
    total, digit = 0, 0
    for ch in text:
        if ch == "百":
            total += (digit or 1) * 100
            digit = 0
        elif ch == "十":
            total += (digit or 1) * 10
            digit = 0
        else:
            digit = _CN_DIGITS[ch]
    return total + digit


def english_ordinal(text: str) -> int | None:
    """ "Nineteenth" -> 19, "Thirty-Third" -> 33."""
    words = text.lower().replace("-", " ").split()
    total = 0
    for word in words:
        if word in _EN_ORDINALS:
            total += _EN_ORDINALS[word]
            continue
        tens = next((v for k, v in _EN_TENS.items() if word.startswith(k)), None)
        if tens is None:
            return None
        total += tens
    return total or None


def parse_date(text: str) -> str:
    """ISO date from "2021 年 8 月 16 日", "AUGUST 16, 2021" or "16 August 2021"; "" if none."""
    m = re.search(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", text)
    if m:
        y, mo, d = map(int, m.groups())
        return f"{y:04d}-{mo:02d}-{d:02d}"
    m = re.search(r"([A-Za-z]+)\s+(\d{1,2}),?\s+(\d{4})", text)
    if m and m.group(1).lower() in _MONTHS:
        return f"{int(m.group(3)):04d}-{_MONTHS[m.group(1).lower()]:02d}-{int(m.group(2)):02d}"
    m = re.search(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})", text)
    if m and m.group(2).lower() in _MONTHS:
        return f"{int(m.group(3)):04d}-{_MONTHS[m.group(2).lower()]:02d}-{int(m.group(1)):02d}"
    return ""


def _parse_front(lines: list[str]) -> FrontMatter:
    values: dict[str, str] = {}
    title_lines: list[str] = []
    zh = sum(bool(_CJK.search(line)) for line in lines)
    values["lang_hint"] = "zh" if zh > len(lines) / 2 else ("en" if lines else "")
    for i, line in enumerate(lines):
        compact = line.replace(" ", "")
        if i == 0 and "symbol" not in values:
            try:
                values["symbol"] = normalize_symbol(line)
                continue
            except SymbolError:
                pass
        if m := re.match(r"^(?:原文[:：]|ORIGINAL:)\s*(.+)$", line, re.I):
            values["original_language"] = m.group(1).strip()
        elif m := re.match(r"^(?:日期[:：]|DATE:)\s*(.+)$", line, re.I):
            values["date"] = parse_date(m.group(1))
        elif m := re.match(r"^第(.+)届会议$", compact):
            number = chinese_number(m.group(1))
            values["session"] = str(number) if number else m.group(1)
        elif m := re.match(r"^([A-Za-z\- ]+) Session$", line, re.I):
            number = english_ordinal(m.group(1))
            values["session"] = str(number) if number else m.group(1)
        elif re.search(r"(日内瓦|Geneva|纽约|New York)", line) and re.search(r"\d", line):
            values["meeting"] = line
        elif "committee" not in values and re.search(r"(委员会|Committee|大会|Assembly)", line):
            values["committee"] = line
        elif _PREPARED.search(line):
            continue
        else:
            title_lines.append(line)
    title = _Joined()
    for line in title_lines:
        title.add(line)
    return FrontMatter(title=str(title), **values)


# --- body ------------------------------------------------------------------------------------

_ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]


def _next_marker(marker: str) -> str:
    """The marker that follows `marker` in its series: a -> b, ii -> iii ("" for none)."""
    if not marker:
        return ""
    if marker in _ROMAN[:-1]:
        return _ROMAN[_ROMAN.index(marker) + 1]
    if len(marker) == 1:
        return chr(ord(marker) + 1)
    return ""


def _subitem_marker(line: str) -> str | None:
    m = _SUBITEM.match(line)
    if not m:
        return None
    return (m.group(1) or m.group(2)).lower()


class _Splitter:
    """Walks the body lines once, deciding for each whether it starts or continues a block.

    The annex of a document with numbered annex paragraphs is split by one too, whose numbered
    blocks are of kind "annex" and labelled "annex-1", ... (`kind`, `prefix`).
    """

    def __init__(
        self,
        full_width: int,
        kind: str = "paragraph",
        prefix: str = "",
        section: str = "",
        headings: int = 0,
    ) -> None:
        self.full_width = full_width  # 0 when lines are not wrapped (one paragraph per line)
        self.paragraph_kind = kind
        self.prefix = prefix
        self.blocks: list[Block] = []
        self.section = section
        self.kind = ""  # kind of the open block
        self.label = ""
        self.number: int | None = None
        self.lines: list[_Joined] = []  # logical lines of the open block
        self.last_physical = ""  # the last physical line added to the open block
        self.last_marker = ""  # last sub-item marker inside the open paragraph
        self.next_number = 1
        self.headings = headings

    # -- block bookkeeping
    def _close(self) -> None:
        if not self.kind:
            return
        text = "\n".join(map(str, self.lines))
        if self.kind == "heading":
            text = _CJK_SPACES.sub("", text)
            self.headings += 1
            self.blocks.append(Block(f"h{self.headings}", "heading", text, self.section))
            self.section = text
        else:
            text = _NUMBERED.sub("", text, count=1)  # the number lives in the label
            self.blocks.append(Block(self.label, self.kind, text, self.section, self.number))
        self.kind, self.lines, self.last_marker = "", [], ""

    def _open(self, kind: str, first: str, label: str = "", number: int | None = None) -> None:
        self._close()
        self.kind, self.label, self.number = kind, label, number
        self.lines = [_Joined(first)]
        self.last_physical = first

    def _continue(self, text: str) -> None:
        self.lines[-1].add(text)
        self.last_physical = text

    def _ended(self) -> bool:
        """Does the open block's text end a sentence at a line that was not simply full?"""
        if not _SENTENCE_END.search(self.lines[-1].tail):
            return False
        return not (self.full_width and display_width(self.last_physical) >= 0.92 * self.full_width)

    # -- line decisions
    def _add_subitem(self, text: str, marker: str) -> None:
        self.lines.append(_Joined(text))
        self.last_physical = text
        self.last_marker = marker

    def feed(self, line: _Line) -> None:
        text = line.text
        m = _NUMBERED.match(text)
        number = int(m.group(1)) if m else 0
        # The next number starts a paragraph; a small gap (a paragraph missing from this version)
        # is accepted after a heading or where the previous paragraph has ended.
        skipped = self.next_number < number <= self.next_number + 2
        gap = skipped and (self.kind != self.paragraph_kind or self._ended())
        if number == self.next_number or gap:
            self.next_number = number + 1
            self._open(self.paragraph_kind, text, self.prefix + m.group(1), number)
        elif not self.kind:
            self._open("heading", text)
        elif self.kind == self.paragraph_kind:
            self._feed_paragraph(text)
        elif self._heading_wraps(text, line.page_break):
            self._continue(text)
        else:
            self._open("heading", text)

    def _feed_paragraph(self, text: str) -> None:
        marker = _subitem_marker(text)
        continues_series = bool(marker) and marker == _next_marker(self.last_marker)
        # A series starts after a lead-in ("…包括：") or, after a sentence, with an item that
        # reads as one: it ends a clause ("(a) …；") or fills its line. Headings do neither.
        starts_series = marker in ("a", "i") and (
            _LEAD_IN.search(self.lines[-1].tail) or self._reads_as_item(text)
        )
        if continues_series or starts_series:
            self._add_subitem(text, marker)
        elif not self._ended() or (_SENTENCE_END.search(text) and not marker):
            # Mid-sentence, or a line that itself ends a sentence (headings never do).
            self._continue(text)
        else:
            self._open("heading", text)

    def _reads_as_item(self, text: str) -> bool:
        if _TERMINAL.search(text):
            return True
        return bool(self.full_width) and display_width(text) >= 0.92 * self.full_width

    def _heading_wraps(self, text: str, page_break: bool) -> bool:
        """Is `text` the rest of the open heading (a heading wrapped over two lines)?"""
        last = self.lines[-1]
        ending = last.tail
        if page_break or _subitem_marker(text) or _TERMINAL.search(ending) or ending[-1] in ")）":
            return False
        long_line = self.full_width and last.width >= 0.6 * self.full_width
        return bool(long_line) or display_width(text) <= 6

    def finish(self) -> list[Block]:
        self._close()
        return self.blocks


def _annex_blocks(lines: list[_Line], section: str, full_width: int) -> list[Block]:
    """One block per annex page; bullets on lines of their own, wrapped lines joined."""
    pages: list[list[_Joined]] = []
    previous = ""
    for line in lines:
        text, bullet = line.text, line.bullet
        if not bullet and re.match(r"^o(?=[\s\d\u4e00-\u9fff“\"(（])", text):
            bullet, text = 1, text[1:].lstrip()
        elif not bullet and re.match(r"^[-–•]\s", text):
            bullet, text = 2, text[1:].lstrip()
        if line.page_break or not pages:
            pages.append([])
        page = pages[-1]
        wrapped = full_width and display_width(previous) >= 0.8 * full_width
        if bullet:
            page.append(_Joined(("• " if bullet == 1 else "◦ ") + text))
        elif page and wrapped:
            page[-1].add(text)
        else:
            page.append(_Joined(text))
        previous = text
    return [
        Block(f"annex-{i}", "annex", "\n".join(map(str, page)), section)
        for i, page in enumerate(pages, start=1)
        if page
    ]


def split_text(text: str) -> ParsedText:
    """Split one document's text into front matter and blocks."""
    lines = _clean_lines(text)
    # Front matter: up to the "prepared by" line, else up to the first numbered paragraph.
    first_numbered = next((i for i, ln in enumerate(lines) if _NUMBERED.match(ln.text)), len(lines))
    prepared = next(
        (i for i, ln in enumerate(lines[:first_numbered]) if _PREPARED.search(ln.text)), None
    )
    front_end = prepared + 1 if prepared is not None else first_numbered
    front = _parse_front([ln.text for ln in lines[:front_end]])

    body, annex = lines[front_end:], []
    for i, ln in enumerate(body):
        if _ANNEX_START.match(ln.text):
            body, annex = body[:i], body[i + 1 :]
            break
    body = [ln for ln in body if not _END_MARK.match(ln.text)]
    annex = [ln for ln in annex if not _END_MARK.match(ln.text)]

    widths = sorted(display_width(ln.text) for ln in body)
    full_width = widths[int(len(widths) * 0.9)] if widths else 0
    wrapped = full_width <= 160 and len(widths) >= 20  # enough lines to know the page width
    splitter = _Splitter(full_width if wrapped else 0)
    for ln in body:
        splitter.feed(ln)
    blocks = splitter.finish()
    if front.title:
        blocks.insert(0, Block("title", "title", front.title))
    section = "附件" if front.lang_hint == "zh" else "Annex"
    if _has_numbered_paragraphs(annex):
        blocks.extend(_annex_paragraphs(annex, section, splitter))
    else:
        blocks.extend(_annex_blocks(annex, section, splitter.full_width))
    return ParsedText(front, blocks)


def _has_numbered_paragraphs(annex: list[_Line]) -> bool:
    """Does the annex number its paragraphs (1. on its first page, then 2.)? Otherwise it is
    read page by page (slides, tables)."""
    first_page_end = next((i for i, ln in enumerate(annex) if i and ln.page_break), len(annex))
    numbers = [(i, m.group(1)) for i, ln in enumerate(annex) if (m := _NUMBERED.match(ln.text))]
    starts_early = any(i < first_page_end and n == "1" for i, n in numbers)
    return starts_early and "2" in {n for _, n in numbers}


def _annex_paragraphs(annex: list[_Line], section: str, body: _Splitter) -> list[Block]:
    """An annex with numbered paragraphs: blocks "annex-1", "annex-2", ... split as the body is;
    its title line ("附件", "ANNEX") is left out, headings continue the body's numbering."""
    lines = list(annex)
    while lines and not _NUMBERED.match(lines[0].text) and _ANNEX_TITLE.match(lines[0].text):
        lines.pop(0)
    splitter = _Splitter(body.full_width, "annex", "annex-", section, body.headings)
    for ln in lines:
        splitter.feed(ln)
    return splitter.finish()
