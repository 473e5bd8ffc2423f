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
breaks in DOCX), which the paragraph splitter reads as a page break; `indexer.ingest.pdf_text` and
`indexer.ingest.docx_text` do that, imported only when such a file comes (they are slow to import).
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import SourceError
from indexer.ingest.limits import MAX_BYTES, MAX_TEXT_CHARS, MAX_TEXT_LINES, too_much_text

__all__ = [
    "MAX_BYTES",
    "MAX_TEXT_CHARS",
    "MAX_TEXT_LINES",
    "SUPPORTED_SUFFIXES",
    "SourceError",
    "SourceText",
    "read_source",
]

logger = logging.getLogger(__name__)

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
    elif suffix == ".pdf":  # pdfminer and python-docx load only when such a file comes
        from indexer.ingest.pdf_text import pdf_to_text

        text, encoding = pdf_to_text(data, name, path), "pdf"
    else:
        from indexer.ingest.docx_text import docx_to_text

        text, encoding = docx_to_text(data, name, path), "docx"

    text = _normalise_newlines(text)
    if len(text) > MAX_TEXT_CHARS:
        raise too_much_text(name, path)
    lines = text.count("\n") + 1
    if lines > MAX_TEXT_LINES:
        raise SourceError(
            f"File {name} has {lines:,} lines of text, more than the limit of "
            f"{MAX_TEXT_LINES:,} lines for one document.",
            path=path,
        )
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
    import charset_normalizer  # the last resort: most files decode before it is needed

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
