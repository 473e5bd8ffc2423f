"""Serve the app with waitress, in one process or in several that share one listening socket.

Searches are Python work, so one process answers one search at a time whatever its number of
threads. With `workers` > 1 the parent opens the socket, forks the workers (each with its own
index handle and caches), restarts any that dies, and stops them all on SIGTERM or Ctrl-C.

The responses waitress writes itself, without asking the app (400 for a malformed request, 431
for headers over its limit, 413 for a body over its limit, 500 when the app raises), carry the
same security headers as the app's: a WSGI middleware never sees them, so the servers' channels
use an error task that adds them (`HTTPChannel.error_task_class`, a class attribute waitress
provides for this).

Why not gunicorn's arbiter: measured side by side (`python -m bench --paragraphs 20000 --index
… --no-baseline --no-update`, 4 clients, 2 workers, run twice each, interleaved) it served the
same load (31.5 and 53.0 req/s, p95 330 and 204 ms) as this supervisor (34.1 and 25.7 req/s,
p95 293 and 343 ms: the machine's load, 21, decided the spread), while its workers would be a
second HTTP server beside waitress, without the security headers and request handling set up
here. Forty lines of fork and wait cost less than two servers.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import time

import waitress
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.task import ErrorTask

from indexer.errors import StoreError
from webapp import SECURITY_HEADERS

log = logging.getLogger(__name__)


class _SecureErrorTask(ErrorTask):
    """waitress's own error response, with the site's security headers."""

    def execute(self) -> None:
        self.response_headers.extend(SECURITY_HEADERS.items())
        super().execute()


class _SecureChannel(HTTPChannel):
    error_task_class = _SecureErrorTask


def create_server(app, **options):
    """`waitress.create_server` whose own error responses carry the security headers."""
    dispatchers: dict = {}
    server = waitress.create_server(app, map=dispatchers, **options)
    for dispatcher in dispatchers.values():  # one server per listening socket
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = _SecureChannel
    return server


def _run(app, **options) -> None:
    server = create_server(app, ident="docsearch", **options)
    server.print_listen("Serving on http://{}:{}")
    server.run()


def serve(app, host: str, port: int, threads: int = 4, workers: int = 1) -> None:
    """Serve until stopped; each process loads the index before it takes requests."""
    if workers <= 1:
        _warm_up(app)
        _run(app, host=host, port=port, threads=threads)
        return
    listener = socket.create_server((host, port), backlog=1024)
    children: set[int] = set()
    stopping = False

    def start() -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            code = 0
            try:
                _warm_up(app)
                _run(app, sockets=[listener], threads=threads)
            except BaseException:  # noqa: BLE001 - a worker must never return into the parent
                log.exception("worker failed")
                code = 1
            os._exit(code)
        children.add(pid)

    def stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(workers):
        start()
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        children.discard(pid)
        if not stopping:
            log.warning("worker %d ended (status %d); starting another", pid, status)
            time.sleep(1)  # a worker that cannot start must not spin
            start()
    listener.close()


def _warm_up(app) -> None:
    try:
        app.extensions["docsearch"].warm_up()
    except StoreError as err:  # no index yet: the pages say so, and it opens once built
        log.warning("%s", err)
