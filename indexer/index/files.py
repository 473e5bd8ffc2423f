"""Adding and removing documents: files copied into or moved out of the corpus folder, then an
update of just those files (under one writer lock, so nothing else runs in between)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from indexer.backends import Backend
from indexer.errors import IngestError, StoreError, SymbolError
from indexer.index.generations import current_generation, writer_lock
from indexer.index.manifest import Manifest, file_sha
from indexer.index.update import UpdateReport, update_locked
from indexer.ingest.corpus import (
    LANGUAGES,
    METADATA_FILE,
    Failure,
    load_document,
    load_metadata,
    relative_name,
)
from indexer.ingest.symbols import normalize_symbol

REMOVED_DIR = ".removed"  # where `docsearch remove` moves files (discover skips hidden folders)


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
    backend: Backend | None = None,
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
        live = current_generation(root)
        providers = {e.key: e.source for e in Manifest.load(live).documents} if live else {}
        for path in paths:
            try:
                target = _place(path, corpus, metadata, canonical, lang, providers)
            except IngestError as err:
                report.failures.append(Failure(str(path), str(err)))
                continue
            report.copied[str(path)] = target
            if canonical and (metadata.get(target) or {}).get("symbol") != canonical:
                report.metadata_added.append(target)
        if report.metadata_added:
            append_metadata(corpus, canonical, report.metadata_added)
        if report.copied:
            only = set(report.copied.values())
            report.update = update_locked(corpus, root, only, backend=backend)
    return report


def _place(
    path: Path,
    corpus: Path,
    metadata: dict,
    symbol: str | None,
    lang: str | None,
    providers: dict[str, str],
) -> str:
    """Check one file as a rebuild would read it, copy it into the corpus; its relative path.

    A file whose symbol and language another indexed file provides is refused before anything
    is copied (`providers`: document key -> corpus-relative source).
    """
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
    target = name if inside else f"{doc.meta.lang}/{path.name}"
    if providers.get(doc.key, target) != target:
        raise IngestError(
            f"'{path.name}': {doc.meta.symbol} ({doc.meta.lang}) is already provided by "
            f"{providers[doc.key]}; remove that document first or correct the symbol."
        )
    if inside:
        if lang and Path(name).parts[0] in LANGUAGES and Path(name).parts[0] != lang:
            raise IngestError(f"'{path.name}' is in the corpus folder {Path(name).parts[0]}/.")
        return name
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
    backend: Backend | None = None,
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
        entries = Manifest.load(live).documents if live else []
        matches = [e for e in entries if e.symbol == canonical and lang in (None, e.lang)]
        if not matches:
            which = f" ({lang})" if lang else ""
            raise StoreError(f"no document {canonical}{which} in the index.")
        for entry in matches:
            source = corpus / entry.source
            if not source.exists():
                continue
            if delete:
                source.unlink()
                report.deleted.append(entry.source)
            else:
                dest = _removed_path(corpus, entry.source)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, dest)
                report.moved[entry.source] = dest.relative_to(corpus).as_posix()
        only = {e.source for e in matches}
        report.update = update_locked(corpus, root, only, backend=backend)
    return report


def _removed_path(corpus: Path, source: str) -> Path:
    dest = corpus / REMOVED_DIR / source
    n = 1
    while dest.exists():
        dest = corpus / REMOVED_DIR / f"{source}.{n}"
        n += 1
    return dest
