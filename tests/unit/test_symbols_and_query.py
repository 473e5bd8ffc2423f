"""Symbols normalise across case, width and spacing; the query parser never raises."""

import pytest

from indexer.ingest.symbols import (
    cited_symbols,
    looks_like_symbol,
    normalize_symbol,
    symbol_from_filename,
)
from indexer.query.parse import MAX_QUERY_CHARS, Clause, QueryTooLong, parse_query


@pytest.mark.parametrize(
    "typed", ["CDIP/19/6", "cdip/19/6", "ＣＤＩＰ／１９／６", " cdip / 19 / 6 ", "cdip 19 6"]
)
def test_symbol_forms_normalise_to_one(typed):
    assert normalize_symbol(typed) == "CDIP/19/6"


def test_suffixes_and_file_names():
    assert normalize_symbol("wo/pbc/32/5 rev.") == "WO/PBC/32/5 Rev."
    assert symbol_from_filename("cdip_19_6_corr") == "CDIP/19/6 Corr."
    assert symbol_from_filename("000_2d0040b54b707a96") is None
    assert not looks_like_symbol("WIPO") and not looks_like_symbol("SDG 9")


def test_cited_symbols_in_running_text():
    found = cited_symbols("（文件 CDIP/16/8）和 A/RES/72/279。")
    assert [s for _, _, s in found] == ["CDIP/16/8", "A/RES/72/279"]


def test_syntax():
    q = parse_query('技术 "2015 年 6 月" IATT OR UNCTAD -WIPO NOT SDG lang:zh symbol:CDIP/19/6')
    assert q.groups == [
        [Clause("技术")],
        [Clause("2015 年 6 月", phrase=True)],
        [Clause("IATT"), Clause("UNCTAD")],
    ]
    assert q.negatives == [Clause("WIPO"), Clause("SDG")]
    assert q.filters == {"lang": ["zh"], "symbol": ["CDIP/19/6"]}


@pytest.mark.parametrize(
    "hostile", ["(((", "*", "a*", '"', 'WIPO "', "x:[a TO z]", "foo~2", "\x00", ")))OR OR"]
)
def test_hostile_input_parses_into_plain_words(hostile):
    """Query syntax that is not offered never raises and never reaches a clause."""
    parsed = parse_query(hostile)
    clauses = [c for group in parsed.groups for c in group] + parsed.negatives
    assert all(c.text.strip() for c in clauses)
    assert not any(ch in c.text for c in clauses for ch in '()[]*~"\x00')


def test_unknown_field_is_a_keyword():
    assert parse_query("WIPO Re:Search").groups == [[Clause("WIPO")], [Clause("Re:Search")]]


def test_length_cap():
    parse_query("发" * MAX_QUERY_CHARS)
    with pytest.raises(QueryTooLong):
        parse_query("发" * (MAX_QUERY_CHARS + 1))
