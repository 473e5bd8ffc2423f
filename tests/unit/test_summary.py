"""summary.json: written beside every manifest, what a search reads instead of the manifest
(megabytes at 10^6 paragraphs); a missing or stale one falls back to the manifest, `check`
names one that disagrees with it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.backends import default_backend
from indexer.errors import IndexDamaged
from indexer.index.check import check
from indexer.index.generations import current_generation
from indexer.index.manifest import MANIFEST, SUMMARY, Manifest, read_summary
from indexer.search.index import SearchIndex


@pytest.fixture
def root(index_root, tmp_path) -> Path:
    path = tmp_path / "index"
    shutil.copytree(index_root, path)
    return path


def test_every_generation_has_a_summary_of_its_manifest(index_root):
    generation = current_generation(index_root)
    manifest = Manifest.load(generation)
    summary = read_summary(generation)
    assert json.loads((generation / SUMMARY).read_text(encoding="utf-8"))["counts"] == (
        manifest.counts
    )
    assert summary == manifest.summary((generation / MANIFEST).stat().st_size)
    assert (
        summary.counts["paragraphs"] > 0
        and summary.compatibility_problem(default_backend().SCHEMA_VERSION) is None
    )


def _edit_summary(generation: Path, **values) -> None:
    data = json.loads((generation / SUMMARY).read_text(encoding="utf-8"))
    (generation / SUMMARY).write_text(json.dumps({**data, **values}), encoding="utf-8")


def test_a_search_reads_the_summary_and_not_the_manifest(root):
    generation = current_generation(root)
    manifest = generation / MANIFEST
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace('"documents":[', '"documents":[7,'), encoding="utf-8")
    _edit_summary(generation, manifest_bytes=manifest.stat().st_size)
    with SearchIndex(root) as index:
        assert index.search("发展").total > 0  # the broken document list was not read
        with pytest.raises(IndexDamaged):
            index.documents()


def test_check_names_a_summary_that_disagrees_with_its_manifest(root):
    generation = current_generation(root)
    assert check(root).ok
    _edit_summary(generation, counts={"documents": 1, "blocks": 1, "paragraphs": 1})
    assert check(root).problems == ["its summary.json does not match its manifest.json."]


def test_a_missing_or_stale_summary_falls_back_to_the_manifest(root):
    generation = current_generation(root)
    expected = read_summary(generation)
    (generation / SUMMARY).write_text("{}", encoding="utf-8")
    assert read_summary(generation) == expected
    (generation / SUMMARY).unlink()
    assert read_summary(generation) == expected
    assert check(root).ok  # a generation written before summaries is intact
    manifest = Manifest.load(generation)
    manifest.save(generation)
    stale = (generation / SUMMARY).read_text(encoding="utf-8")
    manifest.built = "rebuilt by hand, the summary left as it was"
    manifest.save(generation)
    (generation / SUMMARY).write_text(stale, encoding="utf-8")
    assert read_summary(generation).built == manifest.built


def test_a_search_imports_neither_jieba_nor_the_corpus_reader(index_root):
    code = (
        "import sys, json\n"
        "from indexer.search.index import SearchIndex\n"
        f"with SearchIndex({str(index_root)!r}) as index: index.search('发展')\n"
        "print(json.dumps([m for m in ('jieba', 'pkg_resources', 'indexer.ingest.corpus',"
        " 'indexer.index.build', 'rapidfuzz') if m in sys.modules]))\n"
    )
    env_free = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert env_free.returncode == 0, env_free.stderr
    loaded = json.loads(env_free.stdout)
    from indexer.analysis.segmenter import segmenter

    expected = [] if segmenter().name == "rjieba" else ["jieba"]
    assert loaded == expected
