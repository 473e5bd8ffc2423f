"""Parity: the tantivy backend finds exactly what the Whoosh index finds.

One corpus (the bundled documents plus the relevance distractors) is built with both engines;
for every query of the relevance set and of the integration tests (the SolrCloud parity test's
list), in relevance order, by date and grouped by document, both return the same number of
units, the same facets, sections and expansions, and the same set of hits -- every hit of every
page, with its text, highlight and counterpart. Only scores (tantivy's BM25 is Lucene's
variant of the formula) and so the order of hits may differ, and which headings make the cut.
"""

from __future__ import annotations

from collections import Counter

import pytest
import tantivy

from bench.relevance.judgments import load_queries
from indexer.backends.tantivy import store as tantivy_store
from indexer.backends.tantivy.query import at_least, to_tantivy
from indexer.backends.tantivy.reader import MAX_SECTIONS
from indexer.backends.whoosh import store as whoosh_store
from indexer.index.build import build
from indexer.index.generations import live_generation
from indexer.query.tree import COVERAGE, Term
from indexer.search.index import SearchIndex
from tests.relevance.test_relevance import assert_floors, relevance_table
from tests.solr.backend import INTEGRATION_QUERIES, all_hits, canonical, parity_corpus
from tests.solr.test_backend_parity import SOLR_FLOORS

FILTERED = [
    ("development", {"lang": ["zh"]}),
    ("发展", {"symbol": ["CDIP/19/6"]}),
    ("WIPO", {"committee": ["CDIP"]}),
    ("SDG", {"year": ["2017"]}),
    ("development", {"date_from": ["2017-06"]}),
    ("发展", {"date_to": ["2018"]}),
    ("SDG", {"date_from": ["2017"], "date_to": ["2019-12-31"]}),
]
ORDERS = [{"sort": "date"}, {"group": True}, {"sort": "date", "group": True}]


def _queries() -> list[str]:
    judged = [q.text for q in load_queries()]
    return list(dict.fromkeys(judged + INTEGRATION_QUERIES))


@pytest.fixture(scope="module")
def roots(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("parity")
    corpus = parity_corpus(workdir)
    embedded, other = workdir / "whoosh", workdir / "tantivy"
    build(corpus, embedded, backend=whoosh_store)
    build(corpus, other, backend=tantivy_store)
    return embedded, other


@pytest.fixture(scope="module")
def indexes(roots):
    with (
        SearchIndex(roots[0], backend=whoosh_store) as whoosh_index,
        SearchIndex(roots[1], backend=tantivy_store) as tantivy_index,
    ):
        yield whoosh_index, tantivy_index


def _same(indexes, query: str, **options) -> None:
    whoosh_index, tantivy_index = indexes
    embedded, embedded_hits = all_hits(whoosh_index, query, **options)
    found, found_hits = all_hits(tantivy_index, query, **options)
    assert found["total"] == embedded["total"], query
    assert len(found_hits) == len(embedded_hits), query
    if options.get("group"):  # which GROUP_SIZE units of a document are listed: by score
        assert Counter(h["symbol"] for h in found_hits) == Counter(
            h["symbol"] for h in embedded_hits
        ), query
    else:
        assert canonical(found_hits) == canonical(embedded_hits), query
    assert len(found["sections"]) == len(embedded["sections"]), query
    if len(embedded["sections"]) < MAX_SECTIONS:
        assert canonical(found["sections"]) == canonical(embedded["sections"]), query
    for key in ("query", "pages", "relaxed", "symbol", "facets", "expansions", "more"):
        assert found.get(key) == embedded.get(key), (query, key)


@pytest.mark.parametrize("query", INTEGRATION_QUERIES)
def test_same_units_on_both_engines(indexes, query):
    _same(indexes, query)


@pytest.mark.slow
@pytest.mark.parametrize("query", [q for q in _queries() if q not in INTEGRATION_QUERIES])
def test_same_units_for_the_relevance_set(indexes, query):
    _same(indexes, query)


@pytest.mark.parametrize(("query", "filters"), FILTERED)
def test_same_units_with_filters(indexes, query, filters):
    _same(indexes, query, filters=filters)


@pytest.mark.parametrize("options", ORDERS, ids=lambda o: "-".join(map(str, o.items())))
@pytest.mark.parametrize("query", ["发展", "WIPO", "SDG OR 可持续发展", "lang:en"])
def test_same_listing_by_date_and_by_document(indexes, query, options):
    _same(indexes, query, **options)


def test_parity_corpus_is_not_trivial(indexes):
    """The comparison means something: many queries match, some match many units."""
    whoosh_index, _ = indexes
    totals = [whoosh_index.search(q, page_size=1).total for q in _queries()]
    assert sum(1 for t in totals if t) > 150
    assert max(totals) > 100  # several pages of hits compared


# tantivy's BM25 is Lucene's: the same two MRR exceptions as on SolrCloud, measured here too
# (word MRR 0.967, folding 0.962: one query in two spellings ranks the best paragraph second).
TANTIVY_FLOORS = SOLR_FLOORS


@pytest.mark.parametrize("cls", sorted(TANTIVY_FLOORS))
def test_relevance_floors_hold_on_tantivy(indexes, cls):
    """The relevance set's per-class floors (tests/relevance) hold with tantivy's ranking,
    but for the MRR of two classes (as on SolrCloud)."""
    assert_floors(relevance_table(indexes[1])[cls], cls, TANTIVY_FLOORS[cls])


def test_at_least_matches_blocks_with_enough_of_its_parts(roots):
    """AtLeast: the minimum counts matched parts, and each matched part adds COVERAGE, so
    more parts always rank higher."""
    index = tantivy.Index.open(str(live_generation(roots[1])))
    searcher, schema = index.searcher(), index.schema
    parts = [Term("en", stem) for stem in ("develop", "technolog", "countri")]

    def scores(query) -> dict[tuple[int, int], float]:
        hits = searcher.search(query, 10_000).hits
        return {(a.segment_ord, a.doc): s for s, a in hits}

    matched = Counter(doc for part in parts for doc in scores(to_tantivy(part, schema)))
    for minimum in (1, 2, 3):
        got = scores(at_least(parts, minimum, schema))
        assert got and set(got) == {d for d, n in matched.items() if n >= minimum}
        for doc, score in got.items():
            assert matched[doc] * COVERAGE < score < (matched[doc] + 1) * COVERAGE
