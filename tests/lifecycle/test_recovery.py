"""Damage and leftovers: every command says in one sentence what is wrong, `update` refuses to
build on a damaged index, `build` recovers from any damage, killed writers never block."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer.index.generations import current_generation, generations_dir, writer_lock
from tests.lifecycle.conftest import doc_keys, run_docsearch, subprocess_env, zh_doc


def segment_file(root: Path) -> Path:
    return max(current_generation(root).glob("*.seg"), key=lambda p: p.stat().st_size)


def one_sentence(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_check_passes_on_a_fresh_index_and_names_a_truncated_file(corpus, root, cli):
    result = cli("check")
    assert result.exit_code == 0, result.output
    assert "is intact" in result.output
    seg = segment_file(root)
    with open(seg, "r+b") as handle:
        handle.truncate(seg.stat().st_size // 2)
    result = cli("check")
    assert result.exit_code == 1
    assert seg.name in result.output and "docsearch build" in result.output


DAMAGE = {
    "truncated segment": lambda root: os.truncate(segment_file(root), 100),
    "deleted segment": lambda root: segment_file(root).unlink(),
    "missing manifest": lambda root: (current_generation(root) / "manifest.json").unlink(),
    "bad manifest": lambda root: (current_generation(root) / "manifest.json").write_bytes(b"{x"),
    "binary CURRENT": lambda root: (root / "CURRENT").write_bytes(b"\x00\xff\xfe\x89PNG"),
}


@pytest.mark.slow
@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damage_is_one_sentence_update_refuses_and_build_recovers(corpus, root, damage):
    DAMAGE[damage](root)
    search = run_docsearch(corpus, root, "search", "发展")
    assert search.returncode == 1
    assert "docsearch build" in one_sentence(search.stderr)
    (corpus / "zh" / "test_1_1.txt").write_text(zh_doc(), encoding="utf-8")
    update = run_docsearch(corpus, root, "update")
    assert update.returncode == 1
    assert "docsearch build" in one_sentence(update.stderr)
    build = run_docsearch(corpus, root, "build")
    assert build.returncode == 0, build.stderr
    assert run_docsearch(corpus, root, "check").returncode == 0
    assert "TEST/1/1|zh" in doc_keys(root)
    assert run_docsearch(corpus, root, "search", "蓝鲸星光计划").returncode == 0


def test_a_writer_removes_what_a_killed_build_left(corpus, root, cli):
    leftover = generations_dir(root) / ".tmp-20260101T000000000000Z-1"
    leftover.mkdir()
    (leftover / "MAIN_x.seg").write_bytes(b"\0" * 1000)
    result = cli("update")
    assert result.exit_code == 0 and "nothing to do" in result.output
    assert not leftover.exists()


def big_corpus(path: Path) -> Path:
    from bench import corpus as synth

    synth.generate(6000, path, seed=3)  # over 2 MB: the build forks writer processes
    return path


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_parallel_build_never_blocks_the_next_writer(tmp_path, how):
    corpus = big_corpus(tmp_path / "corpus")
    root = tmp_path / "index"
    env = subprocess_env(corpus, root)
    build = subprocess.Popen(
        [sys.executable, "-m", "indexer", "build"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while not workers and time.monotonic() < deadline:  # wait until the writers are forked
        time.sleep(0.2)
        workers = _children(build.pid)
    assert workers, "the build never forked its writer processes"
    time.sleep(1.0)
    build.send_signal(how)
    build.wait(timeout=30)
    build.stderr.close()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers), "writer processes outlived the build"
    with writer_lock(root, timeout=2):  # the next writer gets the lock at once
        assert not list(generations_dir(root).glob(".tmp-*"))  # and clears the leftovers


def _children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line
            )
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.append(int(status.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
