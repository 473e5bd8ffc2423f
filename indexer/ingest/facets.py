"""What a document is, derived from its symbol and front matter: type, session, day, organisation.

Each rule is one small function so that the index, the pages and the CLI agree on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Document types, in the order a list of them is shown.
DOC_TYPES = (
    "report",
    "working-document",
    "decision",
    "resolution",
    "draft",
    "summary",
    "agenda",
    "information",
)
# Parts of a symbol that name its series (A/RES/72/279, WO/GA/49/INF/1, A/C.2/72/L.5).
_SYMBOL_TYPES = {"RES": "resolution", "DEC": "decision", "INF": "information", "PRST": "decision"}
_TITLE_TYPES = [  # (pattern on the lowercased title, type); first match wins
    (re.compile(r"^(draft )?(provisional |revised )?agenda\b|^(临时|订正)?议程"), "agenda"),
    (re.compile(r"\bsummary by the chair\b|主席总结"), "summary"),
    (re.compile(r"^decisions?\b|\bdecisions? (adopted|of)\b|^决定|通过的决定"), "decision"),
    (re.compile(r"^(draft )?report\b|\breport (on|of|by)\b|报告$|^报告"), "report"),
]
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november "
        "december".split()
    )
}
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_ZH_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?")
_EN_MONTH_FIRST = re.compile(
    r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})"
    r"(?:\s*(?:to|-|–|and)\s*(?:[A-Za-z]{3,9}\s+)?\d{1,2})?,?\s+(\d{4})"
)
_EN_DAY_FIRST = re.compile(r"\b(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})")
_YEAR = re.compile(r"\b(19|20)\d{2}\b|(19|20)\d{2}(?=\s*年)")
# First parts of symbols of United Nations bodies (everything else here is WIPO's).
_UN_SERIES = {"A", "E", "S", "ST", "TD", "UNEP", "HRC", "CEDAW", "CRC", "ECOSOC"}


def document_type(symbol: str, titles: Iterable[str] = ()) -> str:
    """The kind of document: from the symbol's series first, then from the title.

    `A/RES/72/279` is a resolution, `…/L.5` a draft; a title starting "Report on" or ending
    in 报告 makes a report; any other numbered committee paper is a working document.
    """
    parts = symbol.upper().replace(" ", "/").split("/")
    for part in parts:
        if part in _SYMBOL_TYPES:
            return _SYMBOL_TYPES[part]
    if any(part == "L" or re.fullmatch(r"L\.\d+", part) for part in parts):
        return "draft"
    for title in titles:
        text = " ".join(title.lower().split())
        for pattern, kind in _TITLE_TYPES:
            if pattern.search(text):
                return kind
    return "working-document"


def session_key(committee_code: str, session: str) -> str:
    """`CDIP` + `19` -> `CDIP/19` (the session filter's value); "" if either is unknown."""
    digits = re.search(r"\d+", session or "")
    if not committee_code or not digits:
        return ""
    return f"{committee_code.upper()}/{int(digits.group())}"


def document_day(date: str, meeting: str = "") -> str:
    """The document's date as `YYYY-MM-DD` (else `YYYY`, else ""): from its date, else from
    the first day of its meeting ("Geneva, May 15 to 19, 2017" -> 2017-05-15)."""
    for text in (date, meeting):
        day = _parse_day(text or "")
        if day:
            return day
    for text in (date, meeting):
        m = _YEAR.search(text or "")
        if m:
            return m.group()[:4]
    return ""


def _parse_day(text: str) -> str:
    m = _ISO.search(text)
    if m:
        return m.group()
    m = _ZH_DATE.search(text)
    if m:
        return _iso(m.group(1), m.group(2), m.group(3))
    m = _EN_DAY_FIRST.search(text)
    if m and m.group(2).lower()[:3] in {k[:3] for k in _MONTHS}:
        return _iso(m.group(3), _month(m.group(2)), m.group(1))
    m = _EN_MONTH_FIRST.search(text)
    if m and m.group(1).lower()[:3] in {k[:3] for k in _MONTHS}:
        return _iso(m.group(3), _month(m.group(1)), m.group(2))
    return ""


def _month(name: str) -> int:
    return next(n for k, n in _MONTHS.items() if k.startswith(name.lower()[:3]))


def _iso(year, month, day) -> str:
    month, day = int(month), int(day)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"{int(year):04d}-{month:02d}-{day:02d}"


def organisation(symbol: str) -> str:
    """`UN` for United Nations series (A/…, E/…), else `WIPO`."""
    return "UN" if symbol.split("/")[0].upper() in _UN_SERIES else "WIPO"


def is_provisional(symbol: str) -> bool:
    """A symbol the corpus marks as not yet confirmed (`WO/PBC/33/PROVISIONAL`)."""
    return "PROVISIONAL" in symbol.upper().split("/")
