"""PDF files to text with pdfminer.six: lines, paragraphs and pages as a reader sees them."""

from __future__ import annotations

import io
import itertools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTContainer, LTTextLine
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser

from indexer.errors import SourceError
from indexer.ingest.limits import MAX_TEXT_CHARS, too_much_text

logger = logging.getLogger(__name__)

# Laying out a page costs about 0.05-0.3 s: the count is checked before any page is laid out.
MAX_PAGES = 1000

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


def pdf_to_text(data: bytes, name: str, path: Path) -> str:
    """Extract a PDF's text: one line per text line, a blank line between paragraphs and pages."""
    if b"%PDF-" not in data[:1024]:
        raise SourceError(f"File {name} is not a PDF file (it has no PDF header).", path=path)
    pages = _count_pages(data)
    if pages > MAX_PAGES:
        raise SourceError(
            f"File {name} has more than {MAX_PAGES:,} pages, the limit for one PDF document.",
            path=path,
        )
    texts: list[str] = []
    chars = 0
    layouts = extract_pages(io.BytesIO(data), laparams=_la_params(), maxpages=MAX_PAGES + 1)
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
        if page.pageid > MAX_PAGES:  # a page tree the count could not read
            raise SourceError(
                f"File {name} has more than {MAX_PAGES:,} pages, the limit for one PDF document.",
                path=path,
            )
        page_text = _page_text(page)
        chars += len(page_text) + 3
        if chars > MAX_TEXT_CHARS:
            raise too_much_text(name, path)
        if page_text:
            texts.append(page_text)
    text = "\n\n\f".join(texts)  # a form feed starts each new page, as the splitter expects
    text, unmapped = _CID.subn("", text)
    if unmapped:
        logger.warning("%s: dropped %d glyphs that have no Unicode mapping", name, unmapped)
    return text + "\n" if text.strip() else ""


def _count_pages(data: bytes) -> int:
    """The number of pages (at most MAX_PAGES + 1) from the page tree, without laying any out;
    0 if the file cannot be parsed (extracting then reports why)."""
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        return sum(1 for _ in itertools.islice(PDFPage.create_pages(document), MAX_PAGES + 1))
    except Exception:  # noqa: BLE001 - damaged or encrypted: the extraction says which
        return 0


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
