"""indexer.backends.solr without a server: query tree to JSON DSL, escaping, documents."""

from __future__ import annotations

import json

import pytest

from indexer.analysis.terms import char_terms, word_terms
from indexer.backends.solr.dsl import to_solr
from indexer.backends.solr.jsonquery import escape_lucene, lucene_terms, phrase_json
from indexer.backends.solr.preanalyzed import preanalyzed_json, solr_document
from indexer.query.tree import And, AndNot, Every, Phrase, Term


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
    term = to_solr(Term("words", 'a"b} {!lucene}*:*'))
    assert term == {"term": {"f": "words", "query": 'a"b} {!lucene}*:*'}}
    dsl = to_solr(And((Term("en", "x"), AndNot(Every(), Term("en", "y")))))
    assert dsl["bool"]["must"][0] == to_solr(Term("en", "x"))
    assert dsl["bool"]["must"][1]["bool"]["must_not"] == [to_solr(Term("en", "y"))]
    assert to_solr(Term("en", "x", boost=2))["boost"]["b"] == "2.0"


def test_lucene_escaping():
    assert escape_lucene("CDIP/17/8|en") == r"CDIP\/17\/8\|en"
    assert escape_lucene('a b:"c"') == r"a\ b\:\"c\""
    assert lucene_terms("doc", ["A/1|en", "B (2)"]) == r"doc:(A\/1\|en OR B\ \(2\))"


def test_phrases_only_in_analysed_fields():
    with pytest.raises(ValueError, match="Phrases are searched in"):
        to_solr(Phrase("lang", ("en", "zh"), (0, 1)))
