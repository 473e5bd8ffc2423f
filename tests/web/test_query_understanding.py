"""Questions, citations, document cards, did-you-mean and dropped syntax on the results page
and in the JSON API: both say the same thing (issue 11)."""

from __future__ import annotations

QUESTION = "does joining the UNSDG make WIPO a member of all country teams"


def page(client, q: str, ui: str = "en") -> str:
    return client.get("/search", query_string={"q": q, "ui": ui}).get_data(as_text=True)


def api(client, q: str) -> dict:
    resp = client.get("/api/search", query_string={"q": q})
    assert resp.status_code == 200
    return resp.get_json()


def test_a_question_says_which_words_were_not_required(client):
    html = page(client, QUESTION)
    assert "these contain at least" in html and "the most matched first." in html
    assert "Question and function words not required: does, the, a, of, all." in html
    assert '<p class="matched">Matches: ' in html
    data = api(client, QUESTION)
    relaxed = data["relaxed"]
    assert relaxed["minimum"] < relaxed["words"] and "does" in relaxed["ignored"]
    assert data["hits"][0]["matched"] and set(data["hits"][0]["matched"]) <= set(relaxed["terms"])
    assert data["hits"][0]["paragraph"] == "11"


def test_the_chinese_page_explains_too(client):
    html = page(client, "加入可持续发展集团是否意味着自动成为所有国家工作队的成员", ui="zh")
    assert "未要求的疑问词和虚词：" in html and "是否" in html


def test_a_citation_gets_a_card_and_comes_first(client):
    html = page(client, "CDIP/19/6 para 11")
    assert 'class="card citation-card"' in html
    assert '<a href="/doc/CDIP/19/6/11">CDIP/19/6, paragraph 11</a>' in html
    assert html.index("citation-card") < html.index('class="hits"')
    data = api(client, "CDIP/19/6 第 11 段")
    assert data["citation"] == {"symbol": "CDIP/19/6", "paragraph": "11", "paragraphs": ["11"]}
    assert (data["hits"][0]["symbol"], data["hits"][0]["paragraph"]) == ("CDIP/19/6", "11")


def test_a_bare_symbol_gets_a_document_card(client):
    html = page(client, "wo pbc 33 provisional")
    assert 'class="card document-card"' in html
    assert "JOINING THE UNITED NATIONS SUSTAINABLE DEVELOPMENT GROUP" in html
    assert "加入联合国可持续发展集团" in html
    assert 'href="/doc/WO/PBC/33/PROVISIONAL?lang=zh"' in html
    assert 'href="/doc/WO/PBC/33/PROVISIONAL?lang=en"' in html
    assert "<dt>Paragraphs</dt>" in html
    card = api(client, "WO/PBC/33/PROVISIONAL")["document"]
    assert card["symbol"] == "WO/PBC/33/PROVISIONAL" and set(card["titles"]) == {"en", "zh"}
    assert card["paragraphs"] > 10 and card["date"]


def test_did_you_mean_with_the_suggestions_results(client):
    html = page(client, "technolgy facilitation")
    assert "No paragraph matches “technolgy facilitation”; showing results for" in html
    assert 'class="hits"' in html and "<mark>" in html
    data = api(client, "technolgy facilitation")
    assert data["suggestion"] == "technology facilitation" and data["suggestion_applied"]
    assert data["total"] > 0


def test_did_you_mean_links_to_the_suggestion_when_the_query_found_something(client):
    typed = "Senegall interactive dialogue"  # found without its misspelt word
    html = page(client, typed)
    assert "Did you mean" in html and "q=Senegal+interactive+dialogue" in html
    data = api(client, typed)
    assert data["suggestion"] == "Senegal interactive dialogue"
    assert data["suggestion_applied"] is False and data["total"] > 0


def test_wildcards_are_said_out_loud(client):
    html = page(client, "technolog*")
    assert "Wildcards are not supported; searched for technolog" in html
    data = api(client, "technolog*")
    assert data["dropped_syntax"] == ["wildcard"] and data["searched"] == "technolog"
    assert "不支持通配符；已检索：technolog" in page(client, "technolog*", ui="zh")
