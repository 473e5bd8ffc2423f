"""The document page: contents, search in the document, back to results, neighbours, headers,
titles, provisional symbols, and the API's lang parameter."""

from __future__ import annotations

import re
from html import unescape


def test_table_of_contents_lists_the_headings_and_the_annex(client):
    html = client.get("/doc/CDIP/19/6?ui=en").get_data(as_text=True)
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S).group()
    entries = [(a, unescape(t)) for a, t in re.findall(r'<a href="#(p[^"]+)">([^<]+)</a>', toc)]
    assert [anchor for anchor, _ in entries] == [f"ph{i}" for i in range(1, 9)] + ["pannex-1"]
    assert entries[0][1].startswith("WIPO's Contribution to the Implementation")
    assert ("ph5", "Technology Facilitation Mechanism") in entries
    assert entries[-1] == ("pannex-1", "Annex")
    assert all(f'id="{anchor}"' in html for anchor, _ in entries)
    zh = client.get("/doc/CDIP/19/6?ui=zh").get_data(as_text=True)
    assert (
        '<a href="#ph5">技术促进机制</a>' in zh and '<summary id="toc-title">目录</summary>' in zh
    )


def test_search_in_this_document_counts_and_marks_matching_paragraphs(client):
    html = client.get("/doc/CDIP/19/6?ui=en&q=技术促进机制").get_data(as_text=True)
    found = re.findall(r'<section class="row row-\w+ found" id="p([^"]+)"', html)
    assert "11" in found and "h5" in found
    assert f"{len(found)} matching paragraphs" in html
    assert f'data-step="1" href="#p{found[0]}"' in html
    assert f'data-step="-1" href="#p{found[-1]}"' in html
    assert 'value="技术促进机制"' in html
    none = client.get("/doc/CDIP/19/6?ui=en&q=zzqqxx").get_data(as_text=True)
    assert "No paragraph of this document matches “zzqqxx”." in none
    assert "data-step" not in none


def test_back_to_results_keeps_query_filters_and_page(client):
    html = client.get("/search?q=SDG&lang=en&sort=date&page=2&ui=en").get_data(as_text=True)
    link = unescape(re.search(r'<a class="hit-link" href="([^"]+)"', html).group(1))
    assert "back=" in link
    doc = client.get(link).get_data(as_text=True)
    back = unescape(re.search(r'<p class="back"><a href="([^"]+)">', doc).group(1))
    assert back == "/search?q=SDG&lang=en&sort=date&page=2"
    # the back link survives a search inside the document and a language switch
    assert (
        '<input type="hidden" name="back" '
        'value="/search?q=SDG&amp;lang=en&amp;sort=date&amp;page=2">' in doc
    )
    # only this site's results page is accepted
    for evil in ("//evil.example/search?q=x", "https://evil.example/", "/search\\x"):
        page = client.get("/doc/CDIP/19/6", query_string={"back": evil}).get_data(as_text=True)
        assert 'class="back"' not in page


def test_paragraph_page_links_previous_and_next_paragraph(client):
    html = client.get("/doc/CDIP/19/6/11?ui=en").get_data(as_text=True)
    assert '<a rel="prev" href="/doc/CDIP/19/6/10">← Previous paragraph</a>' in html
    assert '<a rel="next" href="/doc/CDIP/19/6/12">Next paragraph →</a>' in html
    first = client.get("/doc/CDIP/19/6/1?ui=en").get_data(as_text=True)
    assert 'rel="prev"' not in first and 'href="/doc/CDIP/19/6/2"' in first
    last_numbered = client.get("/doc/CDIP/19/6/21?ui=en").get_data(as_text=True)
    assert '<a rel="next" href="/doc/CDIP/19/6/annex-1">' in last_numbered


def test_chinese_header_has_no_english_and_english_title_is_in_title_case(client):
    zh = client.get("/doc/CDIP/19/6?ui=zh&lang=zh").get_data(as_text=True)
    head = re.search(r'<header class="doc-head">.*?</header>', zh, re.S).group()
    words = re.sub(r"<[^>]+>|CDIP|WIPO|TFM", " ", head)
    assert "第 19 届会议" in words
    assert not re.search(r"\b(session|Session|Geneva|Committee)\b", words)
    en = unescape(client.get("/doc/CDIP/19/6?ui=en&lang=en").get_data(as_text=True))
    assert '<h1 lang="en" class="doc-title-main">Report on WIPO\'s Contribution to the' in en
    assert "REPORT ON WIPO" not in en.split("<main", 1)[1]
    api = client.get("/api/doc/CDIP/19/6").get_json()
    assert api["versions"]["en"]["title"].startswith("REPORT ON WIPO'S")  # data unchanged


def test_provisional_symbol_is_marked_on_the_page_and_in_the_citation(client):
    html = client.get("/doc/WO/PBC/33/PROVISIONAL?ui=en").get_data(as_text=True)
    assert (
        '<span class="badge provisional"' in html and "This symbol has not been confirmed" in html
    )
    copies = [unescape(c) for c in re.findall(r'data-copy="([^"]*)"', html)]
    assert (
        "WIPO, Joining the United Nations Sustainable Development Group, "
        "WO/PBC/33/PROVISIONAL [provisional symbol, not confirmed] (16 August 2021), para. 4, "
        "http://localhost/doc/WO/PBC/33/PROVISIONAL/4"
    ) in copies
    zh = client.get("/doc/WO/PBC/33/PROVISIONAL/4?ui=zh").get_data(as_text=True)
    assert "WO/PBC/33/PROVISIONAL［暂定文件号，未经确认］（2021 年 8 月 16 日），第 4 段" in zh
    results = client.get("/search?q=UNSDG&ui=en").get_data(as_text=True)
    assert '<span class="badge provisional"' in results
    assert "[provisional symbol, not confirmed]" in unescape(results)


def test_search_results_cite_fully_in_the_interface_language(client):
    html = client.get("/search?q=技术促进机制&ui=zh").get_data(as_text=True)
    copies = [unescape(c) for c in re.findall(r'data-copy="([^"]*)"', html)]
    assert (
        "世界知识产权组织，《关于 WIPO 对落实可持续发展目标及其相关具体目标所作贡献的报告》，"
        "CDIP/19/6（2017 年 5 月 15 日），第 11 段，http://localhost/doc/CDIP/19/6/11"
    ) in copies


def test_api_doc_validates_lang_like_the_page(client):
    assert client.get("/api/doc/CDIP/19/6?lang=fr").status_code == 400
    assert client.get("/doc/CDIP/19/6?lang=fr").status_code == 400
    zh = client.get("/api/doc/CDIP/19/6?lang=zh").get_json()
    assert {p["lang"] for p in zh["paragraphs"]} == {"zh"}
    one = client.get("/api/doc/CDIP/19/6/11?lang=en").get_json()
    assert [(p["lang"], p["paragraph"]) for p in one["paragraphs"]] == [("en", "11")]
