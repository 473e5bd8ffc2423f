"""Full builds and optimisation: a whole new generation, made live when complete and checked."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from indexer.backends import Backend, default_backend
from indexer.errors import StoreError
from indexer.index.fields import block_fields
from indexer.index.generations import (
    current_generation,
    live_generation,
    new_generation,
    writer_lock,
)
from indexer.index.manifest import (
    DocumentEntry,
    FailureEntry,
    Manifest,
    file_sha,
    metadata_fingerprint,
)
from indexer.ingest.corpus import Document, Failure, discover, iter_corpus, load_metadata

log = logging.getLogger(__name__)

PARALLEL_MIN_BYTES = 2_000_000  # about 5,000 paragraphs: below this one process is enough


@dataclass
class BuildReport:
    """What a build did, for the CLI summary."""

    generation: str
    documents: int  # language files indexed
    blocks: int
    paragraphs: int
    seconds: float
    failures: list[Failure] = field(default_factory=list)
    encodings: dict[str, str] = field(default_factory=dict)  # source -> encoding, if not utf-8


def build(
    corpus: Path,
    root: Path,
    progress: Callable[[Document], None] | None = None,
    lock_timeout: float | None = None,
    backend: Backend | None = None,
) -> BuildReport:
    """Rebuild the whole index from the corpus folder into a new generation and switch to it.

    Where two files claim one symbol and language, the one the live index already has wins
    (the newcomer is reported), as in `update`.
    """
    if not corpus.is_dir():
        raise StoreError(f"the corpus folder {corpus} does not exist.")
    started = time.perf_counter()
    with writer_lock(root, lock_timeout):
        failures: list[Failure] = []
        documents = iter_corpus(corpus, failures, first=_indexed_sources(root))
        report = write_generation(
            root, documents, failures, progress, corpus, _big(corpus), backend
        )
    report.seconds = time.perf_counter() - started
    return report


def _indexed_sources(root: Path) -> set[str]:
    """The files the live generation was built from (none if there is none or it is damaged)."""
    try:
        live = current_generation(root)
        return {e.source for e in Manifest.load(live).documents} if live else set()
    except StoreError:
        return set()


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
    backend: Backend | None = None,
) -> BuildReport:
    """Write a complete new generation from `documents` and make it live. Caller holds the lock.

    `documents` may be a stream (each document is indexed, then dropped: memory stays flat);
    `failures` is read once the stream is exhausted, so the stream may append to it.
    """
    started = time.perf_counter()
    backend = backend or default_backend()
    metadata = load_metadata(corpus) if corpus else {}
    entries: list[DocumentEntry] = []
    touched: dict[str, set[str]] = {}
    encodings: dict[str, str] = {}
    with new_generation(root, lambda path: backend.create(path, parallel)) as gen:
        for doc in documents:
            gen.writer.add(block_fields(doc))
            entries.append(DocumentEntry.of(doc, metadata_fingerprint(metadata.get(doc.source))))
            touched[doc.key] = doc.block_keys()
            if doc.encoding != "utf-8":
                encodings[doc.source] = doc.encoding
            if progress:
                progress(doc)
        manifest = Manifest.make(
            entries,
            failure_entries(failures, corpus, metadata),
            backend.SCHEMA_VERSION,
            corpus=str(corpus.resolve()) if corpus else "",
        )
        name = gen.publish(manifest, touched)
    counts = manifest.counts
    return BuildReport(
        generation=name,
        documents=counts["documents"],
        blocks=counts["blocks"],
        paragraphs=counts["paragraphs"],
        seconds=time.perf_counter() - started,
        failures=failures,
        encodings=encodings,
    )


def failure_entries(
    failures: list[Failure], corpus: Path | None, metadata: dict
) -> list[FailureEntry]:
    out = []
    for failure in failures:
        sha = ""
        if corpus is not None and not failure.duplicate:
            sha = file_sha(corpus / failure.source)
        out.append(
            FailureEntry.of(failure, sha, metadata_fingerprint(metadata.get(failure.source)))
        )
    return out


def optimize(
    root: Path, lock_timeout: float | None = None, backend: Backend | None = None
) -> tuple[str, int, float]:
    """Merge the live generation's segments into one, as a new generation.

    Returns (generation name, segments before, seconds)."""
    started = time.perf_counter()
    backend = backend or default_backend()
    with writer_lock(root, lock_timeout):
        live = live_generation(root)
        manifest = Manifest.load(live)
        before = 0

        def open_writer(path: Path):
            nonlocal before
            writer, before = backend.optimize(live, path)
            return writer

        with new_generation(root, open_writer) as gen:
            name = gen.publish(manifest.rebuilt_now(), {})
    return name, before, time.perf_counter() - started
