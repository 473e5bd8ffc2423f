"""One SolrCloud collection open for searching: the same answers as the embedded reader.

A rank is a few JSON requests (Solr's BM25 ranks, Python never scores):

1. the best blocks that are not headings or titles, collapsed to one per bilingual unit
   (`{!collapse field=unit}`, the unit's best-scored block): their count is the number of
   matching units, exactly, because a build routes every block by its unit (`router.field`), so a
   unit's blocks share a shard;
2. facet counts in units: per language a block is a unit (one block per unit and language), per
   committee and year the number of distinct units (`unique(unit)`, exact per shard, and shards
   hold disjoint units);
3. for shown units whose best block is in the other language, the block in `prefer`'s language
   if it matched too (shown with the unit's score, as the embedded reader does);
4. with `sections`, the best matching headings, one per unit.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from indexer.backends.base import GROUP_SIZE, RELEVANCE, Order, Ranked, Stored
from indexer.backends.shared import (
    KnownBlocks,
    Vocabularies,
    in_preferred_language,
    one_per_unit,
)
from indexer.backends.solr.client import SolrClient, SolrError
from indexer.backends.solr.dsl import to_solr
from indexer.errors import StoreError
from indexer.ingest.keys import document_key
from indexer.query.tree import Node, Term

FACETS = {  # field -> filter
    "lang": "lang",
    "committee_code": "committee",
    "year": "year",
    "session_key": "session",
    "doctype": "type",
}
POOL_THREADS = 8  # facet and heading requests of concurrent ranks
KNOWN_BLOCKS = 20_000  # twin blocks kept per open collection
MAX_SECTIONS = 5  # matching headings shown above the results (as the embedded reader)
STORED = (
    "key doc unit symbol lang label kind order number section body title committee "
    "committee_code session date year meeting original_language source sha256 doctype "
    "session_key day"
).split()
_HEADS = {"bool": {"should": [{"term": {"f": "kind", "query": k}} for k in ("heading", "title")]}}
_NOT_HEADS = {"bool": {"filter": [{"lucene": {"query": "*:*"}}], "must_not": [_HEADS]}}
_SEPARATOR = "\x1f"  # between the values of a terms filter: no key holds it
_RANKED = "score desc,doc asc,order asc"  # equal scores: document by document, in order
_PAGE = 5000  # rows per request when reading every block of a document


class SolrUnavailable(StoreError):
    """The SolrCloud cluster could not be reached or refused a request."""


class SolrReader:
    """Search access to one collection (each thread talks through its own client)."""

    def __init__(self, urls: list[str], collection: str, timeout: float = 30.0) -> None:
        self.urls = list(urls)
        self.collection = collection
        self.timeout = timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._clients: list[SolrClient] = []
        # Blocks fetched ahead: the other-language twins of ranked units, which the search asks
        # for one by one (`block`) right after ranking. key -> block, or None if there is none.
        self._known = KnownBlocks(KNOWN_BLOCKS)
        self._executor: ThreadPoolExecutor | None = None  # requests sent alongside a rank
        self._vocabularies = Vocabularies(self._terms_of)

    def _client(self) -> SolrClient:
        client = getattr(self._local, "client", None)
        if client is None:
            client = SolrClient(self.urls, timeout=self.timeout)
            with self._lock:
                self._clients.append(client)
            self._local.client = client
        return client

    def select(self, body: dict) -> dict:
        """One JSON Request API search on this collection: Solr's whole answer."""
        try:
            return self._client().select(self.collection, body)
        except SolrError as err:
            raise SolrUnavailable(
                f"the SolrCloud at {', '.join(self.urls)} did not answer a search "
                f"({short_reason(err)}); try again, or check that its nodes are running."
            ) from err

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(POOL_THREADS, thread_name_prefix="solr")
            return self._executor

    def close(self) -> None:
        with self._lock:
            clients, self._clients = self._clients, []
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)
        for client in clients:
            client.close()

    def warm_up(self) -> None:
        self.select({"query": "*:*", "limit": 0})

    # -- ranking
    def rank(
        self, query: Node, *, limit: int, prefer: str, sections: bool, order: Order = RELEVANCE
    ) -> Ranked:
        q = to_solr(query)
        scope = [_NOT_HEADS, *_in_dates(order)]
        # Facets and headings do not depend on the ranking: asked for meanwhile.
        pool = self._pool()
        facets_later = pool.submit(self._facets, q, scope)
        heads_later = pool.submit(self._sections, q, prefer, scope[1:]) if sections else None
        more, listed = {}, None
        if order.group:
            best, total, more, listed = self._grouped(q, scope, limit, order)
        else:
            best, total = self._units(q, scope, limit, order)
        best = self._preferred(q, best, prefer)
        facets = facets_later.result()
        heads = heads_later.result() if heads_later else []
        self._known.read_twins([s for s, _ in best + heads], self._blocks_by_key)
        return Ranked(total, best, heads, facets, more, listed)

    def _units(
        self, q: dict, scope: list, limit: int, order: Order, fields: list[str] = STORED
    ) -> tuple[list[tuple[Stored, float]], int]:
        """The first `limit` units in `order` (each its best-scored block), and how many."""
        found = self.select(
            {
                "query": q,
                "filter": [*scope, "{!collapse field=unit}"],
                "limit": limit,
                "fields": ",".join([*fields, "score"]),
                "sort": ("day desc," + _RANKED) if order.sort == "date" else _RANKED,
            }
        )["response"]
        best = [(_stored(d), float(d["score"])) for d in found["docs"]]
        return best, int(found["numFound"])

    def _grouped(self, q: dict, scope: list, limit: int, order: Order):
        """Every matching unit in `order`, at most GROUP_SIZE per document (in the order of each
        document's first unit), with how many more each document has."""
        _, total = self._units(q, scope, 0, order)
        listing, _ = self._units(q, scope, total, order, ["key", "symbol"])
        kept: list[tuple[Stored, float]] = []
        shown: dict[str, list[tuple[Stored, float]]] = {}
        for stored, score in listing:
            shown.setdefault(stored["symbol"], []).append((stored, score))
        for units in shown.values():
            kept.extend(units[:GROUP_SIZE])
        more = {s: len(u) - GROUP_SIZE for s, u in shown.items() if len(u) > GROUP_SIZE}
        page = kept[:limit]
        blocks = {b["key"]: b for b in self._blocks_by_key([s["key"] for s, _ in page])}
        return [(blocks[s["key"]], score) for s, score in page], total, more, len(kept)

    def _blocks_by_key(self, keys: list[str]) -> list[Stored]:
        if not keys:
            return []
        found = self.select(
            {"query": _terms("key", keys), "limit": len(keys), "fields": ",".join(STORED)}
        )
        return [_stored(d) for d in found["response"]["docs"]]

    def _preferred(
        self, q: dict, best: list[tuple[Stored, float]], prefer: str
    ) -> list[tuple[Stored, float]]:
        """Each unit shown in `prefer`'s language where that block matched too."""

        def matching(keys: list[str]) -> list[Stored]:
            body = {"query": q, "filter": [_terms("key", keys)], "limit": len(keys)}
            found = self.select({**body, "fields": ",".join(STORED)})
            return [_stored(d) for d in found["response"]["docs"]]

        return in_preferred_language(best, prefer, matching)

    def _facets(self, q: dict, scope: list) -> dict[str, dict[str, int]]:
        facet = {
            name: {"type": "terms", "field": name, "limit": -1, "mincount": 1} for name in FACETS
        }
        for name in FACETS:
            if name != "lang":  # a unit has one block per language: count it once per value
                facet[name]["facet"] = {"units": "unique(unit)"}
                facet[name]["sort"] = "units desc"
        found = self.select({"query": q, "filter": scope, "limit": 0, "facet": facet})
        counts = {}
        for name, label in FACETS.items():
            buckets = found.get("facets", {}).get(name, {}).get("buckets", [])
            values = ((str(b["val"]), int(b.get("units", b["count"]))) for b in buckets)
            counts[label] = dict(sorted(values, key=lambda kv: (-kv[1], kv[0])))
        return counts

    def _sections(self, q: dict, prefer: str, dates: list) -> list[tuple[Stored, float]]:
        found = self.select(
            {
                "query": q,
                "filter": [_HEADS, *dates],
                "limit": 2 * MAX_SECTIONS,
                "fields": ",".join([*STORED, "score"]),
                "sort": _RANKED,
            }
        )
        scored = ((_stored(d), float(d["score"])) for d in found["response"]["docs"])
        return one_per_unit(scored, prefer)[:MAX_SECTIONS]

    # -- stored blocks
    def block(self, key: str) -> Stored | None:
        known, block = self._known.lookup(key)
        if known:
            return block
        docs = self._blocks(Term("key", key), 1)
        return docs[0] if docs else None

    def first_blocks(self, doc_keys: list[str]) -> dict[str, Stored]:
        found = {}
        for start in range(0, len(doc_keys), _PAGE):
            batch = doc_keys[start : start + _PAGE]
            page = self.select(
                {
                    "query": _terms("doc", batch),
                    "filter": ["order:0"],  # a version's blocks are numbered from 0
                    "limit": len(batch),
                    "fields": ",".join(STORED),
                }
            )
            for doc in page["response"]["docs"]:
                stored = _stored(doc)
                found[document_key(stored["symbol"], stored["lang"])] = stored
        return found

    def vocabulary(self, field: str, containing: str = "") -> dict[str, int]:
        return self._vocabularies.get(field, containing)

    def _terms_of(self, field: str) -> dict[str, int]:
        try:
            return self._client().terms(self.collection, field)
        except SolrError as err:
            raise SolrUnavailable(
                f"the SolrCloud at {', '.join(self.urls)} did not list the terms of "
                f"{field} ({short_reason(err)})."
            ) from err

    def blocks_of(self, symbol: str) -> list[Stored]:
        return self._blocks(Term("symbol", symbol))

    def has_symbol(self, symbol: str) -> bool:
        found = self.select({"query": to_solr(Term("symbol", symbol)), "limit": 0})
        return int(found["response"]["numFound"]) > 0

    def count(self) -> int:
        return int(self.select({"query": "*:*", "limit": 0})["response"]["numFound"])

    def _blocks(self, query: Term, limit: int | None = None) -> list[Stored]:
        """Every block `query` matches (or the first `limit`), in key order."""
        found: list[Stored] = []
        while True:
            rows = _PAGE if limit is None else limit
            page = self.select(
                {
                    "query": to_solr(query),
                    "limit": rows,
                    "offset": len(found),
                    "fields": ",".join(STORED),
                    "sort": "key asc",
                }
            )["response"]
            found += [_stored(d) for d in page["docs"]]
            if limit is not None or len(found) >= int(page["numFound"]) or not page["docs"]:
                return found


def short_reason(err: SolrError) -> str:
    """What went wrong, without the per-node details of an unreachable cluster."""
    text = str(err).rstrip(".")
    return text.split(": ", 1)[0] if err.status is None else text


def _stored(doc: dict) -> Stored:
    """A block's stored fields as the embedded index returns them (no score, no internals)."""
    return {k: v for k, v in doc.items() if k in STORED}


def _in_dates(order: Order) -> list[dict]:
    """The filter for the order's date range on `day` (none without one)."""
    if not (order.date_from or order.date_to):
        return []
    low = _quoted(order.date_from) if order.date_from else "*"
    high = _quoted(order.date_to + "\uffff") if order.date_to else "*"
    return [{"lucene": {"query": f"day:[{low} TO {high}]"}}]


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _terms(field: str, values) -> dict:
    """Blocks whose `field` holds one of `values` (any number of them: no clause limit)."""
    return {"terms": {"f": field, "separator": _SEPARATOR, "query": _SEPARATOR.join(values)}}
