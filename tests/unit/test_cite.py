"""Full citations in both interface languages (webapp.cite)."""

from __future__ import annotations

from webapp.cite import format_day, full_citation

TITLES = {"en": "REPORT ON THE SDGS", "zh": "关于可持续发展目标的报告"}


def test_dates_read_as_people_write_them():
    assert format_day("en", "2017-05-15") == "15 May 2017"
    assert format_day("zh", "2017-05-15") == "2017 年 5 月 15 日"
    assert format_day("en", "2019") == "2019" and format_day("zh", "2019") == "2019 年"
    assert format_day("en", "2019-03") == "March 2019"
    assert format_day("en", "") == ""


def test_paragraph_annex_and_whole_document_citations():
    link = "http://x/doc/CDIP/19/6/11"
    assert full_citation("en", "CDIP/19/6", "paragraph", "11", TITLES, "2017-05-15", link) == (
        "WIPO, Report on the SDGs, CDIP/19/6 (15 May 2017), para. 11, http://x/doc/CDIP/19/6/11"
    )
    assert full_citation("zh", "CDIP/19/6", "annex", "annex-2", TITLES, "2017-05-15", "L") == (
        "世界知识产权组织，《关于可持续发展目标的报告》，"
        "CDIP/19/6（2017 年 5 月 15 日），附件第 2 段，L"
    )
    assert full_citation("en", "CDIP/19/6", "document", None, TITLES, "", "L") == (
        "WIPO, Report on the SDGs, CDIP/19/6, L"
    )


def test_un_documents_and_missing_language_versions():
    only_en = {"en": "Transforming our world"}
    assert full_citation("zh", "A/RES/70/1", "paragraph", "3", only_en, "2015-10-21", "L") == (
        "联合国，《Transforming our world》，A/RES/70/1（2015 年 10 月 21 日），第 3 段，L"
    )


def test_provisional_symbols_are_marked():
    text = full_citation("en", "WO/PBC/33/PROVISIONAL", "paragraph", "4", TITLES, "", "L")
    assert "WO/PBC/33/PROVISIONAL [provisional symbol, not confirmed], para. 4" in text
