"""Incremental updates: bring the index in line with the corpus folder, touching only what changed.

A file is identified by its path in the corpus folder. It has changed when its content hash
(SHA-256) or the metadata.toml table that applies to it has changed. An update

1. compares the corpus folder with the live generation's manifest (sizes and modification
   times, then hashes; no parsing), and reads only new and changed files;
2. starts a new generation from the live one (the backend shares its files), deletes the
   replaced and removed documents there, adds the new blocks, and commits without rewriting
   what did not change;
3. checks the result against its manifest and switches to it like a build does.

Bad files never cost indexed content: a file that cannot be read is reported (one sentence) and,
if an earlier version of it is indexed, that version stays. A file that claims a symbol and
language another indexed file already has is refused; the indexed one stays.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from indexer.backends import Backend, default_backend, other_engine_problem
from indexer.errors import IngestError, StoreError
from indexer.index.build import write_generation
from indexer.index.check import require_intact
from indexer.index.fields import block_fields
from indexer.index.generations import current_generation, new_generation, writer_lock
from indexer.index.manifest import (
    DocumentEntry,
    FailureEntry,
    Manifest,
    file_sha,
    file_sha256,
    metadata_fingerprint,
)
from indexer.ingest.corpus import (
    Document,
    Failure,
    corpus_files,
    file_stamp,
    load_corpus,
    load_document,
    load_metadata,
)

log = logging.getLogger(__name__)


@dataclass
class UpdateReport:
    """What an update did. Documents are named "SYMBOL (lang)"."""

    generation: str | None  # the new live generation; None if nothing changed
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    paragraphs_added: int = 0
    paragraphs_removed: int = 0
    failures: list[Failure] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # sources whose indexed older version stays
    encodings: dict[str, str] = field(default_factory=dict)  # source -> encoding if not utf-8
    seconds: float = 0.0
    rebuilt: str = ""  # why a full build was done instead of an update

    @property
    def changed(self) -> bool:
        return self.generation is not None


def update(
    corpus: Path,
    root: Path,
    only: Iterable[str] | None = None,
    progress: Callable[[Document], None] | None = None,
    lock_timeout: float | None = None,
    backend: Backend | None = None,
) -> UpdateReport:
    """Synchronise the index with the corpus folder (or only the files named in `only`, given as
    paths relative to the corpus folder)."""
    if not corpus.is_dir():
        raise StoreError(f"the corpus folder {corpus} does not exist.")
    with writer_lock(root, lock_timeout):
        only_set = None if only is None else set(only)
        return update_locked(corpus, root, only_set, progress, backend)


@dataclass
class _Plan:
    """What to change: decided from stamps, hashes and the manifest, before any index work."""

    entries: dict[str, DocumentEntry]  # source -> what stays indexed as it is
    failures: dict[str, FailureEntry]  # source -> failure recorded in the new manifest
    load: list[tuple[str, Path, str]] = field(default_factory=list)  # (source, path, metadata)
    gone: list[str] = field(default_factory=list)  # sources no longer in the corpus folder
    unchanged: int = 0


@dataclass
class _Change:
    """The documents an update writes and deletes, and the new manifest's entries."""

    base: dict[str, DocumentEntry]  # source -> entry of every document in the new generation
    accepted: list[Document] = field(default_factory=list)
    deletes: set[str] = field(default_factory=set)  # document keys


def update_locked(
    corpus: Path,
    root: Path,
    only: set[str] | None = None,
    progress: Callable[[Document], None] | None = None,
    backend: Backend | None = None,
) -> UpdateReport:
    """`update` for a caller that already holds the writer lock."""
    started = time.perf_counter()
    backend = backend or default_backend()
    live = current_generation(root)
    manifest = Manifest.load(live) if live else None
    if manifest is not None:
        other = other_engine_problem(manifest.schema_version, backend.SCHEMA_VERSION)
        if other:  # an update never replaces another engine's index: `build` does
            raise StoreError(other)
    why = (
        "there was no index yet"
        if manifest is None
        else manifest.compatibility_problem(backend.SCHEMA_VERSION)
    )
    if why:
        return _full_build(corpus, root, why, progress, started, backend)
    require_intact(live, manifest)
    try:
        metadata = load_metadata(corpus)
    except IngestError as err:
        raise StoreError(str(err)) from err
    plan = _plan(corpus, manifest, metadata, only)
    loaded = _load(plan, corpus, metadata, progress)
    change = _accept(plan, manifest, loaded)
    report = _report(plan, manifest, change)
    old_failures = {f.source: f for f in manifest.failures}
    if change.accepted or change.deletes or plan.failures != old_failures:
        new_manifest = Manifest.make(
            list(change.base.values()),
            list(plan.failures.values()),
            backend.SCHEMA_VERSION,
            corpus=str(corpus.resolve()),
        )
        report.generation = _write_update(root, live, change, new_manifest, backend)
    report.seconds = time.perf_counter() - started
    return report


def _plan(corpus: Path, manifest: Manifest, metadata: dict, only: set[str] | None) -> _Plan:
    old_docs = {e.source: e for e in manifest.documents}
    old_fail = {f.source: f for f in manifest.failures}
    files = corpus_files(corpus)
    scope = set(files) | set(old_docs) | set(old_fail) if only is None else set(only)
    plan = _Plan(
        entries=dict(old_docs),
        failures={s: f for s, f in old_fail.items() if s not in scope},
    )
    for source in sorted(scope):
        path = files.get(source)
        if path is None:
            if source in old_docs:
                plan.gone.append(source)
            continue
        fp = metadata_fingerprint(metadata.get(source))
        _plan_file(plan, source, path, fp, old_docs.get(source), old_fail.get(source))
    return plan


def _plan_file(
    plan: _Plan,
    source: str,
    path: Path,
    fp: str,
    old: DocumentEntry | None,
    failed: FailureEntry | None,
) -> None:
    """Decide whether one present file must be read again."""
    stamp = file_stamp(path)
    if old and stamp and old.stamp == stamp and old.metadata == fp:
        plan.unchanged += 1  # same size and modification time: no need to hash it
        return
    try:
        sha = file_sha256(path)
    except OSError as err:
        reason = f"'{path.name}' could not be read ({err.strerror or err})."
        plan.failures[source] = FailureEntry.of(Failure(source, reason), "", fp)
        return
    if old and old.sha256 == sha and old.metadata == fp:
        plan.unchanged += 1
        old.stamp = stamp  # next time, no need to hash it
        return
    if failed and not failed.duplicate and failed.sha256 == sha and failed.metadata == fp:
        plan.failures[source] = failed  # same bytes failed before: do not read them again
        return
    plan.load.append((source, path, fp))


def _load(
    plan: _Plan, corpus: Path, metadata: dict, progress: Callable[[Document], None] | None
) -> list[tuple[Document, str]]:
    loaded = []
    for source, path, fp in plan.load:
        try:
            doc = load_document(path, corpus, metadata)
        except IngestError as err:
            plan.failures[source] = FailureEntry.of(Failure(source, str(err)), file_sha(path), fp)
            continue
        loaded.append((doc, fp))
        if progress:
            progress(doc)
    return loaded


def _accept(plan: _Plan, manifest: Manifest, loaded: list[tuple[Document, str]]) -> _Change:
    """Which loaded documents go in: one file per symbol and language, the indexed one wins."""
    old_docs = {e.source: e for e in manifest.documents}
    reread = {doc.source for doc, _ in loaded}
    change = _Change(
        {s: e for s, e in plan.entries.items() if s not in plan.gone and s not in reread}
    )
    claimed = {e.key: s for s, e in change.base.items()}
    for doc, fp in loaded:
        if doc.key in claimed:
            reason = (
                f"'{Path(doc.source).name}': {doc.meta.symbol} ({doc.meta.lang}) is already "
                f"provided by {claimed[doc.key]}; each symbol and language may come from one file."
            )
            failure = Failure(doc.source, reason, duplicate=True)
            plan.failures[doc.source] = FailureEntry.of(failure, doc.sha256, fp)
            if doc.source in old_docs:  # its earlier version keeps its place
                change.base[doc.source] = old_docs[doc.source]
            continue
        claimed[doc.key] = doc.source
        change.accepted.append(doc)
        change.base[doc.source] = DocumentEntry.of(doc, fp)
        plan.failures.pop(doc.source, None)
    change.deletes = {old_docs[s].key for s in plan.gone}
    change.deletes |= {old_docs[d.source].key for d in change.accepted if d.source in old_docs}
    return change


def _report(plan: _Plan, manifest: Manifest, change: _Change) -> UpdateReport:
    report = UpdateReport(generation=None, unchanged=plan.unchanged)
    old_keys = {e.key: e for e in manifest.documents}
    new_keys = {d.key for d in change.accepted}
    for doc in change.accepted:
        name = f"{doc.meta.symbol} ({doc.meta.lang})"
        replaced = doc.key in change.deletes or doc.key in old_keys
        (report.replaced if replaced else report.added).append(name)
        report.paragraphs_added += sum(b.kind == "paragraph" for b in doc.blocks)
        if doc.encoding != "utf-8":
            report.encodings[doc.source] = doc.encoding
    report.removed = [old_keys[k].name for k in sorted(change.deletes - new_keys)]
    report.paragraphs_removed = sum(old_keys[k].paragraphs for k in change.deletes)
    report.failures = [f.failure() for _, f in sorted(plan.failures.items())]
    indexed = {e.source for e in manifest.documents}
    report.kept = sorted(s for s in plan.failures if s in change.base and s in indexed)
    return report


def _write_update(
    root: Path, live: Path, change: _Change, manifest: Manifest, backend: Backend
) -> str:
    """A new generation = the live one - `deletes` + `accepted`; made live."""
    new_keys = {d.key for d in change.accepted}
    touched = {d.key: d.block_keys() for d in change.accepted}
    touched.update({k: set() for k in change.deletes - new_keys})
    with new_generation(root, lambda path: backend.extend(live, path)) as gen:
        for key in sorted(change.deletes | new_keys):
            gen.writer.delete(key)
        for doc in change.accepted:
            gen.writer.add(block_fields(doc))
        return gen.publish(manifest, touched)


def _full_build(corpus, root, why, progress, started, backend) -> UpdateReport:
    log.info("full build instead of an update: %s", why)
    documents, failures = load_corpus(corpus)
    built = write_generation(root, documents, failures, progress, corpus, backend=backend)
    return UpdateReport(
        generation=built.generation,
        added=[f"{d.meta.symbol} ({d.meta.lang})" for d in documents],
        paragraphs_added=built.paragraphs,
        failures=failures,
        encodings=built.encodings,
        seconds=time.perf_counter() - started,
        rebuilt=why,
    )
