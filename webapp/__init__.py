"""The search site: a Flask app factory around indexer's search API.

Nothing is opened at import time. ``create_app`` makes one ``SearchIndex`` per app (stored in
``app.extensions["docsearch"]``); it opens the live index generation on first use and reopens
by itself when ``docsearch build`` switches in a new one.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer import SearchIndex, Settings
from indexer.errors import StoreError
from indexer.settings import CACHE_SIZE, DEFAULT_CACHE_MB
from webapp import i18n

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(config: dict | None = None) -> Flask:
    """Build the app. ``config["INDEX_DIR"]`` is the index root (default: the settings');
    ``config["CACHE_SIZE"]`` the number of result pages kept in memory, ``config["CACHE_MB"]``
    the megabytes of posting lists, ``config["BACKEND"]`` the index backend (default: the
    environment's, `indexer.backends.default_backend`)."""
    app = Flask(__name__)
    app.config.from_mapping(
        DEBUG=False,
        INDEX_DIR=None,
        JSON_SORT_KEYS=False,
        CACHE_SIZE=CACHE_SIZE,
        CACHE_MB=DEFAULT_CACHE_MB,
    )
    if config:
        app.config.update(config)
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    root = Path(app.config["INDEX_DIR"] or Settings.load().index)
    app.extensions["docsearch"] = SearchIndex(
        root,
        app.config["CACHE_SIZE"],
        app.config["CACHE_MB"],
        reopen_in_background=app.config.get("REOPEN_IN_BACKGROUND", False),
        backend=app.config.get("BACKEND"),
    )

    from webapp import api, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    i18n.init_app(app)
    app.after_request(_security_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(StoreError, _store_error)
    return app


def _security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _error(status: int, message: str):
    if _wants_json():
        return jsonify({"error": message, "status": status}), status
    return render_template("error.html", status=status, message=message), status


def _http_error(err: HTTPException):
    message = err.description if _wants_json() else i18n.error_message(err.code)
    return _error(err.code or 500, message)


def _store_error(err: StoreError):
    message = f"The search index is not available: {err}"
    return _error(503, message if _wants_json() else i18n.t("unavailable"))
