"""Sort by date, group by document, session/type/date filters and the document listing."""

from __future__ import annotations

import pytest

from indexer import SearchIndex
from indexer.search.ranking import GROUP_SIZE


@pytest.fixture(scope="module")
def index(index_root):
    with SearchIndex(index_root) as index:
        yield index


def test_sort_by_date_puts_the_newest_document_first(index):
    by_date = index.search("SDG", sort="date", page_size=100)
    days = [("2021" if h.symbol.startswith("WO/PBC") else "2017") for h in by_date.hits]
    assert days == sorted(days, reverse=True) and days[0] == "2021" and days[-1] == "2017"
    by_score = index.search("SDG", page_size=100)
    assert by_date.total == by_score.total and by_score.hits[0].symbol == "CDIP/19/6"
    assert len(by_date.hits) == by_date.total  # every unit once


def test_group_by_document_keeps_three_hits_each_and_counts_the_rest(index):
    everything = index.search("SDG", page_size=100)
    per_doc: dict[str, int] = {}
    for hit in everything.hits:
        per_doc[hit.symbol] = per_doc.get(hit.symbol, 0) + 1
    grouped = index.search("SDG", group=True, page_size=100)
    shown: dict[str, int] = {}
    for hit in grouped.hits:
        shown[hit.symbol] = shown.get(hit.symbol, 0) + 1
    assert all(n <= GROUP_SIZE for n in shown.values())
    assert grouped.more == {s: n - GROUP_SIZE for s, n in per_doc.items() if n > GROUP_SIZE}
    symbols = [h.symbol for h in grouped.hits]
    assert symbols == sorted(symbols, key=symbols.index)  # each document's hits together
    assert grouped.total == everything.total and grouped.listed == len(grouped.hits)


def test_session_type_and_date_filters(index):
    assert {h.symbol for h in index.search("SDG session:PBC/33", page_size=50).hits} == {
        "WO/PBC/33/PROVISIONAL"
    }
    report = index.search("SDG", filters={"type": ["report"]}, page_size=50)
    assert {h.symbol for h in report.hits} == {"CDIP/19/6"}
    assert report.facets["type"] == {"report": report.total}  # units, as the total counts
    late = index.search("SDG", filters={"date_from": ["2018-01-01"]}, page_size=50)
    early = index.search("SDG", filters={"date_to": ["2017"]}, page_size=50)
    assert {h.symbol for h in late.hits} == {"WO/PBC/33/PROVISIONAL"}
    assert {h.symbol for h in early.hits} == {"CDIP/19/6"}
    assert late.total + early.total == index.search("SDG").total


def test_document_listing_newest_first_with_both_titles(index):
    listing = index.documents()
    assert [d.symbol for d in listing] == ["WO/PBC/33/PROVISIONAL", "CDIP/19/6"]
    cdip = listing[1]
    assert cdip.day == "2017-05-15" and cdip.session == "CDIP/19" and cdip.doctype == "report"
    assert set(cdip.titles) == {"zh", "en"} and cdip.titles["zh"].endswith("报告")
    assert cdip.paragraphs == 21 and cdip.languages == ["en", "zh"]
