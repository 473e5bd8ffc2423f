"""Escaping, headers, traversal attempts and hostile queries."""

from __future__ import annotations

import time

import pytest

from webapp import create_app

HOSTILE_MARKUP = ("<script>", "<img src=x", "<svg onload", "<b>hostile</b>")


def assert_no_markup_from_data(html: str) -> None:
    for fragment in HOSTILE_MARKUP:
        assert fragment not in html


def test_document_text_and_title_are_escaped(hostile_client):
    html = hostile_client.get("/doc/XSS/1/1").get_data(as_text=True)
    assert_no_markup_from_data(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b&gt;hostile&lt;/b&gt;" in html


def test_hits_and_highlights_are_escaped(hostile_client):
    for q in ("script", "hostile", "onerror", '"><img', "<script>alert(1)</script>"):
        html = hostile_client.get("/search", query_string={"q": q}).get_data(as_text=True)
        assert_no_markup_from_data(html)
    html = hostile_client.get("/search?q=hostile").get_data(as_text=True)
    assert "<mark>hostile</mark>" in html


def test_paragraph_page_and_api_escape(hostile_client):
    html = hostile_client.get("/doc/XSS/1/1/2?q=img").get_data(as_text=True)
    assert_no_markup_from_data(html)
    data = hostile_client.get("/api/search?q=hostile").get_json()
    for hit in data["hits"]:
        assert "<script>" not in hit["highlight"] and "<img" not in hit["highlight"]


def test_security_headers_on_every_kind_of_response(client):
    for url in ("/", "/search?q=SDG", "/doc/CDIP/19/6", "/api/search?q=x", "/nowhere"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_debug_is_off(tmp_path):
    app = create_app({"INDEX_DIR": str(tmp_path)})
    assert app.debug is False


@pytest.mark.parametrize(
    "path",
    [
        "/doc/..%2f..%2fetc%2fpasswd",
        "/doc/../../etc/passwd",
        "/doc/%2e%2e/%2e%2e/etc/passwd",
        "/doc/CDIP%00/19/6",
        "/doc/CDIP/19/6%00",
        "/doc/CDIP/19/6/11%00",
        "/api/doc/..%2f..%2fetc%2fpasswd",
        "/api/doc/CDIP/19/6%00",
        "/static/..%2f__init__.py",
        "/static/../__init__.py",
        "/doc/%ff%fe",
        "/doc/" + "A/" * 300,
    ],
)
def test_traversal_attempts_never_serve_files(client, path):
    resp = client.get(path)
    assert resp.status_code in (400, 404), path
    assert b"create_app" not in resp.data and b"root:" not in resp.data


HOSTILE_QUERIES = [
    "(((",
    ")))",
    "*",
    "a*",
    "?",
    "[a TO z]",
    "{1 TO 9}",
    "year:[2000 TO 2020]",
    "word~2",
    "技术~",
    "\x00",
    "a\x00b",
    '"',
    '"""',
    "OR",
    "AND OR NOT",
    "-",
    "--x",
    "lang:",
    "symbol:",
    "symbol:../../etc",
    "committee:*",
    "\\",
    "%",
    "&#x3C;script&#x3E;",
    "　",
    "\u202e",
    "😀",
    "x" * 500,
]


@pytest.mark.parametrize("q", HOSTILE_QUERIES)
def test_hostile_queries_answer_quickly_without_5xx(client, q):
    for url in ("/search", "/api/search"):
        started = time.perf_counter()
        resp = client.get(url, query_string={"q": q})
        assert resp.status_code < 500 and resp.status_code != 413, (url, q)
        assert time.perf_counter() - started < 2.0


@pytest.mark.slow
def test_huge_query_is_413(client):
    # Timing is measured over real HTTP in the browser test: the test client itself spends
    # most of a second percent-decoding a 120,000-character URL.
    huge = "技术促进机制" * 20_000
    for url in ("/search", "/api/search"):
        assert client.get(url, query_string={"q": huge}).status_code == 413
