"""`docsearch serve --workers 2`: both answer, a dead worker is replaced, SIGTERM stops all."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.lifecycle.conftest import start_serve
from tests.lifecycle.test_crash import QUERY, answer, free_port, get

pytestmark = pytest.mark.slow  # a minute or more: deselect with -m 'not slow'


def children(pid: int) -> list[int]:
    """Live child processes of `pid` (from /proc: no procps needed)."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()  # after "(name)": state, ppid, ...
        if fields[0] != "Z" and int(fields[1]) == pid:
            found.append(int(entry))
    return sorted(found)


def wait_for(check, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_workers_answer_are_replaced_and_stop_together(corpus, root):
    port = free_port()
    server = start_serve(corpus, root, port, "--workers", "2")
    try:
        workers = wait_for(lambda: len(children(server.pid)) == 2 and children(server.pid))

        def answers():
            try:
                return answer(get(port, QUERY))
            except OSError:
                return None

        expected = wait_for(answers)
        assert expected[0] > 0
        assert all(answers() == expected for _ in range(20))

        os.kill(workers[0], signal.SIGKILL)
        replaced = wait_for(
            lambda: (c := children(server.pid)) and len(c) == 2 and workers[0] not in c and c
        )
        assert workers[1] in replaced
        assert all(answers() == expected for _ in range(20))

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        assert wait_for(lambda: not any(os.path.exists(f"/proc/{p}") for p in replaced))
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
