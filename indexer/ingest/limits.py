"""How much work one corpus file may cost, and the one-sentence error past it."""

from __future__ import annotations

from pathlib import Path

from indexer.errors import SourceError

MAX_BYTES: int = 20 * 1024 * 1024
# The work one file may cost, whatever its type: a .docx or .pdf holds far more text than its
# size on disk, and splitting and indexing grow with the characters and lines of text. A size
# budget rather than a time one, so that a file is accepted or refused the same way on any
# machine and under any load. 5 million characters is about 1,500 dense pages, more than the
# 1,000 pages a PDF may have (indexer.ingest.pdf_text.MAX_PAGES).
MAX_TEXT_CHARS: int = 5_000_000
MAX_TEXT_LINES: int = 200_000


def too_much_text(name: str, path: Path) -> SourceError:
    """The error for a file whose text exceeds MAX_TEXT_CHARS (also raised mid-extraction)."""
    return SourceError(
        f"File {name} holds more than {MAX_TEXT_CHARS:,} characters of text, the limit for "
        "one document.",
        path=path,
    )
