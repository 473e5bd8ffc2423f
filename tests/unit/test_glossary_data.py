"""Data checks for the bilingual glossary (indexer/analysis/data/glossary.tsv).

The file is parsed here with a small local helper (not the `indexer` package), so these tests
check the data itself against the documented format:

- UTF-8, LF line endings; `#` comment lines and blank lines are ignored;
- exactly two columns separated by one tab: English terms, Chinese terms; both non-empty;
- alternatives inside a column separated by " | " with no stray spaces around terms;
- no term on two lines (English compared case-insensitively);
- a minimum size and a list of must-have cross-language mappings.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

GLOSSARY = Path(__file__).resolve().parents[2] / "indexer" / "analysis" / "data" / "glossary.tsv"
SEPARATOR = " | "
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")

MUST_HAVE = [
    ("WIPO", "产权组织"),
    ("WIPO", "世界知识产权组织"),
    ("World Intellectual Property Organization", "产权组织"),
    ("SDG", "可持续发展目标"),
    ("Sustainable Development Goals", "可持续发展目标"),
    ("UNSDG", "可持续发展集团"),
    ("UNSDG", "联合国可持续发展集团"),
    ("CDIP", "发展与知识产权委员会"),
    ("PBC", "计划和预算委员会"),
    ("ECOSOC", "经社理事会"),
    ("ECOSOC", "经济及社会理事会"),
    ("resident coordinator", "驻地协调员"),
    ("Technology Facilitation Mechanism", "技术促进机制"),
    ("TFM", "技术促进机制"),
    ("Kenya", "肯尼亚"),
    ("Open Working Group", "开放工作组"),
    ("OWG", "可持续发展目标开放工作组"),
    ("UNCT", "国家工作队"),
    ("QCPR", "四年度全面政策审查"),
    ("DCO", "发协办"),
    ("Cooperation Framework", "联合国可持续发展合作框架"),
    ("CEB", "联合国行政首长协调会"),
    ("IATT", "跨机构任务小组"),
    ("HLPF", "高级别政治论坛"),
    ("AAAA", "亚的斯亚贝巴行动议程"),
    ("ABC", "无障碍图书联合会"),
    ("UN DESA", "经社部"),
    ("UNIDO", "工发组织"),
    ("UNCTAD", "贸发会议"),
    ("ITU", "国际电联"),
    ("2030 Agenda", "2030年议程"),
    ("STI", "科学、技术和创新"),
    ("Development Agenda", "发展议程"),
    ("PCT", "专利合作条约"),
    ("Marrakesh Treaty", "马拉喀什条约"),
    ("IGC", "知识产权与遗传资源、传统知识和民间文学艺术政府间委员会"),
    ("TRIPS", "与贸易有关的知识产权协定"),
    ("intellectual property", "知识产权"),
    ("Security Council", "安理会"),
    ("JIU", "联合检查组"),
    ("Türkiye", "土耳其"),
    ("Geneva", "日内瓦"),
]


def parse_glossary(text: str) -> list[tuple[int, list[str], list[str]]]:
    """(line number, English terms, Chinese terms) for each concept line."""
    entries = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        english, chinese = line.split("\t")
        entries.append((number, english.split(SEPARATOR), chinese.split(SEPARATOR)))
    return entries


@pytest.fixture(scope="module")
def raw() -> bytes:
    return GLOSSARY.read_bytes()


@pytest.fixture(scope="module")
def text(raw: bytes) -> str:
    return raw.decode("utf-8")


@pytest.fixture(scope="module")
def entries(text: str) -> list[tuple[int, list[str], list[str]]]:
    return parse_glossary(text)


def test_encoding_and_line_endings(raw: bytes) -> None:
    assert not raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    assert b"\r" not in raw, "LF line endings only"
    assert raw.endswith(b"\n"), "file ends with a newline"


def test_every_line_has_two_tab_separated_non_empty_columns(text: str) -> None:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        columns = line.split("\t")
        assert len(columns) == 2, f"line {number}: expected one tab, got {len(columns) - 1}"
        assert all(c.strip() for c in columns), f"line {number}: empty column"


def test_terms_are_cleanly_separated(entries) -> None:
    for number, english, chinese in entries:
        for term in english + chinese:
            assert term, f"line {number}: empty alternative"
            assert term == term.strip(), f"line {number}: spaces around {term!r}"
            assert "|" not in term, f"line {number}: bad separator in {term!r}"
            assert "  " not in term, f"line {number}: double space in {term!r}"
            assert "\t" not in term, f"line {number}: tab in {term!r}"


def test_columns_hold_the_right_language(entries) -> None:
    for number, english, chinese in entries:
        for term in english:
            assert not CJK.search(term), f"line {number}: Chinese in English column: {term!r}"
        for term in chinese:
            assert CJK.search(term), f"line {number}: no Chinese in Chinese column: {term!r}"


def test_no_term_on_two_lines(entries) -> None:
    seen: dict[str, int] = {}
    for number, english, chinese in entries:
        for key in [t.casefold() for t in english] + chinese:
            assert key not in seen, f"{key!r} on line {number} already on line {seen[key]}"
            seen[key] = number


def test_size(entries) -> None:
    assert len(entries) >= 250


@pytest.mark.parametrize(("english", "chinese"), MUST_HAVE)
def test_must_have_mapping(entries, english: str, chinese: str) -> None:
    matches = [(n, zh) for n, en, zh in entries if english.casefold() in {t.casefold() for t in en}]
    assert matches, f"{english!r} missing"
    ((number, zh),) = matches
    assert chinese in zh, f"{english!r} (line {number}) does not map to {chinese!r}"
