"""Fixtures for the index lifecycle tests: a private copy of the corpus and of a built index.

Every test works in its own tmp_path; nothing here writes into the repository's corpus/ or the
default index location (subprocesses get DOCSEARCH_INDEX / DOCSEARCH_CORPUS explicitly).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import SearchIndex, build
from indexer.cli import main
from indexer.index.generations import current_generation
from indexer.index.manifest import Manifest
from indexer.settings import CORPUS_ENV, INDEX_ENV, bundled_corpus

# A new Chinese document with its own symbol line and header.
ZH_DOC = """\
TEST/1/1
原文：英文
日期：2024年5月1日

测试委员会
第一届会议

新文件的标题

秘书处编拟

1. 蓝鲸星光计划是本届会议讨论的新议题。

2. 委员会注意到了蓝鲸星光计划的进展情况。
"""

EN_DOC = """\
TEST/1/1
ORIGINAL: ENGLISH
DATE: May 1, 2024

Test Committee
First Session

A New Document Title

prepared by the Secretariat

1. The bluewhale starlight plan is a new item discussed at this session.

2. The Committee took note of progress on the bluewhale starlight plan.
"""


def zh_doc(symbol: str = "TEST/1/1", word: str = "蓝鲸星光计划") -> str:
    return ZH_DOC.replace("TEST/1/1", symbol).replace("蓝鲸星光计划", word)


def en_doc(symbol: str = "TEST/1/1", word: str = "bluewhale") -> str:
    return EN_DOC.replace("TEST/1/1", symbol).replace("bluewhale", word)


@pytest.fixture(scope="session")
def built_template(tmp_path_factory) -> tuple[Path, Path]:
    """The bundled corpus and its index, built once; tests get copies."""
    base = tmp_path_factory.mktemp("lifecycle-template")
    corpus = base / "corpus"
    shutil.copytree(bundled_corpus(), corpus)
    root = base / "index"
    build(corpus, root)
    return corpus, root


@pytest.fixture
def corpus(tmp_path, built_template) -> Path:
    path = tmp_path / "corpus"
    shutil.copytree(built_template[0], path)
    return path


@pytest.fixture
def root(tmp_path, built_template, corpus) -> Path:
    """A copy of the built index (generation files copied, not linked), recorded as built from
    the test's copy of the corpus."""
    path = tmp_path / "index"
    shutil.copytree(built_template[1], path)
    generation = current_generation(path)
    manifest = Manifest.load(generation)
    manifest.corpus = str(corpus.resolve())
    manifest.save(generation)
    return path


@pytest.fixture
def cli(corpus, root):
    """Run docsearch in-process with --corpus/--index given by the environment."""
    runner = CliRunner()

    def run(*args: str):
        env = {CORPUS_ENV: str(corpus), INDEX_ENV: str(root)}
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return run


def subprocess_env(corpus: Path, root: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({CORPUS_ENV: str(corpus), INDEX_ENV: str(root)}, **extra)
    env.pop("DOCSEARCH_CRASH_AT", None)
    env.update(extra)
    return env


def run_docsearch(corpus: Path, root: Path, *args: str, timeout: float = 60, **env):
    """Run `python -m indexer ARGS` in a subprocess; returns the CompletedProcess."""
    return subprocess.run(
        [sys.executable, "-m", "indexer", *args],
        env=subprocess_env(corpus, root, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_serve(corpus: Path, root: Path, port: int, *args: str) -> subprocess.Popen:
    """`python -m indexer serve --port PORT ARGS` in the background, its output discarded."""
    return subprocess.Popen(
        [sys.executable, "-m", "indexer", "serve", "--port", str(port), *args],
        env=subprocess_env(corpus, root),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def live_manifest(root: Path) -> dict:
    return Manifest.load(current_generation(root)).to_json()


def doc_keys(root: Path) -> dict[str, str]:
    """symbol|lang -> source of every document in the live manifest."""
    return {f"{e['symbol']}|{e['lang']}": e["source"] for e in live_manifest(root)["documents"]}


def hits(root: Path, query: str, lang: str) -> list[tuple[str, str]]:
    """(symbol, paragraph) of every hit in one language, opening the index afresh."""
    with SearchIndex(root) as index:
        page = index.search(query, page_size=100, filters={"lang": [lang]}, expand_terms=False)
    return [(hit.symbol, hit.paragraph) for hit in page.hits if hit.lang == lang]


def index_keys(root: Path) -> list[str]:
    """Every live index document's key, read from the index itself."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(current_generation(root)))
    with ix.searcher() as searcher:
        keys = [fields["key"] for fields in searcher.all_stored_fields()]
    ix.close()
    return keys


def make_pdf(path: Path, lines: list[str]) -> Path:
    """A one-page PDF with the built-in Chinese CID font, one text line per item."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    pdf.setFont("STSong-Light", 11)
    y = 800
    for line in lines:
        if line:
            pdf.drawString(60, y, line)
        y -= 18
    pdf.showPage()
    pdf.save()
    return path


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path
