"""The index on disk: generations, the atomic switch, the writer lock, manifest.json.

Layout of an index root::

    CURRENT                  name of the live generation (replaced atomically)
    generations/<name>/      a complete Whoosh index + manifest.json
    generations/.tmp-<name>/ a generation being built (removed if its builder died)
    lock                     held (flock) by the one writer at a time

A build never touches the live generation: it writes a new one beside it, fsyncs it, renames it
into place and then replaces CURRENT. Readers see either the old or the new index, never a half
built one; a killed build leaves only a .tmp directory that the next writer removes.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata as pkg_metadata
from pathlib import Path

from whoosh import index as whoosh_index

from indexer import glossary
from indexer.analysis import ANALYSIS_VERSION
from indexer.corpus import Document, Failure, load_corpus
from indexer.schema import SCHEMA_VERSION, block_fields, build_schema

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
LOCK_TIMEOUT = 60.0


class StoreError(RuntimeError):
    """A problem with the index itself; str() is one sentence for the user."""


class IndexMissing(StoreError):
    pass


class IndexOutdated(StoreError):
    pass


class LockTimeout(StoreError):
    pass


@dataclass
class BuildReport:
    """What a build did, for the CLI summary and the manifest."""

    generation: str
    documents: int
    blocks: int
    paragraphs: int
    seconds: float
    failures: list[Failure] = field(default_factory=list)


def generations_dir(root: Path) -> Path:
    return root / "generations"


def current_generation(root: Path) -> Path | None:
    """The live generation's directory, or None if the index was never built."""
    try:
        name = (root / "CURRENT").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = generations_dir(root) / name
    return path if name and path.is_dir() else None


def read_manifest(generation: Path) -> dict:
    return json.loads((generation / MANIFEST).read_text(encoding="utf-8"))


def compatibility_problem(manifest: dict) -> str | None:
    """Why an index cannot be searched by this code (one sentence), or None."""
    expected = {
        "schema_version": SCHEMA_VERSION,
        "analysis_version": ANALYSIS_VERSION,
        "glossary": glossary.fingerprint(),
    }
    for key, value in expected.items():
        if manifest.get(key) != value:
            return (
                f"the index was built with a different {key.replace('_', ' ')}; "
                "run `docsearch build` to rebuild it."
            )
    return None


@contextlib.contextmanager
def writer_lock(root: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the index's writer lock; wait at most `timeout` seconds for another writer.

    flock is released by the kernel when its holder dies, so a killed writer never leaves a lock
    that blocks the next run.
    """
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "lock", "a+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as err:
                if err.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"another docsearch build or update has held the index at {root} "
                        f"for {timeout:.0f} s; try again when it has finished."
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fsync_tree(path: Path) -> None:
    for item in path.iterdir():
        if item.is_file():
            with open(item, "rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def switch_current(root: Path, name: str) -> None:
    """Point CURRENT at generation `name` atomically (write a temp file, then rename)."""
    tmp = root / f".CURRENT.{os.getpid()}"
    tmp.write_text(name + "\n", encoding="utf-8")
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, root / "CURRENT")
    _fsync_dir(root)


def remove_stale(root: Path, keep: Iterable[str]) -> None:
    """Delete generations other than `keep`, including .tmp ones left by killed writers.

    Only call this while holding the writer lock.
    """
    keep = set(keep)
    gens = generations_dir(root)
    if not gens.is_dir():
        return
    for path in gens.iterdir():
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
    for stray in root.glob(".CURRENT.*"):
        stray.unlink(missing_ok=True)


def _versions() -> dict[str, str]:
    found = {}
    for dist in ("whoosh-reloaded", "jieba", "opencc", "docsearch"):
        try:
            found[dist] = pkg_metadata.version(dist)
        except pkg_metadata.PackageNotFoundError:
            found[dist] = "unknown"
    return found


def document_entry(doc: Document) -> dict:
    return {
        "symbol": doc.meta.symbol,
        "lang": doc.meta.lang,
        "source": doc.source,
        "sha256": doc.sha256,
        "encoding": doc.encoding,
        "title": doc.meta.title,
        "blocks": len(doc.blocks),
        "paragraphs": sum(b.kind == "paragraph" for b in doc.blocks),
    }


def write_generation(
    root: Path,
    documents: list[Document],
    failures: list[Failure],
    progress: Callable[[Document], None] | None = None,
) -> BuildReport:
    """Write a complete new generation from `documents` and make it live. Caller holds the lock."""
    started = time.perf_counter()
    name = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + f"-{os.getpid()}"
    gens = generations_dir(root)
    gens.mkdir(parents=True, exist_ok=True)
    tmp = gens / f".tmp-{name}"
    tmp.mkdir()
    ix = whoosh_index.create_in(str(tmp), build_schema())
    writer = ix.writer(limitmb=256)
    try:
        for doc in documents:
            for fields in block_fields(doc):
                writer.add_document(**fields)
            if progress:
                progress(doc)
        writer.commit()
    except BaseException:
        writer.cancel()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    ix.close()
    report = BuildReport(
        generation=name,
        documents=len(documents),
        blocks=sum(len(d.blocks) for d in documents),
        paragraphs=sum(b.kind == "paragraph" for d in documents for b in d.blocks),
        seconds=0.0,
        failures=failures,
    )
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "analysis_version": ANALYSIS_VERSION,
        "glossary": glossary.fingerprint(),
        "versions": _versions(),
        "built": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": {
            k: v for k, v in asdict(report).items() if k in ("documents", "blocks", "paragraphs")
        },
        "documents": [document_entry(d) for d in documents],
        "failures": [asdict(f) for f in failures],
    }
    (tmp / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    _fsync_tree(tmp)
    final = gens / name
    os.rename(tmp, final)
    _fsync_dir(gens)
    previous = current_generation(root)
    switch_current(root, name)
    remove_stale(root, keep={name, previous.name if previous else name})
    report.seconds = time.perf_counter() - started
    return report


def build(
    corpus: Path,
    root: Path,
    progress: Callable[[Document], None] | None = None,
    lock_timeout: float = LOCK_TIMEOUT,
) -> BuildReport:
    """Rebuild the whole index from the corpus folder into a new generation and switch to it."""
    if not corpus.is_dir():
        raise StoreError(f"the corpus folder {corpus} does not exist.")
    started = time.perf_counter()
    with writer_lock(root, lock_timeout):
        documents, failures = load_corpus(corpus)
        report = write_generation(root, documents, failures, progress)
    report.seconds = time.perf_counter() - started
    return report


def open_generation(root: Path):
    """Open the live generation for reading: (whoosh index, generation dir, manifest)."""
    generation = current_generation(root)
    if generation is None:
        raise IndexMissing(f"there is no index at {root} yet; run `docsearch build`.")
    manifest = read_manifest(generation)
    problem = compatibility_problem(manifest)
    if problem:
        raise IndexOutdated(problem[0].upper() + problem[1:])
    return whoosh_index.open_dir(str(generation)), generation, manifest
