"""Search options as a user gives them (web parameters, API parameters, CLI options), checked
one way for all three: filters, sort order, grouping. A bad value is one sentence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from indexer.errors import DocsearchError
from indexer.ingest.facets import DOC_TYPES
from indexer.ingest.keys import LANGUAGES
from indexer.ingest.symbols import SymbolError, normalize_symbol
from indexer.query.parse import FILTERS

SORTS = ("relevance", "date")
DATE_FILTERS = ("date_from", "date_to")
OPTION_FILTERS = (*FILTERS, *DATE_FILTERS)  # every filter a request or the CLI may give

_COMMITTEE = re.compile(r"^[A-Za-z][A-Za-z0-9\-]{0,15}$")
_YEAR = re.compile(r"^\d{4}$")
_SESSION = re.compile(r"^([A-Za-z][A-Za-z0-9\-]{0,15})[/ ](\d{1,4})$")
_DAY = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class OptionError(DocsearchError, ValueError):
    """A search option with a value it cannot take; str() is one sentence."""


@dataclass(frozen=True)
class SearchOptions:
    """Validated filters (normalised values, each name present), sort order and grouping."""

    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    group: bool = False


def check_value(name: str, value: str) -> str:
    """One filter value, normalised (`cdip 19 6` -> `CDIP/19/6`, `cdip/19` -> `CDIP/19`)."""
    value = value.strip()
    if name == "lang":
        if value not in LANGUAGES:
            raise OptionError("Parameter lang must be zh or en.")
        return value
    if name == "year":
        if not _YEAR.match(value):
            raise OptionError("Parameter year must be a four-digit year.")
        return value
    if name == "committee":
        if not _COMMITTEE.match(value):
            raise OptionError("Parameter committee must be a committee code such as CDIP.")
        return value.upper()
    if name == "symbol":
        try:
            return normalize_symbol(value)
        except SymbolError as err:
            raise OptionError("Parameter symbol must be a document symbol.") from err
    if name == "session":
        m = _SESSION.match(value)
        if not m:
            raise OptionError("Parameter session must be a committee and session such as CDIP/19.")
        return f"{m.group(1).upper()}/{int(m.group(2))}"
    if name == "type":
        if value.lower() not in DOC_TYPES:
            raise OptionError(f"Parameter type must be one of {', '.join(DOC_TYPES)}.")
        return value.lower()
    if name in DATE_FILTERS:
        return _check_day(name, value)
    raise OptionError(f"There is no filter {name}.")


def _check_day(name: str, value: str) -> str:
    m = _DAY.match(value)
    ok = bool(m)
    if m:
        year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
        try:
            dt.date(year, month, day)
        except ValueError:
            ok = False
    if not ok:
        raise OptionError(f"Parameter {name} must be a date such as 2017-05-15 (or 2017-05, 2017).")
    return value


def search_options(
    filters: Mapping[str, Iterable[str]], sort: str = "relevance", group: bool = False
) -> SearchOptions:
    """Check every filter value, the sort order and the date range; raises OptionError."""
    checked: dict[str, list[str]] = {}
    for name in OPTION_FILTERS:
        values = [v for v in filters.get(name, ()) if v and v.strip()]
        if name in DATE_FILTERS and len(values) > 1:
            raise OptionError(f"Parameter {name} can be given once.")
        checked[name] = list(dict.fromkeys(check_value(name, v) for v in values))
    unknown = sorted(set(filters) - set(OPTION_FILTERS))
    if unknown:
        raise OptionError(f"There is no filter {unknown[0]}.")
    low, high = checked["date_from"], checked["date_to"]
    if low and high and low[0] > high[0] and not high[0].startswith(low[0][: len(high[0])]):
        raise OptionError("Parameter date_from must not be later than date_to.")
    if sort not in SORTS:
        raise OptionError("Parameter sort must be relevance or date.")
    return SearchOptions(checked, sort, bool(group))
