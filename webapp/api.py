"""The JSON API: the same objects as `docsearch search --json` and `docsearch show --json`."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from indexer.query.parse import MAX_QUERY_CHARS
from webapp.params import resolve, search_args

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search():
    """`GET /api/search?q=…&page=…&page_size=…&lang=…&symbol=…&committee=…&year=…`."""
    if "q" not in request.args:
        raise BadRequest("Parameter q is required.")
    args = search_args(request.args)
    if args.too_long:
        raise RequestEntityTooLarge(
            f"The query is {len(args.q)} characters long; the limit is {MAX_QUERY_CHARS}."
        )
    index = current_app.extensions["docsearch"]
    result = args.run(index)
    return jsonify(result.to_json())


@bp.get("/doc/<path:path>")
def document(path: str):
    """`GET /api/doc/<symbol>` and `/api/doc/<symbol>/<paragraph>`."""
    doc, label = resolve(current_app.extensions["docsearch"], path)
    data = doc.to_json()
    if label is not None:
        data["paragraphs"] = [b.to_json() for b in doc.blocks if b.paragraph == label]
    return jsonify(data)
