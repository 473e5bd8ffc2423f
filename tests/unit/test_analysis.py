"""Analysis: phrase positions, digits and letters, symbols, width, offsets into the original."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.analysis.terms import char_terms, phrase_units, word_terms
from indexer.backends.whoosh.analyzers import CharAnalyzer, WordAnalyzer


def texts(terms):
    return [t[0] for t in terms]


def test_words_have_ordinal_positions_and_keep_digits():
    terms = list(word_terms("于 2015 年 6 月至 2016 年"))
    assert [(t[0], t[1]) for t in terms] == [
        ("于", 0),
        ("2015", 1),
        ("年", 2),
        ("6", 3),
        ("月", 4),
        ("至", 5),
        ("2016", 6),
        ("年", 7),
    ]


def test_symbols_are_whole_tokens_and_parts_at_one_position():
    terms = [t for t in word_terms("文件 CDIP/17/8）") if t[1] == 1]
    assert texts(terms) == ["cdip/17/8", "cdip", "17", "8"]
    assert {(t[2], t[3]) for t in terms if t[0] == "cdip/17/8"} == {(3, 12)}
    assert [(t[0], t[2], t[3]) for t in terms if t[0] == "8"] == [("8", 11, 12)]


def test_numbers_and_resolutions_are_whole_tokens():
    assert "72/279" in texts(word_terms("第 72/279 号决议"))
    assert "17.6" in texts(word_terms("指标 17.6 开展"))


def test_full_width_text_folds_and_offsets_point_at_original():
    text = "ＳＤＧ　指标"
    terms = list(word_terms(text))
    assert terms[0][0] == "sdg" and text[terms[0][2] : terms[0][3]] == "ＳＤＧ"


def test_traditional_characters_fold_to_simplified():
    terms = list(word_terms("秘書處"))
    assert texts(terms) == ["秘书处"] and (terms[0][2], terms[0][3]) == (0, 3)


def test_chars_field_has_unigrams_and_bigrams():
    assert [(t[0], t[1]) for t in char_terms("合作框架")] == [
        ("合", 0),
        ("合作", 0),
        ("作", 1),
        ("作框", 1),
        ("框", 2),
        ("框架", 2),
        ("架", 3),
    ]


def test_phrase_units_cover_the_run_at_consecutive_positions():
    assert phrase_units("2015 年 6 月") == ["2015", "年", "6", "月"]
    assert phrase_units("可持续发展集团") == ["可持", "持续", "续发", "发展", "展集", "集团"]
    assert phrase_units("的成员 IATT") == ["的成", "成员", "员", "iatt"]


def test_spaced_out_chinese_is_matched_as_one_word():
    assert texts(word_terms("背 景")) == ["背景"]


def test_analyzers_honour_positions_and_chars_and_pickle():
    import pickle

    for analyzer in (WordAnalyzer(), CharAnalyzer()):
        clone = pickle.loads(pickle.dumps(analyzer))
        tokens = [
            (t.text, t.pos, t.startchar) for t in clone("IATT 的成员", positions=True, chars=True)
        ]
        assert tokens[0] == ("iatt", 0, 0)


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("技术促进机制秘書處ＳＤＧａ１ 2015年6月CDIP/17/8.-—“”，。\n\uf0a0")
        ),
        max_size=40,
    )
)
def test_every_token_offset_slices_back_to_its_original_text(text):
    from indexer.analysis.normalize import fold

    for term, _pos, start, end in list(word_terms(text)) + list(char_terms(text)):
        assert 0 <= start < end <= len(text)
        original = "".join(ch for ch in text[start:end] if not ch.isspace())
        assert fold(original).text.replace(" ", "") == term or term in fold(original).text


@pytest.mark.slow
def test_dictionary_cache_is_private_and_a_broken_one_is_rebuilt(tmp_path, monkeypatch):
    from indexer.analysis.segmenter import reference

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    text = "联合国可持续发展合作框架和驻地协调员制度"
    fresh = reference.__wrapped__()  # builds the dictionary and writes the cache
    (cache,) = (tmp_path / "docsearch").glob("jieba-*.pickle")
    assert cache.stat().st_mode & 0o077 == 0
    cached = reference.__wrapped__()  # loads it
    assert list(cached.tokenize(text, HMM=False)) == list(fresh.tokenize(text, HMM=False))
    cache.write_bytes(b"not a pickle")
    rebuilt = reference.__wrapped__()
    assert list(rebuilt.tokenize(text, HMM=False)) == list(fresh.tokenize(text, HMM=False))


@pytest.mark.parametrize(
    ("query", "text", "marked"),
    [
        ("可持续发展", "推动可持續發展目標", ["可持續發展"]),  # traditional text, folded
        ("发展", "发展和发展", ["发展", "发展"]),
        ("发展  合作", "发展，合作与发展 合作", ["发展，合作", "发展 合作"]),  # two runs
        ("IATT 的成员", "IATT的成员和 IATT 的 成员", ["IATT的成员", "IATT 的 成员"]),
        ("United Nations", "the United Nations' system", ["United Nations"]),
    ],
)
def test_highlights_mark_exactly_the_phrase(query, text, marked):
    from indexer.query.highlight import match_spans
    from indexer.query.parse import Clause
    from indexer.query.plan import patterns

    spans = match_spans(text, patterns(Clause(query, phrase=True)))
    assert [text[s:e] for s, e in spans] == marked
