"""indexer.backends.solr without a server: query tree to JSON DSL, escaping, documents."""

from __future__ import annotations

import json

import pytest

from indexer.analysis.terms import char_terms, word_terms
from indexer.backends.solr.jsonquery import escape_lucene, lucene_terms, phrase_json, to_dsl
from indexer.backends.solr.preanalyzed import preanalyzed_json, solr_document
from indexer.backends.solr.querytree import And, Boost, Filter, MatchAll, Not, Or, Phrase, Term


def test_preanalyzed_json_keeps_positions_and_offsets():
    text = "商标国际注册 CDIP/17/8"
    tokens = json.loads(preanalyzed_json(char_terms(text)))["tokens"]
    positions, pos = [], -1
    for token in tokens:
        pos += token["i"]
        positions.append(pos)
    assert [(t["t"], p) for t, p in zip(tokens, positions, strict=True)] == [
        (term, p) for term, p, _, _ in char_terms(text)
    ]
    assert [(t["s"], t["e"]) for t in tokens] == [(s, e) for _, _, s, e in char_terms(text)]
    symbol = [t for t in tokens if t["t"] in {"cdip/17/8", "cdip", "17", "8"}]
    assert [t["i"] for t in symbol] == [1, 0, 0, 0]  # the symbol and its parts share a position


def test_solr_document_analyses_the_text_fields_and_drops_empty_ones():
    fields = {"key": "A/1|en|1", "words": "Working groups", "chars": "Working", "en": "的"}
    fields["x"] = None
    doc = solr_document(fields)
    assert set(doc) == {"key", "words", "chars"}  # no English terms in 的; None dropped
    words = json.loads(doc["words"])["tokens"]
    assert [t["t"] for t in words] == [t for t, _, _, _ in word_terms("Working groups")]


def test_phrase_json_has_position_increments():
    tokens = json.loads(phrase_json(["a", "b", "c", "d"], [3, 4, 4, 6]))["tokens"]
    assert [t["i"] for t in tokens] == [1, 1, 0, 2]


def test_dsl_passes_values_as_data():
    term = to_dsl(Term("words", 'a"b} {!lucene}*:*'))
    assert term == {"term": {"f": "words", "query": 'a"b} {!lucene}*:*'}}
    dsl = to_dsl(And([Term("en", "x"), Not(Term("en", "y")), Filter("lang", ["zh", "en"])]))
    assert dsl["bool"]["must"] == [to_dsl(Term("en", "x"))]
    assert dsl["bool"]["must_not"] == [to_dsl(Term("en", "y"))]
    assert dsl["bool"]["filter"][0]["terms"]["query"].split("\x1f") == ["zh", "en"]
    only_negative = to_dsl(And([Not(Term("en", "y"))]))
    assert only_negative["bool"]["filter"] == [to_dsl(MatchAll())]  # a pure NOT needs a base
    assert to_dsl(Or([Term("en", "x")]))["bool"]["should"] == [to_dsl(Term("en", "x"))]
    assert to_dsl(Boost(Term("en", "x"), 2))["boost"]["b"] == "2.0"


def test_lucene_escaping():
    assert escape_lucene("CDIP/17/8|en") == r"CDIP\/17\/8\|en"
    assert escape_lucene('a b:"c"') == r"a\ b\:\"c\""
    assert lucene_terms("doc", ["A/1|en", "B (2)"]) == r"doc:(A\/1\|en OR B\ \(2\))"


@pytest.mark.parametrize(
    "make",
    [
        lambda: Term("words", ""),
        lambda: Term("bad field", "x"),
        lambda: Phrase("chars", [], []),
        lambda: Phrase("chars", ["a", "b"], [1]),
        lambda: Phrase("chars", ["a", "b"], [2, 1]),
        lambda: And([]),
        lambda: Or([]),
        lambda: Filter("lang", []),
        lambda: Boost(Term("en", "x"), 0),
    ],
)
def test_bad_queries_are_refused_with_a_sentence(make):
    with pytest.raises(ValueError, match=r"\.$"):
        make()


def test_phrases_only_in_analysed_fields():
    with pytest.raises(ValueError, match="Phrases are searched in"):
        to_dsl(Phrase("lang", ["en"], [0]))
