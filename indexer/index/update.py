"""Incremental updates: bring the index in line with the corpus folder, touching only what changed.

A file is identified by its path in the corpus folder. It has changed when its content hash
(SHA-256) or the metadata.toml table that applies to it has changed. An update

1. compares the corpus folder with the live generation's manifest (hashing files, not parsing
   them), and reads only new and changed files;
2. hard-links the live generation's files into a new .tmp generation (see indexer.index.store for why
   that is safe), deletes the replaced and removed documents there by their ``doc`` term, adds
   the new blocks as one new segment, and commits without merging the big segments;
3. checks the result against its manifest and switches to it like a build does.

Bad files never cost indexed content: a file that cannot be read is reported (one sentence) and,
if an earlier version of it is indexed, that version stays. A file that claims a symbol and
language another indexed file already has is refused; the indexed one stays.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.reading import SegmentReader

from indexer.backends.whoosh.schema import block_fields
from indexer.index.store import (
    WRITER_LIMITMB,
    LockTimeout,
    StoreError,
    block_keys,
    check_index,
    compatibility_problem,
    crash_point,
    current_generation,
    document_entry,
    failure_entry,
    file_sha256,
    link_generation,
    make_manifest,
    metadata_fingerprint,
    publish,
    read_manifest,
    start_generation,
    storage,
    write_generation,
    writer_lock,
)
from indexer.ingest.corpus import (
    LANGUAGES,
    METADATA_FILE,
    Document,
    Failure,
    IngestError,
    discover,
    document_key,
    file_stamp,
    load_document,
    load_metadata,
    relative_name,
)
from indexer.ingest.symbols import SymbolError, normalize_symbol

log = logging.getLogger(__name__)

REMOVED_DIR = ".removed"  # where `docsearch remove` moves files (discover skips hidden folders)
SMALL_SEGMENT_DOCS = 1000  # segments this small are merged once there are MAX_SMALL_SEGMENTS
MAX_SMALL_SEGMENTS = 8


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


def _name(entry: dict) -> str:
    return f"{entry['symbol']} ({entry['lang']})"


def _key(entry: dict) -> str:
    return document_key(entry["symbol"], entry["lang"])


def _failure(entry: dict) -> Failure:
    return Failure(entry["source"], entry["reason"], entry.get("duplicate", False))


# -- merge policy


def merge_small_segments(writer, segments):
    """Whoosh merge policy: drop emptied segments; merge small ones once there are many.

    Big segments are never rewritten, so an update costs what it adds, not the index size.
    """
    live = [s for s in segments if s.doc_count() > 0]
    small = [s for s in live if s.doc_count_all() <= SMALL_SEGMENT_DOCS]
    if len(small) < MAX_SMALL_SEGMENTS:
        return live
    for segment in small:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in live if s not in small]


# -- update


@dataclass
class _Plan:
    """What to change: decided from hashes and the manifest, before any index work."""

    entries: dict[str, dict]  # source -> manifest entry of what stays indexed as it is
    failures: dict[str, dict]  # source -> manifest failure entry
    load: list[tuple[str, Path, str]] = field(default_factory=list)  # (source, path, metadata fp)
    gone: list[str] = field(default_factory=list)  # sources no longer in the corpus folder
    unchanged: int = 0


def _plan(corpus: Path, manifest: dict, metadata: dict, only: set[str] | None) -> _Plan:
    old_docs = {e["source"]: e for e in manifest["documents"]}
    old_fail = {f["source"]: f for f in manifest.get("failures", [])}
    files = {relative_name(p, corpus): p for p in discover(corpus)}
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
        old = old_docs.get(source)
        stamp = file_stamp(path)
        if old and stamp and old.get("stamp") == stamp and old.get("metadata", "") == fp:
            plan.unchanged += 1  # same size and modification time: no need to hash it
            continue
        try:
            sha = file_sha256(path)
        except OSError as err:
            reason = f"'{path.name}' could not be read ({err.strerror or err})."
            plan.failures[source] = failure_entry(Failure(source, reason), "", fp)
            continue
        if old and old["sha256"] == sha and old.get("metadata", "") == fp:
            plan.unchanged += 1
            plan.entries[source] = {**old, "stamp": stamp}  # next time, no need to hash it
            continue
        failed = old_fail.get(source)
        if (
            failed
            and not failed.get("duplicate")
            and failed.get("sha256") == sha
            and failed.get("metadata", "") == fp
        ):
            plan.failures[source] = failed  # same bytes failed before: do not read them again
            continue
        plan.load.append((source, path, fp))
    return plan


def update(
    corpus: Path,
    root: Path,
    only: Iterable[str] | None = None,
    progress: Callable[[Document], None] | None = None,
    lock_timeout: float | None = None,
) -> UpdateReport:
    """Synchronise the index with the corpus folder (or only the files named in `only`, given as
    paths relative to the corpus folder)."""
    if not corpus.is_dir():
        raise StoreError(f"the corpus folder {corpus} does not exist.")
    with writer_lock(root, lock_timeout):
        return update_locked(corpus, root, None if only is None else set(only), progress)


def update_locked(
    corpus: Path,
    root: Path,
    only: set[str] | None = None,
    progress: Callable[[Document], None] | None = None,
) -> UpdateReport:
    """`update` for a caller that already holds the writer lock."""
    started = time.perf_counter()
    live = current_generation(root)
    manifest = read_manifest(live) if live else None
    why = "there was no index yet" if live is None else compatibility_problem(manifest)
    if why:
        return _full_build(corpus, root, why, progress, started)
    try:
        metadata = load_metadata(corpus)
    except IngestError as err:
        raise StoreError(str(err)) from err
    plan = _plan(corpus, manifest, metadata, only)
    report = UpdateReport(generation=None, unchanged=plan.unchanged)

    old_docs = {e["source"]: e for e in manifest["documents"]}
    loaded: list[tuple[Document, str]] = []
    for source, path, fp in plan.load:
        try:
            doc = load_document(path, corpus, metadata)
        except IngestError as err:
            plan.failures[source] = failure_entry(Failure(source, str(err)), file_sha(path), fp)
            continue
        loaded.append((doc, fp))
        if progress:
            progress(doc)

    # What stays as it is: everything but removed files and successfully re-read ones.
    reread = {doc.source for doc, _ in loaded}
    base = {s: e for s, e in plan.entries.items() if s not in plan.gone and s not in reread}
    claimed = {_key(e): s for s, e in base.items()}
    accepted: list[Document] = []
    for doc, fp in loaded:
        if doc.key in claimed:
            other = claimed[doc.key]
            reason = (
                f"'{Path(doc.source).name}': {doc.meta.symbol} ({doc.meta.lang}) is already "
                f"provided by {other}; each symbol and language may come from one file."
            )
            plan.failures[doc.source] = failure_entry(
                Failure(doc.source, reason, duplicate=True), doc.sha256, fp
            )
            if doc.source in old_docs:  # its earlier version keeps its place
                base[doc.source] = old_docs[doc.source]
            continue
        claimed[doc.key] = doc.source
        accepted.append(doc)
        base[doc.source] = document_entry(doc, fp)
        plan.failures.pop(doc.source, None)

    old_keys = {_key(e): e for e in old_docs.values()}
    deletes = {_key(old_docs[s]) for s in plan.gone}
    deletes |= {_key(old_docs[d.source]) for d in accepted if d.source in old_docs}
    new_keys = {d.key for d in accepted}
    for doc in accepted:
        name = f"{doc.meta.symbol} ({doc.meta.lang})"
        (report.replaced if doc.key in deletes or doc.key in old_keys else report.added).append(
            name
        )
        report.paragraphs_added += sum(b.kind == "paragraph" for b in doc.blocks)
        if doc.encoding != "utf-8":
            report.encodings[doc.source] = doc.encoding
    for key in sorted(deletes - new_keys):
        report.removed.append(_name(old_keys[key]))
    report.paragraphs_removed = sum(old_keys[k]["paragraphs"] for k in deletes)
    report.failures = [_failure(f) for _, f in sorted(plan.failures.items())]
    report.kept = sorted(s for s in plan.failures if s in base and s in old_docs)
    old_failures = {f["source"]: f for f in manifest.get("failures", [])}

    if not accepted and not deletes and plan.failures == old_failures:
        report.seconds = time.perf_counter() - started
        return report
    new_manifest = make_manifest(list(base.values()), list(plan.failures.values()))
    touched = {d.key: block_keys(d) for d in accepted}
    touched.update({k: set() for k in deletes - new_keys})
    report.generation = _write_update(
        root, live, deletes | new_keys, accepted, new_manifest, touched
    )
    report.seconds = time.perf_counter() - started
    return report


def file_sha(path: Path) -> str:
    try:
        return file_sha256(path)
    except OSError:
        return ""


def _write_update(
    root: Path,
    live: Path,
    deletes: set[str],
    documents: list[Document],
    manifest: dict,
    touched: dict[str, set[str]],
) -> str:
    """A new generation = the live one (hard links) - `deletes` + `documents`; made live."""
    tmp = start_generation(root)
    try:
        link_generation(live, tmp)
        ix = storage(tmp).open_index()
        writer = ix.writer(limitmb=WRITER_LIMITMB)
        try:
            for key in sorted(deletes):
                writer.delete_by_term("doc", key)
            for doc in documents:
                for fields in block_fields(doc):
                    writer.add_document(**fields)
            crash_point("before-commit")
            writer.commit(mergetype=merge_small_segments)
        except BaseException:
            writer.cancel()
            raise
        crash_point("after-commit")
        check_index(ix, manifest, touched)
        ix.close()
        return publish(root, tmp, manifest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _full_build(corpus, root, why, progress, started) -> UpdateReport:
    from indexer.ingest.corpus import load_corpus

    log.info("full build instead of an update: %s", why)
    documents, failures = load_corpus(corpus)
    built = write_generation(root, documents, failures, progress, corpus)
    return UpdateReport(
        generation=built.generation,
        added=[f"{d.meta.symbol} ({d.meta.lang})" for d in documents],
        paragraphs_added=built.paragraphs,
        failures=failures,
        encodings=built.encodings,
        seconds=time.perf_counter() - started,
        rebuilt=why,
    )


# -- add


@dataclass
class AddReport:
    """What `add` did before its update: files copied into the corpus, and refused ones."""

    copied: dict[str, str] = field(default_factory=dict)  # given path -> corpus-relative path
    metadata_added: list[str] = field(default_factory=list)  # corpus-relative paths
    failures: list[Failure] = field(default_factory=list)
    update: UpdateReport | None = None


def add_files(
    corpus: Path,
    root: Path,
    paths: list[Path],
    symbol: str | None = None,
    lang: str | None = None,
    lock_timeout: float | None = None,
) -> AddReport:
    """Copy files into the corpus folder (zh/ or en/ by their language) and index them.

    With `symbol`, metadata.toml gets a ``[[document]]`` table naming it for these files, so a
    later rebuild reads them the same way. A file whose own header states another symbol is
    refused: the header wins on rebuild.
    """
    if lang is not None and lang not in LANGUAGES:
        raise StoreError(f"unknown language {lang!r}; use zh or en.")
    canonical = None
    if symbol:
        try:
            canonical = normalize_symbol(symbol)
        except SymbolError as err:
            raise StoreError(str(err)) from err
    report = AddReport()
    corpus.mkdir(parents=True, exist_ok=True)
    with writer_lock(root, lock_timeout):
        metadata = load_metadata(corpus)
        for path in paths:
            try:
                target = _place(path, corpus, metadata, canonical, lang)
            except IngestError as err:
                report.failures.append(Failure(str(path), str(err)))
                continue
            report.copied[str(path)] = target
            if canonical and (metadata.get(target) or {}).get("symbol") != canonical:
                report.metadata_added.append(target)
        if report.metadata_added:
            append_metadata(corpus, canonical, report.metadata_added)
        if report.copied:
            report.update = update_locked(corpus, root, set(report.copied.values()))
    return report


def _place(path: Path, corpus: Path, metadata: dict, symbol: str | None, lang: str | None) -> str:
    """Check one file as a rebuild would read it, copy it into the corpus; its relative path."""
    if not path.is_file():
        raise IngestError(f"'{path.name}' does not exist or is not a file.")
    inside = _inside(path, corpus)
    name = relative_name(path, corpus) if inside else path.name
    hint = {name: {**metadata.get(name, {}), "symbol": symbol}} if symbol else metadata
    doc = load_document(path, corpus if inside else path.parent, hint, lang=lang)
    if symbol and doc.meta.symbol != symbol:
        raise IngestError(
            f"'{path.name}' states the symbol {doc.meta.symbol} in its header, which would win "
            f"over --symbol {symbol} on a rebuild; fix the header or leave out --symbol."
        )
    if inside:
        if lang and Path(name).parts[0] in LANGUAGES and Path(name).parts[0] != lang:
            raise IngestError(f"'{path.name}' is in the corpus folder {Path(name).parts[0]}/.")
        return name
    target = f"{doc.meta.lang}/{path.name}"
    dest = corpus / target
    if dest.exists() and file_sha(dest) != doc.sha256:
        existing = _indexed_key(corpus, target)
        if existing is not None and existing != doc.key:
            raise IngestError(
                f"'{path.name}': the corpus already has a different document in {target}; "
                "rename the file."
            )
    _copy_atomically(path, dest)
    return target


def _inside(path: Path, corpus: Path) -> bool:
    try:
        path.resolve().relative_to(corpus.resolve())
    except ValueError:
        return False
    return True


def _indexed_key(corpus: Path, source: str) -> str | None:
    try:
        doc = load_document(corpus / source, corpus, load_metadata(corpus))
    except IngestError:
        return None
    return doc.key


def _copy_atomically(path: Path, dest: Path) -> None:
    """Copy under a hidden name, then rename: a watcher never sees half a file."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
    shutil.copyfile(path, tmp)
    os.replace(tmp, dest)


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if ord(c) >= 0x20 and c != "\x7f" else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'


def append_metadata(corpus: Path, symbol: str, files: list[str]) -> None:
    """Append one ``[[document]]`` table to metadata.toml, leaving existing content as it is."""
    path = corpus / METADATA_FILE
    existing = path.read_text(encoding="utf-8") if path.is_file() else ""
    table = (
        ("\n" if existing and not existing.endswith("\n") else "")
        + ("\n" if existing else "")
        + "[[document]]  # added by `docsearch add`\n"
        + f"symbol = {_toml_string(symbol)}\n"
        + f"files = [{', '.join(_toml_string(f) for f in files)}]\n"
    )
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(table)
        handle.flush()
        os.fsync(handle.fileno())


# -- remove


@dataclass
class RemoveReport:
    moved: dict[str, str] = field(default_factory=dict)  # corpus-relative source -> where
    deleted: list[str] = field(default_factory=list)
    update: UpdateReport | None = None


def remove_document(
    corpus: Path,
    root: Path,
    symbol: str,
    lang: str | None = None,
    delete: bool = False,
    lock_timeout: float | None = None,
) -> RemoveReport:
    """Remove a document (one or both languages) from the index and its files from the corpus.

    The files are moved to ``<corpus>/.removed/`` (kept, but never indexed again), or deleted
    with `delete`.
    """
    try:
        canonical = normalize_symbol(symbol)
    except SymbolError as err:
        raise StoreError(str(err)) from err
    report = RemoveReport()
    with writer_lock(root, lock_timeout):
        live = current_generation(root)
        entries = read_manifest(live)["documents"] if live else []
        matches = [
            e for e in entries if e["symbol"] == canonical and (lang is None or e["lang"] == lang)
        ]
        if not matches:
            which = f" ({lang})" if lang else ""
            raise StoreError(f"no document {canonical}{which} in the index.")
        for entry in matches:
            source = corpus / entry["source"]
            if not source.exists():
                continue
            if delete:
                source.unlink()
                report.deleted.append(entry["source"])
            else:
                dest = _removed_path(corpus, entry["source"])
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, dest)
                report.moved[entry["source"]] = dest.relative_to(corpus).as_posix()
        report.update = update_locked(corpus, root, {e["source"] for e in matches})
    return report


def _removed_path(corpus: Path, source: str) -> Path:
    dest = corpus / REMOVED_DIR / source
    n = 1
    while dest.exists():
        dest = corpus / REMOVED_DIR / f"{source}.{n}"
        n += 1
    return dest


# -- watch


def snapshot(corpus: Path) -> dict[str, tuple[int, int]]:
    """(size, mtime_ns) of every indexable file and of metadata.toml."""
    found = {}
    paths = [*discover(corpus), corpus / METADATA_FILE] if corpus.is_dir() else []
    for path in paths:
        try:
            st = path.stat()
        except FileNotFoundError:
            continue
        found[relative_name(path, corpus)] = (st.st_size, st.st_mtime_ns)
    return found


def watch(
    corpus: Path,
    root: Path,
    interval: float = 2.0,
    on_update: Callable[[UpdateReport], None] | None = None,
    polls: int | None = None,
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
                report = update(corpus, root)
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
