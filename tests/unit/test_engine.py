"""indexer.backends.whoosh.engine: the same documents and scores as Whoosh's own matchers, deletions included."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from indexer.backends.whoosh.engine import Engine
from indexer.index.store import build, open_generation
from indexer.index.update import update
from indexer.query.parse import parse_query
from indexer.query.plan import build_query, expand
from indexer.settings import bundled_corpus

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
def searcher(tmp_path_factory):
    """A two-generation index: the bundled corpus, then an update that replaces one document."""
    corpus = tmp_path_factory.mktemp("engine-corpus")
    shutil.copytree(bundled_corpus(), corpus, dirs_exist_ok=True)
    root = tmp_path_factory.mktemp("engine-index")
    build(corpus, root)
    changed = corpus / "en" / "cdip_19_6.txt"
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\n99. Technology and development again.\n",
        encoding="utf-8",
    )
    update(corpus, root)
    ix, _, _ = open_generation(root)
    with ix.searcher() as s:
        assert s.reader().has_deletions()  # the replaced document's old blocks
        yield s


def whoosh_query(text: str):
    parsed, _ = expand(parse_query(text))
    q, _ = build_query(parsed)
    return q


@pytest.mark.parametrize("text", QUERIES)
def test_same_documents_and_scores_as_whoosh(searcher, text):
    q = whoosh_query(text)
    expected = {hit.docnum: hit.score for hit in searcher.search(q, limit=None)}

    found = Engine(searcher).evaluate(searcher, q)

    assert dict(zip(found.docs.tolist(), found.scores.tolist(), strict=True)) == pytest.approx(
        expected
    )


def test_phrases_need_adjacent_words(searcher):
    engine = Engine(searcher)
    apart = engine.evaluate(searcher, whoosh_query('"development sustainable"'))
    together = engine.evaluate(searcher, whoosh_query('"sustainable development"'))
    assert len(apart) < len(together)
    assert set(apart.docs.tolist()) == set(
        searcher.docs_for_query(whoosh_query('"development sustainable"'))
    )


def test_cached_posting_lists_give_the_same_answer(searcher):
    engine = Engine(searcher)
    q = whoosh_query('"可持续发展" OR 联合国')
    first = engine.evaluate(searcher, q)
    second = engine.evaluate(searcher, q)
    assert np.array_equal(first.docs, second.docs) and np.allclose(first.scores, second.scores)
    small = Engine(searcher, cache_bytes=0)  # nothing kept: every list read again
    third = small.evaluate(searcher, q)
    assert np.array_equal(first.docs, third.docs) and np.allclose(first.scores, third.scores)


@pytest.mark.parametrize("text", ['"United Nations"', '"可持续发展集团"', "Open Working Group"])
def test_phrases_reuse_decoded_positions(searcher, text):
    """Positions decoded for one phrase stay with the cached lists and serve the next ones."""
    q = whoosh_query(text)
    engine = Engine(searcher)
    expected = {hit.docnum: hit.score for hit in searcher.search(q, limit=None)}
    for _ in range(2):
        found = engine.evaluate(searcher, q)
        assert dict(zip(found.docs.tolist(), found.scores.tolist(), strict=True)) == (
            pytest.approx(expected)
        )
    assert any(p.decoded for p in engine._cache.values())


@pytest.mark.parametrize("fieldname", ["unit", "lang", "committee_code", "year"])
def test_facet_columns_read_in_bulk_match_the_stored_fields(searcher, fieldname):
    from indexer.search.index import _Codes

    column = _Codes(searcher.reader(), fieldname)
    read = [column.values[code] for code in column.codes]
    stored = [fields.get(fieldname, "") for fields in searcher.reader().all_stored_fields()]
    live = [
        n for n in range(searcher.reader().doc_count_all()) if not searcher.reader().is_deleted(n)
    ]
    assert [read[n] for n in live] == stored
