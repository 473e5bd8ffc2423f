"""The neutral query tree as Solr's JSON Query DSL, backend selection and the Solr settings.

Matching is checked against a real cluster in tests/solr; these pin the translation rules.
"""

from __future__ import annotations

import json

import pytest

from indexer.backends import backend_for
from indexer.backends.solr.dsl import at_least, to_solr
from indexer.errors import SettingError
from indexer.query import tree as qt
from indexer.settings import Settings


def test_a_term_on_an_analysed_field_is_scored_and_boosted():
    assert to_solr(qt.Term("words", "发展")) == {"term": {"f": "words", "query": "发展"}}
    assert to_solr(qt.Term("en", "develop", boost=2.0)) == {
        "boost": {"query": {"term": {"f": "en", "query": "develop"}}, "b": "2.0"}
    }


def test_a_term_on_a_stored_id_field_only_filters():
    # The embedded index does not score ID fields: a filter clause scores 0 in Solr too.
    assert to_solr(qt.Term("lang", "zh")) == {
        "bool": {"filter": [{"term": {"f": "lang", "query": "zh"}}]}
    }


def test_a_phrase_keeps_its_positions_as_preanalysed_json():
    node = qt.Phrase("chars", ("商标", "国际"), (0, 2), boost=1.0)
    query = to_solr(node)["field"]
    assert query["f"] == "chars"
    tokens = json.loads(query["query"])["tokens"]
    assert [(t["t"], t["i"]) for t in tokens] == [("商标", 1), ("国际", 2)]


def test_a_phrase_outside_the_analysed_fields_is_refused():
    with pytest.raises(ValueError, match="analysed fields"):
        to_solr(qt.Phrase("symbol", ("a", "b"), (0, 1)))


def test_boolean_nodes():
    a, b = qt.Term("words", "a"), qt.Term("words", "b")
    ta, tb = to_solr(a), to_solr(b)
    assert to_solr(qt.And((a, b))) == {"bool": {"must": [ta, tb]}}
    assert to_solr(qt.Or((a, b))) == {"bool": {"should": [ta, tb]}}
    assert to_solr(qt.AndMaybe(a, b)) == {"bool": {"must": [ta], "should": [tb]}}
    assert to_solr(qt.AndNot(a, b)) == {"bool": {"must": [ta], "must_not": [tb]}}
    assert to_solr(qt.Every()) == {"lucene": {"query": "*:*"}}
    nothing = to_solr(qt.Nothing())["bool"]
    assert nothing["filter"] == nothing["must_not"]  # everything, minus everything


def test_at_least_is_a_bool_with_minimum_should_match_and_coverage_per_child():
    a, b, c = (qt.Term("words", w) for w in "abc")
    query = at_least((a, b, c), 2)["bool"]
    assert query["mm"] == "2"
    assert len(query["should"]) == 3
    first = query["should"][0]["bool"]["must"]
    assert first == [to_solr(a), {"func": {"query": repr(qt.COVERAGE)}}]


def test_at_least_nodes_translate_where_the_tree_has_them():
    at_least_node = getattr(qt, "AtLeast", None)
    if at_least_node is None:
        pytest.skip("this tree has no AtLeast node yet (ranked partial matching)")
    a, b = qt.Term("words", "a"), qt.Term("words", "b")
    assert to_solr(at_least_node((a, b), 1)) == at_least((a, b), 1)


def test_unknown_nodes_are_refused():
    with pytest.raises(TypeError):
        to_solr("words:a")


def test_backend_for_settings():
    assert backend_for(Settings.load(environ={})).__name__ == "indexer.backends.whoosh.store"
    solr = backend_for(
        Settings.load(environ={"DOCSEARCH_SOLR_URL": "http://a:8983/solr,http://b:8983/solr"})
    )
    assert solr.urls == ["http://a:8983/solr", "http://b:8983/solr"]
    assert solr.alias == "docsearch"
    named = backend_for(Settings.load(solr_url="http://a:8983/solr", collection="wipo", environ={}))
    assert named.alias == "wipo"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DOCSEARCH_SOLR_URL": "solr1:8983"}, "DOCSEARCH_SOLR_URL"),
        ({"DOCSEARCH_SOLR_COLLECTION": "my collection"}, "DOCSEARCH_SOLR_COLLECTION"),
        ({"DOCSEARCH_SOLR_COLLECTION": "-x"}, "DOCSEARCH_SOLR_COLLECTION"),
    ],
)
def test_bad_solr_settings_are_one_sentence(env, message):
    with pytest.raises(SettingError, match=message) as err:
        Settings.load(environ=env)
    assert str(err.value).count(". ") == 0 and str(err.value).endswith(".")
