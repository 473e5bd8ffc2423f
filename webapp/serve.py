"""Serve the app: waitress in one process, or gunicorn's pre-fork manager for several.

Searches are Python work, so one process answers one search at a time whatever its number of
threads. With `workers` > 1, gunicorn's arbiter opens the socket, forks the workers (each with
its own index handle and caches, after the parent has loaded jieba), replaces any that dies and
stops them all on SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import logging

import waitress

from indexer.errors import StoreError

log = logging.getLogger(__name__)


def serve(app, host: str, port: int, threads: int = 4, workers: int = 1) -> None:
    """Serve until stopped; each process loads the index before it takes requests."""
    if workers <= 1:
        _warm_up(app)
        waitress.serve(app, host=host, port=port, threads=threads, ident="docsearch")
        return
    from gunicorn.app.base import BaseApplication

    class _Gunicorn(BaseApplication):
        def load_config(self) -> None:
            settings = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "post_fork": lambda server, worker: _warm_up(app),
                "graceful_timeout": 5,
                "loglevel": "warning",
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self):
            return app

    _Gunicorn().run()


def _warm_up(app) -> None:
    try:
        app.extensions["docsearch"].warm_up()
    except StoreError as err:  # no index yet: the pages say so, and it opens once built
        log.warning("%s", err)
