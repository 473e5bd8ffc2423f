"""`docsearch add`, `remove`, `watch`, and the one-writer lock."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time

import pytest

from indexer import build
from indexer.index.generations import writer_lock
from tests.lifecycle.conftest import (
    ZH_DOC,
    doc_keys,
    hits,
    index_keys,
    live_manifest,
    make_docx,
    run_docsearch,
    subprocess_env,
    zh_doc,
)


def test_add_copies_records_metadata_and_a_rebuild_agrees(corpus, root, cli, tmp_path):
    outside = tmp_path / "inbox"
    outside.mkdir()
    no_symbol = zh_doc().replace("TEST/1/1\n", "")  # the header states no symbol
    (outside / "report.txt").write_text(no_symbol, encoding="utf-8")
    make_docx(outside / "report_en.docx", ["1. The bluewhale plan.", "2. More on it."])
    metadata_before = (corpus / "metadata.toml").read_text(encoding="utf-8")

    result = cli(
        "add", str(outside / "report.txt"), str(outside / "report_en.docx"), "--symbol", "test/9/9"
    )
    assert result.exit_code == 1, result.output  # the DOCX has no language: refused by name
    assert "refused" in result.output and "report_en.docx" in result.output
    assert "unknown language" in result.output
    assert (corpus / "zh" / "report.txt").is_file()
    metadata = (corpus / "metadata.toml").read_text(encoding="utf-8")
    assert metadata.startswith(metadata_before)
    assert 'symbol = "TEST/9/9"\nfiles = ["zh/report.txt"]' in metadata
    assert doc_keys(root)["TEST/9/9|zh"] == "zh/report.txt"

    result = cli("add", str(outside / "report_en.docx"), "--symbol", "TEST/9/9", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Copied" in result.output and "en/report_en.docx" in result.output
    assert ("TEST/9/9", "1") in hits(root, "bluewhale", "en")

    rebuilt = tmp_path / "rebuilt"
    build(corpus, rebuilt)
    assert doc_keys(rebuilt) == doc_keys(root)
    assert sorted(index_keys(rebuilt)) == sorted(index_keys(root))


def test_add_refuses_a_symbol_the_header_contradicts(corpus, root, cli, tmp_path):
    (tmp_path / "x.txt").write_text(ZH_DOC, encoding="utf-8")
    result = cli("add", str(tmp_path / "x.txt"), "--symbol", "OTHER/1/1")
    assert result.exit_code == 1
    assert "states the symbol TEST/1/1 in its header" in result.output
    assert not (corpus / "zh" / "x.txt").exists()


def test_remove_moves_the_file_away_and_update_does_not_bring_it_back(corpus, root, cli):
    before = live_manifest(root)["counts"]["documents"]
    result = cli("remove", "cdip/19/6", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Moved en/cdip_19_6.txt to .removed/en/cdip_19_6.txt" in result.output
    assert "1 removed" in result.output
    assert "CDIP/19/6|en" not in doc_keys(root) and "CDIP/19/6|zh" in doc_keys(root)
    assert (corpus / ".removed" / "en" / "cdip_19_6.txt").is_file()
    assert cli("update").output.startswith("Index is up to date")
    assert live_manifest(root)["counts"]["documents"] == before - 1

    result = cli("remove", "CDIP/19/6", "--delete")
    assert "Deleted zh/000_2d0040b54b707a96.txt" in result.output
    assert not (corpus / "zh" / "000_2d0040b54b707a96.txt").exists()
    assert not any(k.startswith("CDIP/19/6|") for k in index_keys(root))

    missing = cli("remove", "CDIP/19/6")
    assert missing.exit_code == 1
    assert "No document CDIP/19/6 in the index." in missing.output


@pytest.mark.slow
def test_watch_updates_when_files_settle_and_stops_on_ctrl_c(corpus, root):
    proc = subprocess.Popen(
        [sys.executable, "-m", "indexer", "watch", "--interval", "0.2"],
        env=subprocess_env(corpus, root),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.0)
        (corpus / "zh" / "test_1_1.txt").write_text(zh_doc(), encoding="utf-8")
        deadline = time.monotonic() + 30
        while "TEST/1/1|zh" not in doc_keys(root) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "TEST/1/1|zh" in doc_keys(root)
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "added TEST/1/1 (zh)" in err
    assert "Stopped watching." in err


@pytest.mark.slow
def test_second_writer_waits_a_bounded_time_then_says_why(corpus, root):
    with writer_lock(root):
        started = time.monotonic()
        result = run_docsearch(corpus, root, "update", DOCSEARCH_LOCK_TIMEOUT="1")
        waited = time.monotonic() - started
    assert result.returncode == 1
    assert "Another docsearch build or update has held the index" in result.stderr
    assert waited < 20


@pytest.mark.slow
def test_a_killed_writer_leaves_no_lock(corpus, root):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path\n"
            "from indexer.index.generations import writer_lock\n"
            "with writer_lock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(60)",
            str(root),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    holder.kill()
    holder.wait(timeout=10)
    holder.stdout.close()
    (corpus / "zh" / "test_1_1.txt").write_text(zh_doc(), encoding="utf-8")
    result = run_docsearch(corpus, root, "update", DOCSEARCH_LOCK_TIMEOUT="2")
    assert result.returncode == 0, result.stderr
    assert "TEST/1/1|zh" in doc_keys(root)


@pytest.mark.slow
def test_concurrent_updates_both_succeed_and_agree(corpus, root):
    (corpus / "zh" / "test_1_1.txt").write_text(zh_doc(), encoding="utf-8")
    (corpus / "zh" / "test_1_2.txt").write_text(zh_doc("TEST/1/2", "白鹭"), encoding="utf-8")
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "indexer", "update"],
            env=subprocess_env(corpus, root),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert sum("2 added" in out for out in outputs) == 1
    assert sum(out.startswith("Index is up to date") for out in outputs) == 1
    keys = index_keys(root)
    assert len(keys) == len(set(keys)) == live_manifest(root)["counts"]["blocks"]


def test_an_index_built_from_another_corpus_is_refused_unless_forced(corpus, root, cli, tmp_path):
    other = tmp_path / "other-corpus"
    shutil.copytree(corpus, other)
    result = cli("update", "--corpus", str(other))
    assert result.exit_code == 1
    assert "was built from the corpus folder" in result.output and "--force" in result.output
    forced = cli("update", "--corpus", str(other), "--force")
    assert forced.exit_code == 0, forced.output
    assert cli("search", "发展").exit_code == 0  # searching never needs the corpus


def test_the_default_index_belongs_to_its_corpus(tmp_path):
    from indexer.settings import Settings

    a = Settings.load(corpus=tmp_path / "a", environ={})
    b = Settings.load(corpus=tmp_path / "b", environ={})
    assert a.index != b.index
    assert Settings.load(corpus=tmp_path / "a", environ={}).index == a.index


def test_a_bad_setting_is_one_sentence_and_help_still_works(corpus, root):
    help_ = run_docsearch(corpus, root, "--help", DOCSEARCH_LOCK_TIMEOUT="abc")
    assert help_.returncode == 0 and "Traceback" not in help_.stderr
    result = run_docsearch(corpus, root, "update", DOCSEARCH_LOCK_TIMEOUT="abc")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Error: DOCSEARCH_LOCK_TIMEOUT must be a number of seconds, 0 or more (got 'abc')."
    )
