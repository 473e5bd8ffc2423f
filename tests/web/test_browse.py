"""/docs and /api/docs: every document with both titles, filters, sorts; home page links."""

from __future__ import annotations

import re
from html import unescape


def symbols(html: str) -> list[str]:
    link = r'<a class="hit-link symbol" href="/doc/[^"?]+(?:\?back=[^"]*)?">([^<]+)</a>'
    return re.findall(link, html)


def test_docs_lists_every_document_newest_first_with_both_titles(client):
    html = client.get("/docs?ui=en").get_data(as_text=True)
    assert symbols(html) == ["WO/PBC/33/PROVISIONAL", "CDIP/19/6"]
    text = unescape(html)
    assert "Report on WIPO's Contribution to the Implementation" in text  # title case
    assert "REPORT ON WIPO" not in text
    assert "关于 WIPO 对落实可持续发展目标及其相关具体目标所作贡献的报告" in text
    assert '<time datetime="2017-05-15">2017-05-15</time>' in html
    assert "Chinese / English" in text or "English / Chinese" in text
    assert "21 paragraphs" in text and "17 paragraphs" in text
    assert "2 documents" in text


def test_docs_filters_by_committee_session_year_language_and_type(client):
    for query, expected in [
        ("committee=CDIP", ["CDIP/19/6"]),
        ("session=PBC/33", ["WO/PBC/33/PROVISIONAL"]),
        ("year=2017", ["CDIP/19/6"]),
        ("lang=zh", ["WO/PBC/33/PROVISIONAL", "CDIP/19/6"]),
        ("type=report", ["CDIP/19/6"]),
        ("committee=CDIP&year=2021", []),
    ]:
        html = client.get(f"/docs?ui=en&{query}").get_data(as_text=True)
        assert symbols(html) == expected, query
    none = client.get("/docs?ui=en&committee=CDIP&year=2021").get_data(as_text=True)
    assert "No document matches these filters." in none


def test_docs_filter_panel_counts_and_chips_are_readable(client):
    html = client.get("/docs?ui=zh&lang=zh&type=report").get_data(as_text=True)
    chips = re.findall(r'<a class="chip"[^>]*>([^<]+) <span', html)
    assert chips == ["中文", "报告"]  # names, not the codes zh / report
    assert re.search(r'>工作文件 <span class="count">1</span>', html)
    assert re.search(r'>CDIP <span class="count">1</span>', html)


def test_docs_sort_by_symbol(client):
    html = client.get("/docs?sort=symbol").get_data(as_text=True)
    assert symbols(html) == ["CDIP/19/6", "WO/PBC/33/PROVISIONAL"]


def test_api_docs_same_list_and_validation(client):
    data = client.get("/api/docs?sort=symbol").get_json()
    assert [d["symbol"] for d in data["documents"]] == ["CDIP/19/6", "WO/PBC/33/PROVISIONAL"]
    cdip = data["documents"][0]
    assert cdip["titles"]["en"].startswith("REPORT ON")  # the data keeps the original
    assert cdip["day"] == "2017-05-15" and cdip["session"] == "CDIP/19"
    assert cdip["doctype"] == "report" and cdip["paragraphs"] == 21
    assert data["facets"]["committee"] == {"CDIP": 1, "PBC": 1}
    assert client.get("/api/docs?year=2021").get_json()["total"] == 1
    for bad in ("year=17", "lang=fr", "sort=size", "session=19", "type=memo", "committee=<b>"):
        resp = client.get(f"/api/docs?{bad}")
        assert resp.status_code == 400 and resp.get_json()["error"].startswith("Parameter"), bad
    assert client.get("/docs?year=17&ui=en").status_code == 400


def test_home_links_to_the_list_and_shows_recent_documents(client):
    html = client.get("/?ui=en").get_data(as_text=True)
    assert '<p class="browse-link"><a href="/docs">Browse documents →</a></p>' in html
    recent = re.findall(r'<a class="symbol" href="/doc/([^"]+)">', html)
    assert recent == ["WO/PBC/33/PROVISIONAL", "CDIP/19/6"]
    assert "All 2 documents →" in html
    assert 'class="badge provisional"' in html


def test_a_document_opened_from_the_list_links_back_to_the_filtered_list(client):
    html = client.get("/docs?committee=CDIP&ui=en").get_data(as_text=True)
    link = unescape(re.search(r'<a class="hit-link symbol" href="([^"]+)"', html).group(1))
    doc = client.get(link).get_data(as_text=True)
    assert '<p class="back"><a href="/docs?committee=CDIP">' in doc


def test_the_list_pages_through_many_documents(client):
    first = client.get("/api/docs?page_size=1").get_json()
    second = client.get("/api/docs?page_size=1&page=2").get_json()
    assert first["total"] == second["total"] == 2 and first["pages"] == 2
    assert [d["symbol"] for d in first["documents"] + second["documents"]] == [
        "WO/PBC/33/PROVISIONAL",
        "CDIP/19/6",
    ]
    html = client.get("/docs?page_size=1&ui=en").get_data(as_text=True)
    assert "2 documents · page 1 of 2" in html
    assert 'rel="next" href="/docs?page_size=1&amp;page=2"' in html
    assert client.get("/api/docs?page=0").status_code == 400
