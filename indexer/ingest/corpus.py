"""Turn corpus files into Documents: decode, split, and attach metadata.

Metadata for each field comes from the text's own front matter, else from the corpus folder's
``metadata.toml``, else from the file name (``cdip_19_6.txt`` -> CDIP/19/6). The language comes
from an explicit choice, else the folder (``zh/``, ``en/``), else the header's language.
"""

from __future__ import annotations

import logging
import os
import re
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import IngestError
from indexer.ingest.keys import LANGUAGES, block_key, document_key
from indexer.ingest.paragraphs import Block, Header, split_text
from indexer.ingest.symbols import SymbolError, normalize_symbol, symbol_from_filename

log = logging.getLogger(__name__)

# The readers' suffixes (indexer.ingest.sources is imported only when a file is read: it loads
# pdfminer and python-docx, which a search never needs).
SUPPORTED_SUFFIXES = (".txt", ".pdf", ".docx")
METADATA_FILE = "metadata.toml"


@dataclass(frozen=True, kw_only=True)
class DocumentMeta(Header):
    """What is known about one language version of a document: its header, completed from
    metadata.toml and the file name."""

    symbol: str
    lang: str
    committee_code: str = ""

    @property
    def year(self) -> str:
        """The document's year: from its date, else from its meeting dates."""
        m = re.search(r"\d{4}", self.date or self.meeting)
        return m.group() if m else ""


@dataclass(frozen=True)
class Document:
    """One language version of a document, split into blocks, with where it came from."""

    meta: DocumentMeta
    blocks: tuple[Block, ...]
    source: str  # path relative to the corpus folder, with "/" separators
    sha256: str
    encoding: str
    stamp: list[int] | None = None  # the file's [size, mtime_ns] before it was read

    @property
    def key(self) -> str:
        return document_key(self.meta.symbol, self.meta.lang)

    def block_keys(self) -> set[str]:
        return {block_key(self.meta.symbol, self.meta.lang, b.label) for b in self.blocks}


def load_metadata(corpus: Path) -> dict[str, dict]:
    """metadata.toml entries keyed by each file they list (relative path)."""
    path = corpus / METADATA_FILE
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise IngestError(f"{METADATA_FILE} is not valid TOML: {err}.") from err
    by_file = {}
    for entry in data.get("document", []):
        for name in entry.get("files", []):
            by_file[name] = entry
    return by_file


def discover(corpus: Path) -> list[Path]:
    """Every indexable file under the corpus folder, in a stable order (by path parts).

    Hidden files and everything under hidden folders (such as ``.removed/``, where
    ``docsearch remove`` puts removed files) are skipped, and so are links to folders.
    """
    return list(corpus_files(corpus).values())


def corpus_files(corpus: Path) -> dict[str, Path]:
    """`discover`'s files by their names relative to the corpus folder ("zh/cdip_19_6.txt").

    One `os.scandir` per folder and no path arithmetic per file: an update lists 10^4 files
    to find the few that changed.
    """
    found: list[tuple[tuple[str, ...], str]] = []

    def walk(folder: str, parts: tuple[str, ...]) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, (*parts, entry.name))
                elif entry.is_file() and _supported(entry.name):
                    found.append(((*parts, entry.name), entry.path))

    if corpus.is_dir():
        walk(str(corpus), ())
    return {"/".join(parts): Path(path) for parts, path in sorted(found)}


def _supported(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in SUPPORTED_SUFFIXES


def relative_name(path: Path, corpus: Path) -> str:
    """The file's name relative to the corpus folder ("zh/cdip_19_6.txt")."""
    try:
        return path.relative_to(corpus).as_posix()
    except ValueError:
        pass
    try:  # resolving costs system calls: only when the paths are written differently
        return path.resolve().relative_to(corpus.resolve()).as_posix()
    except ValueError:
        return path.name


def file_stamp(path: Path) -> list[int] | None:
    """[size, mtime_ns]: a file whose stamp has not changed need not be hashed again.

    None for a file modified in the last two seconds: a second change within the file
    system's timestamp resolution could leave the same stamp (git's "racy" files).
    """
    try:
        stat = path.stat()
    except OSError:
        return None
    if stat.st_mtime_ns > time.time_ns() - 2 * 10**9:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def _language(path: Path, corpus: Path, hint: str, explicit: str | None) -> str:
    if explicit:
        lang = explicit
    else:
        folder = Path(relative_name(path, corpus)).parts[0].lower()
        lang = folder if folder in LANGUAGES else hint
    if lang not in LANGUAGES:
        raise IngestError(
            f"{path.name}: unknown language {lang or '(none)'!r}; put the file in zh/ or en/ "
            "or give --lang zh|en."
        )
    return lang


def _committee_code(symbol: str, committee: str) -> str:
    m = re.search(r"[(（]([A-Z]{2,8})[)）]", committee)
    if m:
        return m.group(1)
    parts = symbol.split("/")
    return parts[1] if parts[0] == "WO" and len(parts) > 2 else parts[0]


def load_document(
    path: Path,
    corpus: Path,
    metadata: dict[str, dict] | None = None,
    *,
    symbol: str | None = None,
    lang: str | None = None,
) -> Document:
    """Read and split one file; raise IngestError with one clear sentence if it cannot be."""
    from indexer.ingest import sources

    stamp = file_stamp(path)
    try:
        source = sources.read_source(path)
    except sources.SourceError as err:
        raise IngestError(str(err)) from err
    parsed = split_text(source.text)
    if not parsed.numbered:
        raise IngestError(f'{path.name}: no numbered paragraphs ("1. …") were found in the text.')
    name = relative_name(path, corpus)
    entry = (metadata or {}).get(name, {})
    front = parsed.front
    raw_symbol = symbol or front.symbol or entry.get("symbol") or symbol_from_filename(path.stem)
    if not raw_symbol:
        raise IngestError(
            f"{path.name}: no document symbol in its header, {METADATA_FILE} or file name; "
            "give one with --symbol."
        )
    try:
        canonical = normalize_symbol(raw_symbol)
    except SymbolError as err:
        raise IngestError(f"{path.name}: {err}") from err
    language = _language(path, corpus, front.lang_hint, lang)
    committee = front.committee or entry.get("committee", "")
    title = front.title or entry.get(f"title_{language}") or entry.get("title", "") or canonical
    meta = DocumentMeta(
        symbol=canonical,
        lang=language,
        title=title,
        committee=committee,
        committee_code=_committee_code(canonical, committee or entry.get("committee", "")),
        session=front.session or str(entry.get("session", "")),
        date=front.date or str(entry.get("date", "")),
        meeting=front.meeting or entry.get("meeting", ""),
        original_language=front.original_language or entry.get("original_language", ""),
    )
    return Document(meta, tuple(parsed.blocks), name, source.sha256, source.encoding, stamp)


@dataclass(frozen=True)
class Failure:
    """A file that was not indexed, and why (one sentence)."""

    source: str
    reason: str
    duplicate: bool = False  # the file is fine, but another file has its symbol and language


def iter_corpus(
    corpus: Path, failures: list[Failure], first: set[str] = frozenset()
) -> Iterator[Document]:
    """Load the corpus folder's files one at a time; bad files are appended to `failures`.

    Files are read in name order, those named in `first` (corpus-relative) before the others;
    where two files claim one symbol and language, the one read first provides it.
    """
    metadata = load_metadata(corpus)
    sources: dict[str, str] = {}  # document key -> the file that provides it
    paths = discover(corpus)
    paths.sort(key=lambda p: relative_name(p, corpus) not in first)  # stable: name order kept
    for path in paths:
        name = relative_name(path, corpus)
        try:
            doc = load_document(path, corpus, metadata)
        except IngestError as err:
            failures.append(Failure(name, str(err)))
            log.warning("%s", err)
            continue
        if doc.key in sources:
            reason = (
                f"{path.name}: {doc.meta.symbol} ({doc.meta.lang}) is already provided by "
                f"{sources[doc.key]}; each symbol and language may come from one file."
            )
            failures.append(Failure(name, reason, duplicate=True))
            log.warning("%s", reason)
            continue
        sources[doc.key] = doc.source
        yield doc


def load_corpus(corpus: Path) -> tuple[list[Document], list[Failure]]:
    """Load every file of the corpus folder; bad files become Failures, the rest still load."""
    failures: list[Failure] = []
    documents = list(iter_corpus(corpus, failures))
    return documents, failures
