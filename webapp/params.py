"""Request parameters shared by the pages and the JSON API, validated (bad ones -> 400)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, NotFound

from indexer import DocumentView, SearchIndex, SearchPage
from indexer.ingest.corpus import LANGUAGES as LANGS
from indexer.query.options import OPTION_FILTERS as FILTERS
from indexer.query.options import OptionError, search_options
from indexer.query.parse import MAX_QUERY_CHARS
from indexer.search.ranking import MAX_PAGE, MAX_PAGE_SIZE

__all__ = [
    "FILTERS",
    "LANGS",
    "SearchArgs",
    "normalize_label",
    "resolve",
    "search_args",
    "state",
    "without",
]

MAX_FILTER_VALUES = 20  # values per filter in one request; more is refused (400)


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
    sort: str = "relevance"  # or "date" (newest first)
    group: bool = False  # at most GROUP_SIZE hits per document

    @property
    def too_long(self) -> bool:
        return len(self.q) > MAX_QUERY_CHARS

    def check_symbols(self, index: SearchIndex) -> None:
        """A symbol filter must name a document in the index (as the CLI's --symbol must)."""
        for symbol in self.filters.get("symbol", []):
            if not index.symbol_in_index(symbol):
                raise NotFound(f"No document {symbol} in the index.")

    def run(
        self, index: SearchIndex, page: int | None = None, page_size: int | None = None
    ) -> SearchPage:
        """The search this request asks for (another page of it if `page` is given)."""
        result: SearchPage = index.search(
            self.q,
            page=page or self.page,
            page_size=page_size or self.page_size,
            filters=self.filters,
            expand_terms=self.expand,
            sort=self.sort,
            group=self.group,
        )
        return result


def _int(args: MultiDict, name: str, default: int, top: int) -> int:
    raw = args.get(name, "")
    if raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= top:
        raise BadRequest(f"Parameter {name} must be a whole number from 1 to {top}.")
    return int(raw)


def _flag(args: MultiDict, name: str, default: bool) -> bool:
    raw = args.get(name, "")
    if raw == "":
        return default
    if raw not in ("0", "1"):
        raise BadRequest(f"Parameter {name} must be 0 or 1.")
    return raw == "1"


def search_args(args: MultiDict) -> SearchArgs:
    """Validate q, page, page_size, expand, sort, group and the filters (see FILTERS)."""
    for name in FILTERS:  # before any per-value work: the count alone decides
        count = len(args.getlist(name))
        if count > MAX_FILTER_VALUES:
            raise TooManyValues(name, count)
    try:
        options = search_options(
            {name: args.getlist(name) for name in FILTERS},
            sort=args.get("sort", "") or "relevance",
            group=_flag(args, "group", False),
        )
    except OptionError as err:
        raise BadRequest(str(err)) from err
    return SearchArgs(
        q=args.get("q", ""),
        page=_int(args, "page", 1, MAX_PAGE),
        page_size=_int(args, "page_size", 10, MAX_PAGE_SIZE),
        filters=options.filters,
        expand=args.get("expand", "1") != "0",
        sort=options.sort,
        group=options.group,
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
    if args.sort != "relevance":
        pairs.append(("sort", args.sort))
    if args.group:
        pairs.append(("group", "1"))
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
