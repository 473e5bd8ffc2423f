"""The README documents every JSON API endpoint and every parameter the API accepts."""

from __future__ import annotations

import re
from pathlib import Path

from indexer.query.options import OPTION_FILTERS
from webapp.listing import LIST_FILTERS

README = Path(__file__).resolve().parents[2] / "README.md"


def api_section() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index("## JSON API") :]


def test_every_api_endpoint_is_in_the_readme(app):
    section = api_section()
    routes = {re.sub(r"<(?:path:)?(\w+)>", r"<\1>", r.rule) for r in app.url_map.iter_rules()}
    api = sorted(r for r in routes if r.startswith("/api/"))
    assert api, "no API routes found"
    for route in api:
        shown = route.replace("<path>", "<symbol>")
        assert f"GET {shown}" in section, route


def test_every_api_parameter_and_error_code_is_in_the_readme():
    section = api_section()
    names = {*OPTION_FILTERS, *LIST_FILTERS, "q", "page", "page_size", "sort", "group"}
    names |= {"expand", "format", "lang"}
    for name in sorted(names):
        assert f"`{name}`" in section, name
    for status in (400, 404, 413, 503):
        assert str(status) in section
    assert "ui=" in README.read_text(encoding="utf-8")
