"""Glossary expansion on the page and in the API: said, and switchable off."""


def test_page_says_what_was_added_and_offers_to_turn_it_off(client):
    page = client.get("/search?q=WIPO&ui=zh").get_data(as_text=True)
    assert "同时检索了术语表中的对应词" in page and "产权组织" in page
    assert "expand=0" in page
    off = client.get("/search?q=WIPO&expand=0&ui=zh").get_data(as_text=True)
    assert "未使用术语表扩展" in off and "同时检索了术语表中的对应词" not in off


def test_api_reports_expansions_and_honours_expand_0(client):
    on = client.get("/api/search?q=Kenya").get_json()
    assert on["expansions"] == [{"typed": "Kenya", "added": ["肯尼亚"]}]
    assert on["hits"][0]["counterpart"]["lang"] == "zh"
    off = client.get("/api/search?q=UNSDG&lang=zh&expand=0").get_json()
    assert off["expansions"] == [] and [h["paragraph"] for h in off["hits"]] == ["1"]


def test_document_page_highlights_the_query_and_its_equivalents(client):
    page = client.get("/doc/CDIP/19/6?q=Kenya").get_data(as_text=True)
    assert "<mark>Kenya</mark>" in page and "<mark>肯尼亚</mark>" in page
