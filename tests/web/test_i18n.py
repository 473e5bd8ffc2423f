"""The interface in Chinese and English: ?ui=, the cookie, Accept-Language, lang attributes."""

from __future__ import annotations


def test_ui_switch_sets_a_cookie_that_is_remembered(client):
    resp = client.get("/?ui=en")
    assert '<html lang="en">' in resp.get_data(as_text=True)
    cookie = resp.headers["Set-Cookie"]
    assert cookie.startswith("ui=en;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    again = client.get("/", headers={"Accept-Language": "zh-CN"})
    assert '<html lang="en">' in again.get_data(as_text=True)
    assert "Set-Cookie" not in again.headers
    zh = client.get("/search?q=SDG&ui=zh").get_data(as_text=True)
    assert '<html lang="zh-CN">' in zh and "搜索" in zh


def test_accept_language_decides_without_cookie(client):
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "en-GB"}).text
    assert '<html lang="zh-CN">' in client.get("/", headers={"Accept-Language": "zh-TW"}).text


def test_unknown_ui_value_is_ignored(client):
    resp = client.get("/?ui=fr", headers={"Accept-Language": "en"})
    assert resp.status_code == 200 and "Set-Cookie" not in resp.headers


def test_switch_link_keeps_the_other_parameters(client):
    html = client.get("/search?q=SDG&lang=en&ui=en").get_data(as_text=True)
    assert 'class="ui-switch" href="?q=SDG&amp;lang=en&amp;ui=zh"' in html


def test_content_carries_its_own_language(client):
    html = client.get("/doc/CDIP/19/6?ui=en").get_data(as_text=True)
    assert '<div class="cell" lang="zh-CN">' in html and '<div class="cell" lang="en">' in html
