"""Titles as people write them: an ALL CAPS English title shown in title case.

The index keeps the title exactly as the document states it; this is for display and citation.
"""

from __future__ import annotations

import functools
import re

from indexer.analysis.glossary import load_glossary

# Words English titles keep in lower case unless they come first.
_SMALL = set("a an and as at but by for from in into nor of on or per the to via vs with".split())
# Glossary acronyms that are also English words: in a title in capitals they are the words.
_WORDS_IN_CAPITALS = {"ABC", "ACE", "GREEN", "FIT", "CAN", "MAY", "US", "IT", "AS", "AT", "ON"}
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")


@functools.cache
def _acronyms() -> frozenset[str]:
    """Upper-case glossary terms (WIPO, SDG, UNSDG…): they stay in capitals."""
    found = {"UN", "WIPO", "SDG", "IP", "PCT", "LDC"}
    for concept in load_glossary():
        for term in concept.terms:
            for word in term.split():
                if word.isascii() and word.isalnum() and word.isupper() and len(word) >= 2:
                    found.add(word)
    return frozenset(found - _WORDS_IN_CAPITALS)


def display_title(title: str) -> str:
    """`REPORT ON WIPO'S CONTRIBUTION TO THE …` -> `Report on WIPO's Contribution to the …`.

    Only a title with no lower-case letter is changed; acronyms known from the glossary stay in
    capitals; Chinese titles are returned as they are.
    """
    if not any(c.isupper() for c in title) or any(c.islower() for c in title):
        return title
    acronyms = _acronyms()
    first = True

    def word(m: re.Match) -> str:
        nonlocal first
        text = m.group()
        start = m.start()
        after_apostrophe = start > 0 and title[start - 1] in "'’" and text in ("S", "T")
        if after_apostrophe:
            return text.lower()
        if text.endswith("S") and text[:-1] in acronyms and len(text) > 2:
            result = text[:-1] + "s"  # SDGS -> SDGs
        elif text in acronyms:
            result = text
        elif not first and text.lower() in _SMALL:
            result = text.lower()
        else:
            result = text.capitalize()
        # A word right after a colon or a dash starts a new phrase.
        first = False
        return result

    out, last = [], 0
    for m in _WORD.finditer(title):
        gap = title[last : m.start()]
        if re.search(r"[:—–]\s*$", gap):
            first = True
        out.append(gap)
        out.append(word(m))
        last = m.end()
    out.append(title[last:])
    return "".join(out)
