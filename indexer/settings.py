"""Where the index, the corpus and caches live: flag, else an environment variable, else default."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "docsearch"
INDEX_ENV = "DOCSEARCH_INDEX"
CORPUS_ENV = "DOCSEARCH_CORPUS"
CACHE_SIZE = 256  # result pages a search process keeps per index generation, by default


def bundled_corpus() -> Path:
    """The corpus shipped in the repository (the embedded default)."""
    return Path(__file__).resolve().parent.parent / "corpus"


def index_dir(flag: str | os.PathLike | None = None) -> Path:
    """The index root: --index, else $DOCSEARCH_INDEX, else the per-user data directory."""
    if flag:
        return Path(flag).expanduser()
    if os.environ.get(INDEX_ENV):
        return Path(os.environ[INDEX_ENV]).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME)) / "index"


def corpus_dir(flag: str | os.PathLike | None = None) -> Path:
    """The corpus folder: --corpus, else $DOCSEARCH_CORPUS, else the bundled corpus."""
    if flag:
        return Path(flag).expanduser()
    if os.environ.get(CORPUS_ENV):
        return Path(os.environ[CORPUS_ENV]).expanduser()
    return bundled_corpus()


def cache_dir() -> Path:
    """A private per-user cache directory (jieba's dictionary cache lives here)."""
    path = Path(platformdirs.user_cache_dir(APP_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path
