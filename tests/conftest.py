"""Shared fixtures: indexes built once per session in temporary folders, apps and clients."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer import build, update
from indexer.settings import bundled_corpus

XSS_DOCUMENT = """XSS/1/1

ORIGINAL: ENGLISH

A <b>hostile</b> title "><svg onload=alert(2)>

prepared by the Secretariat

1. <script>alert(1)</script> paragraph text about CDIP/19/6 and hostile markup.

2. "><img src=x onerror=alert(1)> more hostile markup & 'quotes'.
"""


@pytest.fixture(scope="session")
def index_root(tmp_path_factory) -> Path:
    """An index of the bundled corpus, built once per test session."""
    root = tmp_path_factory.mktemp("index")
    build(bundled_corpus(), root)
    return root


@pytest.fixture(scope="session")
def updated_index(tmp_path_factory) -> tuple[Path, Path]:
    """(corpus, index): the bundled corpus built, then one document replaced by an update (two
    segments, the replaced version's blocks deleted). Tests copy it before changing it."""
    corpus = tmp_path_factory.mktemp("updated-corpus")
    shutil.copytree(bundled_corpus(), corpus, dirs_exist_ok=True)
    root = tmp_path_factory.mktemp("updated-index")
    build(corpus, root)
    changed = corpus / "en" / "cdip_19_6.txt"
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\n99. Technology and development again.\n",
        encoding="utf-8",
    )
    update(corpus, root)
    return corpus, root


@pytest.fixture(scope="session")
def hostile_root(tmp_path_factory) -> Path:
    """An index of a corpus holding one document full of markup (XSS/1/1) and CDIP/19/6."""
    corpus = tmp_path_factory.mktemp("hostile-corpus")
    (corpus / "en").mkdir()
    (corpus / "en" / "xss_1_1.txt").write_text(XSS_DOCUMENT, encoding="utf-8")
    source = bundled_corpus() / "en" / "cdip_19_6.txt"
    (corpus / "en" / "cdip_19_6.txt").write_bytes(source.read_bytes())
    root = tmp_path_factory.mktemp("hostile-index")
    build(corpus, root)
    return root


@pytest.fixture(scope="session")
def app(index_root):
    from webapp import create_app

    app = create_app({"INDEX_DIR": str(index_root), "TESTING": True})
    yield app
    app.extensions["docsearch"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def hostile_app(hostile_root):
    from webapp import create_app

    app = create_app({"INDEX_DIR": str(hostile_root), "TESTING": True})
    yield app
    app.extensions["docsearch"].close()


@pytest.fixture
def hostile_client(hostile_app):
    return hostile_app.test_client()
