"""The HTML pages through Flask's test client."""

from __future__ import annotations

import re
from html import unescape

import pytest

QUERY = "技术促进机制"
# The glossary also finds the term's English name and abbreviation, in both languages.
EQUIVALENTS = {QUERY, "TFM"}


def marks(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html)


def chinese_blocks(html: str) -> str:
    """The Chinese hits or paragraph cells of a page (English ones mark glossary equivalents)."""
    return "".join(re.findall(r'lang="zh-CN">(.*?)</(?:li|div)>', html, re.S))


def test_home_has_search_box_help_and_corpus_figures(client):
    html = client.get("/?ui=en").get_data(as_text=True)
    assert re.search(r'<input id="q" name="q" type="search"[^>]*autofocus', html)
    assert '<label class="visually-hidden" for="q">' in html
    assert "Query syntax" in html and "lang:zh" in html
    assert re.search(r"<dt>documents</dt><dd>2</dd>", html)
    assert re.search(r"<dt>paragraphs</dt><dd>\d+</dd>", html)
    assert re.search(r"<dt>languages</dt><dd>(Chinese|English) · (Chinese|English)</dd>", html)


def test_search_shows_highlighted_hits_with_permalinks(client):
    resp = client.get("/search", query_string={"q": QUERY, "ui": "en"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert QUERY in marks(chinese_blocks(html))
    assert set(marks(chinese_blocks(html))) <= EQUIVALENTS
    assert re.search(r"\d+ paragraphs in \d+ ms", html)
    assert "CDIP/19/6" in html and "para. 11" in html
    assert 'href="/doc/CDIP/19/6/11"' in html
    assert re.search(r'href="/doc/CDIP/19/6\?q=[^"]+#p11"', html)
    assert "Sections" in html  # the heading 技术促进机制 matches too


def test_bilingual_unit_leads_with_the_interface_language(client):
    zh = client.get("/search", query_string={"q": QUERY, "ui": "zh"}).get_data(as_text=True)
    en = client.get("/search", query_string={"q": QUERY, "ui": "en"}).get_data(as_text=True)
    assert '<li class="hit" lang="zh-CN">' in zh and '<div class="counterpart" lang="en">' in zh
    assert '<li class="hit" lang="en">' in en and '<div class="counterpart" lang="zh-CN">' in en


def test_search_facets_filter_and_toggle(client):
    html = client.get("/search?q=SDG&ui=en").get_data(as_text=True)
    assert re.search(r'href="/search\?q=SDG&amp;lang=zh">Chinese <span class="count">\d+', html)
    filtered = client.get("/search?q=SDG&lang=zh&ui=en").get_data(as_text=True)
    assert 'class="on" aria-current="true"' in filtered
    assert 'class="hit" lang="zh-CN"' in filtered and 'class="hit" lang="en"' not in filtered
    assert "Clear filters" in filtered


def test_search_paginates(client):
    first = client.get("/search?q=WIPO&ui=en").get_data(as_text=True)
    assert 'rel="next" href="/search?q=WIPO&amp;page=2"' in first
    second = client.get("/search?q=WIPO&page=2&ui=en").get_data(as_text=True)
    assert 'rel="prev"' in second and '<span aria-current="page">2</span>' in second


def test_page_past_the_end_links_back(client):
    html = client.get("/search?q=WIPO&page=999&ui=en").get_data(as_text=True)
    assert "There are no results on this page." in html
    assert '<a href="/search?q=WIPO">Back to page 1</a>' in html


def test_relaxed_match_is_said(client):
    html = client.get("/search", query_string={"q": "发展议程技术促进机制", "ui": "en"}).text
    assert "No exact match; these paragraphs contain all the words of the query" in html
    assert "<mark>" in html


def test_empty_state_repeats_the_query_and_suggests(client):
    html = client.get("/search?q=zzqqxx&ui=en").get_data(as_text=True)
    assert "No paragraph matches “zzqqxx”." in html
    assert "type a document symbol such as CDIP/19/6." in html


def test_typed_symbol_offers_the_document(client):
    for typed in ("CDIP/19/6", "cdip 19 6", "ＣＤＩＰ／１９／６"):
        html = client.get("/search", query_string={"q": typed, "ui": "en"}).get_data(as_text=True)
        assert '<p class="offer"><a href="/doc/CDIP/19/6">Open document CDIP/19/6' in html


def test_empty_query_goes_home(client):
    resp = client.get("/search?q=+")
    assert resp.status_code == 302 and resp.headers["Location"] == "/"


def test_document_page_anchors_every_paragraph_and_highlights(client):
    html = client.get("/doc/CDIP/19/6", query_string={"q": QUERY}).get_data(as_text=True)
    for label in ("1", "11", "21", "h5", "annex-1"):
        assert f'id="p{label}"' in html
    assert QUERY in marks(chinese_blocks(html))
    assert set(marks(chinese_blocks(html))) <= EQUIVALENTS
    assert "Geneva, May 15 to 19, 2017" in html or "日内瓦" in html
    assert 'class="annex-title' in html


def test_document_side_by_side_and_one_language(client):
    both = client.get("/doc/CDIP/19/6?ui=zh").get_data(as_text=True)
    assert "cols-2" in both
    row = both.split('id="p11"', 1)[1].split("</section>", 1)[0]
    assert row.index('lang="zh-CN"') < row.index('lang="en"')
    assert "技术促进机制" in row and "Technology Facilitation Mechanism" in row
    only = client.get("/doc/CDIP/19/6?lang=en").get_data(as_text=True)
    assert "cols-1" in only and "技术促进机制（TFM）" not in only


def test_symbol_in_url_ignores_case_and_width(client):
    for path in ("/doc/cdip/19/6", "/doc/ＣＤＩＰ／１９／６", "/doc/Cdip/19/6/"):
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert 'id="p11"' in resp.get_data(as_text=True)


CDIP_TITLE = (
    "Report on WIPO's Contribution to the Implementation of the Sustainable Development Goals "
    "and Its Associated Targets"
)
CDIP_TITLE_ZH = "关于 WIPO 对落实可持续发展目标及其相关具体目标所作贡献的报告"


def cites(html: str) -> list[str]:
    return [unescape(c) for c in re.findall(r"<cite>(.*?)</cite>", html, re.S)]


def test_paragraph_page_links_back_to_its_place(client):
    html = client.get("/doc/cdip/19/6/11?ui=en").get_data(as_text=True)
    assert '<a class="in-context" href="/doc/CDIP/19/6#p11">View in document' in html
    assert cites(html) == [
        f"WIPO, {CDIP_TITLE}, CDIP/19/6 (15 May 2017), para. 11, http://localhost/doc/CDIP/19/6/11"
    ]
    assert "Technology Facilitation Mechanism (TFM)" in html and "技术促进机制（TFM）" in html
    zh = client.get("/doc/CDIP/19/6/11?ui=zh").get_data(as_text=True)
    assert cites(zh) == [
        f"世界知识产权组织，《{CDIP_TITLE_ZH}》，CDIP/19/6（2017 年 5 月 15 日），第 11 段，"
        "http://localhost/doc/CDIP/19/6/11"
    ]


def test_annex_paragraph_citation(client):
    html = client.get("/doc/CDIP/19/6/annex-1?ui=en").get_data(as_text=True)
    assert cites(html)[0].endswith(
        "CDIP/19/6 (15 May 2017), Annex, para. 1, http://localhost/doc/CDIP/19/6/annex-1"
    )


def test_citation_and_permalink_buttons_are_data_for_the_script(client):
    html = client.get("/doc/CDIP/19/6?ui=en").get_data(as_text=True)
    copies = [unescape(c) for c in re.findall(r'data-copy="([^"]*)"', html)]
    assert (
        f"WIPO, {CDIP_TITLE}, CDIP/19/6 (15 May 2017), para. 11, http://localhost/doc/CDIP/19/6/11"
        in copies
    )
    assert f"WIPO, {CDIP_TITLE}, CDIP/19/6 (15 May 2017), http://localhost/doc/CDIP/19/6" in copies
    assert 'data-copy-href="/doc/CDIP/19/6/11"' in html
    assert '<script src="/static/app.js" defer></script>' in html
    assert "<script>" not in html and "onclick" not in html


def test_cited_symbols_link_to_documents_in_the_corpus(client):
    html = client.get("/doc/WO/PBC/33/PROVISIONAL").get_data(as_text=True)
    cited = dict(re.findall(r'<a class="cited" href="([^"]+)">([^<]+)</a>', html))
    assert all(href.startswith("/doc/") for href in cited)
    # CDIP/16/8 is cited by CDIP/19/6 but not in the corpus: plain text, no link
    doc = client.get("/doc/CDIP/19/6").get_data(as_text=True)
    assert "CDIP/16/8" in doc and 'href="/doc/CDIP/16/8"' not in doc


def test_cited_symbol_link_combines_with_highlight(hostile_client):
    html = hostile_client.get("/doc/XSS/1/1?q=CDIP/19/6").get_data(as_text=True)
    assert '<a class="cited" href="/doc/CDIP/19/6"><mark>CDIP/19/6</mark></a>' in html


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/doc/CDIP/99/9", 404),
        ("/doc/CDIP/19/6/999", 404),
        ("/doc/not a symbol", 404),
        ("/doc/CDIP/19/6?lang=fr", 400),
        ("/search?q=x&page=0", 400),
        ("/search?q=x&page=abc", 400),
        ("/search?q=x&page=1001", 400),
        ("/search?q=x&lang=de", 400),
        ("/search?q=x&year=20x1", 400),
        ("/nowhere", 404),
    ],
)
def test_bad_requests_get_a_friendly_page(client, path, status):
    resp = client.get(path + ("&" if "?" in path else "?") + "ui=en")
    assert resp.status_code == status
    assert resp.content_type.startswith("text/html")
    assert "Back to the search page" in resp.get_data(as_text=True)


def test_too_long_query_is_413_with_a_message(client):
    resp = client.get("/search", query_string={"q": "字" * 501, "ui": "en"})
    assert resp.status_code == 413
    assert "at most 500 characters (this one has 501)" in resp.get_data(as_text=True)


def test_opensearch_description(client):
    resp = client.get("/opensearch.xml")
    assert resp.status_code == 200
    assert resp.content_type.startswith("application/opensearchdescription+xml")
    body = resp.get_data(as_text=True)
    assert re.search(r'<Url type="text/html" [^>]*template="[^"]*/search\?q=\{searchTerms\}"', body)
    home = client.get("/").get_data(as_text=True)
    assert 'rel="search" type="application/opensearchdescription+xml"' in home


def test_static_files_are_served_locally(client):
    for name in ("style.css", "app.js", "favicon.svg"):
        resp = client.get(f"/static/{name}")
        assert resp.status_code == 200
        resp.close()
    html = client.get("/").get_data(as_text=True)
    assert not re.search(r'(src|href)="(https?:)?//', html)
