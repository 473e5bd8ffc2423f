"""The document list (/docs and /api/docs): filter by committee, session, year, language and
type, sort by date or symbol; values validated as the search's filters are."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from indexer import DocumentSummary, SearchIndex
from indexer.query.options import OptionError, check_value

LIST_FILTERS = ("committee", "session", "year", "lang", "type")
LIST_SORTS = ("date", "symbol")
RECENT = 5  # documents on the home page
PAGE_SIZE = 50  # documents per page of the list
MAX_PAGE_SIZE = 500


@dataclass
class Listing:
    """The documents a /docs request shows, with the counts its filter links show."""

    documents: list[DocumentSummary]  # this page's
    total: int  # documents in the index
    filters: dict[str, list[str]]
    sort: str
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    matching: int = 0  # documents the filters keep, over all pages
    page: int = 1
    page_size: int = PAGE_SIZE

    @property
    def size_arg(self) -> int | None:
        """page_size for links: None when it is the default."""
        return None if self.page_size == PAGE_SIZE else self.page_size

    @property
    def pages(self) -> int:
        return max(1, -(-self.matching // self.page_size))

    def to_json(self) -> dict:
        return {
            "total": self.matching,
            "page": self.page,
            "pages": self.pages,
            "page_size": self.page_size,
            "sort": self.sort,
            "filters": {k: v for k, v in self.filters.items() if v},
            "facets": self.facets,
            "documents": [d.to_json() for d in self.documents],
        }


def _values(doc: DocumentSummary, name: str) -> list[str]:
    if name == "lang":
        return doc.languages
    value = {
        "committee": doc.committee,
        "session": doc.session,
        "year": doc.year,
        "type": doc.doctype,
    }[name]
    return [value] if value else []


def _symbol_key(symbol: str) -> list:
    """CDIP/9/1 before CDIP/19/6: numbers compared as numbers."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", symbol)]


def list_documents(index: SearchIndex, args: MultiDict) -> Listing:
    """Validate the request's filters and sort, and list the matching documents."""
    try:
        filters = {
            name: list(dict.fromkeys(check_value(name, v) for v in args.getlist(name) if v.strip()))
            for name in LIST_FILTERS
        }
    except OptionError as err:
        raise BadRequest(str(err)) from err
    sort = args.get("sort", "") or "date"
    if sort not in LIST_SORTS:
        raise BadRequest("Parameter sort must be date or symbol.")
    page = _whole(args.get("page", ""), "page", 1, 10_000)
    page_size = _whole(args.get("page_size", ""), "page_size", PAGE_SIZE, MAX_PAGE_SIZE)
    everything = index.documents()

    def keep(doc: DocumentSummary, skip: str | None = None) -> bool:
        return all(
            not values or set(values) & set(_values(doc, name))
            for name, values in filters.items()
            if name != skip
        )

    facets: dict[str, dict[str, int]] = {}
    for name in LIST_FILTERS:  # each facet counts the documents the other filters keep
        counts: dict[str, int] = {}
        for doc in everything:
            if keep(doc, skip=name):
                for value in _values(doc, name):
                    counts[value] = counts.get(value, 0) + 1
        order = sorted(counts.items(), key=lambda kv: kv[0], reverse=name in ("year", "session"))
        facets[name] = dict(order)
    chosen = [doc for doc in everything if keep(doc)]
    if sort == "symbol":
        chosen.sort(key=lambda d: _symbol_key(d.symbol))
    start = (page - 1) * page_size
    shown = chosen[start : start + page_size]
    return Listing(shown, len(everything), filters, sort, facets, len(chosen), page, page_size)


def _whole(raw: str, name: str, default: int, top: int) -> int:
    if raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= top:
        raise BadRequest(f"Parameter {name} must be a whole number from 1 to {top}.")
    return int(raw)
