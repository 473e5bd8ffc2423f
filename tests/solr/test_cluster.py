"""The docsearch configset and client on a real 2-node SolrCloud, checked against the analysis.

Every expected set of matches is computed from the analysed blocks themselves (tests/solr/
reference.py), never written down by hand.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import pytest

from indexer.analysis.scan import CJK_CHARS
from indexer.analysis.terms import phrase_units
from indexer.backends.solr import solr_document
from indexer.query.tree import And, AndNot, Every, Or, Phrase, Term

from .reference import AnalysedBlocks

pytestmark = [pytest.mark.solr, pytest.mark.slow]


@pytest.fixture(scope="module")
def ref(corpus_blocks) -> AnalysedBlocks:
    return AnalysedBlocks(corpus_blocks)


def one_of(field: str, values: list[str]) -> Or:
    return Or(tuple(Term(field, v) for v in values))


def none_of(node) -> AndNot:
    return AndNot(Every(), node)


def keys(solr, collection, query, **kwargs) -> set[str]:
    found = solr.search(collection, query, rows=1000, **kwargs)
    assert not found.partial
    assert found.total == len(found.keys)
    return set(found.keys)


def common_term(ref: AnalysedBlocks, field: str, accept) -> str:
    """The term of `field` found in the most blocks (not all), first in order on ties."""
    df = Counter()
    for fields in ref.positions.values():
        df.update({t for slot in fields[field].values() for t in slot if accept(t)})
    candidates = [(n, t) for t, n in df.items() if 1 < n < len(ref.keys)]
    return min(candidates, key=lambda c: (-c[0], c[1]))[1]


def is_cjk(text: str) -> bool:
    return bool(re.fullmatch(f"[{CJK_CHARS}]+", text))


def alternatives(ref: AnalysedBlocks) -> tuple[str, str, str]:
    """A CJK bigram and two different bigrams that each follow it in different blocks."""
    followers: dict[str, dict[str, set[str]]] = {}
    for key, fields in ref.positions.items():
        slots = fields["chars"]
        for pos, slot in slots.items():
            for a in slot:
                for b in slots.get(pos + 1, ()):
                    if len(a) == len(b) == 2 and is_cjk(a + b):
                        followers.setdefault(a, {}).setdefault(b, set()).add(key)
    for a in sorted(followers):
        found = sorted(followers[a].items())
        for (b1, in1), (b2, in2) in zip(found, found[1:], strict=False):
            if in1 - in2 and in2 - in1:
                return a, b1, b2
    raise AssertionError("no bigram with two different followers in the corpus")


def test_collection_is_two_shards_of_two_replicas_on_two_nodes(
    solr, solr_cluster, blocks_collection, corpus_blocks
):
    replicas = solr.replicas(blocks_collection)
    assert sorted({r.shard for r in replicas}) == ["shard1", "shard2"]
    assert all(r.state == "active" for r in replicas)
    nodes = {r.base_url for r in replicas}
    assert nodes == set(solr_cluster.urls)
    for shard in ("shard1", "shard2"):
        assert {r.base_url for r in replicas if r.shard == shard} == nodes
    assert solr.count(blocks_collection, Every()) == len(corpus_blocks)


def test_term_queries_match_the_analysed_blocks(solr, blocks_collection, ref):
    english = common_term(ref, "en", str.isalpha)
    chinese = common_term(ref, "words", lambda t: len(t) > 1 and is_cjk(t))
    for field, term in (("en", english), ("words", chinese)):
        expected = ref.with_term(field, term)
        assert keys(solr, blocks_collection, Term(field, term)) == expected, (field, term)
    found = solr.search(blocks_collection, Term("words", chinese), fields=["body", "order"])
    assert found.docs and [d["key"] for d in found.docs] == found.keys
    for doc in found.docs:
        assert doc["body"] == ref.value(doc["key"], "body")
        assert doc["order"] == ref.value(doc["key"], "order")


def test_results_are_ranked_by_score(solr, blocks_collection, ref):
    term = common_term(ref, "en", str.isalpha)
    found = solr.search(blocks_collection, Term("en", term), rows=100)
    assert found.total == len(ref.with_term("en", term)) == len(found.scores)
    assert all(a >= b for a, b in zip(found.scores, found.scores[1:], strict=False))
    assert found.scores[0] > 0
    boosted = solr.search(blocks_collection, Term("en", term, boost=2.5), rows=100)
    assert boosted.keys == found.keys
    assert all(
        math.isclose(b, 2.5 * s, rel_tol=1e-5)
        for b, s in zip(boosted.scores, found.scores, strict=True)
    )


def test_cjk_substring_phrase_over_chars(solr, blocks_collection, ref):
    """A run of characters inside a longer jieba word is found as a `chars` phrase."""
    word = common_term(ref, "words", lambda t: len(t) >= 4 and is_cjk(t))
    inner = word[1:-1]
    units = phrase_units(inner)
    phrase = Phrase("chars", units, list(range(len(units))))
    expected = ref.with_phrase("chars", units, range(len(units)))
    assert ref.with_term("words", word) <= expected  # every block holding the word
    assert keys(solr, blocks_collection, phrase) == expected
    # the same bigrams in reverse order are another phrase
    backwards = Phrase("chars", units[::-1], list(range(len(units))))
    assert keys(solr, blocks_collection, backwards) == ref.with_phrase(
        "chars", units[::-1], range(len(units))
    )
    # terms given the same position are alternatives there: A then (B1 or B2)
    first, second, third = alternatives(ref)
    either = ref.with_phrase("chars", [first, second, third], [0, 1, 1])
    assert either == ref.with_phrase("chars", [first, second], [0, 1]) | ref.with_phrase(
        "chars", [first, third], [0, 1]
    )
    assert keys(solr, blocks_collection, Phrase("chars", [first, second, third], [0, 1, 1])) == (
        either
    )
    # and the substring is not a word of its own where jieba kept the longer word
    assert keys(solr, blocks_collection, Term("words", inner)) == ref.with_term("words", inner)


def test_symbol_matches_itself_and_not_its_neighbour(solr, blocks_collection, ref):
    wanted, neighbour = "cdip/17/8", "cdip/16/8"
    with_wanted = ref.with_term("words", wanted)
    with_neighbour = ref.with_term("words", neighbour)
    assert with_wanted and with_neighbour - with_wanted  # the corpus holds both
    assert keys(solr, blocks_collection, Term("words", wanted)) == with_wanted
    assert keys(solr, blocks_collection, Term("chars", wanted)) == ref.with_term("chars", wanted)
    # its parts are terms at the same position
    assert keys(solr, blocks_collection, Term("words", "17")) >= with_wanted
    either = Phrase("words", [wanted, neighbour], [0, 0])
    assert keys(solr, blocks_collection, either) == with_wanted | with_neighbour
    # a phrase from the symbol to the next word: the parts do not shift positions
    slots = ref.positions[min(with_wanted)]["words"]
    at = next(pos for pos, slot in sorted(slots.items()) if wanted in slot)
    following = min(slots[at + 1])
    phrase = Phrase("words", [wanted, following], [0, 1])
    expected = ref.with_phrase("words", [wanted, following], [0, 1])
    assert min(with_wanted) in expected
    assert keys(solr, blocks_collection, phrase) == expected


def test_filters_and_facets(solr, blocks_collection, ref):
    term = common_term(ref, "en", str.isalpha)
    matching = ref.with_term("en", term)
    found = solr.search(
        blocks_collection,
        Term("en", term),
        rows=0,
        facets=["lang", "year", "committee_code"],
    )
    for name in ("lang", "year", "committee_code"):
        expected = Counter(str(ref.value(k, name)) for k in matching)
        assert dict(found.facets[name]) == dict(expected), name
        assert [c for _, c in found.facets[name]] == sorted(expected.values(), reverse=True)
    for lang in ("en", "zh"):
        only = keys(solr, blocks_collection, Term("en", term), filters=[one_of("lang", [lang])])
        assert only == matching & ref.where("lang", [lang])
    both = keys(solr, blocks_collection, Every(), filters=[one_of("lang", ["en", "zh"])])
    assert both == ref.keys


def test_boolean_tree(solr, blocks_collection, ref):
    a = common_term(ref, "en", str.isalpha)
    b = common_term(ref, "words", lambda t: len(t) > 1 and is_cjk(t))
    ta, tb = Term("en", a), Term("words", b)
    sa, sb = ref.with_term("en", a), ref.with_term("words", b)
    assert keys(solr, blocks_collection, Or([ta, tb])) == sa | sb
    assert keys(solr, blocks_collection, And([ta, tb])) == sa & sb
    assert keys(solr, blocks_collection, And([ta, none_of(tb)])) == sa - sb
    assert keys(solr, blocks_collection, none_of(ta)) == ref.keys - sa
    assert keys(solr, blocks_collection, And([none_of(ta), none_of(tb)])) == ref.keys - sa - sb
    assert keys(solr, blocks_collection, Or([ta, none_of(tb)])) == sa | (ref.keys - sb)
    in_zh = And([ta, one_of("lang", ["zh"])])
    assert keys(solr, blocks_collection, in_zh) == sa & ref.where("lang", ["zh"])


def test_terms_are_matched_whole_whatever_their_characters(solr, blocks_collection):
    """Query syntax characters in a term are data, never syntax."""
    for text in ['a"b', "x:y", "(*)", "{!lucene}*:*", "\\", "a b"]:
        found = solr.search(blocks_collection, Term("words", text), rows=5)
        assert found.total == 0, text


@pytest.fixture(scope="module")
def single_shard(solr, configset, corpus_blocks) -> str:
    """The same corpus in one shard (one replica)."""
    solr.create_collection("blocks_single", configset, shards=1, replicas=1)
    solr.add("blocks_single", (solr_document(f) for f in corpus_blocks))
    solr.commit("blocks_single")
    yield "blocks_single"
    solr.delete_collection("blocks_single")


def test_scores_do_not_depend_on_sharding(solr, blocks_collection, single_shard, ref):
    """Document frequencies are summed over shards (ExactStatsCache): same ranking, same scores."""
    for query in (
        Term("en", common_term(ref, "en", str.isalpha)),
        Or([Term("en", "develop"), Term("words", "发展")]),
    ):
        sharded = solr.search(blocks_collection, query, rows=50)
        single = solr.search(single_shard, query, rows=50)
        assert sharded.total == single.total > 0
        assert sharded.keys == single.keys
        pairs = zip(sharded.scores, single.scores, strict=True)
        assert all(math.isclose(a, b, rel_tol=1e-5) for a, b in pairs)


def test_alias_moves_and_documents_are_deleted(solr, blocks_collection, single_shard, ref):
    solr.create_alias("docsearch_live", blocks_collection)
    assert solr.aliases()["docsearch_live"] == blocks_collection
    assert solr.count("docsearch_live", Every()) == len(ref.keys)
    solr.create_alias("docsearch_live", single_shard)
    assert solr.aliases()["docsearch_live"] == single_shard
    assert {r.collection for r in solr.replicas("docsearch_live")} == {single_shard}

    doc = next(iter(sorted({b["doc"] for b in ref.blocks})))
    gone = {b["key"] for b in ref.blocks if b["doc"] == doc}
    solr.delete_docs("docsearch_live", [doc])
    solr.commit("docsearch_live")
    assert keys(solr, single_shard, Every()) == ref.keys - gone
    assert solr.count(blocks_collection, Every()) == len(ref.keys)  # the other is untouched
    solr.delete_alias("docsearch_live")
    assert "docsearch_live" not in solr.aliases()
