"""Settings: a flag, else an environment variable, else a default; validated when a command
runs (never at import), a bad value named in one sentence.

The index of a corpus lives by default in a per-user data directory named after that corpus
folder, so two checkouts (two corpora) never share an index by accident.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from indexer.errors import SettingError

APP_NAME = "docsearch"
INDEX_ENV = "DOCSEARCH_INDEX"
CORPUS_ENV = "DOCSEARCH_CORPUS"
LOCK_TIMEOUT_ENV = "DOCSEARCH_LOCK_TIMEOUT"
CACHE_MB_ENV = "DOCSEARCH_CACHE_MB"
BASE_URL_ENV = "DOCSEARCH_BASE_URL"
SOLR_URL_ENV = "DOCSEARCH_SOLR_URL"
SOLR_COLLECTION_ENV = "DOCSEARCH_SOLR_COLLECTION"
ENGINE_ENV = "DOCSEARCH_ENGINE"
ENGINES = ("whoosh", "tantivy")  # the embedded engines; Whoosh is the default

DEFAULT_LOCK_TIMEOUT = 60.0  # seconds a writer waits for another one
DEFAULT_CACHE_MB = 256  # posting lists a search process keeps per index generation
CACHE_SIZE = 256  # result pages a search process keeps per index generation, by default
DEFAULT_COLLECTION = "docsearch"  # the SolrCloud alias searches go to
_COLLECTION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


@dataclass(frozen=True)
class Settings:
    """Where the corpus and the index are, and how long and how much docsearch may wait and
    keep."""

    corpus: Path
    index: Path
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    cache_mb: int = DEFAULT_CACHE_MB
    base_url: str = ""
    solr_url: str = ""  # SolrCloud node URLs (comma-separated); empty: the embedded index
    collection: str = DEFAULT_COLLECTION
    engine: str = ENGINES[0]  # the embedded engine (ignored with a Solr URL)

    @classmethod
    def load(
        cls,
        *,
        corpus: str | os.PathLike | None = None,
        index: str | os.PathLike | None = None,
        lock_timeout: float | None = None,
        cache_mb: int | None = None,
        base_url: str | None = None,
        solr_url: str | None = None,
        collection: str | None = None,
        engine: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Settings:
        env = os.environ if environ is None else environ
        corpus_path = _path(corpus, env.get(CORPUS_ENV)) or bundled_corpus()
        return cls(
            corpus=corpus_path,
            index=_path(index, env.get(INDEX_ENV)) or default_index_dir(corpus_path),
            lock_timeout=_number(lock_timeout, env, LOCK_TIMEOUT_ENV, DEFAULT_LOCK_TIMEOUT, float),
            cache_mb=_number(cache_mb, env, CACHE_MB_ENV, DEFAULT_CACHE_MB, int),
            base_url=(base_url or env.get(BASE_URL_ENV) or "").rstrip("/"),
            solr_url=_solr_urls(solr_url or env.get(SOLR_URL_ENV) or ""),
            collection=_collection(collection or env.get(SOLR_COLLECTION_ENV) or ""),
            engine=_engine(engine or env.get(ENGINE_ENV) or ""),
        )

    @property
    def solr_urls(self) -> list[str]:
        return [u for u in self.solr_url.split(",") if u]


def _solr_urls(raw: str) -> str:
    """Comma-separated node base URLs (http://host:8983/solr), each checked."""
    urls = [u.strip().rstrip("/") for u in raw.split(",") if u.strip()]
    for url in urls:
        if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", url):
            raise SettingError(
                f"{SOLR_URL_ENV} (--solr) must be Solr node URLs like http://host:8983/solr, "
                f"comma-separated (got {url!r})."
            )
    return ",".join(urls)


def _collection(raw: str) -> str:
    name = raw.strip() or DEFAULT_COLLECTION
    if not _COLLECTION_NAME.fullmatch(name):
        raise SettingError(
            f"{SOLR_COLLECTION_ENV} (--collection) must be letters, digits, '_' or '-', "
            f"starting with a letter or digit, at most 64 (got {raw!r})."
        )
    return name


def _engine(raw: str) -> str:
    name = raw.strip().lower() or ENGINES[0]
    if name not in ENGINES:
        raise SettingError(
            f"{ENGINE_ENV} (--engine) must be one of {', '.join(ENGINES)} (got {raw!r})."
        )
    return name


def _path(flag: str | os.PathLike | None, env_value: str | None) -> Path | None:
    value = flag or env_value
    return Path(value).expanduser() if value else None


def _number(flag, env: Mapping[str, str], name: str, default, kind):
    if flag is not None:
        return flag
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = -1
    if value < 0 or value != value:  # negative or NaN
        raise SettingError(f"{name} must be a number of {_UNITS[name]} (got {raw!r}).")
    return value


_UNITS = {LOCK_TIMEOUT_ENV: "seconds, 0 or more", CACHE_MB_ENV: "megabytes, 0 or more"}


def lock_timeout_or_default(flag: float | None) -> float:
    """The writer-lock timeout: the caller's value, else $DOCSEARCH_LOCK_TIMEOUT, else 60 s."""
    return _number(flag, os.environ, LOCK_TIMEOUT_ENV, DEFAULT_LOCK_TIMEOUT, float)


def bundled_corpus() -> Path:
    """The corpus shipped in the repository (the embedded default)."""
    return Path(__file__).resolve().parent.parent / "corpus"


def default_index_dir(corpus: Path) -> Path:
    """The per-user index directory for a corpus folder: its name plus a hash of its path."""
    resolved = corpus.expanduser().resolve()
    digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:12]
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in resolved.name)[:40]
    return Path(platformdirs.user_data_dir(APP_NAME)) / "indexes" / f"{name}-{digest}"


def cache_dir() -> Path:
    """A private per-user cache directory (jieba's dictionary cache lives here)."""
    path = Path(platformdirs.user_cache_dir(APP_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path
