"""One search, start to finish, on an open index reader: parse, resolve symbols, expand, plan,
rank strictly, then with a shrinking minimum of matched words when too few units hold every
word, and turn the best units into hits with their counterparts.

A citation (`CDIP/19/6 para 11`) puts the cited paragraphs first; a bare document symbol puts
the document's title first (the page shows it as a document card); a query of unknown Latin
words gets a suggestion from the index's vocabulary, and its results when the typed query has
none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.analysis.scan import has_cjk
from indexer.backends.base import GROUP_SIZE, IndexReader, Order, Ranked, Stored
from indexer.ingest.keys import block_key, unit_key
from indexer.ingest.symbols import symbol_variant
from indexer.query.citation import parse_citation
from indexer.query.highlight import Pattern
from indexer.query.options import DATE_FILTERS, SORTS
from indexer.query.parse import ParsedQuery, parse_query
from indexer.query.partial import PartialPlan, matched_words, plan_partial
from indexer.query.plan import Expansion, build_query, expand, filter_query
from indexer.query.suggest import suggest
from indexer.query.symbols import document_symbol, resolve_symbols
from indexer.query.tree import And, Every, Node
from indexer.search.results import (
    Citation,
    DocumentCard,
    DocumentView,
    Hit,
    Relaxation,
    SearchPage,
)

__all__ = ["GROUP_SIZE", "MAX_PAGE", "MAX_PAGE_SIZE", "run_search", "symbol_in"]

MAX_PAGE_SIZE = 100
MAX_PAGE = 1000
OTHER_LANG = {"zh": "en", "en": "zh"}
FULL_WIDTH = re.compile(r"[\u3000-\u303f\uff00-\uffef]")
ENOUGH = 10  # fewer units than this holding every word: rank partial matches too


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
    filters = dict(filters or {})
    order = _order(filters, sort, group)
    page = min(max(1, page), MAX_PAGE)
    page_size = min(max(1, page_size), MAX_PAGE_SIZE)
    prefer = prefer or ("zh" if has_cjk(text) or FULL_WIDTH.search(text) else "en")
    citation = find_citation(reader, text)
    symbol = citation.symbol if citation else symbol_in(reader, text.strip())
    searched = citation.symbol if citation else text
    ask = _Ask(page, page_size, filters, expand_terms, prefer, order)
    found = _search(reader, searched, ask)
    suggestion = None
    weak = found.total == 0 or (found.relaxed is not None and found.relaxed.dropped)
    cited = citation is not None or parse_citation(text) is not None
    if not cited and symbol is None and weak:  # some typed word matched nothing
        suggestion = _suggestion(reader, text)
        if suggestion and found.total == 0 and not found.sections:
            fixed = _search(reader, suggestion, ask)
            if fixed.total or fixed.sections:
                found = fixed
    pinned = _pinned_hits(reader, page, citation, symbol, prefer)
    new, rest = _without_repeats(pinned, found.hits)
    show_card = page == 1 and symbol is not None
    card = DocumentCard.of(DocumentView.of(symbol, reader.blocks_of(symbol))) if show_card else None
    return SearchPage(
        text,
        found.total + len(new),
        page,
        page_size,
        (pinned + rest)[:page_size] if pinned else found.hits,
        0.0,
        relaxed=found.relaxed,
        symbol=symbol,
        sections=found.sections,
        facets=found.facets,
        expansions=found.expansions,
        citation=citation,
        document=card,
        suggestion=suggestion,
        suggestion_applied=found.query != text and found.query == suggestion,
        dropped=parse_query(text).dropped,
        sort=order.sort,
        group=order.group,
        more=found.more,
        listed=found.listed,
    )


def _order(filters: dict[str, list[str]], sort: str, group: bool) -> Order:
    """The listing order, taking the date range out of `filters`."""
    dates = {name: (filters.pop(name, None) or [""])[0] for name in DATE_FILTERS}
    return Order(sort if sort in SORTS else "relevance", group, **dates)


@dataclass(frozen=True)
class _Ask:
    """How a search is asked for, whatever its text: page, filters, language, order."""

    page: int
    page_size: int
    filters: dict[str, list[str]]
    expand_terms: bool
    prefer: str
    order: Order


def _search(reader: IndexReader, text: str, ask: _Ask) -> SearchPage:
    page, page_size, filters = ask.page, ask.page_size, ask.filters
    expand_terms, prefer, order = ask.expand_terms, ask.prefer, ask.order
    parsed = parse_query(text)
    for name, values in (filters or {}).items():
        if any(values):
            parsed.filters.setdefault(name, []).extend(v for v in values if v)
    parsed = resolve_symbols(parsed, lambda: reader.vocabulary("words", containing="/"))
    expansions: list[Expansion] = []
    if expand_terms:
        parsed, expansions = expand(parsed)
    q, pats = build_query(parsed)
    if q is None:
        return SearchPage(text, 0, page, page_size, [], 0.0)
    wanted = page * page_size
    ranked = _rank(reader, q, parsed, wanted, prefer, page == 1, order)
    plan = plan_partial(parsed, split_single=ranked.total == 0, glossary=expand_terms)
    relaxation = None
    if ranked.total < ENOUGH and (len(plan.words) > 1 or plan.ignored):
        ranked, relaxation = _partial(
            reader, plan, parsed, ranked, wanted, prefer, page == 1, order
        )
        pats = _distinct(pats + [p for w in plan.words for p in w.patterns])
    if relaxation is None and plan.ignored and ranked.total:
        relaxation = Relaxation(0, 0, [], list(plan.ignored))
    start = (page - 1) * page_size
    partial = plan if relaxation is not None and relaxation.words else None
    hits = [_unit_hit(reader, s, score, pats, partial) for s, score in ranked.units[start:wanted]]
    sections = [Hit.of(s, score, pats) for s, score in ranked.sections]
    if relaxation is not None and relaxation.minimum < relaxation.words and hits:
        relaxation.dropped = [w.text for w in plan.words if w.text not in hits[0].matched]
    return SearchPage(
        text,
        ranked.total,
        page,
        page_size,
        hits,
        0.0,
        relaxed=relaxation if (hits or sections) and relaxation else None,
        sections=sections,
        facets=ranked.facets,
        expansions=expansions,
        more=ranked.more,
        listed=ranked.listed,
    )


def _partial(
    reader: IndexReader,
    plan: PartialPlan,
    parsed: ParsedQuery,
    strict: Ranked,
    wanted: int,
    prefer: str,
    sections: bool,
    order: Order,
) -> tuple[Ranked, Relaxation | None]:
    """Strict matches first, then blocks matching a shrinking minimum of the words: the
    largest minimum that finds ENOUGH units (counted without the rank-only parts), else the
    smallest; ranked once at that minimum."""
    best, minimum = strict, len(plan.words)
    chosen = None
    minimums = plan.minimums()
    for minimum in minimums:
        q = plan.query(minimum, ranked=False)
        if q is None:
            break
        if minimum == minimums[-1] or _count(reader, q, parsed, order) >= ENOUGH:
            chosen = plan.query(minimum)
            break
    if chosen is not None:
        limit = wanted + len(strict.units)
        best = _rank(reader, chosen, parsed, limit, prefer, sections, order)
    if best is strict or best.total <= strict.total:
        return strict, None
    first = {unit_key(s["symbol"], s["label"]) for s, _ in strict.units}
    units = strict.units + [
        (s, score) for s, score in best.units if unit_key(s["symbol"], s["label"]) not in first
    ]
    heads = strict.sections or best.sections
    merged = Ranked(best.total, units[:wanted], heads, best.facets, best.more, best.listed)
    terms = [w.text for w in plan.words]
    return merged, Relaxation(minimum, len(plan.words), [], list(plan.ignored), terms)


def _distinct(pats: list[Pattern]) -> list[Pattern]:
    """The patterns without repeats (each costs a pass over every shown text)."""
    seen: dict[tuple, Pattern] = {}
    for field, units in pats:
        seen.setdefault((field, tuple(units)), (field, units))
    return list(seen.values())


def _count(reader: IndexReader, q: Node, parsed: ParsedQuery, order: Order) -> int:
    """How many units `q` matches (within the query's filters and dates)."""
    return _rank(reader, q, parsed, 1, "en", False, order).total


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


def _unit_hit(
    reader: IndexReader,
    stored: Stored,
    score: float,
    pats: list[Pattern],
    plan: PartialPlan | None = None,
) -> Hit:
    """The hit with its twin in the other language (same symbol and label), if there is one."""
    other = OTHER_LANG.get(stored["lang"], "")
    twin = reader.block(block_key(stored["symbol"], other, stored["label"]))
    counterpart = Hit.of(twin, None, pats) if twin else None
    matched: list[str] = []
    if plan is not None and len(plan.words) > 1:
        matched = matched_words(plan, [stored["body"], twin["body"] if twin else ""])
    return Hit.of(stored, score, pats, counterpart, matched)


def _without_repeats(pinned: list[Hit], hits: list[Hit]) -> tuple[list[Hit], list[Hit]]:
    """The pinned hits the results do not hold, and the results without the pinned units."""
    shown = {unit_key(h.symbol, h.paragraph) for h in hits}
    pinned_keys = {unit_key(h.symbol, h.paragraph) for h in pinned}
    new = [h for h in pinned if unit_key(h.symbol, h.paragraph) not in shown]
    return new, [h for h in hits if unit_key(h.symbol, h.paragraph) not in pinned_keys]


def _pinned_hits(
    reader: IndexReader, page: int, citation: Citation | None, symbol: str | None, prefer: str
) -> list[Hit]:
    """What goes first on page 1: the cited paragraphs, or the named document's title."""
    if page != 1 or symbol is None:
        return []
    labels = citation.labels if citation is not None else ("title",)
    return [h for label in labels if (h := _pinned(reader, symbol, label, prefer))]


def _pinned(reader: IndexReader, symbol: str, label: str, prefer: str) -> Hit | None:
    """A block of a document named by the query, in `prefer`'s language where it exists."""
    for lang in (prefer, OTHER_LANG.get(prefer, "")):
        stored = reader.block(block_key(symbol, lang, label))
        if stored is not None:
            return _unit_hit(reader, stored, 0.0, [])
    return None


def _suggestion(reader: IndexReader, text: str) -> str | None:
    parsed = resolve_symbols(parse_query(text), lambda: reader.vocabulary("words", containing="/"))
    return suggest(text, parsed, reader.vocabulary("words"), reader.vocabulary("en"))


def find_citation(reader: IndexReader, text: str) -> Citation | None:
    """The paragraphs a typed citation names, if that document is indexed and has them."""
    cited = parse_citation(text)
    if cited is None:
        return None
    symbol = document_symbol(cited.symbol, reader.vocabulary("symbol"))
    if symbol is None:
        return None
    labels = [
        label
        for label in cited.labels
        if any(reader.block(block_key(symbol, lang, label)) for lang in OTHER_LANG)
    ]
    return Citation(symbol, tuple(labels)) if labels else None


def symbol_in(reader: IndexReader, text: str) -> str | None:
    """The canonical symbol if `text` names a document in the index (however typed)."""
    canonical = symbol_variant(text)
    if canonical is None:
        return None
    if reader.has_symbol(canonical):
        return canonical
    return document_symbol(canonical, reader.vocabulary("symbol"))
