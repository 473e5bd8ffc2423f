"""manifest.json: what a generation holds, how it was built, and from which files.

Every generation directory has one. Updates compare the corpus folder with it (hashes, sizes
and modification times) instead of reading the index. Beside it, summary.json holds what a
reader checks and reports (versions, counts) without the per-document list, which is megabytes
at 10^6 paragraphs; a generation written before summaries is read from its manifest.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from importlib import metadata as pkg_metadata
from pathlib import Path
from typing import TYPE_CHECKING

from indexer.analysis import glossary
from indexer.analysis.terms import ANALYSIS_VERSION
from indexer.backends import other_engine_problem
from indexer.errors import IndexDamaged
from indexer.ingest.keys import document_key

if TYPE_CHECKING:  # reading the corpus is not needed to read a manifest (a search starts faster)
    from indexer.ingest.corpus import Document, Failure

MANIFEST = "manifest.json"
SUMMARY = "summary.json"
MANIFEST_VERSION = 1


@dataclass
class DocumentEntry:
    """One indexed language file."""

    symbol: str
    lang: str
    source: str  # path relative to the corpus folder
    sha256: str
    stamp: list[int] | None = None  # [size, mtime_ns] when it was read
    metadata: str = ""  # fingerprint of the metadata.toml table that applied
    encoding: str = "utf-8"
    title: str = ""
    blocks: int = 0
    paragraphs: int = 0
    labels: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return document_key(self.symbol, self.lang)

    @property
    def name(self) -> str:
        return f"{self.symbol} ({self.lang})"

    @classmethod
    def of(cls, doc: Document, metadata: str = "") -> DocumentEntry:
        return cls(
            symbol=doc.meta.symbol,
            lang=doc.meta.lang,
            source=doc.source,
            sha256=doc.sha256,
            stamp=doc.stamp,
            metadata=metadata,
            encoding=doc.encoding,
            title=doc.meta.title,
            blocks=len(doc.blocks),
            paragraphs=sum(b.kind == "paragraph" for b in doc.blocks),
            labels=[b.label for b in doc.blocks],
        )


@dataclass
class FailureEntry:
    """A file that was not indexed; the hash lets an update skip it while it is unchanged."""

    source: str
    reason: str
    duplicate: bool = False
    sha256: str = ""
    metadata: str = ""

    @classmethod
    def of(cls, failure: Failure, sha256: str = "", metadata: str = "") -> FailureEntry:
        return cls(failure.source, failure.reason, failure.duplicate, sha256, metadata)

    def failure(self) -> Failure:
        from indexer.ingest.corpus import Failure

        return Failure(self.source, self.reason, self.duplicate)


@dataclass
class Manifest:
    documents: list[DocumentEntry]
    failures: list[FailureEntry] = field(default_factory=list)
    schema_version: int = 0
    analysis_version: int = ANALYSIS_VERSION
    glossary: str = ""
    versions: dict[str, str] = field(default_factory=dict)
    built: str = ""
    corpus: str = ""  # the corpus folder it was built from (resolved path)
    alignment: list[str] = field(default_factory=list)
    files: dict[str, list] = field(default_factory=dict)  # index file -> [size, sha256]
    manifest_version: int = MANIFEST_VERSION

    @classmethod
    def make(
        cls,
        documents: list[DocumentEntry],
        failures: list[FailureEntry],
        schema_version: int,
        corpus: str = "",
    ) -> Manifest:
        """A manifest for a generation written now by this code."""
        from indexer.ingest.alignment import problems_from_labels

        documents = sorted(documents, key=lambda e: e.source)
        return cls(
            documents=documents,
            failures=sorted(failures, key=lambda f: f.source),
            schema_version=schema_version,
            glossary=glossary.fingerprint(),
            versions=_versions(),
            built=_now(),
            corpus=corpus,
            alignment=problems_from_labels((e.symbol, e.lang, e.labels) for e in documents),
        )

    def rebuilt_now(self) -> Manifest:
        return Manifest(**{**self.__dict__, "built": _now(), "files": {}})

    @property
    def counts(self) -> dict[str, int]:
        return {
            "documents": len(self.documents),
            "blocks": sum(e.blocks for e in self.documents),
            "paragraphs": sum(e.paragraphs for e in self.documents),
        }

    def compatibility_problem(self, schema_version: int) -> str | None:
        """Why this code cannot search the generation (one sentence), or None."""
        return self.summary().compatibility_problem(schema_version)

    def summary(self, manifest_bytes: int = 0) -> Summary:
        """What summary.json holds for this manifest (`manifest_bytes`: its size on disk)."""
        return Summary(
            schema_version=self.schema_version,
            analysis_version=self.analysis_version,
            glossary=self.glossary,
            versions=dict(self.versions),
            built=self.built,
            corpus=self.corpus,
            counts=self.counts,
            manifest_bytes=manifest_bytes,
            files=dict(self.files),
        )

    # -- on disk
    def to_json(self) -> dict:
        """The manifest as JSON values, sharing this object's lists (read it, do not change it):
        `dataclasses.asdict` deep-copies 1.4 million values at 10^6 paragraphs, half of an
        update's time."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["documents"] = [vars(e) for e in self.documents]
        data["failures"] = [vars(f) for f in self.failures]
        return {**data, "counts": self.counts}

    def save(self, generation: Path) -> None:
        """Write manifest.json, then its summary.json."""
        with _no_gc():
            text = json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"))
        data = text.encode("utf-8")
        (generation / MANIFEST).write_bytes(data)
        summary = json.dumps(asdict(self.summary(len(data))), ensure_ascii=False, indent=1)
        (generation / SUMMARY).write_text(summary, encoding="utf-8")

    @classmethod
    def load(cls, generation: Path) -> Manifest:
        """Read a generation's manifest; IndexDamaged (one sentence) if it is missing or bad."""
        path = generation / MANIFEST
        try:
            with _no_gc():  # millions of new objects at 10^6 paragraphs, none of them garbage
                return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise IndexDamaged(_damaged(generation, "its manifest.json is missing")) from None
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as err:
            raise IndexDamaged(
                _damaged(generation, f"its manifest.json is unreadable ({err})")
            ) from err

    @classmethod
    def from_json(cls, data: dict) -> Manifest:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["documents"] = _entries(DocumentEntry, data["documents"])
        values["failures"] = _entries(FailureEntry, data.get("failures", []))
        return cls(**values)


@dataclass(frozen=True)
class Summary:
    """How a generation was built and what it holds in numbers: what opening it for searching
    needs from its manifest."""

    schema_version: int
    analysis_version: int
    glossary: str
    versions: dict[str, str]
    built: str
    corpus: str
    counts: dict[str, int]  # documents (language files), blocks, paragraphs
    manifest_bytes: int  # the size of the manifest.json summarised: a stale summary is ignored
    files: dict[str, list]  # index file -> [size, sha256]: what the next generation links

    def compatibility_problem(self, schema_version: int) -> str | None:
        """Why this code cannot search the generation (one sentence), or None."""
        other = other_engine_problem(self.schema_version, schema_version)
        if other:
            return other
        expected = {
            "schema version": (self.schema_version, schema_version),
            "analysis version": (self.analysis_version, ANALYSIS_VERSION),
            "glossary": (self.glossary, glossary.fingerprint()),
        }
        for what, (found, wanted) in expected.items():
            if found != wanted:
                return (
                    f"the index was built with a different {what}; "
                    "run `docsearch build` to rebuild it."
                )
        return None


def read_summary(generation: Path) -> Summary:
    """A generation's summary: its summary.json where that matches its manifest.json's size,
    else (a generation written before summaries) read from the manifest. IndexDamaged as
    `Manifest.load` raises it."""
    try:
        summary = Summary(**json.loads((generation / SUMMARY).read_text(encoding="utf-8")))
        if (generation / MANIFEST).stat().st_size == summary.manifest_bytes:
            return summary
    except (OSError, UnicodeDecodeError, ValueError, TypeError):
        pass
    manifest = Manifest.load(generation)
    try:
        size = (generation / MANIFEST).stat().st_size
    except OSError:
        size = 0
    return manifest.summary(size)


def summary_problem(generation: Path, manifest: Manifest) -> str | None:
    """Why the generation's summary.json disagrees with its manifest (one sentence), or None
    (none there is fine: readers then use the manifest)."""
    try:
        text = (generation / SUMMARY).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as err:
        return f"its summary.json is unreadable ({err})."
    try:
        size = (generation / MANIFEST).stat().st_size
        if Summary(**json.loads(text)) == manifest.summary(size):
            return None
    except (OSError, ValueError, TypeError):
        pass
    return "its summary.json does not match its manifest.json."


def _entries(kind, items: list[dict]) -> list:
    known = {f.name for f in fields(kind)}
    return [kind(**{k: v for k, v in data.items() if k in known}) for data in items]


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused (its passes over the objects being created took
    40% of reading a 12 MB manifest); left as it was found."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _damaged(generation: Path, what: str) -> str:
    return (
        f"the index generation {generation.name} is damaged: {what}; "
        "run `docsearch build` to rebuild it."
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _versions() -> dict[str, str]:
    found = {}
    for dist in ("whoosh-reloaded", "jieba", "opencc", "docsearch"):
        try:
            found[dist] = pkg_metadata.version(dist)
        except pkg_metadata.PackageNotFoundError:
            found[dist] = "unknown"
    return found


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_sha(path: Path) -> str:
    """The file's SHA-256, or "" if it cannot be read."""
    with contextlib.suppress(OSError):
        return file_sha256(path)
    return ""


def metadata_fingerprint(entry: dict | None) -> str:
    """A short hash of the metadata.toml table that applies to a file ("" if none)."""
    if not entry:
        return ""
    text = json.dumps(entry, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
