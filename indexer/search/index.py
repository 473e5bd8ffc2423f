"""The search API: ``SearchIndex(root)`` answers queries and shows documents by symbol.

It opens the live index generation once and reopens it when a build or an update switches in a
new one, so a long-running process (the web app) never needs a restart. Recent result pages are
kept in a small cache that a new generation empties.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path

from indexer.backends import Backend, default_backend
from indexer.backends.base import IndexReader
from indexer.errors import IndexOutdated, SymbolError
from indexer.index.generations import current_generation, live_generation
from indexer.index.manifest import Manifest, Summary, read_summary
from indexer.ingest.symbols import normalize_symbol
from indexer.search.ranking import run_search, symbol_in
from indexer.search.results import BlockView, DocumentSummary, DocumentView, SearchPage
from indexer.settings import CACHE_SIZE, DEFAULT_CACHE_MB

log = logging.getLogger(__name__)

KEEP_RETIRED = 2  # readers of replaced generations left open for searches still running


@dataclass(frozen=True)
class _Open:
    """The live generation as this handle has it open."""

    path: Path
    summary: Summary
    reader: IndexReader

    @functools.cached_property
    def manifest(self) -> Manifest:
        """The whole manifest, read when first asked for: searching needs only the summary."""
        return Manifest.load(self.path)


class SearchIndex:
    """Read access to an index root; reopens by itself when a new generation goes live."""

    def __init__(
        self,
        root: Path,
        cache_size: int = CACHE_SIZE,
        cache_mb: int = DEFAULT_CACHE_MB,
        reopen_in_background: bool = False,
        backend: Backend | None = None,
    ) -> None:
        self.root = Path(root)
        self.backend = backend or default_backend()
        # A server opens a new generation in the background (no request waits for it); a
        # script sees what it just built at once.
        self.reopen_in_background = reopen_in_background
        self.cache_size = cache_size  # result pages kept; 0 turns the cache off
        self.cache_mb = cache_mb  # posting lists kept by the engine
        self._lock = threading.Lock()
        self._open: _Open | None = None
        self._retired: list[IndexReader] = []  # readers of replaced generations, closed last
        self._opening: threading.Thread | None = None  # opens the next generation
        self._listing: tuple[_Open, list[DocumentSummary]] | None = None  # documents()
        self._pages: OrderedDict[tuple, SearchPage] = OrderedDict()

    def _live(self) -> _Open:
        """The open live generation, reopened when CURRENT has moved on: at once, or (for a
        server) in the background while searches go on answering from the old one."""
        opened = self._open
        live = current_generation(self.root)
        if opened is not None and opened.path == live:
            return opened
        with self._lock:
            if self._open is None or not self.reopen_in_background:
                if self._open is None or self._open.path != current_generation(self.root):
                    self._install(self._open_live())
                return self._open
            if self._opening is None and self._open.path != live:
                self._opening = threading.Thread(target=self._reopen, daemon=True)
                self._opening.start()
            return self._open

    def _reopen(self) -> None:
        try:
            fresh = self._open_live()
            fresh.reader.warm_up()
            fresh.manifest  # noqa: B018 - read here, not while a request for the list waits
        except Exception:  # noqa: BLE001 - a broken new generation: keep serving the old one
            log.exception("could not open the new index generation")
            fresh = None
        with self._lock:
            if fresh is not None:
                self._install(fresh)
            self._opening = None

    def _install(self, fresh: _Open) -> None:
        """Make `fresh` the generation searches use (call with the lock held)."""
        if self._open is not None:
            self._retired.append(self._open.reader)
            if len(self._retired) > KEEP_RETIRED:  # long out of use by now
                self._retired.pop(0).close()
        self._open = fresh
        self._pages.clear()
        counts = fresh.summary.counts
        log.info(
            "index generation %s is live (%s language files, %s paragraphs)",
            fresh.path.name,
            counts["documents"],
            counts["paragraphs"],
        )

    def _open_live(self) -> _Open:
        path = live_generation(self.root)
        summary = read_summary(path)
        problem = summary.compatibility_problem(self.backend.SCHEMA_VERSION)
        if problem:
            raise IndexOutdated(problem[0].upper() + problem[1:])
        return _Open(path, summary, self.backend.open_reader(path, self.cache_mb * 2**20))

    @property
    def manifest(self) -> Manifest:
        return self._live().manifest

    @property
    def generation(self) -> str:
        return self._live().path.name

    def close(self) -> None:
        """Close every reader this handle opened."""
        opening = self._opening
        if opening is not None:
            opening.join()
        with self._lock:
            readers = [*self._retired, *([self._open.reader] if self._open else [])]
            self._open, self._retired = None, []
        for reader in readers:
            reader.close()

    def warm_up(self) -> None:
        """Load now what a first search or the document list would (a server calls this
        before taking requests)."""
        self._live().reader.warm_up()
        self.documents()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- search
    def search(
        self,
        text: str,
        *,
        page: int = 1,
        page_size: int = 10,
        filters: dict[str, list[str]] | None = None,
        expand_terms: bool = True,
        prefer: str | None = None,
        sort: str = "relevance",
        group: bool = False,
    ) -> SearchPage:
        """Run a user query: one hit per bilingual unit (symbol, paragraph), best language first.

        A unit is shown in `prefer`'s language when that version matched (default: Chinese for
        a query typed with Chinese characters or full-width forms, else English). Raises
        QueryTooLong for an over-long query, nothing else.
        """
        started = time.perf_counter()
        opened = self._live()
        flat = tuple(sorted((k, tuple(v)) for k, v in (filters or {}).items() if any(v)))
        key = (opened.path, text, page, page_size, flat, expand_terms, prefer, sort, group)
        with self._lock:
            cached = self._pages.get(key)
            if cached is not None:
                self._pages.move_to_end(key)
        if cached is None:
            cached = run_search(
                opened.reader, text, page, page_size, filters, expand_terms, prefer, sort, group
            )
            with self._lock:
                if self._open is opened:
                    self._pages[key] = cached
                    while len(self._pages) > self.cache_size:
                        self._pages.popitem(last=False)
        return replace(cached, took_ms=(time.perf_counter() - started) * 1000)

    # -- documents
    def symbol_in_index(self, text: str) -> str | None:
        """The canonical symbol if `text` names a document in the index."""
        return symbol_in(self._live().reader, text)

    def document(self, symbol: str) -> DocumentView | None:
        """Every block of a document, in order, all languages; None if the symbol is unknown."""
        try:
            canonical = normalize_symbol(symbol)
        except SymbolError:
            return None
        stored = self._live().reader.blocks_of(canonical)
        return DocumentView.of(canonical, stored) if stored else None

    def documents(self) -> list[DocumentSummary]:
        """Every document in the index (all its language versions), newest first; built once
        per generation from the manifest and each version's first block."""
        opened = self._live()
        cached = self._listing
        if cached is not None and cached[0] is opened:
            return cached[1]
        versions: dict[str, dict[str, dict]] = {}
        entries = opened.manifest.documents
        first = opened.reader.first_blocks([entry.key for entry in entries])
        for entry in entries:
            stored = first.get(entry.key)
            if stored is not None:
                stored["paragraphs"] = entry.paragraphs
                versions.setdefault(entry.symbol, {})[entry.lang] = stored
        listing = [DocumentSummary.of(symbol, langs) for symbol, langs in versions.items()]
        listing.sort(key=lambda d: d.symbol)
        listing.sort(key=lambda d: d.day, reverse=True)
        self._listing = (opened, listing)
        return listing

    def paragraph(self, symbol: str, label: str) -> list[BlockView]:
        """The block `label` of a document in every language it exists in ([] if none)."""
        doc = self.document(symbol)
        if doc is None:
            return []
        return [b for b in doc.blocks if b.paragraph == label.strip()]

    def stats(self) -> dict:
        """The corpus at a glance: documents, paragraphs, languages, last update."""
        manifest = self.manifest
        docs = manifest.documents
        counts = manifest.counts
        return {
            "documents": len({d.symbol for d in docs}),
            "versions": counts["documents"],
            "paragraphs": counts["paragraphs"],
            "blocks": counts["blocks"],
            "languages": sorted({d.lang for d in docs}),
            "built": manifest.built,
        }
