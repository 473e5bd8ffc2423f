"""Index engines behind one seam (`indexer.backends.base`), and which one a run uses.

A backend is a module or object with the same few functions: `create(path, parallel)`,
`extend(live, path)`, `optimize(live, path)` (writers of a new generation), `open_reader(path,
cache_bytes)`, `count_blocks(path)` and `SCHEMA_VERSION`. The embedded Whoosh index is the
default; with a SolrCloud URL (`--solr` or $DOCSEARCH_SOLR_URL) the index lives in a SolrCloud
collection instead, and the local index root keeps only CURRENT and each generation's manifest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from indexer.backends.base import GenerationWriter, IndexReader
from indexer.settings import Settings


class Backend(Protocol):
    SCHEMA_VERSION: int

    def create(self, path: Path, parallel: bool = False) -> GenerationWriter: ...

    def extend(self, live: Path, path: Path) -> GenerationWriter: ...

    def optimize(self, live: Path, path: Path) -> tuple[GenerationWriter, int]: ...

    def open_reader(self, path: Path, cache_bytes: int = ...) -> IndexReader: ...

    def count_blocks(self, path: Path) -> int: ...


def backend_for(settings: Settings) -> Backend:
    """The backend `settings` name: SolrCloud when a Solr URL is set, else the embedded index."""
    if settings.solr_url:
        from indexer.backends.solr.store import SolrBackend

        return SolrBackend(settings.solr_urls, settings.collection)
    from indexer.backends.whoosh import store

    return store


def default_backend() -> Backend:
    """The backend of the environment ($DOCSEARCH_SOLR_URL, else the embedded index)."""
    return backend_for(Settings.load())
