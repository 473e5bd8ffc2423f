"""The identities of the paragraph model, as the index stores them.

- a block (one language version of a paragraph): ``symbol|lang|label``;
- a document version (what an update replaces): ``symbol|lang``;
- a bilingual unit (the zh and en blocks with one label): ``symbol|label``.

Symbols never contain "|" (`indexer.ingest.symbols`), and languages never do, so a key splits
back at its first separators; a label may be anything after them.
"""

from __future__ import annotations

SEPARATOR = "|"


def block_key(symbol: str, lang: str, label: str) -> str:
    return f"{symbol}{SEPARATOR}{lang}{SEPARATOR}{label}"


def document_key(symbol: str, lang: str) -> str:
    return f"{symbol}{SEPARATOR}{lang}"


def unit_key(symbol: str, label: str) -> str:
    return f"{symbol}{SEPARATOR}{label}"


def split_block_key(key: str) -> tuple[str, str, str]:
    """(symbol, lang, label) of a block key."""
    symbol, lang, label = key.split(SEPARATOR, 2)
    return symbol, lang, label


def split_document_key(key: str) -> tuple[str, str]:
    """(symbol, lang) of a document key."""
    symbol, lang = key.split(SEPARATOR, 1)
    return symbol, lang
