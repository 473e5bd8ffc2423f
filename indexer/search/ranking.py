"""One search, start to finish, on an open index reader: parse, expand, plan, rank, relax when
nothing matched exactly, and turn the best units into hits with their counterparts."""

from __future__ import annotations

import re

from indexer.analysis.scan import has_cjk
from indexer.backends.base import GROUP_SIZE, IndexReader, Order, Ranked, Stored
from indexer.errors import SymbolError
from indexer.ingest.keys import block_key
from indexer.ingest.symbols import normalize_symbol
from indexer.query.highlight import Pattern
from indexer.query.options import DATE_FILTERS, SORTS
from indexer.query.parse import ParsedQuery, parse_query
from indexer.query.plan import Expansion, build_query, expand, filter_query, relaxable
from indexer.query.tree import And, Every, Node
from indexer.search.results import Hit, SearchPage

__all__ = ["GROUP_SIZE", "MAX_PAGE", "MAX_PAGE_SIZE", "run_search", "symbol_in"]

MAX_PAGE_SIZE = 100
MAX_PAGE = 1000
OTHER_LANG = {"zh": "en", "en": "zh"}
FULL_WIDTH = re.compile(r"[\u3000-\u303f\uff00-\uffef]")


def run_search(
    reader: IndexReader,
    text: str,
    page: int,
    page_size: int,
    filters: dict[str, list[str]] | None,
    expand_terms: bool,
    prefer: str | None,
    sort: str = "relevance",
    group: bool = False,
) -> SearchPage:
    """The page of results for `text` (took_ms is left to the caller)."""
    parsed = parse_query(text)
    filters = dict(filters or {})
    dates = {name: (filters.pop(name, None) or [""])[0] for name in DATE_FILTERS}
    order = Order(sort if sort in SORTS else "relevance", group, **dates)
    for name, values in filters.items():
        if any(values):
            parsed.filters.setdefault(name, []).extend(v for v in values if v)
    expansions: list[Expansion] = []
    if expand_terms:
        parsed, expansions = expand(parsed)
    page = min(max(1, page), MAX_PAGE)
    page_size = min(max(1, page_size), MAX_PAGE_SIZE)
    prefer = prefer or ("zh" if has_cjk(text) or FULL_WIDTH.search(text) else "en")
    symbol = symbol_in(reader, text.strip())
    q, pats = build_query(parsed)
    if q is None:
        return SearchPage(text, 0, page, page_size, [], 0.0, symbol=symbol)
    ranked = _rank(reader, q, parsed, page * page_size, prefer, page == 1, order)
    relaxed = False
    if not (ranked.total or ranked.sections) and any(map(relaxable, parsed.positives)):
        q, pats = build_query(parsed, relaxed=True)
        ranked = _rank(reader, q, parsed, page * page_size, prefer, page == 1, order)
        relaxed = True
    start = (page - 1) * page_size
    hits = [_unit_hit(reader, s, score, pats) for s, score in ranked.units[start:]]
    sections = [Hit.of(s, score, pats) for s, score in ranked.sections]
    return SearchPage(
        text,
        ranked.total,
        page,
        page_size,
        hits,
        0.0,
        relaxed=relaxed and bool(hits or sections),
        symbol=symbol,
        sections=sections,
        facets=ranked.facets,
        expansions=expansions,
        sort=order.sort,
        group=order.group,
        more=ranked.more,
        listed=ranked.listed,
    )


def _rank(
    reader: IndexReader,
    q: Node,
    parsed: ParsedQuery,
    limit: int,
    prefer: str,
    sections: bool,
    order: Order,
) -> Ranked:
    scope = filter_query(parsed.filters)
    if isinstance(q, Every):
        q = scope or q
    elif scope is not None:
        q = And((q, scope))
    return reader.rank(q, limit=limit, prefer=prefer, sections=sections, order=order)


def _unit_hit(reader: IndexReader, stored: Stored, score: float, pats: list[Pattern]) -> Hit:
    """The hit with its twin in the other language (same symbol and label), if there is one."""
    other = OTHER_LANG.get(stored["lang"], "")
    twin = reader.block(block_key(stored["symbol"], other, stored["label"]))
    counterpart = Hit.of(twin, None, pats) if twin else None
    return Hit.of(stored, score, pats, counterpart)


def symbol_in(reader: IndexReader, text: str) -> str | None:
    """The canonical symbol if `text` names a document in the index."""
    try:
        symbol = normalize_symbol(text)
    except SymbolError:
        return None
    return symbol if reader.has_symbol(symbol) else None
