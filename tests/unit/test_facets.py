"""Document type, session, date and title rules (indexer.ingest.facets, indexer.search.titles)."""

from __future__ import annotations

import pytest

from indexer.ingest.facets import (
    document_day,
    document_type,
    is_provisional,
    organisation,
    session_key,
)
from indexer.search.titles import display_title


@pytest.mark.parametrize(
    ("symbol", "titles", "expected"),
    [
        ("A/RES/72/279", [], "resolution"),
        ("A/72/L.5", [], "draft"),
        ("WO/GA/49/INF/1", [], "information"),
        ("A/DEC/72/555", [], "decision"),
        ("CDIP/19/6", ["REPORT ON WIPO'S CONTRIBUTION TO THE SDGS"], "report"),
        ("CDIP/19/6", ["关于 WIPO 对落实可持续发展目标所作贡献的报告"], "report"),
        ("CDIP/19/15", ["Draft Report"], "report"),
        ("CDIP/19/INF/2", ["Report on something"], "information"),  # the series wins
        ("CDIP/20/2", ["Summary by the Chair"], "summary"),
        ("CDIP/20/1", ["Draft Agenda"], "agenda"),
        ("PBC/33/5", ["Decisions adopted by the Program and Budget Committee"], "decision"),
        (
            "WO/PBC/33/PROVISIONAL",
            ["JOINING THE UNITED NATIONS SUSTAINABLE DEVELOPMENT GROUP"],
            "working-document",
        ),
        ("CDIP/19/7", ["Reporting obligations and transfer of technology"], "working-document"),
    ],
)
def test_document_type_from_symbol_then_title(symbol, titles, expected):
    assert document_type(symbol, titles) == expected


def test_document_day_from_date_else_meeting_start():
    assert document_day("2021-08-16", "Geneva, September 13 to 17, 2021") == "2021-08-16"
    assert document_day("", "Geneva, May 15 to 19, 2017") == "2017-05-15"
    assert document_day("", "2017 年 5 月 15 日至 19 日，日内瓦") == "2017-05-15"
    assert document_day("15 May 2017") == "2017-05-15"
    assert document_day("DATE: MAY 3, 2018") == "2018-05-03"
    assert document_day("", "Geneva, 2019") == "2019"
    assert document_day("", "") == ""


def test_session_organisation_and_provisional():
    assert session_key("cdip", "19") == "CDIP/19"
    assert session_key("PBC", "第 33 届") == "PBC/33"
    assert session_key("", "19") == "" and session_key("CDIP", "") == ""
    assert organisation("A/RES/72/279") == "UN" and organisation("CDIP/19/6") == "WIPO"
    assert is_provisional("WO/PBC/33/PROVISIONAL") and not is_provisional("CDIP/19/6")


def test_titles_in_capitals_are_shown_in_title_case_with_acronyms_kept():
    assert display_title(
        "REPORT ON WIPO'S CONTRIBUTION TO THE IMPLEMENTATION OF THE SUSTAINABLE DEVELOPMENT "
        "GOALS AND ITS ASSOCIATED TARGETS"
    ) == (
        "Report on WIPO's Contribution to the Implementation of the Sustainable Development "
        "Goals and Its Associated Targets"
    )
    assert display_title("THE SDGS: A REVIEW OF GREEN IP") == "The SDGs: A Review of Green IP"
    assert display_title("Already in Title Case") == "Already in Title Case"
    assert display_title("加入联合国可持续发展集团") == "加入联合国可持续发展集团"
