"""Result list controls on the page and in the API: sort, group, session/type/date filters,
readable chips, export; validated the same way everywhere."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

from indexer.cli import main


def hit_symbols(html: str) -> list[str]:
    return re.findall(r'<span class="symbol">([^<]+)</span>', html)


def test_sort_by_date_puts_the_2021_paper_first(client):
    html = client.get("/search?q=SDG&ui=en&sort=date&page_size=50").get_data(as_text=True)
    found = hit_symbols(html)
    assert found[0] == "WO/PBC/33/PROVISIONAL" and found[-1] == "CDIP/19/6"
    assert found == sorted(found, key=lambda s: s.startswith("CDIP"))
    assert 'aria-current="true" class="on">Date (newest first)</a>' in html
    relevance = hit_symbols(client.get("/search?q=SDG&page_size=50").get_data(as_text=True))
    assert relevance[0] == "CDIP/19/6" and sorted(relevance) == sorted(found)


def test_group_by_document_shows_three_hits_and_a_more_link(client):
    html = client.get("/search?q=SDG&ui=en&group=1").get_data(as_text=True)
    found = hit_symbols(html)
    assert found.count("CDIP/19/6") == 3 and found.count("WO/PBC/33/PROVISIONAL") == 3
    more = re.findall(
        r'<li class="more-in-doc"><a href="([^"]+)">(\d+) more in this document', html
    )
    assert [(href.replace("&amp;", "&"), n) for href, n in more] == [
        ("/search?q=SDG&symbol=CDIP/19/6", "14"),
        ("/search?q=SDG&symbol=WO/PBC/33/PROVISIONAL", "1"),
    ]
    assert 'role="switch" aria-checked="true"' in html


def test_session_type_and_date_filters_with_readable_chips(client):
    html = client.get(
        "/search?q=SDG&ui=zh&lang=zh&type=report&session=cdip/19&date_from=2017-01-01"
    ).get_data(as_text=True)
    assert set(hit_symbols(html)) == {"CDIP/19/6"}
    chips = re.findall(r'<button class="chip"[^>]*>([^<]+) <span', html)
    assert chips == ["中文", "CDIP/19", "报告", "自 2017-01-01"]
    assert "zh ✕" not in html and ">zh <" not in html
    en = client.get("/search?q=SDG&ui=en&lang=zh&type=working-document").get_data(as_text=True)
    assert re.findall(r'<button class="chip"[^>]*>([^<]+) <span', en) == [
        "Chinese",
        "Working document",
    ]
    assert re.search(r'>Report <span class="count">\d+</span>', en) is None  # filtered out
    late = client.get("/search?q=SDG&date_to=2017").get_data(as_text=True)
    assert set(hit_symbols(late)) == {"CDIP/19/6"}


def test_filter_panel_lists_type_and_session_counts(client):
    html = client.get("/search?q=SDG&ui=en").get_data(as_text=True)
    for heading in ("Language", "Document type", "Committee", "Session", "Year", "Date"):
        assert f"<h3>{heading}</h3>" in html or f">{heading}</h3>" in html
    assert re.search(r'href="/search\?q=SDG&amp;type=report">Report <span class="count">\d+', html)
    assert re.search(r'href="/search\?q=SDG&amp;session=PBC/33">PBC/33 <span', html)


def test_zero_results_page_has_no_empty_filters_heading(client):
    html = client.get("/search?q=zzqqxx&ui=en").get_data(as_text=True)
    assert "No paragraph matches" in html
    assert "Filters" not in html
    filtered = client.get("/search?q=zzqqxx&ui=en&lang=zh").get_data(as_text=True)
    assert '<h2 id="filters-title">Filters</h2>' in filtered and "Chinese" in filtered


def test_singular_total(client):
    html = client.get("/search", query_string={"q": '"可持续发展集团负责人会议"', "ui": "en"})
    text = html.get_data(as_text=True)
    assert re.search(r"\b1 paragraph in \d+ ms", text), re.findall(r"summary.*", text)


def test_api_search_takes_the_same_controls(client):
    data = client.get("/api/search?q=SDG&sort=date&group=1&type=report").get_json()
    assert data["sort"] == "date" and data["group"] is True
    assert {h["symbol"] for h in data["hits"]} == {"CDIP/19/6"}
    assert data["more"] == {"CDIP/19/6": 14}
    assert data["hits"][0]["day"] == "2017-05-15" and data["hits"][0]["doctype"] == "report"
    assert set(data["facets"]) == {"lang", "committee", "year", "session", "type"}


BAD = [
    ("sort=size", "Parameter sort must be relevance or date."),
    ("group=yes", "Parameter group must be 0 or 1."),
    ("session=19", "Parameter session must be a committee and session such as CDIP/19."),
    ("type=memo", "Parameter type must be one of"),
    ("date_from=2017-13-01", "Parameter date_from must be a date"),
    ("date_from=2018&date_to=2017", "Parameter date_from must not be later than date_to."),
    ("symbol=%2F%2F", "Parameter symbol must be a document symbol."),
]


@pytest.mark.parametrize(("query", "message"), BAD)
def test_bad_controls_are_400_in_the_api_and_the_page(client, query, message):
    resp = client.get(f"/api/search?q=SDG&{query}")
    assert resp.status_code == 400 and resp.get_json()["error"].startswith(message)
    assert client.get(f"/search?q=SDG&ui=en&{query}").status_code == 400


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sort", "size"], "Invalid value for '--sort'"),
        (["--session", "19"], "--session must be a committee and session such as CDIP/19."),
        (["--type", "memo"], "--type must be one of"),
        (["--from", "2017-13-01"], "--from must be a date"),
        (["--from", "2018", "--to", "2017"], "--from must not be later than --to."),
        (["--symbol", "//"], "--symbol must be a document symbol."),
        (["--year", "17"], "--year must be a four-digit year."),
    ],
)
def test_bad_controls_are_usage_errors_in_the_cli(index_root, args, message):
    result = CliRunner().invoke(main, ["search", "SDG", "--index", str(index_root), *args])
    assert result.exit_code == 2 and message in result.output


def test_cli_takes_the_same_controls_as_the_api(client, index_root):
    args = ["--sort", "date", "--group", "--type", "report", "--session", "CDIP/19"]
    result = CliRunner().invoke(
        main, ["search", "SDG", "--json", "--index", str(index_root), *args]
    )
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    api = client.get("/api/search?q=SDG&sort=date&group=1&type=report&session=CDIP/19").get_json()
    assert {k: v for k, v in cli.items() if k != "took_ms"} == {
        k: v for k, v in api.items() if k != "took_ms"
    }


def test_export_csv_has_every_hit_of_every_page_with_citations(client):
    total = client.get("/api/search?q=SDG").get_json()["total"]
    resp = client.get("/api/export?q=SDG&format=csv&ui=en")
    assert resp.status_code == 200 and resp.content_type == "text/csv; charset=utf-8"
    assert resp.headers["Content-Disposition"] == 'attachment; filename="docsearch-SDG.csv"'
    body = resp.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == total > 10  # more than one page
    row = next(r for r in rows if r["symbol"] == "CDIP/19/6" and r["paragraph"] == "3")
    assert row["citation"].startswith("WIPO, Report on WIPO's Contribution")
    assert row["permalink"] == "http://localhost/doc/CDIP/19/6/3"
    assert row["counterpart_lang"] in ("zh", "en") and row["counterpart_text"]
    provisional = next(r for r in rows if r["symbol"].startswith("WO/PBC"))
    assert "WO/PBC/33/PROVISIONAL [provisional symbol, not confirmed]" in provisional["citation"]


def test_export_json_follows_sort_and_filters(client):
    resp = client.get("/api/export?q=SDG&sort=date&lang=zh")
    assert resp.headers["Content-Disposition"].endswith('.json"')
    data = json.loads(resp.get_data(as_text=True))
    assert data["exported"] == data["total"] and data["limit"] == 1000
    assert data["hits"][0]["symbol"] == "WO/PBC/33/PROVISIONAL"
    assert {h["lang"] for h in data["hits"]} == {"zh"}
    assert client.get("/api/export?q=SDG&format=xml").status_code == 400


def test_results_page_links_to_the_exports_with_its_controls(client):
    html = client.get("/search?q=SDG&sort=date&lang=zh&page=2").get_data(as_text=True)
    links = [h.replace("&amp;", "&") for h in re.findall(r'href="(/api/export[^"]+)"', html)]
    assert links == [
        "/api/export?q=SDG&lang=zh&sort=date&format=csv",
        "/api/export?q=SDG&lang=zh&sort=date&format=json",
    ]


def test_unknown_symbol_filter_is_404_on_the_page_and_in_the_api(client):
    resp = client.get("/api/search?q=SDG&symbol=CDIP/99/1")
    assert resp.status_code == 404
    assert resp.get_json()["error"] == "No document CDIP/99/1 in the index."
    assert client.get("/search?q=SDG&symbol=CDIP/99/1&ui=en").status_code == 404
    assert client.get("/api/search?q=SDG&symbol=cdip 19 6").get_json()["total"] > 0


def test_csv_cells_never_start_a_spreadsheet_formula(hostile_client):
    from webapp.api import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and _cell("@SUM") == "'@SUM"
    assert _cell("- a bullet") == "- a bullet" and _cell("技术") == "技术"
    body = hostile_client.get("/api/export?q=hostile&format=csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows and all(v[:1] not in "=+@" for row in rows for v in row.values() if v)
