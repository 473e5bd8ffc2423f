"""The seam between docsearch and an index engine.

Everything above this line (ingest, analysis, query planning, highlighting, search pages, CLI
and web) talks to an index through these two protocols; everything engine-specific lives in a
backend package below it (`indexer.backends.whoosh`, `indexer.backends.solr`). A stored block
is a plain dict of the fields `indexer.index.fields.block_fields` writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from indexer.query.tree import Node

Stored = dict  # a block's stored fields (symbol, lang, label, kind, body, title, ...)


@dataclass(frozen=True)
class Order:
    """How units are listed: by relevance or by date (newest first), grouped by document or
    not; and the date range (YYYY[-MM[-DD]], inclusive) they must lie in."""

    sort: str = "relevance"  # "relevance" | "date"
    group: bool = False
    date_from: str = ""
    date_to: str = ""


RELEVANCE = Order()  # the default: best first, ungrouped, any date
GROUP_SIZE = 3  # units listed per document when results are grouped by document


@dataclass(frozen=True)
class Ranked:
    """One query's matches, ranked one per bilingual unit (symbol, paragraph label)."""

    total: int  # matching paragraph units (headings and titles are not counted)
    units: list[tuple[Stored, float]]  # the best units, best first: shown block and unit score
    sections: list[tuple[Stored, float]] = field(default_factory=list)  # matching headings
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # filter -> value -> units
    more: dict[str, int] = field(default_factory=dict)  # grouped: symbol -> units not listed
    listed: int | None = None  # grouped: entries in the whole list (pages count these)


class IndexReader(Protocol):
    """One index generation, open for searching (safe to share between threads)."""

    def rank(
        self, query: Node, *, limit: int, prefer: str, sections: bool, order: Order = RELEVANCE
    ) -> Ranked:
        """Evaluate `query`: its first `limit` units in `order` (shown in `prefer`'s language
        when that version matched), the number of matching units, facet counts and, with
        `sections`, the best matching headings."""
        ...

    def block(self, key: str) -> Stored | None:
        """The stored block with this key (`indexer.index.keys.block_key`), if any."""
        ...

    def first_blocks(self, doc_keys: list[str]) -> dict[str, Stored]:
        """The first stored block of each document version (`indexer.ingest.keys.document_key`)
        that has one, by document key (in few requests: a server-side index has 10^4 of them)."""
        ...

    def blocks_of(self, symbol: str) -> list[Stored]:
        """Every stored block of a document, all languages, in no particular order."""
        ...

    def has_symbol(self, symbol: str) -> bool: ...

    def vocabulary(self, field: str, containing: str = "") -> dict[str, int]:
        """Every term of an indexed field (`words`, `symbol`, ...) that contains `containing`,
        and the number of blocks holding it; read once per generation (typo suggestions and
        symbol variants use it; in Solr, the TermsComponent)."""
        ...

    def warm_up(self) -> None:
        """Load what a first query would (a server calls this before taking requests)."""
        ...

    def close(self) -> None: ...


class GenerationWriter(Protocol):
    """Writes one new index generation; nothing is visible to readers until it is published."""

    def add(self, blocks: Iterable[Stored]) -> None:
        """Index the blocks of one document version (`indexer.index.fields.block_fields`)."""
        ...

    def delete(self, doc_key: str) -> None:
        """Remove every block of a document version (`indexer.index.keys.document_key`)."""
        ...

    def commit(self) -> None: ...

    def cancel(self) -> None: ...

    def check(self, blocks: int, touched: dict[str, set[str]]) -> None:
        """Raise IndexDamaged unless the committed generation holds `blocks` blocks and, for
        each document key in `touched`, exactly the block keys given."""
        ...
