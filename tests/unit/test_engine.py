"""The numpy engine finds the same documents with the same scores as Whoosh's own matchers."""

from __future__ import annotations

import re

import numpy as np
import pytest
from whoosh import query as wq

from indexer import build, update
from indexer.backends.whoosh.engine import Engine
from indexer.backends.whoosh.store import storage
from indexer.index.generations import current_generation
from indexer.query import tree as qt
from indexer.query.parse import parse_query
from indexer.query.plan import build_query, expand

QUERIES = [
    "技术促进机制",
    "发展",
    "联合国 可持续发展",
    '"可持续发展集团"',
    '"2015 年 6 月"',
    "CDIP/17/8",
    "ＩＡＴＴ",
    "秘書處",
    "Open Working Group",
    '"United Nations"',
    "development -sustainable",
    "SDG OR 指标",
    "lang:en technology",
    "year:2017",
    "机制 -技术",
    "IATT 的成员",
    "量子引力波",
]


@pytest.fixture(scope="module")
def searcher(updated_index):
    """A two-generation index: the bundled corpus, then an update that replaces one document."""
    _, root = updated_index
    ix = storage(current_generation(root)).open_index()
    with ix.searcher() as s:
        assert s.reader().has_deletions()  # the replaced document's old blocks
        yield s


def to_whoosh(node: qt.Node) -> wq.Query:
    """The same query in Whoosh's own query classes (the reference)."""
    match node:
        case qt.Term():
            return wq.Term(node.field, node.text, boost=node.boost)
        case qt.Phrase():
            assert list(node.positions) == list(range(len(node.terms))), "Whoosh: no gaps"
            return wq.Phrase(node.field, list(node.terms), boost=node.boost)
        case qt.And():
            return wq.And([to_whoosh(c) for c in node.children])
        case qt.Or():
            return wq.Or([to_whoosh(c) for c in node.children])
        case qt.AndMaybe():
            return wq.AndMaybe(to_whoosh(node.required), to_whoosh(node.optional))
        case qt.AndNot():
            return wq.AndNot(to_whoosh(node.positive), to_whoosh(node.negative))
        case qt.Every():
            return wq.Every()
    return wq.NullQuery


def planned(text: str, expand_terms: bool = False) -> qt.Node:
    """The query tree, without glossary expansion by default: expanded English terms hold
    phrases with stop-word gaps, which Whoosh's Phrase cannot express."""
    parsed = parse_query(text)
    if expand_terms:
        parsed, _ = expand(parsed)
    q, _ = build_query(parsed)
    return q


@pytest.mark.parametrize("text", QUERIES)
def test_same_documents_and_scores_as_whoosh(searcher, text):
    q = planned(text)
    expected = {hit.docnum: hit.score for hit in searcher.search(to_whoosh(q), limit=None)}

    found = Engine(searcher).evaluate(searcher, q)

    assert dict(zip(found.docs.tolist(), found.scores.tolist(), strict=True)) == pytest.approx(
        expected
    )


def test_phrases_need_adjacent_words(searcher):
    engine = Engine(searcher)
    apart = engine.evaluate(searcher, planned('"development sustainable"'))
    together = engine.evaluate(searcher, planned('"sustainable development"'))
    assert len(apart) < len(together)
    assert set(apart.docs.tolist()) == set(
        searcher.docs_for_query(to_whoosh(planned('"development sustainable"')))
    )


def test_cached_posting_lists_give_the_same_answer(searcher):
    engine = Engine(searcher)
    q = planned('"可持续发展" OR 联合国')
    first = engine.evaluate(searcher, q)
    second = engine.evaluate(searcher, q)
    assert np.array_equal(first.docs, second.docs) and np.allclose(first.scores, second.scores)
    small = Engine(searcher, cache_bytes=0)  # nothing kept: every list read again
    third = small.evaluate(searcher, q)
    assert np.array_equal(first.docs, third.docs) and np.allclose(first.scores, third.scores)


@pytest.mark.parametrize("text", ['"United Nations"', '"可持续发展集团"', '"Open Working Group"'])
def test_phrases_reuse_decoded_positions(searcher, text):
    """Positions decoded for one phrase stay with the cached lists and serve the next ones."""
    q = planned(text)
    engine = Engine(searcher)
    expected = {hit.docnum: hit.score for hit in searcher.search(to_whoosh(q), limit=None)}
    for _ in range(2):
        found = engine.evaluate(searcher, q)
        assert dict(zip(found.docs.tolist(), found.scores.tolist(), strict=True)) == (
            pytest.approx(expected)
        )
    assert any(p.decoded for p in engine._cache.values())


def _bodies(searcher, node: qt.Node) -> list[str]:
    docs = Engine(searcher).evaluate(searcher, node).docs.tolist()
    return [" ".join(searcher.stored_fields(d)["body"].lower().split()) for d in docs]


def test_stop_words_keep_their_place_in_english_phrases(searcher):
    """Words that stood apart around a stop word are not a phrase; a stop word inside a quoted
    phrase needs some word at its place."""
    adjacent = _bodies(searcher, planned('"nations sustainable"'))
    assert adjacent and all(re.search(r"nation\w* sustainab", t) for t in adjacent)
    gapped = planned('"Member States of the United Nations"')
    assert any(
        isinstance(c, qt.Phrase) and c.positions[-1] > len(c.terms) - 1 for c in gapped.children
    )
    texts = _bodies(searcher, gapped)
    assert texts and all(re.search(r"member states \w+ \w+ united nations", t) for t in texts)


@pytest.fixture(scope="module")
def big_searcher(tmp_path_factory):
    """A generated corpus whose common terms' posting lists span many blocks, updated once so
    that there are deletions and a second segment."""
    from bench import corpus as synth

    corpus = tmp_path_factory.mktemp("engine-big-corpus")
    synth.generate(3000, corpus, seed=11)
    root = tmp_path_factory.mktemp("engine-big-index")
    build(corpus, root)
    victim = sorted((corpus / "zh").iterdir())[0]
    victim.write_text(victim.read_text(encoding="utf-8") + "\n99. 发展合作。\n", encoding="utf-8")
    update(corpus, root)
    ix = storage(current_generation(root)).open_index()
    with ix.searcher() as s:
        yield s
    ix.close()


@pytest.mark.slow
def test_many_blocks_and_cache_evictions_give_whoosh_answers(big_searcher):
    from bench.queries import QUERIES as BENCH_QUERIES

    engine = Engine(big_searcher)
    common = engine.postings(big_searcher, "chars", "发展")
    assert len(common.blocks) >= 5  # the multi-block read is exercised
    tiny = Engine(big_searcher, cache_bytes=64 * 1024)  # lists evicted as queries go on
    for _ in range(2):
        for query in BENCH_QUERIES:
            q = planned(query.text)
            expected = {
                hit.docnum: hit.score for hit in big_searcher.search(to_whoosh(q), limit=None)
            }
            for eng in (engine, tiny):
                found = eng.evaluate(big_searcher, q)
                got = dict(zip(found.docs.tolist(), found.scores.tolist(), strict=True))
                assert got == pytest.approx(expected), query.text
    assert tiny._cached <= tiny.cache_bytes
    assert len(tiny._cache) < len(engine._cache)  # it did evict


def test_at_least_ranks_by_coverage_then_score(searcher):
    """AtLeast(children, m): the documents matching m children or more; each matched child adds
    COVERAGE, so a document matching more children always ranks above one matching fewer."""
    engine = Engine(searcher)
    children = tuple(planned(w) for w in ("technology", "facilitation", "mechanism", "Bangkok"))
    parts = [engine.evaluate(searcher, c) for c in children]
    for minimum in (1, 2, 3):
        found = engine.evaluate(searcher, qt.AtLeast(children, minimum))
        expected: dict[int, tuple[int, float]] = {}
        for part in parts:
            for doc, score in zip(part.docs.tolist(), part.scores.tolist(), strict=True):
                count, total = expected.get(doc, (0, 0.0))
                expected[doc] = (count + 1, total + score)
        wanted = {
            d: count * qt.COVERAGE + total
            for d, (count, total) in expected.items()
            if count >= minimum
        }
        assert dict(zip(found.docs.tolist(), found.scores.tolist(), strict=True)) == (
            pytest.approx(wanted)
        )
    assert len(engine.evaluate(searcher, qt.AtLeast(children, 5))) == 0
