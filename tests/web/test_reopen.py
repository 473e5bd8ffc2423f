"""The app opens its index once and follows a rebuild without a restart; 503 without index."""

from __future__ import annotations

import shutil

from indexer import build
from indexer.settings import bundled_corpus
from tests.conftest import XSS_DOCUMENT
from webapp import create_app


def test_new_generation_is_picked_up_without_restart(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(bundled_corpus(), corpus)
    root = tmp_path / "index"
    build(corpus, root)
    app = create_app({"INDEX_DIR": str(root)})
    client = app.test_client()
    index = app.extensions["docsearch"]
    assert client.get("/api/search?q=hostile").get_json()["total"] == 0
    assert client.get("/api/doc/XSS/1/1").status_code == 404

    (corpus / "en" / "xss_1_1.txt").write_text(XSS_DOCUMENT, encoding="utf-8")
    build(corpus, root)

    assert app.extensions["docsearch"] is index
    assert client.get("/api/search?q=hostile").get_json()["total"] == 2
    assert client.get("/api/doc/XSS/1/1").status_code == 200
    assert client.get("/").status_code == 200
    index.close()


def test_missing_index_is_503_with_one_sentence(tmp_path):
    client = create_app({"INDEX_DIR": str(tmp_path / "none")}).test_client()
    resp = client.get("/api/search?q=x")
    assert resp.status_code == 503 and resp.get_json()["error"].endswith(".")
    page = client.get("/?ui=en")
    assert page.status_code == 503 and "not available" in page.get_data(as_text=True)


def test_a_server_answers_from_the_old_generation_while_the_new_one_opens(tmp_path, monkeypatch):
    """No request waits for a new generation to open and warm up: until it is ready, searches
    are answered from the old one; then from the new one."""
    import threading

    corpus = tmp_path / "corpus"
    shutil.copytree(bundled_corpus(), corpus)
    root = tmp_path / "index"
    build(corpus, root)
    app = create_app({"INDEX_DIR": str(root), "REOPEN_IN_BACKGROUND": True})
    client = app.test_client()
    assert client.get("/api/search?q=hostile").get_json()["total"] == 0

    (corpus / "en" / "xss_1_1.txt").write_text(XSS_DOCUMENT, encoding="utf-8")
    build(corpus, root)
    release, opening = threading.Event(), threading.Event()
    backend = app.extensions["docsearch"].backend  # the embedded index's store module
    real_open = backend.open_reader

    def slow_open(*args, **kwargs):
        opening.set()
        assert release.wait(30)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(backend, "open_reader", slow_open)
    assert client.get("/api/search?q=hostile").get_json()["total"] == 0  # old one, no wait
    assert opening.wait(30)
    assert client.get("/api/search?q=hostile").get_json()["total"] == 0  # still opening
    release.set()
    index = app.extensions["docsearch"]
    index._opening.join(30)
    assert client.get("/api/search?q=hostile").get_json()["total"] == 2
    index.close()
