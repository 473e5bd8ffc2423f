"""The JSON API: the same objects as `docsearch search --json` and `docsearch show --json`, the
document list, and exports of a whole result list (CSV or JSON)."""

from __future__ import annotations

import csv
import io
import json

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import BadRequest, NotFound, RequestEntityTooLarge

from indexer import Hit
from indexer.query.parse import MAX_QUERY_CHARS
from indexer.search.ranking import MAX_PAGE_SIZE
from webapp.listing import list_documents
from webapp.params import LANGS, resolve, search_args

bp = Blueprint("api", __name__, url_prefix="/api")

EXPORT_LIMIT = 1000  # hits in one export, over all pages
CSV_COLUMNS = (
    "symbol",
    "paragraph",
    "lang",
    "kind",
    "title",
    "section",
    "date",
    "committee",
    "type",
    "text",
    "counterpart_lang",
    "counterpart_text",
    "citation",
    "permalink",
)


def _checked_args():
    if "q" not in request.args:
        raise BadRequest("Parameter q is required.")
    args = search_args(request.args)
    if args.too_long:
        raise RequestEntityTooLarge(
            f"The query is {len(args.q)} characters long; the limit is {MAX_QUERY_CHARS}."
        )
    if not args.q.strip() and not any(args.filters.values()):
        raise BadRequest("Parameter q must not be empty unless a filter is given.")
    args.check_symbols(current_app.extensions["docsearch"])
    return args


@bp.get("/search")
def search() -> ResponseReturnValue:
    """`GET /api/search?q=…&page=…&page_size=…&sort=…&group=…&<filters>`."""
    args = _checked_args()
    index = current_app.extensions["docsearch"]
    result = args.run(index)
    return jsonify(result.to_json())


@bp.get("/export")
def export() -> ResponseReturnValue:
    """`GET /api/export?q=…&format=csv|json&<filters, sort, group>`: every page, capped."""
    fmt = request.args.get("format", "json")
    if fmt not in ("csv", "json"):
        raise BadRequest("Parameter format must be csv or json.")
    args = _checked_args()
    index = current_app.extensions["docsearch"]
    hits: list[Hit] = []
    first = None
    page = 1
    while len(hits) < EXPORT_LIMIT:
        result = args.run(index, page=page, page_size=MAX_PAGE_SIZE)
        first = first or result
        hits.extend(result.hits)
        if page >= result.pages or not result.hits:
            break
        page += 1
    hits = hits[:EXPORT_LIMIT]
    stem = "docsearch-" + "".join(
        c if c.isascii() and c.isalnum() else "-" for c in args.q.strip()
    )[:40].strip("-")
    if fmt == "json":
        data = {
            "query": args.q,
            "total": first.total if first else 0,
            "exported": len(hits),
            "limit": EXPORT_LIMIT,
            "sort": args.sort,
            "group": args.group,
            "filters": {k: v for k, v in args.filters.items() if v},
            "hits": [{**h.to_json(), **_extra(h)} for h in hits],
        }
        body = json.dumps(data, ensure_ascii=False, indent=1)
        return _download(body, "application/json; charset=utf-8", f"{stem or 'docsearch'}.json")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for h in hits:
        writer.writerow({k: _cell(v) for k, v in _row(h).items()})
    # A byte order mark so that spreadsheet programs read the Chinese text as UTF-8.
    return _download(
        "\ufeff" + out.getvalue(), "text/csv; charset=utf-8", f"{stem or 'docsearch'}.csv"
    )


def _cell(value: str) -> str:
    """A text a spreadsheet would run as a formula (=, +, @) gets a leading apostrophe."""
    return "'" + value if value[:1] in ("=", "+", "@", "\t", "\r") else value


def _extra(hit: Hit) -> dict:
    from webapp.views import cite_hit

    return {
        "citation": cite_hit(hit, hit.counterpart),
        "permalink": url_for(
            "pages.document", path=f"{hit.symbol}/{hit.paragraph}", _external=True
        ),
    }


def _row(hit: Hit) -> dict:
    other = hit.counterpart
    return {
        "symbol": hit.symbol,
        "paragraph": hit.paragraph,
        "lang": hit.lang,
        "kind": hit.kind,
        "title": hit.title,
        "section": hit.section,
        "date": hit.day,
        "committee": hit.committee,
        "type": hit.doctype,
        "text": hit.text,
        "counterpart_lang": other.lang if other else "",
        "counterpart_text": other.text if other else "",
        **_extra(hit),
    }


def _download(body: str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype.split(";")[0])
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/docs")
def documents() -> ResponseReturnValue:
    """`GET /api/docs?committee=…&session=…&year=…&lang=…&type=…&sort=date|symbol`."""
    return jsonify(list_documents(current_app.extensions["docsearch"], request.args).to_json())


@bp.get("/doc/<path:path>")
def document(path: str) -> ResponseReturnValue:
    """`GET /api/doc/<symbol>[/<paragraph>][?lang=zh|en]`."""
    doc, label = resolve(current_app.extensions["docsearch"], path)
    lang = request.args.get("lang", "")
    if lang and lang not in LANGS:
        raise BadRequest("Parameter lang must be zh or en.")
    if lang and lang not in doc.languages:
        raise NotFound(f"{doc.symbol} has no {lang} version.")
    data = doc.to_json()
    blocks = [b for b in doc.blocks if label is None or b.paragraph == label]
    if lang:
        blocks = [b for b in blocks if b.lang == lang]
    if label is not None or lang:
        data["paragraphs"] = [b.to_json() for b in blocks]
    return jsonify(data)
