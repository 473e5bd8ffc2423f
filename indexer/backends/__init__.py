"""Index engines behind one seam (`indexer.backends.base`), and which one a run uses.

A backend is a module or object with the same few functions: `create(path, parallel)`,
`extend(live, path)`, `optimize(live, path)` (writers of a new generation), `open_reader(path,
cache_bytes)`, `count_blocks(path)` and `SCHEMA_VERSION`. The embedded Whoosh index is the
default; `--engine tantivy` (or $DOCSEARCH_ENGINE=tantivy) keeps the same generations in
tantivy indexes instead. With a SolrCloud URL (`--solr` or $DOCSEARCH_SOLR_URL) the index lives in
a SolrCloud collection, and the local index root keeps only CURRENT and each generation's manifest.
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
    """The backend `settings` name: SolrCloud when a Solr URL is set, else the embedded engine
    (Whoosh, or tantivy)."""
    if settings.solr_url:
        from indexer.backends.solr.store import SolrBackend

        return SolrBackend(settings.solr_urls, settings.collection)
    if settings.engine == "tantivy":
        from indexer.backends.tantivy import store as tantivy_store

        return tantivy_store
    from indexer.backends.whoosh import store

    return store


def engine_of(schema_version: int) -> str:
    """The engine whose documents a schema version describes (each backend numbers its own:
    Whoosh below 100, SolrCloud from 100, tantivy from 200)."""
    if schema_version >= 200:
        return "tantivy"
    return "SolrCloud" if schema_version >= 100 else "whoosh"


def other_engine_problem(built: int, wanted: int) -> str | None:
    """Why an index whose documents are of schema `built` cannot be used by a backend of
    schema `wanted` (one sentence), when they are different engines; else None."""
    found, mine = engine_of(built), engine_of(wanted)
    if found == mine:
        return None
    how = "--solr URL" if found == "SolrCloud" else f"--engine {found}"
    return (
        f"the index was built by the {found} engine, not {mine}: use it with {how}, "
        f"or run `docsearch build` with this engine to rebuild it."
    )


def default_backend() -> Backend:
    """The backend of the environment ($DOCSEARCH_SOLR_URL, else the embedded index)."""
    return backend_for(Settings.load())
