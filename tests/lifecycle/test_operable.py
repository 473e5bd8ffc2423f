"""The command line and server as an operator meets them: pipes, request logs, raw UTF-8 URLs,
the first run's progress, one word for documents and one for language files."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer.settings import bundled_corpus
from tests.lifecycle.conftest import subprocess_env

ENCODED = "%E6%8A%80%E6%9C%AF%E4%BF%83%E8%BF%9B%E6%9C%BA%E5%88%B6"  # 技术促进机制


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_show_into_head_exits_0(corpus, root, cli):
    env = subprocess_env(corpus, root)
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f'"{sys.executable}" -m indexer show CDIP/19/6 | head -1'],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1 and "BrokenPipe" not in done.stderr


def _get_raw(port: int, target: bytes) -> tuple[int, str, bytes]:
    """A GET whose request line carries `target` byte for byte (as curl sends it)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    content_type = next(
        (v for k, _, v in (h.partition(": ") for h in lines) if k.lower() == "content-type"), ""
    )
    return int(lines[0].split()[1]), content_type, body


def _wait(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server ended"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/api/docs")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()
    raise AssertionError("the server did not answer")


def _serve(corpus: Path, root: Path, port: int, log: Path, *args: str) -> subprocess.Popen:
    with log.open("w") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "indexer", "serve", "--port", str(port), *args],
            env=subprocess_env(corpus, root),
            stdout=subprocess.DEVNULL,
            stderr=err,
        )


@pytest.mark.slow
def test_server_logs_requests_and_new_generations_and_accepts_raw_utf8(corpus, root, tmp_path):
    port = _free_port()
    log = tmp_path / "serve.log"
    proc = _serve(corpus, root, port, log)
    try:
        _wait(port, proc)
        status, ctype, body = _get_raw(port, "/api/search?q=技术促进机制".encode())
        assert status == 200 and ctype.startswith("application/json")
        assert json.loads(body)["query"] == "技术促进机制"
        status, ctype, _ = _get_raw(port, "/search?q=技术促进机制".encode())
        assert status == 200 and ctype.startswith("text/html")
        status, ctype, body = _get_raw(port, b"/api/search?q=\xff\xfe")  # not UTF-8 at all
        assert status in (200, 400) and ctype.startswith("application/json")
        done = subprocess.run(
            [sys.executable, "-m", "indexer", "optimize"],
            env=subprocess_env(corpus, root),
            capture_output=True,
            timeout=120,
        )
        assert done.returncode == 0
        deadline = time.monotonic() + 15  # logged when it goes live, with no request needed
        while log.read_text().count("is live") < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert log.read_text().count("is live") >= 2, "the new generation was not announced"
        _get_raw(port, b"/")
        time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    lines = log.read_text().splitlines()
    requests = [line for line in lines if '"GET ' in line]
    assert any(
        line.startswith("127.0.0.1 - - [")
        and f'"GET /api/search?q={ENCODED} HTTP/1.1" 200 ' in line
        for line in requests
    ), lines
    assert any('"GET / HTTP/1.1" 200 ' in line for line in requests)
    live = [line for line in lines if "is live" in line]
    assert len(live) >= 2, lines  # the first generation, then the optimized one


def test_quiet_server_logs_no_requests(corpus, root, tmp_path):
    port = _free_port()
    log = tmp_path / "quiet.log"
    proc = _serve(corpus, root, port, log, "--quiet")
    try:
        _wait(port, proc)
        _get_raw(port, b"/")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert '"GET ' not in log.read_text()


def test_first_run_shows_the_build_summary_and_words_agree(tmp_path):
    corpus = bundled_corpus()
    root = tmp_path / "ix"
    done = subprocess.run(
        [sys.executable, "-m", "indexer", "search", "SDG"],
        env=subprocess_env(corpus, root),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "No index yet" in done.stderr and "Indexing" in done.stderr
    assert "Indexed 2 documents (4 language files), 76 numbered paragraphs" in done.stderr
    again = subprocess.run(
        [sys.executable, "-m", "indexer", "update"],
        env=subprocess_env(corpus, root),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Index is up to date: 4 language files unchanged" in again.stderr
