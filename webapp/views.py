"""The pages: home, search results, the document list, documents and paragraphs, OpenSearch."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import BadRequest, NotFound

from indexer import Hit, SearchIndex, highlighter
from indexer.ingest.facets import is_provisional
from indexer.query.parse import MAX_QUERY_CHARS
from indexer.search.ranking import GROUP_SIZE
from indexer.search.results import searched_text
from webapp import api, cite, i18n, public_url
from webapp.listing import RECENT, list_documents
from webapp.params import FILTERS, LANGS, SearchArgs, resolve, search_args, state, without
from webapp.render import pieces, rows

bp = Blueprint("pages", __name__)

FACET_NAMES = ("lang", "type", "committee", "session", "year")  # the side panel, in this order


def _index() -> SearchIndex:
    return current_app.extensions["docsearch"]


def _linker(index: SearchIndex) -> Callable[[str], str | None]:
    """symbol -> its document page if that document is in the index (memoised per request)."""

    @cache
    def link(symbol: str) -> str | None:
        if index.symbol_in_index(symbol):
            return url_for("pages.document", path=symbol)
        return None

    return link


def search_url(args: SearchArgs, endpoint: str = "pages.search", **change) -> str:
    """The results URL for `args` with some parameters changed (filters as lists)."""
    params: dict[str, object] = {"q": args.q, **{k: v for k, v in args.filters.items() if v}}
    if args.page_size != 10:
        params["page_size"] = args.page_size
    if not args.expand:
        params["expand"] = "0"
    if args.sort != "relevance":
        params["sort"] = args.sort
    if args.group:
        params["group"] = "1"
    if args.page != 1:
        params["page"] = args.page
    params.update(change)
    return url_for(endpoint, **{k: v for k, v in params.items() if v not in (None, [], 1, "")})


def _toggle(args: SearchArgs, name: str, value: str) -> str:
    current = args.filters.get(name, [])
    values = [v for v in current if v != value] if value in current else [*current, value]
    return search_url(args, **{name: values, "page": None})


def cite_hit(hit: Hit, counterpart: Hit | None) -> str:
    """The full citation of a hit in the interface language (title from either version)."""
    titles = {h.lang: h.title for h in (hit, counterpart) if h is not None}
    permalink = url_for("pages.document", path=f"{hit.symbol}/{hit.paragraph}", _external=True)
    return cite.full_citation(
        i18n.current(), hit.symbol, hit.kind, hit.paragraph, titles, hit.day, permalink
    )


def _hit_view(hit: Hit, link, q: str, lead: str, back: str | None = None) -> dict:
    """A hit as the template shows it; of a bilingual unit, the `lead` language comes first."""
    counterpart = getattr(hit, "counterpart", None)
    if counterpart is not None and hit.lang != lead == counterpart.lang:
        hit, counterpart = counterpart, hit
    return {
        "hit": hit,
        "pieces": pieces(hit.segments, link),
        "in_context": url_for(
            "pages.document", path=hit.symbol, q=q or None, back=back, _anchor=f"p{hit.paragraph}"
        ),
        "permalink": url_for("pages.document", path=f"{hit.symbol}/{hit.paragraph}"),
        "citation": cite_hit(hit, counterpart) if hit.kind in ("paragraph", "annex") else "",
        "title": cite.pick_title(hit.lang, {hit.lang: hit.title}),
        "counterpart": counterpart
        and {"hit": counterpart, "pieces": pieces(counterpart.segments, link)},
    }


@bp.get("/")
def home() -> ResponseReturnValue:
    index = _index()
    return render_template(
        "home.html", stats=index.stats(), recent=index.documents()[:RECENT], total_docs=None
    )


@bp.get("/search")
def search() -> ResponseReturnValue:
    args = search_args(request.args)
    if "drop" in request.args:  # a filter chip's remove button: answer with the clean URL
        return redirect(search_url(without(args, request.args["drop"])), 303)
    if not args.q.strip() and not any(args.filters.values()):
        return redirect(url_for("pages.home"))
    if args.too_long:
        message = i18n.t("too_long", max=MAX_QUERY_CHARS, n=len(args.q))
        return render_template("error.html", status=413, message=message, q=args.q[:80]), 413
    index = _index()
    args.check_symbols(index)
    result = args.run(index)
    link = _linker(index)
    langs = args.filters.get("lang", [])
    lead = langs[0] if len(langs) == 1 else i18n.current()
    back = search_url(args)
    hits = [_hit_view(hit, link, args.q, lead, back) for hit in result.hits]
    last_of_doc = {}
    for position, h in enumerate(hits):
        last_of_doc[h["hit"].symbol] = position
    more = {
        last_of_doc[symbol]: (n, search_url(args, symbol=[symbol], group=None, page=None))
        for symbol, n in result.more.items()
        if symbol in last_of_doc
    }
    return render_template(
        "search.html",
        args=args,
        q=args.q,
        result=result,
        hits=hits,
        more=more,
        group_size=GROUP_SIZE,
        sections=[_hit_view(hit, link, args.q, lead, back) for hit in result.sections],
        toggle=lambda name, value: _toggle(args, name, value),
        page_url=lambda page: search_url(args, page=page),
        clear_url=search_url(args, page=None, **{name: [] for name in FILTERS}),
        active=[(name, v) for name in FILTERS for v in args.filters.get(name, [])],
        facet_names=FACET_NAMES,
        state=state(args),
        expand_url=search_url(args, expand="0" if args.expand else None, page=None),
        sort_urls={s: search_url(args, sort=s, page=None) for s in ("relevance", "date")},
        group_url=search_url(args, group=None if args.group else "1", page=None),
        export_urls={
            # every matching paragraph, in the page's order and filters (not only 3 per document)
            fmt: search_url(
                args, endpoint="api.export", page=None, page_size=None, group=None, format=fmt
            )
            for fmt in ("csv", "json")
        },
        export_limit=api.EXPORT_LIMIT,
        keep_params=[
            (k, v)
            for k, v in request.args.items(multi=True)
            if k not in ("date_from", "date_to", "page", "ui")
        ],
        search_url=search_url,
        searched=searched_text(args.q) if result.dropped else "",
    )


@bp.get("/docs")
def documents() -> ResponseReturnValue:
    listing = list_documents(_index(), request.args)
    sort = listing.sort if listing.sort != "date" else None
    page = listing.page if listing.page > 1 else None
    filters = {k: v for k, v in listing.filters.items() if v}
    back = url_for("pages.documents", sort=sort, page=page, **filters)

    def page_url(number: int) -> str:
        return url_for(
            "pages.documents",
            sort=sort,
            page_size=listing.size_arg,
            page=number if number > 1 else None,
            **listing.filters,
        )

    sort_urls = {
        s: url_for("pages.documents", sort=s if s != "date" else None, **listing.filters)
        for s in ("date", "symbol")
    }
    return render_template(
        "documents.html", listing=listing, back=back, page_url=page_url, sort_urls=sort_urls
    )


def _back_link(raw: str) -> str | None:
    """A list to go back to: only this site's /search or /docs page (never another host)."""
    if (raw.startswith(("/search?", "/docs?")) or raw == "/docs") and "\\" not in raw:
        return raw
    return None


@bp.get("/doc/<path:path>")
def document(path: str) -> ResponseReturnValue:
    index = _index()
    doc, label = resolve(index, path)
    lang = _version_asked(doc)
    q = request.args.get("q", "")[:MAX_QUERY_CHARS]
    back = _back_link(request.args.get("back", ""))
    lead = [lang] if lang else sorted(doc.languages, key=lambda code: code != i18n.current())
    link = _linker(index)

    mark = highlighter(q) if q.strip() else None
    all_rows = rows(doc, lead)
    shown = [row for row in all_rows if label is None or row.label == label]
    cells = {
        (row.label, code): pieces(mark(b.text) if mark else [(b.text, False)], link)
        for row in shown
        for code, b in row.blocks.items()
    }
    found = [
        row.label
        for row in shown
        if row.kind != "title"
        and any(p.mark for code in lead for p in cells.get((row.label, code), []))
    ]
    titles = {code: v["title"] for code, v in doc.versions.items()}
    ui = i18n.current()
    day = max((v.get("day", "") for v in doc.versions.values()), default="")

    def cite_for(kind: str, block_label: str | None) -> str:
        where = doc.symbol if block_label is None else f"{doc.symbol}/{block_label}"
        permalink = url_for("pages.document", path=where, _external=True)
        return cite.full_citation(ui, doc.symbol, kind, block_label, titles, day, permalink)

    meta = doc.versions[lead[0]]
    return render_template(
        "paragraph.html" if label else "document.html",
        doc=doc,
        rows=shown,
        langs=lead,
        lang=lang,
        q=q,
        cell=lambda row, code: cells[(row.label, code)],
        found=found,
        label=label,
        meta=meta,
        title_main=cite.pick_title(lead[0], {lead[0]: meta["title"]}),
        titles_other=[
            cite.pick_title(code, {code: doc.versions[code]["title"]}) for code in lead[1:]
        ],
        session_text=_session_text(meta.get("session", ""), lead[0]),
        day=day,
        day_text=cite.format_day(lead[0], day),
        cite_for=cite_for,
        provisional=is_provisional(doc.symbol),
        neighbours=_neighbours(all_rows, label),
        toc=_contents(all_rows, lead),
        back=back,
    )


def _version_asked(doc) -> str:
    """The `lang` parameter of a document page: "" (all versions), or one it has."""
    lang = request.args.get("lang", "")
    if lang and lang not in LANGS:
        raise BadRequest("Parameter lang must be zh or en.")
    if lang and lang not in doc.languages:
        raise NotFound(f"{doc.symbol} has no {lang} version.")
    return lang


def _neighbours(all_rows: list, label: str | None) -> dict[str, str | None]:
    """The numbered paragraphs before and after `label` (a paragraph page's prev/next)."""
    numbered = [row.label for row in all_rows if row.kind in ("paragraph", "annex")]
    if label not in numbered:
        return {}
    at = numbered.index(label)
    return {
        "prev": numbered[at - 1] if at > 0 else None,
        "next": numbered[at + 1] if at + 1 < len(numbered) else None,
    }


def _contents(all_rows: list, lead: list[str]) -> list[tuple[str, str]]:
    """The table of contents: (label, text) of each heading, then the annex if there is one."""
    toc = [
        (row.label, next(b for c in lead if (b := row.blocks.get(c))).text)
        for row in all_rows
        if row.kind == "heading"
    ]
    first_annex = next((row.label for row in all_rows if row.kind == "annex"), None)
    if first_annex is not None:
        toc.append((first_annex, i18n.t("annex")))
    return toc


def _session_text(session: str, lang: str) -> str:
    """`19` -> `第 19 届会议` on a Chinese header, `session 19` on an English one."""
    if not session:
        return ""
    if lang == "zh":
        return f"第 {session} 届会议" if session.isdigit() else session
    return session


@bp.get("/opensearch.xml")
def opensearch() -> ResponseReturnValue:
    body = render_template("opensearch.xml", url=public_url)
    return body, 200, {"Content-Type": "application/opensearchdescription+xml; charset=utf-8"}
