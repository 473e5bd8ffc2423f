"""`docsearch watch`: poll the corpus folder and update the index once changes have settled."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from indexer.backends import Backend
from indexer.errors import LockTimeout, StoreError
from indexer.index.update import UpdateReport, update
from indexer.ingest.corpus import METADATA_FILE, corpus_files

log = logging.getLogger(__name__)


def snapshot(corpus: Path) -> dict[str, tuple[int, int]]:
    """(size, mtime_ns) of every indexable file and of metadata.toml."""
    found = {}
    files = corpus_files(corpus)
    if corpus.is_dir():
        files[METADATA_FILE] = corpus / METADATA_FILE
    for name, path in files.items():
        try:
            st = path.stat()
        except FileNotFoundError:
            continue
        found[name] = (st.st_size, st.st_mtime_ns)
    return found


def watch(
    corpus: Path,
    root: Path,
    interval: float = 2.0,
    on_update: Callable[[UpdateReport], None] | None = None,
    polls: int | None = None,
    backend: Backend | None = None,
) -> None:
    """Poll the corpus folder; run an update once changed files have settled (the same size and
    mtime in two polls in a row), including once at the start. `polls` bounds the loop (tests);
    otherwise it runs until KeyboardInterrupt."""
    synced: dict | None = None
    previous: dict | None = None
    count = 0
    while polls is None or count < polls:
        count += 1
        current = snapshot(corpus)
        if current != synced and current == previous:
            try:
                report = update(corpus, root, backend=backend)
            except LockTimeout as err:  # another writer is busy: try again next poll
                log.warning("%s", err)
            except StoreError as err:  # e.g. a broken metadata.toml: wait for the next change
                log.warning("%s", err)
                synced = current
            else:
                synced = current
                if on_update:
                    on_update(report)
        previous = current
        time.sleep(interval)
