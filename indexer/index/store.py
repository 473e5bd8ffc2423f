"""The index on disk: generations, the atomic switch, the writer lock, manifest.json.

Layout of an index root::

    CURRENT                  name of the live generation (replaced atomically)
    generations/<name>/      a complete Whoosh index + manifest.json
    generations/.tmp-<name>/ a generation being written (removed if its writer died)
    lock                     held (flock) by the one writer at a time

A writer never touches the live generation: it writes a new one beside it, fsyncs it, renames it
into place and then replaces CURRENT. Readers see either the old or the new index, never a half
built one; a killed writer leaves only a .tmp directory that the next writer removes.

An incremental update (indexer.index.update) starts its new generation from hard links to the live
generation's files. That is safe because Whoosh never modifies a file it has written: a segment
(``MAIN_<id>.seg``) is written once, and every commit writes a new ``_MAIN_<gen>.toc`` (deleted
documents are recorded in the TOC, not in the segment). Cleaning a linked directory only unlinks
names in it, never the shared data.

Old generations are removed by the next writer once they are neither live nor the previous
generation, and have been out of service for ``GENERATION_GRACE`` seconds, so a reader that
looked at CURRENT just before a switch can still open what it found there.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata as pkg_metadata
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.query import Term

from indexer.analysis import glossary
from indexer.analysis.terms import ANALYSIS_VERSION, segmenter
from indexer.backends.whoosh.schema import SCHEMA_VERSION, block_fields, build_schema
from indexer.backends.whoosh.writer import FastMpWriter, FastSegmentWriter
from indexer.ingest.alignment import manifest_problems
from indexer.ingest.corpus import Document, Failure, discover, iter_corpus, load_metadata

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
LOCK_TIMEOUT_ENV = "DOCSEARCH_LOCK_TIMEOUT"
LOCK_TIMEOUT = float(os.environ.get(LOCK_TIMEOUT_ENV) or 60.0)
GENERATION_GRACE = 60.0  # seconds a retired generation stays on disk for late readers
CRASH_ENV = "DOCSEARCH_CRASH_AT"  # test hook: SIGKILL this process at a named step
WRITER_LIMITMB = 256
BUILD_LIMITMB = 384  # a full build's postings buffer, split between its processes (bounded)
PARALLEL_MIN_BYTES = 2_000_000  # about 5,000 paragraphs: below this one process is enough
MAX_PROCS = 2
WHOOSH_LOCK_FILE = "MAIN_WRITELOCK"


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
    encodings: dict[str, str] = field(default_factory=dict)  # source -> encoding, if not utf-8


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
def writer_lock(root: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the index's writer lock; wait at most `timeout` seconds for another writer.

    flock is released by the kernel when its holder dies, so a killed writer never leaves a lock
    that blocks the next run.
    """
    timeout = LOCK_TIMEOUT if timeout is None else timeout
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


def crash_point(step: str) -> None:
    """Fault injection for the lifecycle tests: die by SIGKILL here if $DOCSEARCH_CRASH_AT names
    this step. Costs one environment lookup otherwise."""
    if os.environ.get(CRASH_ENV) == step:
        log.warning("crash point %s: killing this process", step)
        os.kill(os.getpid(), signal.SIGKILL)


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


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def metadata_fingerprint(entry: dict | None) -> str:
    """A short hash of the metadata.toml table that applies to a file ("" if none)."""
    if not entry:
        return ""
    text = json.dumps(entry, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def switch_current(root: Path, name: str) -> None:
    """Point CURRENT at generation `name` atomically (write a temp file, then rename)."""
    tmp = root / f".CURRENT.{os.getpid()}"
    tmp.write_text(name + "\n", encoding="utf-8")
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, root / "CURRENT")
    _fsync_dir(root)


def remove_stale(root: Path, keep: Iterable[str] = (), grace: float | None = None) -> list[str]:
    """Delete what killed writers left and generations no reader can still need.

    Removed: every ``.tmp-*`` directory and stray ``.CURRENT.*`` file (only a writer creates
    them, and the caller holds the writer lock); generations newer than the live one (a writer
    died between renaming and switching: never live); and older generations except the previous
    one, once out of service for `grace` seconds (the time their successor went live). Only call
    this while holding the writer lock. Returns the names removed.
    """
    grace = GENERATION_GRACE if grace is None else grace
    gens = generations_dir(root)
    if not gens.is_dir():
        return []
    live = current_generation(root)
    keep = set(keep) | ({live.name} if live else set())
    removed = []
    for path in gens.iterdir():
        if path.name.startswith(".tmp-"):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    finished = sorted(p for p in gens.iterdir() if not p.name.startswith("."))
    if live is not None:
        older = [p for p in finished if p.name < live.name]
        newer = [p for p in finished if p.name > live.name and p.name not in keep]
        successors = {p.name: q for p, q in zip(older, [*older[1:], live], strict=False)}
        now = time.time()
        for path in older[:-1]:
            retired = _mtime(successors[path.name] / MANIFEST)
            if path.name not in keep and now - retired >= grace:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path.name)
        for path in newer:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    for stray in root.glob(".CURRENT.*"):
        stray.unlink(missing_ok=True)
    if removed:
        log.info("removed old or unfinished generations: %s", ", ".join(sorted(removed)))
    return removed


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _versions() -> dict[str, str]:
    found = {}
    for dist in ("whoosh-reloaded", "jieba", "opencc", "docsearch"):
        try:
            found[dist] = pkg_metadata.version(dist)
        except pkg_metadata.PackageNotFoundError:
            found[dist] = "unknown"
    return found


def document_entry(doc: Document, metadata: str = "") -> dict:
    return {
        "symbol": doc.meta.symbol,
        "lang": doc.meta.lang,
        "source": doc.source,
        "sha256": doc.sha256,
        "stamp": doc.stamp,
        "metadata": metadata,
        "encoding": doc.encoding,
        "title": doc.meta.title,
        "blocks": len(doc.blocks),
        "paragraphs": sum(b.kind == "paragraph" for b in doc.blocks),
        "labels": [b.label for b in doc.blocks],
    }


def failure_entry(failure: Failure, sha256: str = "", metadata: str = "") -> dict:
    """A failed file as the manifest records it (the hash lets an update skip it if unchanged)."""
    return {**asdict(failure), "sha256": sha256, "metadata": metadata}


def new_generation_name() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + f"-{os.getpid()}"


def make_manifest(entries: list[dict], failures: list[dict], **extra) -> dict:
    counts = {
        "documents": len(entries),
        "blocks": sum(e["blocks"] for e in entries),
        "paragraphs": sum(e["paragraphs"] for e in entries),
    }
    return {
        "schema_version": SCHEMA_VERSION,
        "analysis_version": ANALYSIS_VERSION,
        "glossary": glossary.fingerprint(),
        "versions": _versions(),
        "built": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": counts,
        "documents": sorted(entries, key=lambda e: e["source"]),
        "failures": sorted(failures, key=lambda f: f["source"]),
        "alignment": manifest_problems(entries),
        **extra,
    }


def check_index(ix, manifest: dict, touched: dict[str, set[str]]) -> None:
    """Fail loudly (before any switch) if the index disagrees with its manifest.

    Cheap: the live document count must equal the manifest's block count, and every document
    written in this run (`touched`: doc key -> its block keys) must have exactly one live index
    document per block key. Duplicates left by a delete that missed would break either check.
    """
    expected = manifest["counts"]["blocks"]
    with ix.searcher() as searcher:
        found = searcher.doc_count()
        if found != expected:
            raise StoreError(
                f"the new index holds {found} blocks but its manifest lists {expected}; "
                "the live index was left unchanged."
            )
        for doc_key, keys in touched.items():
            stored = [
                searcher.stored_fields(n)["key"]
                for n in searcher.docs_for_query(Term("doc", doc_key))
            ]
            if len(stored) != len(set(stored)) or set(stored) != keys:
                raise StoreError(
                    f"the new index has duplicate or missing paragraphs for {doc_key}; "
                    "the live index was left unchanged."
                )


def publish(root: Path, tmp: Path, manifest: dict) -> str:
    """Write the manifest into `tmp`, fsync it, rename it into place and make it live."""
    (tmp / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    (tmp / WHOOSH_LOCK_FILE).unlink(missing_ok=True)
    _fsync_tree(tmp)
    crash_point("before-rename")
    name = tmp.name.removeprefix(".tmp-")
    final = generations_dir(root) / name
    os.rename(tmp, final)
    _fsync_dir(final.parent)
    crash_point("before-switch")
    previous = current_generation(root)
    switch_current(root, name)
    crash_point("after-switch")
    remove_stale(root, keep={name, previous.name if previous else name})
    return name


def start_generation(root: Path) -> Path:
    """A fresh .tmp generation directory (after clearing what killed writers left)."""
    remove_stale(root)
    gens = generations_dir(root)
    gens.mkdir(parents=True, exist_ok=True)
    tmp = gens / f".tmp-{new_generation_name()}"
    tmp.mkdir()
    return tmp


def block_keys(doc: Document) -> set[str]:
    return {f"{doc.meta.symbol}|{doc.meta.lang}|{b.label}" for b in doc.blocks}


def storage(path: Path) -> FileStorage:
    """A generation's files, read without mmap (by writers, checkers and searchers).

    Whoosh reads an mmapped compound segment through a BytesIO copy of the whole file, so with
    mmap every process would hold the entire index in memory (1.4 GB at 100,000 paragraphs) and
    open it in seconds. Searches read posting lists in whole pieces (indexer.backends.whoosh.engine), so plain
    file reads cost them little.
    """
    return FileStorage(str(path), supports_mmap=False)


def _build_writer(ix, parallel: bool):
    """A writer for a full build: one process per core for big builds, each its own segment.

    Whoosh's posting and commit work, not jieba, bounds a build (see bench/RESULTS.md), so the
    build writes with FastSegmentWriter (the same segments, much less Python per posting), and
    analyses and writes in two processes on two cores. Small builds stay in one process (no
    start-up cost, nothing left behind if the build is killed).
    """
    procs = min(MAX_PROCS, os.cpu_count() or 1) if parallel else 1
    if procs == 1:
        return FastSegmentWriter(ix, limitmb=BUILD_LIMITMB)
    segmenter()  # load jieba's dictionary once; the worker processes inherit it
    return FastMpWriter(ix, procs=procs, limitmb=BUILD_LIMITMB // procs)


def _big(corpus: Path) -> bool:
    """Is the corpus folder big enough for a parallel build?"""
    return sum(p.stat().st_size for p in discover(corpus)) >= PARALLEL_MIN_BYTES


def write_generation(
    root: Path,
    documents: Iterable[Document],
    failures: list[Failure],
    progress: Callable[[Document], None] | None = None,
    corpus: Path | None = None,
    parallel: bool = False,
) -> BuildReport:
    """Write a complete new generation from `documents` and make it live. Caller holds the lock.

    `documents` may be a stream (each document is indexed, then dropped: memory stays flat);
    `failures` is read once the stream is exhausted, so the stream may append to it.
    """
    started = time.perf_counter()
    tmp = start_generation(root)
    metadata = load_metadata(corpus) if corpus else {}
    entries: list[dict] = []
    keys: dict[str, set[str]] = {}
    encodings: dict[str, str] = {}
    try:
        ix = storage(tmp).create_index(build_schema())
        writer = _build_writer(ix, parallel)
        try:
            for doc in documents:
                for fields in block_fields(doc):
                    writer.add_document(**fields)
                entries.append(document_entry(doc, metadata_fingerprint(metadata.get(doc.source))))
                keys[doc.key] = block_keys(doc)
                if doc.encoding != "utf-8":
                    encodings[doc.source] = doc.encoding
                if progress:
                    progress(doc)
            crash_point("before-commit")
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        crash_point("after-commit")
        manifest = make_manifest(entries, _failure_entries(failures, corpus, metadata))
        check_index(ix, manifest, keys)
        ix.close()
        name = publish(root, tmp, manifest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return BuildReport(
        generation=name,
        documents=len(entries),
        blocks=manifest["counts"]["blocks"],
        paragraphs=manifest["counts"]["paragraphs"],
        seconds=time.perf_counter() - started,
        failures=failures,
        encodings=encodings,
    )


def _failure_entries(failures: list[Failure], corpus: Path | None, metadata: dict) -> list[dict]:
    out = []
    for failure in failures:
        sha = ""
        if corpus is not None and not failure.duplicate:
            with contextlib.suppress(OSError):
                sha = file_sha256(corpus / failure.source)
        fp = metadata_fingerprint(metadata.get(failure.source))
        out.append(failure_entry(failure, sha, fp))
    return out


def build(
    corpus: Path,
    root: Path,
    progress: Callable[[Document], None] | None = None,
    lock_timeout: float | None = None,
) -> BuildReport:
    """Rebuild the whole index from the corpus folder into a new generation and switch to it."""
    if not corpus.is_dir():
        raise StoreError(f"the corpus folder {corpus} does not exist.")
    started = time.perf_counter()
    with writer_lock(root, lock_timeout):
        failures: list[Failure] = []
        documents = iter_corpus(corpus, failures)
        report = write_generation(root, documents, failures, progress, corpus, _big(corpus))
    report.seconds = time.perf_counter() - started
    return report


def link_generation(source: Path, target: Path) -> None:
    """Hard-link the index files of generation `source` into the empty directory `target`."""
    for item in source.iterdir():
        if item.is_file() and item.name not in (MANIFEST, WHOOSH_LOCK_FILE):
            os.link(item, target / item.name)


def optimize(root: Path, lock_timeout: float | None = None) -> tuple[str, int, float]:
    """Merge the live generation's segments into one, as a new generation.

    Returns (generation name, segments before, seconds)."""
    started = time.perf_counter()
    with writer_lock(root, lock_timeout):
        live = current_generation(root)
        if live is None:
            raise IndexMissing(f"there is no index at {root} yet; run `docsearch build`.")
        manifest = read_manifest(live)
        tmp = start_generation(root)
        try:
            link_generation(live, tmp)
            ix = storage(tmp).open_index()
            before = len(ix._segments())
            writer = ix.writer(limitmb=WRITER_LIMITMB)
            writer.commit(optimize=True)
            manifest = {**manifest, "built": datetime.now(UTC).isoformat(timespec="seconds")}
            check_index(ix, manifest, {})
            ix.close()
            name = publish(root, tmp, manifest)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return name, before, time.perf_counter() - started


def open_generation(root: Path):
    """Open the live generation for reading: (whoosh index, generation dir, manifest)."""
    generation = current_generation(root)
    if generation is None:
        raise IndexMissing(f"there is no index at {root} yet; run `docsearch build`.")
    manifest = read_manifest(generation)
    problem = compatibility_problem(manifest)
    if problem:
        raise IndexOutdated(problem[0].upper() + problem[1:])
    return storage(generation).open_index(), generation, manifest
