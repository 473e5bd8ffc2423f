"""The identities of the paragraph model, as the index stores them.

- a block (one language version of a paragraph): ``symbol|lang|label``;
- a document version (what an update replaces): ``symbol|lang``;
- a bilingual unit (the zh and en blocks with one label): ``symbol|label``.

Symbols and languages never contain "|" (`indexer.ingest.symbols`), so a key is unambiguous
whatever its label holds.
"""

from __future__ import annotations

SEPARATOR = "|"
LANGUAGES = ("zh", "en")  # the languages a document comes in


def block_key(symbol: str, lang: str, label: str) -> str:
    return f"{symbol}{SEPARATOR}{lang}{SEPARATOR}{label}"


def document_key(symbol: str, lang: str) -> str:
    return f"{symbol}{SEPARATOR}{lang}"


def unit_key(symbol: str, label: str) -> str:
    return f"{symbol}{SEPARATOR}{label}"
