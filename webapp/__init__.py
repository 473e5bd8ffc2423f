"""The search site: a Flask app factory around indexer's search API.

Nothing is opened at import time. ``create_app`` makes one ``SearchIndex`` per app (stored in
``app.extensions["docsearch"]``); it opens the live index generation on first use and reopens
by itself when ``docsearch build`` switches in a new one.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer import SearchIndex, Settings
from indexer.errors import StoreError
from indexer.settings import CACHE_SIZE, DEFAULT_CACHE_MB
from webapp import i18n
from webapp.params import MAX_FILTER_VALUES, TooManyValues

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
    the megabytes of posting lists; ``config["BASE_URL"]`` the site's public address
    (``https://search.example.org``) for the absolute URLs of opensearch.xml, which are relative
    without it (never taken from the request's Host); ``config["BACKEND"]`` the index backend
    (default: the environment's, `indexer.backends.default_backend`)."""
    app = Flask(__name__)
    app.config.from_mapping(
        DEBUG=False,
        INDEX_DIR=None,
        JSON_SORT_KEYS=False,
        CACHE_SIZE=CACHE_SIZE,
        CACHE_MB=DEFAULT_CACHE_MB,
        BASE_URL="",
    )
    if config:
        app.config.update(config)
    app.config["BASE_URL"] = check_base_url(app.config["BASE_URL"] or "")
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


def check_base_url(value: str) -> str:
    """A public base URL without its trailing slash ("" stays ""); raises ValueError."""
    value = value.strip()
    if not value:
        return ""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as err:
        raise ValueError(f"{value!r} is not a valid URL.") from err
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(
            f"{value!r} is not a base URL: give http(s)://host[:port][/path], "
            "such as https://search.example.org."
        )
    return value.rstrip("/")


def path_for(endpoint: str, **values) -> str:
    """`url_for` as a path, without the request's Host: usable when the Host is not valid."""
    values = {k: v for k, v in values.items() if not k.startswith("_")}
    adapter = current_app.url_map.bind("localhost", script_name=request.script_root or "/")
    return adapter.build(endpoint, values)


def public_url(endpoint: str, **values) -> str:
    """An absolute URL under the configured BASE_URL, or a path when none is configured."""
    return current_app.config["BASE_URL"] + path_for(endpoint, **values)


def _security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _error(status: int, message: str):
    if _wants_json():
        return jsonify({"error": message, "status": status}), status
    # Error pages build their links without the Host: it may be the very thing that is wrong.
    page = render_template("error.html", status=status, message=message, url_for=path_for)
    return page, status


def _http_error(err: HTTPException):
    if _wants_json():
        message = err.description
    elif isinstance(err, TooManyValues):
        message = i18n.t("too_many_values", name=err.param, n=err.count, max=MAX_FILTER_VALUES)
    else:
        message = i18n.error_message(err.code)
    return _error(err.code or 500, message)


def _store_error(err: StoreError):
    message = f"The search index is not available: {err}"
    return _error(503, message if _wants_json() else i18n.t("unavailable"))
