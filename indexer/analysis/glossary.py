"""The bilingual glossary (data/glossary.tsv): equivalent English and Chinese terms.

One concept per line: English terms, a tab, Chinese terms; alternatives separated by " | ".
It feeds two things: jieba's user dictionary (so 可持续发展集团 is one word) and query expansion
across languages and synonyms (WIPO -> 产权组织, 世界知识产权组织).
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from importlib import resources

_CJK_WORD = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]{2,}$")


@dataclass(frozen=True)
class Concept:
    """One glossary line: the English and the Chinese ways to say the same thing."""

    english: tuple[str, ...]
    chinese: tuple[str, ...]

    @property
    def terms(self) -> tuple[str, ...]:
        return self.english + self.chinese


def glossary_text() -> str:
    """The raw glossary file shipped with the package ("" if it is missing)."""
    path = resources.files("indexer.analysis") / "data" / "glossary.tsv"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def parse_glossary(text: str) -> list[Concept]:
    """Parse glossary lines; malformed lines raise ValueError naming the line."""
    concepts = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) != 2:
            raise ValueError(
                f"glossary line {number} does not have exactly two tab-separated columns."
            )
        english, chinese = (tuple(t.strip() for t in c.split("|") if t.strip()) for c in columns)
        if not english or not chinese:
            raise ValueError(f"glossary line {number} has an empty column.")
        concepts.append(Concept(english, chinese))
    return concepts


@functools.cache
def load_glossary() -> tuple[Concept, ...]:
    """The shipped glossary, parsed once per process."""
    return tuple(parse_glossary(glossary_text()))


def user_words() -> list[str]:
    """Chinese glossary terms for jieba's user dictionary (pure CJK, two characters or more)."""
    words = {term for c in load_glossary() for term in c.chinese if _CJK_WORD.match(term)}
    return sorted(words)


def fingerprint() -> str:
    """A short hash of what the glossary contributes to segmentation (recorded in the index)."""
    return hashlib.sha256("\n".join(user_words()).encode()).hexdigest()[:16]
