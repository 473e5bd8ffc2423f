"""Questions, pasted sentences, citations, symbol variants, typos and inflections on the bundled
corpus (issue 11): the paragraph meant comes first, and the page says what was done."""

from __future__ import annotations

import pytest

PBC = "WO/PBC/33/PROVISIONAL"


def units(page) -> list[tuple[str, str]]:
    return [(h.symbol, h.paragraph) for h in page.hits]


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("what is the Technology Facilitation Mechanism", ("CDIP/19/6", "11")),
        ("技术促进机制由哪些部分组成", ("CDIP/19/6", "12")),
        ("加入可持续发展集团是否意味着自动成为所有国家工作队的成员", (PBC, "11")),
        ("who co-chaired the interactive dialogue at the summit", ("CDIP/19/6", "10")),
    ],
)
def test_a_question_finds_its_answer_first(seed_index, question, unit):
    page = seed_index.search(question)
    assert units(page)[:1] == [unit]
    assert page.relaxed and page.relaxed.ignored  # the question words were not required


def test_partial_matches_rank_by_the_number_of_words_matched(seed_index):
    page = seed_index.search("does joining the UNSDG make WIPO a member of all country teams")
    assert page.relaxed and page.relaxed.minimum < page.relaxed.words
    counts = [len(h.matched) for h in page.hits]
    assert counts == sorted(counts, reverse=True) and counts[0] > page.relaxed.minimum
    assert "does" in page.relaxed.ignored and "make" in page.relaxed.terms


@pytest.mark.parametrize(
    "pasted",
    [
        # copied as is, then with two words changed
        "Joining the UNSDG does not mean that a United Nations specialized agency automatically "
        "becomes a member of all UNCTs",
        "Joining the UNSDG does not imply that a United Nations specialised agency automatically "
        "becomes a member of all UNCTs",
        "加入可持续发展集团并不意味着联合国专门机构自动成为所有联合国国家工作队的成员",
        "加入可持续发展集团不表示联合国专门机构就自动成为所有联合国国家工作队的成员",
    ],
)
def test_a_pasted_sentence_finds_its_paragraph_first(seed_index, pasted):
    assert units(seed_index.search(pasted))[:1] == [(PBC, "11")]


def test_spaces_between_chinese_and_digits_do_not_matter(seed_index):
    spaced = seed_index.search("WIPO 参加了 2015 年 6 月在纽约、2015 年 10 月在曼谷举行的会议")
    glued = seed_index.search("WIPO 参加了2015年6月在纽约、2015年10月在曼谷举行的会议")
    assert units(spaced)[:1] == units(glued)[:1] == [("CDIP/19/6", "19")]


@pytest.mark.parametrize(
    ("typed", "labels"),
    [
        ("CDIP/19/6 para 11", ["11"]),
        ("cdip/19/6, Para. 3", ["3"]),
        ("CDIP/19/6 paragraph 4", ["4"]),
        ("CDIP/19/6 paras 2-3", ["2", "3"]),
        ("CDIP/19/6 ¶5", ["5"]),
        ("CDIP/19/6 ¶ 20", ["20"]),
        ("CDIP/19/6第11段", ["11"]),
        ("ＣＤＩＰ/１９/６ 第 12 段", ["12"]),
    ],
)
def test_a_citation_puts_the_cited_paragraphs_first(seed_index, typed, labels):
    page = seed_index.search(typed)
    assert page.citation is not None and page.citation.symbol == "CDIP/19/6"
    assert list(page.citation.labels) == labels
    assert units(page)[: len(labels)] == [("CDIP/19/6", label) for label in labels]
    assert (
        page.to_json()["citation"]["paragraph"]
        == "-".join(dict.fromkeys(labels[::1]))[: len(page.citation.paragraph)]
    )


def test_a_citation_of_a_paragraph_that_does_not_exist_is_an_ordinary_search(seed_index):
    assert seed_index.search("CDIP/19/6 para 999").citation is None


def test_a_bare_symbol_shows_the_document_card_first(seed_index):
    page = seed_index.search("wo pbc 33 provisional")
    assert page.symbol == PBC and page.document is not None
    card = page.document
    assert set(card.titles) == {"en", "zh"} and card.paragraphs > 10 and card.date
    assert units(page)[:1] == [(PBC, "title")]


def test_a_symbol_typed_with_a_space_matches_that_symbol_only(seed_index):
    for typed in ("CDIP 17/8", "cdip 17 8", "CDIP／17／8"):
        page = seed_index.search(typed)
        assert units(page) == [("CDIP/19/6", "3")], typed
    glued = seed_index.search("见文件CDIP/16/8")
    assert ("CDIP/19/6", "3") in units(glued)
    assert all("16/8" in h.text + (h.counterpart.text if h.counterpart else "") for h in glued.hits)


def test_a_typo_gets_a_suggestion_and_its_results(seed_index):
    page = seed_index.search("technolgy facilitation")
    assert page.suggestion == "technology facilitation" and page.suggestion_applied
    assert ("CDIP/19/6", "11") in units(page)
    known = seed_index.search("technology facilitation")
    assert known.suggestion is None and not known.suggestion_applied


def test_a_typo_beside_a_known_word_is_suggested_without_replacing_results(seed_index):
    page = seed_index.search("Senegall")
    assert page.suggestion == "Senegal" and units(page)[:1] == [("CDIP/19/6", "10")]


@pytest.mark.parametrize(
    ("one", "other"),
    [("recruitment", "recruited"), ("participation", "participated"), ("reports", "reporting")],
)
def test_inflections_find_each_other(seed_index, one, other):
    a, b = seed_index.search(one, page_size=100), seed_index.search(other, page_size=100)
    assert a.total and set(units(a)) == set(units(b))


def test_function_words_are_not_required(seed_index):
    with_them = seed_index.search("the IATT of the United Nations")
    assert with_them.total >= seed_index.search("IATT United Nations").total


def test_a_glossary_term_never_narrows_the_query(seed_index):
    expanded = seed_index.search("Member States implementation", page_size=100)
    plain = seed_index.search("Member States implementation", page_size=100, expand_terms=False)
    assert expanded.total >= plain.total > 0
    assert set(units(plain)) <= set(units(expanded))


def test_wildcards_are_said_out_loud(seed_index):
    page = seed_index.search("technolog*")
    assert page.dropped == ["wildcard"] and page.to_json()["searched"] == "technolog"
