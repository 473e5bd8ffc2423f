"""The queries named in the foundation issue, on the bundled corpus, through the search API."""

import json

import pytest

from indexer import SearchIndex
from indexer.index.generations import current_generation
from indexer.index.manifest import Manifest

PBC = "WO/PBC/33/PROVISIONAL"


def found(index: SearchIndex, query: str, **kw) -> list[tuple[str, str, str]]:
    page = index.search(query, page_size=100, **kw)
    return [(h.symbol, h.lang, h.paragraph) for h in page.hits]


def test_quoted_phrase_finds_exactly_the_paragraphs_containing_it(seed_index):
    hits = found(seed_index, '"可持续发展集团"', filters={"lang": ["zh"]})
    expected = [1, 2, 3, 6, 7, 8, 9, 11, 13, 14, 15, 16, 17]
    assert sorted(hits, key=lambda h: int(h[2])) == [(PBC, "zh", str(n)) for n in expected]


def test_phrase_with_digits_matches_exactly(seed_index):
    hits = found(seed_index, '"2015 年 6 月"')
    assert sorted(int(p) for _, _, p in hits) == [15, 16, 18, 19]
    assert {s for s, _, _ in hits} == {"CDIP/19/6"}


def test_symbol_query_matches_that_symbol_only(seed_index):
    hits = found(seed_index, "CDIP/17/8", filters={"lang": ["zh"]})
    assert hits == [("CDIP/19/6", "zh", "3")]
    assert [(s, p) for s, _, p in found(seed_index, "CDIP/17/8")] == [("CDIP/19/6", "3")]
    assert ("CDIP/19/6", "8") in [(s, p) for s, _, p in found(seed_index, "CDIP/16/8")]


def test_full_width_query_finds_half_width_text(seed_index):
    hits = found(seed_index, "ＩＡＴＴ", filters={"lang": ["zh"]})
    assert sorted(p for _, _, p in hits) == ["12", "13", "14"]


@pytest.mark.parametrize(
    ("query", "paragraph"),
    [
        ("合作框架", "6"),
        ("工作模式", "3"),
        ("能力建设", "12"),
        ("持续发展集", "2"),
        ("秘書處", "20"),
    ],
)
def test_substrings_and_traditional_characters_find_their_paragraphs(seed_index, query, paragraph):
    hits = found(seed_index, query, filters={"lang": ["zh"]}, expand_terms=False)
    assert paragraph in [p for _, _, p in hits]


def test_highlight_marks_exactly_the_matched_characters(seed_index):
    hit = seed_index.search("秘書處", filters={"symbol": ["CDIP/19/6"], "lang": ["zh"]}).hits[0]
    marked = [t for t, m in hit.segments if m]
    assert marked and set(marked) == {"秘书处"}
    hit = seed_index.search('"2015 年 6 月"').hits[0]
    assert "<mark>2015 年 6 月</mark>" in hit.highlight


def test_highlight_html_is_escaped(seed_index):
    hit = seed_index.search("CDIP/17/8", filters={"lang": ["en"]}).hits[0]
    assert "&#34;" in hit.highlight and '"' not in hit.highlight.replace("<mark>", "")


def test_headings_are_searchable_but_are_sections_not_paragraph_hits(seed_index):
    page = seed_index.search("技术促进机制", filters={"lang": ["zh"]})
    assert [h.paragraph for h in page.sections] == ["h5"]
    assert {h.paragraph for h in page.hits} == {"6", "10", "11", "12"}
    assert page.hits[0].section == "技术促进机制"


def test_a_heading_does_not_make_following_paragraphs_match(seed_index):
    # ¶11 follows the heading 技术促进机制 but ¶13 (same section) does not contain 机制.
    assert "13" not in [p for _, _, p in found(seed_index, "技术促进机制")]


def test_long_query_without_exact_match_falls_back_to_its_words(seed_index):
    page = seed_index.search("联合国发展系统改革")
    assert page.relaxed and page.relaxed.minimum < page.relaxed.words
    # the paragraphs holding all of its words first, then those holding fewer (at least two)
    assert {h.paragraph for h in page.hits[:2]} == {"7", "14"}
    assert len(page.hits[0].matched) == page.relaxed.words
    assert all(len(h.matched) >= page.relaxed.minimum for h in page.hits)


def test_filters_and_negation(seed_index):
    assert {lang for _, lang, _ in found(seed_index, "SDG lang:en")} == {"en"}
    zh = found(seed_index, "IATT", filters={"lang": ["zh"]})
    without = found(seed_index, "IATT -WIPO", filters={"lang": ["zh"]})
    assert without == [h for h in zh if h[2] == "12"]


@pytest.mark.parametrize("query", ["(((", "*", '"', "x:[a TO z]", "foo~2", "\x00", "发" * 500])
def test_hostile_queries_give_a_page_not_an_error(seed_index, query):
    page = seed_index.search(query)
    assert page.total == 0 or all(h.symbol for h in page.hits)


def test_symbol_typed_in_the_box_names_the_document(seed_index):
    assert seed_index.search("cdip 19 6").symbol == "CDIP/19/6"
    assert seed_index.search("CDIP/17/8").symbol is None  # cited, but not in the corpus


def test_document_and_paragraph_lookup(seed_index):
    doc = seed_index.document("ｃｄｉｐ／１９／６")
    assert doc.symbol == "CDIP/19/6" and doc.languages == ["en", "zh"]
    assert [b.paragraph for b in doc.blocks if b.lang == "zh"][:3] == ["title", "1", "2"]
    para = seed_index.paragraph("CDIP/19/6", "11")
    assert {b.lang for b in para} == {"en", "zh"}
    assert seed_index.document("CDIP/99/9") is None


def test_manifest_records_versions_counts_and_hashes(seed_index_root):
    manifest = Manifest.load(current_generation(seed_index_root)).to_json()
    assert manifest["counts"]["paragraphs"] == 2 * (21 + 17)
    assert {d["symbol"] for d in manifest["documents"]} == {"CDIP/19/6", PBC}
    assert all(len(d["sha256"]) == 64 for d in manifest["documents"])
    assert "whoosh-reloaded" in manifest["versions"]
    json.dumps(manifest)


def test_repeated_query_is_served_from_the_cache_until_a_new_generation(tmp_path):
    import shutil

    from indexer import build
    from indexer.settings import bundled_corpus

    corpus = tmp_path / "corpus"
    shutil.copytree(bundled_corpus(), corpus)
    build(corpus, tmp_path / "ix")
    index = SearchIndex(tmp_path / "ix")
    first = index.search("蓝鲸星光")
    assert first.total == 0 and index.search("蓝鲸星光").hits is first.hits
    (corpus / "zh" / "test_1_1.txt").write_text(
        "TEST/1/1\n\n测试委员会\n\n秘书处编拟\n\n1. 蓝鲸星光计划是新议题。\n", encoding="utf-8"
    )
    build(corpus, tmp_path / "ix")
    assert [h.symbol for h in index.search("蓝鲸星光").hits] == ["TEST/1/1"]
    index.close()


def test_cache_can_be_turned_off(seed_index_root):
    with SearchIndex(seed_index_root, cache_size=0) as index:
        first = index.search("IATT")
        again = index.search("IATT")
    assert again.hits is not first.hits and again.hits == first.hits


@pytest.mark.parametrize("query", ["WIPO", "发展", "SDG OR 指标", "technology"])
def test_every_filter_count_is_the_number_of_results_clicking_it_gives(seed_index, query):
    """The total and every facet count count units (a paragraph in either or both languages),
    so a filter shows exactly the number of results it promised."""
    page = seed_index.search(query, page_size=100)
    assert page.total == len({(h.symbol, h.paragraph) for h in page.hits}) or page.total > 100
    assert sum(page.facets["lang"].values()) >= page.total
    for name, values in page.facets.items():
        for value, count in values.items():
            narrowed = seed_index.search(query, page_size=100, filters={name: [value]})
            assert narrowed.total == count, (name, value)
