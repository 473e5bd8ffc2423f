"""The index lifecycle with `--engine tantivy`: the same commands and generations as Whoosh.

A build, an update with a changed and a removed document (a new generation that hard-links the
live one's segment files), `check`, and the one-sentence refusal when an index root built by
one engine is opened or updated with the other (nothing changed).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.backends.tantivy import store as tantivy_store
from indexer.cli import main
from indexer.index.generations import live_generation
from indexer.settings import CORPUS_ENV, ENGINE_ENV, INDEX_ENV, bundled_corpus
from tests.lifecycle.conftest import zh_doc


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    corpus = Path(shutil.copytree(bundled_corpus(), tmp_path / "corpus"))
    return {CORPUS_ENV: str(corpus), INDEX_ENV: str(tmp_path / "index")}


def _run(*args: str, env: dict[str, str], code: int = 0) -> str:
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == code, result.output
    return result.output


def _search(query: str, env: dict[str, str], *extra: str) -> dict:
    return json.loads(_run("search", "--json", query, "--engine", "tantivy", *extra, env=env))


def test_build_update_remove_and_check_with_tantivy(env):
    corpus, root = Path(env[CORPUS_ENV]), Path(env[INDEX_ENV])
    _run("build", "--engine", "tantivy", env=env)
    first = live_generation(root)
    assert (first / "meta.json").is_file() and not list(first.glob("*.seg"))
    blocks = tantivy_store.count_blocks(first)
    assert _search("Senegal", env)["total"] == 1
    assert "intact" in _run("check", "--engine", "tantivy", env=env)

    # a changed document: the new word is found, the old one gone; big segments are shared
    source = corpus / "en" / "cdip_19_6.txt"
    source.write_text(source.read_text().replace("Senegal", "Wakanda"), encoding="utf-8")
    (corpus / "zh" / "test_1_1.txt").write_text(zh_doc(), encoding="utf-8")
    out = _run("update", "--engine", "tantivy", env=env)
    assert "1 added, 1 replaced" in out, out
    second = live_generation(root)
    assert second != first
    assert _search("Senegal lang:en", env)["total"] == 0
    assert [(h["symbol"], h["paragraph"]) for h in _search("Wakanda", env)["hits"]] == [
        ("CDIP/19/6", "10")
    ]
    assert _search("蓝鲸星光计划", env)["total"] == 2
    shared = [
        f.name
        for f in second.iterdir()
        if f.suffix in (".idx", ".pos", ".store")
        and (first / f.name).exists()
        and f.stat().st_ino == (first / f.name).stat().st_ino
    ]
    assert shared, "the update copied the live generation's segments instead of linking them"

    # a removed document, then check
    _run("remove", "TEST/1/1", "--delete", "--engine", "tantivy", env=env)
    assert _search("蓝鲸星光计划", env)["total"] == 0
    assert tantivy_store.count_blocks(live_generation(root)) == blocks
    assert "intact" in _run("check", "--engine", "tantivy", env=env)
    shown = json.loads(_run("show", "--json", "CDIP/19/6", "10", "--engine", "tantivy", env=env))
    assert "Wakanda" in shown["paragraphs"][0]["text"]


def test_an_index_of_another_engine_is_refused_in_one_sentence(env):
    root = Path(env[INDEX_ENV])
    _run("build", env=env)  # Whoosh, the default
    live = live_generation(root)
    for command in (["search", "WIPO"], ["update"]):
        out = _run(*command, "--engine", "tantivy", env=env, code=1)
        assert "built by the whoosh engine, not tantivy" in out, out
        assert out.count(". ") == 0 and "--engine whoosh" in out
    assert live_generation(root) == live  # nothing changed
    _run("build", "--engine", "tantivy", env=env)
    out = _run("search", "WIPO", env={**env, ENGINE_ENV: "whoosh"}, code=1)
    assert "built by the tantivy engine, not whoosh" in out, out
    assert _search("WIPO", env)["total"] > 0


def test_a_bad_engine_setting_is_one_sentence(env):
    out = _run("search", "WIPO", env={**env, ENGINE_ENV: "lucene"}, code=1)
    assert "DOCSEARCH_ENGINE (--engine) must be one of whoosh, tantivy" in out


def test_optimize_leaves_one_segment_and_the_same_answers(env):
    root = Path(env[INDEX_ENV])
    _run("build", "--engine", "tantivy", env=env)
    corpus = Path(env[CORPUS_ENV])
    (corpus / "zh" / "test_1_1.txt").write_text(zh_doc(), encoding="utf-8")
    _run("update", "--engine", "tantivy", env=env)
    before = {q: _search(q, env) for q in ("发展", "WIPO -Kenya", "蓝鲸星光计划")}
    assert tantivy_store.open_reader(live_generation(root)).segments() > 1
    _run("optimize", "--engine", "tantivy", env=env)
    live = live_generation(root)
    assert tantivy_store.open_reader(live).segments() == 1
    for query, page in before.items():
        after = _search(query, env)
        assert after["total"] == page["total"] and after["facets"] == page["facets"], query
        assert _units(after) == _units(page), query
    assert "intact" in _run("check", "--engine", "tantivy", env=env)


def _units(page: dict) -> set[tuple[str, str, str]]:
    return {(h["symbol"], h["lang"], h["paragraph"]) for h in page["hits"]}
