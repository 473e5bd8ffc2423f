"""docsearch: paragraph search for WIPO and UN meeting documents, in Chinese and English.

The public API (what the CLI and the web app use)::

    from indexer import build, update, add, remove, SearchIndex

    build(corpus, root)                       # a whole new index generation
    update(corpus, root)                      # only what changed in the corpus folder
    with SearchIndex(root) as index:
        page = index.search("技术促进机制", page=1)   # a SearchPage of Hits

Names are imported on first use, so `import indexer` stays cheap for the writing commands.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__all__ = [
    "BlockView",
    "BuildReport",
    "DocsearchError",
    "DocumentSummary",
    "DocumentView",
    "Hit",
    "SearchIndex",
    "SearchPage",
    "Settings",
    "UpdateReport",
    "add",
    "build",
    "check",
    "highlighter",
    "optimize",
    "remove",
    "update",
    "watch",
]

_WHERE = {
    "BlockView": ("indexer.search.results", "BlockView"),
    "BuildReport": ("indexer.index.build", "BuildReport"),
    "DocsearchError": ("indexer.errors", "DocsearchError"),
    "DocumentSummary": ("indexer.search.results", "DocumentSummary"),
    "DocumentView": ("indexer.search.results", "DocumentView"),
    "Hit": ("indexer.search.results", "Hit"),
    "SearchIndex": ("indexer.search.index", "SearchIndex"),
    "SearchPage": ("indexer.search.results", "SearchPage"),
    "Settings": ("indexer.settings", "Settings"),
    "UpdateReport": ("indexer.index.update", "UpdateReport"),
    "add": ("indexer.index.files", "add_files"),
    "build": ("indexer.index.build", "build"),
    "check": ("indexer.index.check", "check"),
    "highlighter": ("indexer.search.results", "highlighter"),
    "optimize": ("indexer.index.build", "optimize"),
    "remove": ("indexer.index.files", "remove_document"),
    "update": ("indexer.index.update", "update"),
    "watch": ("indexer.index.watch", "watch"),
}

if TYPE_CHECKING:
    from indexer.errors import DocsearchError
    from indexer.index.build import BuildReport, build, optimize
    from indexer.index.check import check
    from indexer.index.files import add_files as add
    from indexer.index.files import remove_document as remove
    from indexer.index.update import UpdateReport, update
    from indexer.index.watch import watch
    from indexer.search.index import SearchIndex
    from indexer.search.results import (
        BlockView,
        DocumentSummary,
        DocumentView,
        Hit,
        SearchPage,
        highlighter,
    )
    from indexer.settings import Settings


def __getattr__(name: str):
    try:
        module, attr = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module 'indexer' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
