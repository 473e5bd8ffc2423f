"""The pages: home, search results, documents and paragraphs, the OpenSearch description."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import BadRequest, NotFound

from indexer import Hit, SearchIndex, highlighter
from indexer.query.parse import MAX_QUERY_CHARS
from indexer.search.results import searched_text
from webapp import i18n
from webapp.params import FILTERS, LANGS, SearchArgs, resolve, search_args
from webapp.render import pieces, rows

bp = Blueprint("pages", __name__)


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


def search_url(args: SearchArgs, **change) -> str:
    """The results URL for `args` with some parameters changed (filters as lists)."""
    params: dict[str, object] = {"q": args.q, **{k: v for k, v in args.filters.items() if v}}
    if args.page_size != 10:
        params["page_size"] = args.page_size
    if not args.expand:
        params["expand"] = "0"
    params.update(change)
    return url_for("pages.search", **{k: v for k, v in params.items() if v not in (None, [], 1)})


def _toggle(args: SearchArgs, name: str, value: str) -> str:
    current = args.filters.get(name, [])
    values = [v for v in current if v != value] if value in current else [*current, value]
    return search_url(args, **{name: values})


def _hit_view(hit: Hit, link, q: str, lead: str) -> dict:
    """A hit as the template shows it; of a bilingual unit, the `lead` language comes first."""
    counterpart = getattr(hit, "counterpart", None)
    if counterpart is not None and hit.lang != lead == counterpart.lang:
        hit, counterpart = counterpart, hit
    return {
        "hit": hit,
        "pieces": pieces(hit.segments, link),
        "in_context": url_for("pages.document", path=hit.symbol, q=q, _anchor=f"p{hit.paragraph}"),
        "permalink": url_for("pages.document", path=f"{hit.symbol}/{hit.paragraph}"),
        "counterpart": counterpart
        and {"hit": counterpart, "pieces": pieces(counterpart.segments, link)},
    }


@bp.get("/")
def home():
    return render_template("home.html", stats=_index().stats())


@bp.get("/search")
def search():
    args = search_args(request.args)
    if not args.q.strip() and not any(args.filters.values()):
        return redirect(url_for("pages.home"))
    if args.too_long:
        message = i18n.t("too_long", max=MAX_QUERY_CHARS, n=len(args.q))
        return render_template("error.html", status=413, message=message, q=args.q[:80]), 413
    index = _index()
    result = args.run(index)
    link = _linker(index)
    langs = args.filters.get("lang", [])
    lead = langs[0] if len(langs) == 1 else i18n.current()
    return render_template(
        "search.html",
        args=args,
        q=args.q,
        result=result,
        hits=[_hit_view(hit, link, args.q, lead) for hit in result.hits],
        sections=[_hit_view(hit, link, args.q, lead) for hit in result.sections],
        toggle=lambda name, value: _toggle(args, name, value),
        page_url=lambda page: search_url(args, page=page),
        clear_url=search_url(args, **{name: [] for name in FILTERS}),
        active=[(name, v) for name in FILTERS for v in args.filters.get(name, [])],
        expand_url=search_url(args, expand="0" if args.expand else None),
        search_url=search_url,
        searched=searched_text(args.q) if result.dropped else "",
    )


@bp.get("/doc/<path:path>")
def document(path: str):
    index = _index()
    doc, label = resolve(index, path)
    lang = request.args.get("lang", "")
    if lang and lang not in LANGS:
        raise BadRequest("Parameter lang must be zh or en.")
    if lang and lang not in doc.languages:
        raise NotFound(f"{doc.symbol} has no {lang} version.")
    q = request.args.get("q", "")[:MAX_QUERY_CHARS]
    lead = [lang] if lang else sorted(doc.languages, key=lambda code: code != i18n.current())
    link = _linker(index)

    mark = highlighter(q) if q.strip() else None

    def text(block):
        return pieces(mark(block.text) if mark else [(block.text, False)], link)

    shown = rows(doc, lead)
    if label is not None:
        shown = [row for row in shown if row.label == label]
    return render_template(
        "paragraph.html" if label else "document.html",
        doc=doc,
        rows=shown,
        langs=lead,
        lang=lang,
        q=q,
        text=text,
        label=label,
        meta=doc.versions[lead[0]],
    )


@bp.get("/opensearch.xml")
def opensearch():
    body = render_template("opensearch.xml")
    return body, 200, {"Content-Type": "application/opensearchdescription+xml; charset=utf-8"}
