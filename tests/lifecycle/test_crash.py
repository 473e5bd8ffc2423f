"""kill -9 of a build or an update while the site answers queries: never a wrong answer.

The site runs as `python -m indexer serve` on a loopback port; a thread queries /api/search in a
loop during every writer run and checks each answer against the one before any writer ran (the
writers only touch a test document the query does not match). Writers are killed at named steps
(DOCSEARCH_CRASH_AT, see indexer.index.generations.crash_point) and after random delays.
"""

from __future__ import annotations

import json
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from indexer.index.generations import generations_dir
from tests.lifecycle.conftest import doc_keys, run_docsearch, start_serve, subprocess_env, zh_doc

pytestmark = pytest.mark.slow  # a minute or more: deselect with -m 'not slow'

QUERY = {"q": "可持续发展", "lang": "zh", "page_size": "50"}
STEPS = ["before-commit", "after-commit", "before-rename", "before-switch", "after-switch"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, params: dict) -> dict:
    url = f"http://127.0.0.1:{port}/api/search?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def answer(data: dict) -> tuple[int, list]:
    """What must not change: the total and which paragraphs are found. (Their order may: the
    test's added document changes the corpus statistics that scores are computed from.)"""
    return data["total"], sorted((h["symbol"], h["lang"], h["paragraph"]) for h in data["hits"])


class Prober(threading.Thread):
    """Queries the site until stopped; counts answers, errors and wrong answers."""

    def __init__(self, port: int, expected) -> None:
        super().__init__(daemon=True)
        self.port, self.expected = port, expected
        self.stop = threading.Event()
        self.answers = 0
        self.problems: list[str] = []

    def run(self) -> None:
        while not self.stop.is_set() and len(self.problems) < 5:
            try:
                got = answer(get(self.port, QUERY))
            except Exception as err:  # any failure to answer is a failure of the test
                self.problems.append(f"request failed: {err!r}")
                continue
            self.answers += 1
            if got != self.expected:
                self.problems.append(f"wrong answer: {got}")


@pytest.fixture
def site(corpus, root):
    port = free_port()
    server = start_serve(corpus, root, port, "--threads", "4")
    deadline = time.monotonic() + 60
    while True:
        try:
            expected = answer(get(port, QUERY))
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("the site did not start")
            time.sleep(0.2)
    yield port, expected
    server.terminate()
    server.wait(timeout=30)


def assert_clean(root: Path) -> None:
    leftovers = [p.name for p in generations_dir(root).iterdir() if p.name.startswith(".")]
    leftovers += [p.name for p in root.glob(".CURRENT.*")]
    assert leftovers == []


def test_kill_9_at_every_step_of_build_and_update(corpus, root, site):
    port, expected = site
    assert expected[0] > 0
    prober = Prober(port, expected)
    prober.start()
    doc = corpus / "zh" / "test_1_1.txt"
    try:
        for i, step in enumerate(STEPS):
            for command in ("build", "update"):
                doc.write_text(zh_doc(word=f"蓝鲸{i}{command}"), encoding="utf-8")
                crashed = run_docsearch(corpus, root, command, DOCSEARCH_CRASH_AT=step)
                assert crashed.returncode == -9, (step, command, crashed.stderr)
                live = doc_keys(root)  # the index is whole: the old or the new generation
                assert "CDIP/19/6|zh" in live
        recovered = run_docsearch(corpus, root, "update")
        assert recovered.returncode == 0, recovered.stderr
        assert_clean(root)
        for delay in (0.3, random.uniform(0.5, 2.0)):
            doc.write_text(zh_doc(word=f"蓝鲸{delay}"), encoding="utf-8")
            writer = subprocess.Popen(
                [sys.executable, "-m", "indexer", "build"],
                env=subprocess_env(corpus, root),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(delay)
            writer.kill()
            writer.wait(timeout=30)
        doc.write_text(zh_doc(word="蓝鲸星光计划"), encoding="utf-8")
        final = run_docsearch(corpus, root, "update")
        assert final.returncode == 0, final.stderr
        assert_clean(root)
    finally:
        prober.stop.set()
        prober.join(timeout=30)
    assert prober.problems == []
    assert prober.answers > 10
    # The site shows the new document without a restart.
    found = get(port, {"q": "蓝鲸星光计划", "lang": "zh"})
    assert ("TEST/1/1", "zh", "1") in answer(found)[1]
