"""The JSON API: the CLI's objects, and JSON errors with the right status."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from indexer.cli import main

QUERIES = ["技术促进机制", "SDG", '"可持续发展集团"', "cdip 19 6", "IATT OR UNCTAD -WIPO"]


def cli_json(root, *args) -> dict:
    result = CliRunner().invoke(main, [*args[:1], "--json", "--index", str(root), *args[1:]])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def without_timing(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "took_ms"}


@pytest.mark.parametrize("q", QUERIES)
def test_search_equals_cli_json(client, index_root, q):
    resp = client.get("/api/search", query_string={"q": q})
    assert resp.status_code == 200 and resp.content_type == "application/json"
    assert without_timing(resp.get_json()) == without_timing(cli_json(index_root, "search", q))


def test_search_shape(client):
    data = client.get("/api/search?q=技术促进机制").get_json()
    assert {"query", "total", "hits", "page", "pages", "took_ms", "facets", "sections"} <= set(data)
    hit = data["hits"][0]
    assert {"symbol", "lang", "paragraph", "title", "section", "score", "text", "highlight"} <= set(
        hit
    )
    assert {(h["symbol"], h["paragraph"]) for h in data["hits"]} >= {("CDIP/19/6", "11")}
    units = [h for hit in data["hits"] for h in (hit, hit.get("counterpart")) if h]
    zh = [h for h in units if h["lang"] == "zh" and h["paragraph"] == "11"]
    assert zh and all("<mark>技术促进机制</mark>" in h["highlight"] for h in zh)


def test_search_filters_and_paging(client):
    data = client.get("/api/search?q=SDG&lang=en&page=2&page_size=3").get_json()
    assert data["page"] == 2 and data["page_size"] == 3
    assert {hit["lang"] for hit in data["hits"]} == {"en"}


def test_document_equals_cli_show(client, index_root):
    data = client.get("/api/doc/cdip/19/6").get_json()
    assert data == cli_json(index_root, "show", "CDIP/19/6")
    assert data["languages"] == ["en", "zh"]


def test_paragraph_equals_cli_show(client, index_root):
    data = client.get("/api/doc/CDIP/19/6/11").get_json()
    assert data == cli_json(index_root, "show", "CDIP/19/6", "11")
    assert [(p["lang"], p["paragraph"]) for p in data["paragraphs"]] == [
        ("en", "11"),
        ("zh", "11"),
    ]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/search", 400),
        ("/api/search?q=x&page=0", 400),
        ("/api/search?q=x&page=-1", 400),
        ("/api/search?q=x&page=1.5", 400),
        ("/api/search?q=x&page=１", 400),
        ("/api/search?q=x&page_size=101", 400),
        ("/api/search?q=x&lang=fr", 400),
        ("/api/search?q=x&year=17", 400),
        ("/api/search?q=x&committee=<b>", 400),
        ("/api/search?q=x&symbol=%2F%2F", 400),
        ("/api/doc/CDIP/99/9", 404),
        ("/api/doc/CDIP/19/6/99", 404),
        ("/api/doc/nonsense", 404),
        ("/api/nowhere", 404),
    ],
)
def test_errors_are_json(client, url, status):
    resp = client.get(url)
    assert resp.status_code == status
    assert resp.content_type == "application/json"
    body = resp.get_json()
    assert body["status"] == status and isinstance(body["error"], str) and body["error"]


def test_too_long_query_is_413(client):
    resp = client.get("/api/search", query_string={"q": "a" * 501})
    assert resp.status_code == 413 and resp.get_json()["status"] == 413
    assert client.get("/api/search", query_string={"q": "a" * 500}).status_code == 200
