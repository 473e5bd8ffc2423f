"""Search API: query string -> SearchPage of Hits; documents and paragraphs by symbol.

``SearchIndex(root)`` opens the live index generation once and reopens it when a build or an
update switches in a new one, so a long-running process (the web app) never needs a restart.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

import numpy as np
from whoosh import query as wq

from indexer.analysis.terms import has_cjk, segmenter
from indexer.backends.whoosh.engine import Engine, Matches
from indexer.index.store import current_generation, open_generation
from indexer.ingest.symbols import SymbolError, normalize_symbol
from indexer.query.highlight import Pattern, Segment, fragment, match_spans, segments, to_html
from indexer.query.parse import ParsedQuery, parse_query
from indexer.query.plan import Expansion, build_query, expand, filter_query, patterns, relaxable
from indexer.settings import CACHE_SIZE

log = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
MAX_PAGE = 1000
FACETS = {  # field -> filter name
    "lang": "lang",
    "committee_code": "committee",
    "year": "year",
    "session_key": "session",
    "doctype": "type",
}
SORTS = ("relevance", "date")
GROUP_SIZE = 3  # hits shown per document when results are grouped by document
DATE_FILTERS = ("date_from", "date_to")  # YYYY[-MM[-DD]], inclusive
OTHER_LANG = {"zh": "en", "en": "zh"}
FULL_WIDTH = re.compile(r"[\u3000-\u303f\uff00-\uffef]")


@dataclass(frozen=True)
class Hit:
    """One matching block."""

    symbol: str
    lang: str
    paragraph: str  # the label: "11", "h3", "annex-1", "title"
    kind: str
    title: str
    section: str
    score: float
    text: str
    highlight: str  # escaped HTML, matches in <mark>
    segments: list[Segment] = field(default_factory=list, compare=False)
    date: str = ""
    committee: str = ""
    counterpart: Hit | None = None  # the same paragraph in the other language
    day: str = ""  # YYYY-MM-DD (or YYYY): the date, else the meeting's first day
    doctype: str = ""  # report, working-document, …

    def to_json(self) -> dict:
        skip = ("segments", "counterpart")  # asdict would deep-copy them only to drop them
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}
        data["counterpart"] = self.counterpart.to_json() if self.counterpart else None
        return data


@dataclass(frozen=True)
class SearchPage:
    """One page of results for a query."""

    query: str
    total: int
    page: int
    page_size: int
    hits: list[Hit]
    took_ms: float
    relaxed: bool = False  # no exact match: words of the query found separately
    symbol: str | None = None  # the query names a document that is in the index
    sections: list[Hit] = field(default_factory=list)  # matching headings and titles (page 1)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # lang/committee/year counts
    expansions: list[Expansion] = field(default_factory=list)  # what the glossary added
    sort: str = "relevance"
    group: bool = False
    more: dict[str, int] = field(default_factory=dict)  # grouped: symbol -> hits not shown
    listed: int | None = None  # grouped: entries in the whole list (pages count these)

    @property
    def pages(self) -> int:
        shown = self.total if self.listed is None else self.listed
        return max(1, -(-shown // self.page_size))

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "page_size": self.page_size,
            "took_ms": round(self.took_ms, 1),
            "relaxed": self.relaxed,
            "symbol": self.symbol,
            "hits": [hit.to_json() for hit in self.hits],
            "sections": [hit.to_json() for hit in self.sections],
            "facets": self.facets,
            "expansions": [{"typed": e.typed, "added": list(e.added)} for e in self.expansions],
            "sort": self.sort,
            "group": self.group,
            "more": self.more,
        }


@dataclass(frozen=True)
class BlockView:
    """A block of a document as shown on its page."""

    symbol: str
    lang: str
    paragraph: str
    kind: str
    section: str
    text: str
    order: int

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class DocumentView:
    """A document (all its language versions) as stored in the index."""

    symbol: str
    versions: dict[str, dict]  # lang -> metadata (title, committee, session, date, ...)
    blocks: list[BlockView]

    @property
    def languages(self) -> list[str]:
        return sorted(self.versions)

    def to_json(self) -> dict:
        first = self.versions[self.languages[0]]
        return {
            "symbol": self.symbol,
            "title": first["title"],
            "committee": first["committee"],
            "session": first["session"],
            "date": first["date"],
            "languages": self.languages,
            "versions": self.versions,
            "paragraphs": [b.to_json() for b in self.blocks],
        }


# --- the index handle ----------------------------------------------------------------------


class SearchIndex:
    """Read access to an index root; reopens by itself when a new generation goes live."""

    def __init__(self, root: Path, cache_size: int = CACHE_SIZE) -> None:
        self.root = Path(root)
        self.cache_size = cache_size  # result pages kept; 0 turns the cache off
        self._lock = threading.Lock()
        self._local = threading.local()
        self._ix = None
        self._generation: Path | None = None
        self.manifest: dict = {}
        self._shared: tuple | None = None  # (whoosh index, _SearcherData) of the live generation
        self._cache: OrderedDict[tuple, SearchPage] = OrderedDict()  # recent pages, this generation
        self._searchers: list = []  # every thread's searcher, to close them all

    def _index(self):
        live = current_generation(self.root)
        if self._ix is None or live != self._generation:
            with self._lock:
                if self._ix is None or current_generation(self.root) != self._generation:
                    self._ix, self._generation, self.manifest = open_generation(self.root)
                    counts = self.manifest.get("counts", {})
                    log.info(
                        "index generation %s is live (%s language files, %s paragraphs)",
                        self._generation.name,
                        counts.get("documents", "?"),
                        counts.get("paragraphs", "?"),
                    )
        return self._ix

    def _data(self, searcher) -> _SearcherData:
        """The engine, headings and facet columns of the searcher's generation, for all threads."""
        ix, own = self._local.searcher
        assert own is searcher, "a searcher is used by the thread that opened it"
        cached = self._shared
        if cached is None or cached[0] is not ix:  # a new generation (threads may race: harmless)
            cached = (ix, _SearcherData.load(searcher))
            self._shared = cached
        return cached[1]

    def close(self) -> None:
        """Close every searcher this handle opened (each thread opens its own)."""
        with self._lock:
            searchers, self._searchers = self._searchers, []
            self._shared = None
        for searcher in searchers:
            searcher.close()
        self._local = threading.local()

    def warm_up(self) -> None:
        """Load now what a first search would: jieba's dictionary and the live generation's
        columns and field lengths (a server calls this before taking requests)."""
        segmenter()
        searcher = self.searcher()
        data = self._data(searcher)
        for fieldname in ("words", "chars", "en"):
            data.engine.lengths(searcher, fieldname)
        self.documents()  # the document list the home page and /docs show

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def searcher(self):
        """A per-thread searcher on the live generation (Whoosh searchers are not shared)."""
        ix = self._index()
        cached = getattr(self._local, "searcher", None)
        if cached is None or cached[0] is not ix:
            searcher = ix.searcher()
            with self._lock:
                if cached is not None and cached[1] in self._searchers:
                    self._searchers.remove(cached[1])
                    cached[1].close()
                self._searchers.append(searcher)
            self._local.searcher = (ix, searcher)
        return self._local.searcher[1]

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
        QueryTooLong for an over-long query, nothing else. Recent pages are served from a small
        cache that a new index generation empties.
        """
        started = time.perf_counter()
        searcher = self.searcher()
        flat = tuple(sorted((k, tuple(v)) for k, v in (filters or {}).items() if any(v)))
        key = (self._generation, text, page, page_size, flat, expand_terms, prefer, sort, group)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
        if cached is not None:
            return replace(cached, took_ms=_ms(started))
        order = _Order(sort if sort in SORTS else "relevance", group)
        result = self._search(searcher, text, page, page_size, filters, expand_terms, prefer, order)
        result = replace(result, took_ms=_ms(started), sort=order.sort, group=order.group)
        with self._lock:
            if self._cache and next(iter(self._cache))[0] != self._generation:
                self._cache.clear()
            self._cache[key] = result
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return result

    def _search(
        self, searcher, text, page, page_size, filters, expand_terms, prefer, order=None
    ) -> SearchPage:
        """The uncached search (its caller sets took_ms)."""
        parsed = parse_query(text)
        for name, values in (filters or {}).items():
            if any(values):
                parsed.filters.setdefault(name, []).extend(v for v in values if v)
        expansions: list[Expansion] = []
        if expand_terms:
            parsed, expansions = expand(parsed)
        page = min(max(1, page), MAX_PAGE)
        page_size = min(max(1, page_size), MAX_PAGE_SIZE)
        prefer = prefer or ("zh" if has_cjk(text) or FULL_WIDTH.search(text) else "en")
        q, pats = build_query(parsed)
        results = self._run(searcher, q, parsed, page, page_size, prefer, order)
        relaxed = False
        if (
            results is not None
            and not (results.total or results.sections)
            and any(map(relaxable, parsed.positives))
        ):
            q, pats = build_query(parsed, relaxed=True)
            results = self._run(searcher, q, parsed, page, page_size, prefer, order)
            relaxed = True
        symbol = _symbol_in(searcher, text.strip())
        if results is None:
            return SearchPage(text, 0, page, page_size, [], 0.0, symbol=symbol)
        hits = [self._unit_hit(searcher, stored, score, pats) for stored, score in results.items]
        sections = [_hit(stored, score, pats) for stored, score in results.sections]
        return SearchPage(
            text,
            results.total,
            page,
            page_size,
            hits,
            0.0,
            relaxed=relaxed and bool(hits or sections),
            symbol=symbol,
            sections=sections,
            facets=results.facets,
            expansions=expansions,
            more=results.more,
            listed=results.listed,
        )

    def _run(
        self, searcher, q, parsed: ParsedQuery, page: int, page_size: int, prefer: str, order=None
    ):
        if q is None:
            return None
        scope = filter_query(parsed.filters)
        if isinstance(q, wq.Every):
            q = scope or q
        elif scope is not None:
            q = wq.And([q, scope])
        data = self._data(searcher)
        matches = data.in_dates(data.engine.evaluate(searcher, q), parsed.filters)
        heads = data.heads[matches.docs]
        paragraphs = Matches(matches.docs[~heads], matches.scores[~heads])
        if order is not None and (order.sort != "relevance" or order.group):
            return self._run_ordered(
                searcher, data, matches, heads, paragraphs, page, page_size, prefer, order
            )
        wanted = page * page_size
        limit = wanted * 2
        while True:  # one hit per unit, ranked by its best score, shown in the query's language
            ranked = _top(paragraphs, limit)
            best = _per_unit(searcher, ranked, prefer)
            if len(best) >= wanted or len(ranked) < limit:
                break
            limit *= 2
        total, counts = data.count(paragraphs.docs)
        start = (page - 1) * page_size
        items = list(best.values())[start : start + page_size]
        sections = []
        if page == 1:
            top_heads = _top(Matches(matches.docs[heads], matches.scores[heads]), 10)
            sections = list(_per_unit(searcher, top_heads, prefer).values())[:5]
        return _Results(total, items, sections, counts)

    def _run_ordered(
        self, searcher, data, matches, heads, paragraphs, page, page_size, prefer, order
    ) -> _Results:
        """Results sorted by date and/or grouped by document, ordered over every matching unit
        with the columns (stored fields are read for the page's hits only)."""
        listing, more = data.order_units(paragraphs, prefer, order)
        total, counts = data.count(paragraphs.docs)
        start = (page - 1) * page_size
        items = [
            (searcher.stored_fields(int(doc)), float(score))
            for doc, score in listing[start : start + page_size]
        ]
        sections = []
        if page == 1:
            top_heads = _top(Matches(matches.docs[heads], matches.scores[heads]), 10)
            sections = list(_per_unit(searcher, top_heads, prefer).values())[:5]
        return _Results(total, items, sections, counts, more, len(listing) if order.group else None)

    def _unit_hit(self, searcher, stored: dict, score: float | None, pats: list[Pattern]) -> Hit:
        """The hit with its twin in the other language (same symbol and label), if there is one."""
        other = OTHER_LANG.get(stored["lang"])
        key = wq.Term("key", f"{stored['symbol']}|{other}|{stored['label']}")
        twin = self._data(searcher).engine.evaluate(searcher, key).docs
        counterpart = _hit(searcher.stored_fields(int(twin[0])), None, pats) if len(twin) else None
        return _hit(stored, score, pats, counterpart)

    # -- documents
    def symbol_in_index(self, text: str) -> str | None:
        """The canonical symbol if `text` names a document in the index."""
        return _symbol_in(self.searcher(), text)

    def document(self, symbol: str) -> DocumentView | None:
        """Every block of a document, in order, all languages; None if the symbol is unknown."""
        try:
            canonical = normalize_symbol(symbol)
        except SymbolError:
            return None
        stored = list(self.searcher().documents(symbol=canonical))
        if not stored:
            return None
        stored.sort(key=lambda s: (s["lang"], s["order"]))
        versions = {}
        for s in stored:
            versions.setdefault(
                s["lang"],
                {
                    k: s.get(k, "")
                    for k in (
                        "title",
                        "committee",
                        "session",
                        "date",
                        "meeting",
                        "original_language",
                        "source",
                        "day",
                        "doctype",
                    )
                },
            )
        blocks = [
            BlockView(
                s["symbol"],
                s["lang"],
                s["label"],
                s["kind"],
                s.get("section", ""),
                s["body"],
                s["order"],
            )
            for s in stored
        ]
        return DocumentView(canonical, versions, blocks)

    def documents(self) -> list[DocumentSummary]:
        """Every document in the index (all its language versions), newest first.

        Read once per index generation: one stored block per language version, and the
        paragraph counts from the manifest.
        """
        self._index()
        generation = self._generation
        cached = getattr(self, "_listing", None)
        if cached is not None and cached[0] == generation:
            return cached[1]
        searcher = self.searcher()
        versions: dict[str, dict[str, dict]] = {}
        for entry in self.manifest.get("documents", []):
            number = searcher.document_number(doc=f"{entry['symbol']}|{entry['lang']}")
            if number is None:
                continue
            stored = dict(searcher.stored_fields(number))
            stored["paragraphs"] = entry.get("paragraphs", 0)
            versions.setdefault(entry["symbol"], {})[entry["lang"]] = stored
        listing = [DocumentSummary.of(symbol, langs) for symbol, langs in versions.items()]
        listing.sort(key=lambda d: d.symbol)
        listing.sort(key=lambda d: d.day, reverse=True)
        self._listing = (generation, listing)
        return listing

    def paragraph(self, symbol: str, label: str) -> list[BlockView]:
        """The block `label` of a document in every language it exists in ([] if none)."""
        doc = self.document(symbol)
        if doc is None:
            return []
        return [b for b in doc.blocks if b.paragraph == label.strip()]

    def stats(self) -> dict:
        """The corpus at a glance: documents, paragraphs, languages, last update."""
        self._index()
        counts = self.manifest.get("counts", {})
        docs = self.manifest.get("documents", [])
        return {
            "documents": len({d["symbol"] for d in docs}),
            "versions": counts.get("documents", 0),
            "paragraphs": counts.get("paragraphs", 0),
            "blocks": counts.get("blocks", 0),
            "languages": sorted({d["lang"] for d in docs}),
            "built": self.manifest.get("built", ""),
        }


@dataclass(frozen=True)
class DocumentSummary:
    """A document as a listing shows it: both titles, date, languages, paragraph count."""

    symbol: str
    titles: dict[str, str]  # lang -> title as the document states it
    committees: dict[str, str]  # lang -> committee name
    committee: str  # the code: CDIP
    session: str  # the session key: CDIP/19
    date: str  # the date as stated ("" if none)
    day: str  # YYYY-MM-DD (or YYYY) from the date, else from the meeting's first day
    year: str
    doctype: str
    languages: list[str]
    paragraphs: int  # numbered paragraphs of the version with most

    @classmethod
    def of(cls, symbol: str, versions: dict[str, dict]) -> DocumentSummary:
        first = versions[sorted(versions)[0]]
        return cls(
            symbol=symbol,
            titles={lang: v.get("title", "") for lang, v in sorted(versions.items())},
            committees={lang: v.get("committee", "") for lang, v in sorted(versions.items())},
            committee=first.get("committee_code", ""),
            session=first.get("session_key", ""),
            date=next((v["date"] for v in versions.values() if v.get("date")), ""),
            day=max((v.get("day", "") for v in versions.values()), default=""),
            year=first.get("year", ""),
            doctype=first.get("doctype", ""),
            languages=sorted(versions),
            paragraphs=max(v.get("paragraphs", 0) for v in versions.values()),
        )

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class _Order:
    sort: str = "relevance"
    group: bool = False


class _Codes:
    """A column's value for every document, as small integer codes (read once per generation)."""

    def __init__(self, reader, fieldname: str) -> None:
        raw = np.concatenate([_column(segment, fieldname) for segment, _ in reader.leaf_readers()])
        values, codes = np.unique(raw, return_inverse=True)
        self.codes = codes.astype(np.int32)
        self.values = [v.decode("utf-8") for v in values.tolist()]


def _column(segment, fieldname: str) -> np.ndarray:
    """A segment's values of an ID column as a fixed-width bytes array, read in one piece.

    Whoosh's own column iterator reads value by value: seconds for 10^5 documents.
    """
    column = segment.column_reader(fieldname, translate=False)
    lengths = getattr(column, "_lengths", None)
    if lengths is None:  # no column file in this segment: every value is the default
        return np.array(list(column), dtype=bytes)
    lengths = np.asarray(lengths, dtype=np.int64)
    data = np.frombuffer(column._dbfile.get(column._basepos, int(lengths.sum())), np.uint8)
    width = max(1, int(lengths.max(initial=0)))
    spread = np.arange(width)
    inside = spread < lengths[:, None]  # each value's bytes, padded with NULs to one width
    table = np.zeros((len(lengths), width), dtype=np.uint8)
    table[inside] = data[((np.cumsum(lengths) - lengths)[:, None] + spread)[inside]]
    return table.view(f"S{width}").ravel()


@dataclass(frozen=True)
class _SearcherData:
    """What every query on one index generation reuses: the engine, headings, facet columns."""

    engine: Engine
    heads: np.ndarray  # True for heading and title blocks
    columns: dict[str, _Codes]

    @classmethod
    def load(cls, searcher) -> _SearcherData:
        engine = Engine(searcher)
        kinds = wq.Or([wq.Term("kind", "heading"), wq.Term("kind", "title")])
        heads = np.zeros(engine.doc_count, dtype=bool)
        heads[engine.evaluate(searcher, kinds).docs] = True
        reader = searcher.reader()
        columns = {name: _Codes(reader, name) for name in (*FACETS, "unit", "symbol", "day")}
        return cls(engine, heads, columns)

    def in_dates(self, matches: Matches, filters: dict[str, list[str]]) -> Matches:
        """Only the matches whose document date lies in filters' date_from..date_to."""
        low = next(iter(filters.get("date_from", [])), "")
        high = next(iter(filters.get("date_to", [])), "")
        if not (low or high):
            return matches
        column = self.columns["day"]
        values = np.array(column.values, dtype=object)
        inside = values != ""
        if low:
            inside &= values >= low
        if high:  # "2017" takes in every 2017-… date
            inside &= values <= high + "\uffff"
        keep = inside[column.codes[matches.docs]]
        return Matches(matches.docs[keep], matches.scores[keep])

    def order_units(
        self, paragraphs: Matches, prefer: str, order: _Order
    ) -> tuple[list[tuple[int, float]], dict[str, int]]:
        """Every matching unit once, as (docnum shown, unit's best score), in `order`; grouped,
        at most GROUP_SIZE per document, with how many more each document has."""
        docs, scores = paragraphs.docs, paragraphs.scores
        if not len(docs):
            return [], {}
        units = self.columns["unit"].codes[docs]
        langs = self.columns["lang"]
        other = langs.codes[docs] != (langs.values.index(prefer) if prefer in langs.values else -1)
        by_unit = np.lexsort((docs, -scores, other, units))  # preferred language first
        sorted_units = units[by_unit]
        starts = np.flatnonzero(np.r_[True, sorted_units[1:] != sorted_units[:-1]])
        shown = docs[by_unit][starts]
        best = np.maximum.reduceat(scores[by_unit], starts)
        if order.sort == "date":
            days = self.columns["day"].codes[shown]  # codes follow the sorted values
            ranked = np.lexsort((shown, -best, -days))
        else:
            ranked = np.lexsort((shown, -best))
        shown, best = shown[ranked], best[ranked]
        more: dict[str, int] = {}
        if order.group:
            symbols = self.columns["symbol"].codes[shown]
            _, first_at, inverse = np.unique(symbols, return_index=True, return_inverse=True)
            grouped = np.argsort(first_at[inverse], kind="stable")
            shown, best, symbols = shown[grouped], best[grouped], symbols[grouped]
            starts = np.flatnonzero(np.r_[True, symbols[1:] != symbols[:-1]])
            sizes = np.diff(np.r_[starts, len(symbols)])
            rank = np.arange(len(symbols)) - np.repeat(starts, sizes)
            keep = rank < GROUP_SIZE
            values = self.columns["symbol"].values
            more = {
                values[symbols[s]]: int(n - GROUP_SIZE)
                for s, n in zip(starts.tolist(), sizes.tolist(), strict=True)
                if n > GROUP_SIZE
            }
            shown, best = shown[keep], best[keep]
        return list(zip(shown.tolist(), best.tolist(), strict=True)), more

    def count(self, docs: np.ndarray) -> tuple[int, dict[str, dict[str, int]]]:
        """Matching units, and matching blocks per language, committee and year."""
        units = self.columns["unit"]
        seen = np.zeros(len(units.values), dtype=bool)
        seen[units.codes[docs]] = True
        total = int(seen.sum())
        counts = {}
        for name, label in FACETS.items():
            column = self.columns[name]
            found = np.bincount(column.codes[docs], minlength=len(column.values))
            pairs = ((column.values[c], int(found[c])) for c in np.flatnonzero(found))
            counts[label] = dict(sorted(pairs, key=lambda kv: (-kv[1], kv[0])))
        return total, counts


def _top(matches: Matches, limit: int) -> list[tuple[int, float]]:
    """The best `limit` (docnum, score), best first; lower docnums first among equal scores."""
    docs, scores = matches.docs, matches.scores
    if len(docs) > limit:
        keep = np.argpartition(-scores, limit - 1)[:limit]
        threshold = scores[keep].min()
        keep = np.flatnonzero(scores >= threshold)  # ties at the threshold: lowest docnums win
        docs, scores = docs[keep], scores[keep]
    order = np.lexsort((docs, -scores))[:limit]
    return list(zip(docs[order].tolist(), scores[order].tolist(), strict=True))


def _symbol_in(searcher, text: str) -> str | None:
    try:
        symbol = normalize_symbol(text)
    except SymbolError:
        return None
    return symbol if searcher.document_number(symbol=symbol) is not None else None


def _per_unit(
    searcher, ranked: list[tuple[int, float]], prefer: str
) -> dict[str, tuple[dict, float | None]]:
    """One (stored fields, score) per unit, in score order; `prefer`'s version when it matched."""
    best: dict[str, tuple[dict, float | None]] = {}
    for docnum, score in ranked:
        stored = searcher.stored_fields(docnum)
        unit = stored["unit"]
        if unit not in best:
            best[unit] = (stored, score)
        elif stored["lang"] == prefer:
            best[unit] = (stored, best[unit][1])
    return best


@dataclass(frozen=True)
class _Results:
    total: int
    items: list[tuple[dict, float | None]]
    sections: list[tuple[dict, float | None]]
    facets: dict[str, dict[str, int]]
    more: dict[str, int] = field(default_factory=dict)
    listed: int | None = None


def _hit(
    stored: dict, score: float | None, pats: list[Pattern], counterpart: Hit | None = None
) -> Hit:
    text = stored["body"]
    segs = fragment(text, match_spans(text, pats))
    return Hit(
        symbol=stored["symbol"],
        lang=stored["lang"],
        paragraph=stored["label"],
        kind=stored["kind"],
        title=stored["title"],
        section=stored.get("section", ""),
        score=round(float(score or 0.0), 4),
        text=text,
        highlight=to_html(segs),
        segments=segs,
        date=stored.get("date", ""),
        committee=stored.get("committee", ""),
        counterpart=counterpart,
        day=stored.get("day", ""),
        doctype=stored.get("doctype", ""),
    )


def highlighter(query: str, expand_terms: bool = True) -> Callable[[str], list[Segment]]:
    """A function marking the query's matches in whole texts (the query is parsed once)."""
    try:
        parsed = parse_query(query)
    except ValueError:
        parsed = ParsedQuery()
    if expand_terms:
        parsed, _ = expand(parsed)
    pats = [p for c in parsed.positives for p in patterns(c)]
    return lambda text: segments(text, match_spans(text, pats))


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
