"""One line per request in the common log format, written through the `webapp.access` logger.

`docsearch serve` sends that logger to stderr (`--quiet` turns it off); the app itself never
configures logging.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from urllib.parse import quote

log = logging.getLogger("webapp.access")


def common_log_line(environ: dict, status: str, size: int | None, when: float) -> str:
    """`127.0.0.1 - - [02/Dec/2026:07:38:29 +0000] "GET /search?q=SDG HTTP/1.1" 200 5120`."""
    path = environ.get("REQUEST_URI") or quote(
        (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")).encode("latin-1"),
        safe="/",
    )
    query = environ.get("QUERY_STRING", "")
    if query and "?" not in path:
        path += "?" + query
    # The request line as sent (percent-encoded), without anything that could forge a line.
    path = "".join(c if " " < c < "\x7f" and c != '"' else quote(c) for c in path)
    request = f"{environ.get('REQUEST_METHOD', '-')} {path} {environ.get('SERVER_PROTOCOL', '-')}"
    stamp = time.strftime("%d/%b/%Y:%H:%M:%S %z", time.localtime(when))
    host = environ.get("REMOTE_ADDR") or "-"
    user = environ.get("REMOTE_USER") or "-"
    return (
        f'{host} - {user} [{stamp}] "{request}" {status.split(" ", 1)[0]} {size if size else "-"}'
    )


class AccessLog:
    """WSGI middleware: logs each response when its body has been sent."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        when = time.time()
        seen: dict[str, str] = {}

        def start(status, headers, exc_info=None):
            seen["status"] = status
            return start_response(status, headers, exc_info)

        body = self.app(environ, start)
        return _Logged(
            body,
            lambda size: log.info(common_log_line(environ, seen.get("status", "500"), size, when)),
        )


class _Logged:
    """The response body, counting bytes; logs once it is closed (waitress always closes it)."""

    def __init__(self, body: Iterable[bytes], done: Callable[[int], None]) -> None:
        self.body = body
        self.done = done
        self.size = 0

    def __iter__(self):
        for chunk in self.body:
            self.size += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.done(self.size)
