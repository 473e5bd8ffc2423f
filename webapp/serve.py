"""Serve the app with waitress, in one process or in several that share one listening socket.

Searches are Python work, so one process answers one search at a time whatever its number of
threads. With `workers` > 1 the parent opens the socket, forks the workers (each with its own
index handle and caches), restarts any that dies, and stops them all on SIGTERM or Ctrl-C.

Every process serves through one waitress channel class that (1) accepts raw UTF-8 in the
request line, as curl and scripts send it, and (2) adds the security headers to the responses
waitress writes itself without asking the app (400 for a malformed request, 431 for headers
over its limit, 413 for a body over its limit, 500 when the app raises): a WSGI middleware never
sees those, so the channel's error task (`HTTPChannel.error_task_class`) adds them.

Why not gunicorn's arbiter: measured side by side (`python -m bench --paragraphs 20000 --index
… --no-baseline --no-update`, 4 clients, 2 workers, run twice each, interleaved) it served the
same load (31.5 and 53.0 req/s, p95 330 and 204 ms) as this supervisor (34.1 and 25.7 req/s,
p95 293 and 343 ms: the machine's load, 21, decided the spread), while its workers would be a
second HTTP server beside waitress, without the request handling set up here. Forty lines of
fork and wait cost less than two servers.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import socket
import threading
import time
from collections.abc import Callable

import waitress
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer
from waitress.task import ErrorTask

from indexer.errors import StoreError
from webapp import SECURITY_HEADERS
from webapp.access import AccessLog

log = logging.getLogger(__name__)
WSGIApplication = Callable  # the Flask app, or the app wrapped in AccessLog
GENERATION_POLL = 1.0  # seconds between looks at the index's CURRENT pointer
_RAW = re.compile(rb"[\x80-\xff]")


class _Utf8RequestParser(HTTPRequestParser):
    """Accepts raw UTF-8 in the request line (`curl '…?q=技术促进机制'`).

    Browsers percent-encode a URL; curl and scripts often send its bytes as they are, which
    waitress's URI parser refuses with a text/plain "Bad URI". The bytes are percent-encoded
    before parsing, which is what a browser would have sent.
    """

    def parse_header(self, header_plus: bytes) -> None:
        end = header_plus.find(b"\r\n")
        if end > 0 and _RAW.search(header_plus, 0, end):
            line = _RAW.sub(lambda m: b"%%%02X" % m.group()[0], header_plus[:end])
            header_plus = line + header_plus[end:]
        super().parse_header(header_plus)


class _SecureErrorTask(ErrorTask):
    """waitress's own error response, with the site's security headers."""

    def execute(self) -> None:
        self.response_headers.extend(SECURITY_HEADERS.items())
        super().execute()


class _Channel(HTTPChannel):
    parser_class = _Utf8RequestParser
    error_task_class = _SecureErrorTask


def create_server(app: WSGIApplication, **options: object) -> BaseWSGIServer:
    """`waitress.create_server` with the channel above on every listening socket."""
    dispatchers: dict = {}
    options.setdefault("ident", "docsearch")
    server = waitress.create_server(app, map=dispatchers, **options)
    for dispatcher in dispatchers.values():  # one server per listening socket
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = _Channel
    return server


def serve(
    app: WSGIApplication,
    host: str,
    port: int,
    threads: int = 4,
    workers: int = 1,
    log_requests: bool = True,
) -> None:
    """Serve until stopped; each process loads the index before it takes requests.

    With `log_requests`, each request is logged (common log format) to `webapp.access`.
    """
    wsgi = AccessLog(app) if log_requests else app
    if workers <= 1:
        _warm_up(app)
        _watch_generations(app)
        create_server(wsgi, host=host, port=port, threads=threads).run()
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
                _watch_generations(app)
                create_server(wsgi, threads=threads, sockets=[listener]).run()
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


def _watch_generations(app, interval: float = GENERATION_POLL) -> threading.Thread:
    """Switch to a new index generation (and log it) as soon as it goes live, not at the next
    request: a daemon thread looks at the index's CURRENT pointer every `interval` seconds."""
    index = app.extensions["docsearch"]

    def watch() -> None:
        while True:
            time.sleep(interval)
            try:
                index.stats()  # reopens, and logs, when CURRENT names another generation
                index.documents()  # read once per generation: ready before a page asks
            except StoreError:
                pass
            except Exception:  # noqa: BLE001 - the watcher must outlive a bad moment
                log.exception("checking for a new index generation failed")

    thread = threading.Thread(target=watch, name="generation-watch", daemon=True)
    thread.start()
    return thread
