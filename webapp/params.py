"""Request parameters shared by the pages and the JSON API, validated (bad ones -> 400)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, NotFound

from indexer.ingest.corpus import LANGUAGES as LANGS
from indexer.query.options import OPTION_FILTERS as FILTERS
from indexer.query.options import OptionError, search_options
from indexer.query.parse import MAX_QUERY_CHARS
from indexer.search.index import MAX_PAGE, MAX_PAGE_SIZE, DocumentView, SearchIndex, SearchPage

__all__ = ["FILTERS", "LANGS", "SearchArgs", "resolve", "search_args", "normalize_label"]


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

    def run(self, index: SearchIndex, page: int | None = None, page_size: int | None = None):
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
