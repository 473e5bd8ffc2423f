"""Request parameters shared by the pages and the JSON API, validated (bad ones -> 400)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, NotFound

from indexer import DocumentView, SearchIndex, SearchPage
from indexer.errors import SymbolError
from indexer.ingest.corpus import LANGUAGES as LANGS
from indexer.ingest.symbols import normalize_symbol
from indexer.query.parse import FILTERS, MAX_QUERY_CHARS
from indexer.search.ranking import MAX_PAGE, MAX_PAGE_SIZE

MAX_FILTER_VALUES = 20  # values per filter in one request; more is refused (400)

_COMMITTEE = re.compile(r"^[A-Za-z][A-Za-z0-9\-]{0,15}$")
_YEAR = re.compile(r"^\d{4}$")


class TooManyValues(BadRequest):
    """A filter repeated more than MAX_FILTER_VALUES times in one request."""

    def __init__(self, name: str, count: int) -> None:
        super().__init__(
            f"Parameter {name} is given {count} times; at most {MAX_FILTER_VALUES} values are "
            "allowed per filter."
        )
        self.param, self.count = name, count


@dataclass
class SearchArgs:
    """A validated search request."""

    q: str
    page: int = 1
    page_size: int = 10
    filters: dict[str, list[str]] = field(default_factory=dict)
    expand: bool = True  # add glossary equivalents (expand=0 turns it off)

    @property
    def too_long(self) -> bool:
        return len(self.q) > MAX_QUERY_CHARS

    def run(self, index: SearchIndex) -> SearchPage:
        """The search this request asks for."""
        return index.search(
            self.q,
            page=self.page,
            page_size=self.page_size,
            filters=self.filters,
            expand_terms=self.expand,
        )


def _int(args: MultiDict, name: str, default: int, top: int) -> int:
    raw = args.get(name, "")
    if raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= top:
        raise BadRequest(f"Parameter {name} must be a whole number from 1 to {top}.")
    return int(raw)


def _filter_values(args: MultiDict, name: str) -> list[str]:
    raw = args.getlist(name)
    if len(raw) > MAX_FILTER_VALUES:  # before any per-value work: the count alone decides
        raise TooManyValues(name, len(raw))
    values = [v.strip() for v in raw if v.strip()]
    for value in values:
        if name == "lang" and value not in LANGS:
            raise BadRequest("Parameter lang must be zh or en.")
        if name == "year" and not _YEAR.match(value):
            raise BadRequest("Parameter year must be a four-digit year.")
        if name == "committee" and not _COMMITTEE.match(value):
            raise BadRequest("Parameter committee must be a committee code such as CDIP.")
        if name == "symbol":
            try:
                normalize_symbol(value)
            except SymbolError as err:
                raise BadRequest("Parameter symbol must be a document symbol.") from err
    return list(dict.fromkeys(values))


def search_args(args: MultiDict) -> SearchArgs:
    """Validate q, page, page_size, expand and the filters lang, symbol, committee, year."""
    return SearchArgs(
        q=args.get("q", ""),
        page=_int(args, "page", 1, MAX_PAGE),
        page_size=_int(args, "page_size", 10, MAX_PAGE_SIZE),
        filters={name: _filter_values(args, name) for name in FILTERS},
        expand=args.get("expand", "1") != "0",
    )


def without(args: SearchArgs, drop: str) -> SearchArgs:
    """`args` with one filter value removed; `drop` is `name:value` (`year:2017`)."""
    name, sep, value = drop.partition(":")
    if not sep or name not in FILTERS:
        raise BadRequest("Parameter drop must name a filter and a value, such as year:2017.")
    kept = [v for v in args.filters.get(name, []) if v != value.strip()]
    return replace(args, page=1, filters={**args.filters, name: kept})


def state(args: SearchArgs) -> list[tuple[str, str]]:
    """The request's parameters (page aside) as name/value pairs, each filter value once."""
    pairs = [("q", args.q)]
    pairs += [(name, value) for name in FILTERS for value in args.filters.get(name, [])]
    if args.page_size != 10:
        pairs.append(("page_size", str(args.page_size)))
    if not args.expand:
        pairs.append(("expand", "0"))
    return pairs


def normalize_label(label: str) -> str:
    """A paragraph label as typed in a URL: `11`, `Annex-1`, `ＡＮＮＥＸ-１` -> `annex-1`."""
    return unicodedata.normalize("NFKC", label).strip().lower()


def resolve(index: SearchIndex, path: str) -> tuple[DocumentView, str | None]:
    """The document a `/doc/<path>` names, and the paragraph label if the path ends with one.

    The whole path is tried as a symbol first, then all but its last part. Documents are looked
    up in the index only. Raises NotFound.
    """
    path = path.strip("/")
    if "\x00" in path:
        raise NotFound("No such document.")
    doc = index.document(path)
    if doc is not None:
        return doc, None
    head, _, tail = path.rpartition("/")
    doc = index.document(head) if head else None
    if doc is None:
        raise NotFound("No such document in the index.")
    label = normalize_label(tail)
    if not any(b.paragraph == label for b in doc.blocks):
        raise NotFound(f"{doc.symbol} has no paragraph {tail}.")
    return doc, label
