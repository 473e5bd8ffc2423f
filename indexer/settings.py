"""Settings: a flag, else an environment variable, else a default; validated when a command
runs (never at import), a bad value named in one sentence.

The index of a corpus lives by default in a per-user data directory named after that corpus
folder, so two checkouts (two corpora) never share an index by accident.
"""

from __future__ import annotations

import hashlib
import os
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

DEFAULT_LOCK_TIMEOUT = 60.0  # seconds a writer waits for another one
DEFAULT_CACHE_MB = 256  # posting lists a search process keeps per index generation
CACHE_SIZE = 256  # result pages a search process keeps per index generation, by default


@dataclass(frozen=True)
class Settings:
    """Where the corpus and the index are, and how long and how much docsearch may wait and
    keep."""

    corpus: Path
    index: Path
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    cache_mb: int = DEFAULT_CACHE_MB
    base_url: str = ""

    @classmethod
    def load(
        cls,
        *,
        corpus: str | os.PathLike | None = None,
        index: str | os.PathLike | None = None,
        lock_timeout: float | None = None,
        cache_mb: int | None = None,
        base_url: str | None = None,
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
        )


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
