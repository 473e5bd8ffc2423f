"""The Host header: a bad one gets a 400 page, and no URL the site gives out repeats it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from indexer.cli import main
from webapp import create_app

LONG_LABEL = "a" * 64 + ".example.org"  # a DNS label is at most 63 characters


@pytest.mark.parametrize(
    "path",
    [
        "/opensearch.xml?ui=en",
        "/search?q=SDG&ui=en",
        "/doc/CDIP/19/6?ui=en",
        "/nowhere?ui=en",
        "/?ui=en",
    ],
)
def test_a_host_with_a_64_character_label_gets_a_400_page(index_root, path):
    app = create_app({"INDEX_DIR": str(index_root)})  # not TESTING: errors are rendered
    response = app.test_client().get(path, headers={"Host": LONG_LABEL})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "A parameter of the request is not valid." in response.text
    assert 'href="/static/style.css"' in response.text and 'href="/"' in response.text
    assert LONG_LABEL not in response.text
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_bad_host_gets_the_json_error_on_the_api(index_root):
    app = create_app({"INDEX_DIR": str(index_root)})
    response = app.test_client().get("/api/search?q=SDG", headers={"Host": LONG_LABEL})
    assert response.status_code == 400 and response.get_json()["status"] == 400


def test_opensearch_never_repeats_the_host_header(client):
    body = client.get("/opensearch.xml", headers={"Host": "evil.example"}).text
    assert "evil.example" not in body
    assert 'template="/search?q={searchTerms}"' in body
    assert 'template="/api/search?q={searchTerms}"' in body


def test_opensearch_uses_the_configured_base_url(index_root):
    app = create_app({"INDEX_DIR": str(index_root), "BASE_URL": "https://search.example.org/"})
    body = app.test_client().get("/opensearch.xml", headers={"Host": "evil.example"}).text
    assert "evil.example" not in body
    assert 'template="https://search.example.org/search?q={searchTerms}"' in body
    assert '<Image type="image/svg+xml">https://search.example.org/static/favicon.svg' in body


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "ftp://x", "https://", "http://x:port"])
def test_a_base_url_that_is_not_one_is_refused(tmp_path, bad):
    with pytest.raises(ValueError, match="not a"):
        create_app({"INDEX_DIR": str(tmp_path), "BASE_URL": bad})
    result = CliRunner().invoke(
        main, ["serve", "--index", str(tmp_path)], env={"DOCSEARCH_BASE_URL": bad}
    )
    assert result.exit_code == 2
    assert "Invalid value for '--base-url'" in result.output
    assert "Traceback" not in result.output
