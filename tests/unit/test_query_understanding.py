"""What people type, read as they mean it: question words, partial matching plans, symbol
variants, citations, typo suggestions and dropped syntax (issue 11)."""

from __future__ import annotations

import pytest

from indexer.analysis.function_words import is_function_word
from indexer.analysis.terms import stem
from indexer.ingest.symbols import symbol_variant
from indexer.query import tree as qt
from indexer.query.citation import parse_citation
from indexer.query.parse import Clause, parse_query
from indexer.query.partial import plan_partial
from indexer.query.plan import build_query, clause_query, expand
from indexer.query.suggest import correct, suggest
from indexer.query.symbols import document_symbol, resolve, resolve_symbols
from indexer.search.results import searched_text


# --- question and function words ---------------------------------------------------------------
@pytest.mark.parametrize(
    "word", ["how", "does", "what", "which", "the", "如何", "哪些", "是否", "吗", "的", "多少"]
)
def test_question_and_function_words(word):
    assert is_function_word(word)


@pytest.mark.parametrize("word", ["wipo", "technology", "funded", "技术", "成员", "贡献"])
def test_content_words_are_not_function_words(word):
    assert not is_function_word(word)


def test_function_words_are_optional_in_a_strict_query():
    q, _ = build_query(parse_query("depletion of the fund"))
    assert isinstance(q, qt.AndMaybe)  # depletion AND fund; "of", "the" only rank
    required = q.required
    assert isinstance(required, qt.And) and len(required.children) == 2


def test_a_query_of_function_words_only_requires_them():
    q, _ = build_query(parse_query("the"))
    assert not isinstance(q, qt.AndMaybe)


# --- partial plans -----------------------------------------------------------------------------
def test_a_question_plan_counts_content_words_only():
    plan = plan_partial(parse_query("when was the IAEG-SDG established"))
    assert [w.text for w in plan.words] == ["IAEG-SDG", "established"]
    assert set(plan.ignored) == {"when", "was", "the"}
    # every word is one typed keyword: asking for all of them is the strict query, not retried
    assert plan.floor == 2 and plan.as_strict and plan.minimums() == []


def test_a_chinese_question_is_read_as_its_words():
    plan = plan_partial(parse_query("技术促进机制由哪些部分组成"))
    assert [w.text for w in plan.words] == ["技术促进机制", "部分", "组成"]
    assert "哪些" in plan.ignored and "由" in plan.ignored


def test_the_minimum_shrinks_to_half_and_never_below_two():
    plan = plan_partial(parse_query("alpha beta gamma delta epsilon zeta eta theta"))
    assert plan.minimums() == [7, 4]  # all eight is the strict query
    assert plan_partial(parse_query("alpha beta")).minimums() == []
    split = plan_partial(parse_query("技术促进机制由哪些部分组成"))  # one keyword, three words
    assert not split.as_strict and split.minimums() == [3, 2]


def test_quoted_phrases_and_symbols_stay_required():
    parsed = parse_query('"United Nations" reform budget')
    plan = plan_partial(parsed)
    assert [w.text for w in plan.words] == ["reform", "budget"]
    assert len(plan.required) == 1
    q = plan.query(1)
    assert isinstance(q.required if isinstance(q, qt.AndMaybe) else q, qt.And)
    symbol = plan_partial(resolve_symbols(parse_query("CDIP/17/8 report"), {"cdip/17/8": 1}))
    assert [w.text for w in symbol.words] == ["report"] and len(symbol.required) == 1


def test_the_partial_query_is_an_at_least_node():
    plan = plan_partial(parse_query("resident coordinator agencies country"))
    q = plan.query(3)
    at_least = next(n for n in _walk(q) if isinstance(n, qt.AtLeast))
    assert at_least.minimum == 3 and len(at_least.children) == 4


def _walk(node):
    yield node
    for child in qt.children(node):
        yield from _walk(child)


# --- the glossary never narrows ----------------------------------------------------------------
def test_a_glossary_term_typed_bare_keeps_its_words_loose():
    parsed, expansions = expand(parse_query("Member States implementation"))
    assert expansions and expansions[0].typed == "Member States"
    first = parsed.groups[0][0]
    assert first.loose and not first.phrase
    q = clause_query(first)
    assert not any(isinstance(n, qt.Phrase) and n.field == "words" for n in _walk(q))


# --- symbol variants ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("CDIP 17/8", "CDIP/17/8"),
        ("cdip 16 8", "CDIP/16/8"),
        ("WO PBC 34 12", "WO/PBC/34/12"),
        ("ＣＤＩＰ／１８／４", "CDIP/18/4"),
        ("72/279", "72/279"),
        ("grtkf/ic/40/inf/4", "GRTKF/IC/40/INF/4"),
        ("technology", None),
    ],
)
def test_symbol_variants(typed, canonical):
    assert symbol_variant(typed) == canonical


def test_resolution_against_the_index_matches_the_whole_symbol_only():
    known = ["cdip/16/8", "cdip/17/8", "wo/ga/55/3", "72/279"]
    assert resolve("CDIP/17/8", known) == ["cdip/17/8"]
    assert resolve("GA/55/3", known) == ["wo/ga/55/3"]  # missing organisation prefix
    assert resolve("A/RES/72/279", known) == ["72/279"]  # an extra prefix
    assert resolve("CDIP/18/8", known) == []
    docs = ["WO/GA/55/3", "WIPO/GRTKF/IC/40/INF/4", "CDIP/19/6"]
    assert document_symbol("ga 55 3", docs) == "WO/GA/55/3"
    assert document_symbol("grtkf/ic/40/inf/4", docs) == "WIPO/GRTKF/IC/40/INF/4"
    assert document_symbol("CDIP/19/7", docs) is None


def test_a_symbol_glued_to_chinese_text_is_cut_out():
    parsed = resolve_symbols(parse_query("见文件CDIP/16/8"), {"cdip/16/8": 2, "cdip/17/8": 1})
    assert [[c.text for c in g] for g in parsed.groups] == [["见文件"], ["cdip/16/8"]]
    assert parsed.groups[1][0].symbol
    resolution = resolve_symbols(parse_query("大会第70/1号决议"), {"70/1": 1})
    assert [g[0].text for g in resolution.groups] == ["大会第", "70/1", "号决议"]


def test_keywords_that_spell_a_symbol_together_become_one():
    parsed = resolve_symbols(parse_query("CDIP 17/8 paragraph"), {"cdip/17/8": 1})
    assert [g[0].text for g in parsed.groups] == ["cdip/17/8", "paragraph"]
    unknown = resolve_symbols(parse_query("year 2015"), {"cdip/17/8": 1})
    assert [g[0].text for g in unknown.groups] == ["year", "2015"]


# --- citations ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "symbol", "labels"),
    [
        ("CDIP/19/6 para 11", "CDIP/19/6", ("11",)),
        ("CDIP/19/6, para. 3", "CDIP/19/6", ("3",)),
        ("CDIP/19/6 paragraph 4", "CDIP/19/6", ("4",)),
        ("CDIP/19/6 paras 2-3", "CDIP/19/6", ("2", "3")),
        ("CDIP/19/6 ¶5", "CDIP/19/6", ("5",)),
        ("CDIP/19/6 ¶ 20", "CDIP/19/6", ("20",)),
        ("CDIP/19/6第11段", "CDIP/19/6", ("11",)),
        ("CDIP/19/6 第 19 段", "CDIP/19/6", ("19",)),
        ("cdip/19/6 PARA 12", "cdip/19/6", ("12",)),
        ("ＣＤＩＰ/１９/６ 第１２段", "CDIP/19/6", ("12",)),
        ("para 11 of CDIP/19/6", "CDIP/19/6", ("11",)),
        ("见文件CDIP/16/8第3段", "CDIP/16/8", ("3",)),
    ],
)
def test_citation_forms(typed, symbol, labels):
    cited = parse_citation(typed)
    assert cited is not None and (cited.symbol, cited.labels) == (symbol, labels)


@pytest.mark.parametrize("typed", ["paragraph", "technology 2030", "CDIP/19/6", "para"])
def test_not_citations(typed):
    assert parse_citation(typed) is None


# --- typo suggestions --------------------------------------------------------------------------
WORDS = {
    "technology": 40,
    "facilitation": 12,
    "senegal": 1,
    "qcpr": 3,
    "scholarships": 2,
    "pandemic": 2,
    "panoramic": 9,
}
STEMS = {stem(w): n for w, n in WORDS.items()}


def test_a_misspelt_word_gets_the_nearest_indexed_word():
    assert correct("technolgy", WORDS) == "technology"
    assert correct("pandemik", WORDS) == "pandemic"  # distance 1 beats the more frequent
    assert correct("zzzzzz", WORDS) is None


def test_suggestions_keep_the_typed_case_and_leave_known_words_alone():
    assert suggest("technolgy facilitation", parse_query("x"), WORDS, STEMS) is None  # no groups
    text = "Technolgy facilitation"
    assert suggest(text, parse_query(text), WORDS, STEMS) == "Technology facilitation"
    assert suggest("QCRP", parse_query("QCRP"), WORDS, STEMS) == "QCPR"
    assert suggest("Senegall", parse_query("Senegall"), WORDS, STEMS) == "Senegal"
    # an inflection of an indexed word is no typo
    assert suggest("scholarship", parse_query("scholarship"), WORDS, STEMS) is None
    assert suggest('"technolgy"', parse_query('"technolgy"'), WORDS, STEMS) is None


# --- dropped syntax ----------------------------------------------------------------------------
def test_unsupported_syntax_is_recorded_and_the_rest_searched():
    parsed = parse_query("tech*")
    assert parsed.dropped == ["wildcard"] and searched_text("tech*") == "tech"
    assert parse_query("foo~2").dropped == ["fuzzy"] and searched_text("foo~2") == "foo"
    assert parse_query("what is the TFM?").dropped == []  # a question mark ends a question


def test_a_clause_flagged_as_symbol_is_a_plain_term():
    assert clause_query(Clause("cdip/17/8", symbol=True)) is not None
