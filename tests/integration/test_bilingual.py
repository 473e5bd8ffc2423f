"""Bilingual search: aligned units, cross-language queries, glossary expansion, variants."""

import shutil

import pytest

from indexer import SearchIndex, build
from indexer.settings import bundled_corpus

PBC = "WO/PBC/33/PROVISIONAL"


def units(page):
    return [(h.symbol, h.paragraph) for h in page.hits]


def test_english_query_finds_the_chinese_paragraph_through_its_twin(seed_index):
    page = seed_index.search("Kenya", expand_terms=False)
    assert units(page) == [("CDIP/19/6", "14")]
    hit = page.hits[0]
    assert hit.lang == "en" and "<mark>Kenya</mark>" in hit.highlight
    assert hit.counterpart.lang == "zh" and "肯尼亚" in hit.counterpart.text


def test_glossary_expansion_highlights_both_languages(seed_index):
    hit = seed_index.search("Kenya").hits[0]
    assert "<mark>肯尼亚</mark>" in hit.counterpart.highlight + hit.highlight


def test_english_phrase_matches_stemmed_words(seed_index):
    assert {p for _, p in units(seed_index.search("Open Working Group"))} >= {"6", "7"}
    page = seed_index.search('"open working groups"', expand_terms=False)
    assert {p for s, p in units(page) if s == "CDIP/19/6"} == {"6", "7"}


def test_one_result_per_bilingual_unit(seed_index):
    page = seed_index.search("IATT", page_size=50)
    assert len(units(page)) == len(set(units(page))) == page.total == 3
    assert all(h.counterpart is not None for h in page.hits)


def test_lang_filter_restricts_to_one_language(seed_index):
    page = seed_index.search("SDG", filters={"lang": ["en"]}, page_size=50)
    assert page.hits and {h.lang for h in page.hits} == {"en"}


def test_glossary_expansion_across_languages_and_synonyms(seed_index):
    page = seed_index.search("UNSDG", filters={"lang": ["zh"]}, page_size=50)
    assert page.expansions and "可持续发展集团" in page.expansions[0].added
    assert len(page.hits) >= 13
    off = seed_index.search("UNSDG", filters={"lang": ["zh"]}, expand_terms=False)
    assert [h.paragraph for h in off.hits] == ["1"] and not off.expansions  # "（UNSDG）" itself


def test_wipo_also_matches_chanquan_zuzhi(seed_index):
    page = seed_index.search("WIPO", filters={"symbol": [PBC], "lang": ["zh"]}, page_size=50)
    assert "产权组织" in page.expansions[0].added
    assert "5" in {h.paragraph for h in page.hits}  # ¶5 says 产权组织 only, never WIPO


@pytest.mark.parametrize(
    ("query", "paragraph"), [("秘書處", "20"), ("聯合國系統", "12"), ("開放工作組", "7")]
)
def test_traditional_queries_find_their_paragraphs(seed_index, query, paragraph):
    page = seed_index.search(query, filters={"lang": ["zh"]}, page_size=50)
    assert paragraph in {h.paragraph for h in page.hits}
    hit = next(h for h in page.hits if h.paragraph == paragraph)
    marked = {t for t, m in hit.segments if m}
    assert marked and all(t in hit.text for t in marked)  # the document's own characters


@pytest.mark.parametrize(
    ("query", "expected"),
    [("IATT 的成员", {"14"}), ("SDG 指标", {"18"}), ("ＩＡＴＴ　成员", {"14"})],
)
def test_mixed_queries(seed_index, query, expected):
    page = seed_index.search(query, filters={"lang": ["zh"]}, page_size=50)
    assert expected <= {h.paragraph for h in page.hits}


def test_chinese_query_finds_an_english_only_document(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(bundled_corpus(), corpus)
    (corpus / "en" / "cdip_20_1.txt").write_text(
        "CDIP/20/1\n\nORIGINAL: ENGLISH\n\nCommittee on Development and Intellectual Property\n\n"
        "AGENDA\n\nprepared by the Secretariat\n\n"
        "1. The Committee will discuss the Sustainable Development Goals.\n\n"
        "2. Technical assistance in the area of cooperation for development.\n",
        encoding="utf-8",
    )
    build(corpus, tmp_path / "index")
    with SearchIndex(tmp_path / "index") as index:
        page = index.search("可持续发展目标", filters={"symbol": ["CDIP/20/1"]})
    assert [(h.symbol, h.paragraph, h.lang, h.counterpart) for h in page.hits] == [
        ("CDIP/20/1", "1", "en", None)
    ]


def test_document_has_both_versions_of_each_paragraph(seed_index):
    doc = seed_index.document("CDIP/19/6")
    labels = {lang: [b.paragraph for b in doc.blocks if b.lang == lang] for lang in ("zh", "en")}
    assert labels["zh"] == labels["en"]
