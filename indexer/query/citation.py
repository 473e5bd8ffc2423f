"""Citations typed as queries: a document symbol and a paragraph (or a range of them).

`CDIP/19/6 para 11`, `CDIP/19/6, para. 3`, `paragraph 4`, `paras 2-3`, `¶5`, `¶ 5`, `第11段`,
`第 11 段`, `para 11 of CDIP/19/6`, in any case and width.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_PARAGRAPHS = 20  # a cited range longer than this is read as its first paragraphs

_NUMBER = r"(\d{1,4})(?:\s*(?:-|–|—|~|to|至|到|and|&|、)\s*(\d{1,4}))?"
_MARK = r"(?:paragraphs?|paras?|pars?|¶¶?|§)\.?"
_AFTER = re.compile(
    rf"^(?P<symbol>.+?)\s*[,，;]?\s*(?:{_MARK}\s*{_NUMBER}|第\s*{_NUMBER}\s*段)\s*$", re.I
)
_BEFORE = re.compile(
    rf"^(?:{_MARK}\s*{_NUMBER}|第\s*{_NUMBER}\s*段)\s*(?:of|in|,)?\s*(?P<symbol>.+?)$", re.I
)
_LEAD = re.compile(r"^(?:见|参见|参看|详见)?(?:文件)?")


@dataclass(frozen=True)
class CitedText:
    """What a typed citation names, before it is checked against the index."""

    symbol: str  # as typed
    labels: tuple[str, ...]  # paragraph labels, in order


def parse_citation(text: str) -> CitedText | None:
    """The symbol and paragraph labels a typed citation names, or None if it is not one."""
    folded = " ".join(unicodedata.normalize("NFKC", text).split())
    for pattern in (_AFTER, _BEFORE):
        m = pattern.match(folded)
        if m is None:
            continue
        found = [g for g in m.groups() if g is not None]
        numbers = [int(g) for g in found if g.isdigit()]
        first, last = numbers[0], numbers[1] if len(numbers) > 1 else numbers[0]
        if last < first:
            first, last = last, first
        symbol = _LEAD.sub("", m.group("symbol")).strip(" ,，;")
        if not symbol or first < 1:
            return None
        labels = tuple(str(n) for n in range(first, min(last, first + MAX_PARAGRAPHS - 1) + 1))
        return CitedText(symbol, labels)
    return None
