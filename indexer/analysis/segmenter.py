"""jieba, loaded once per process with the glossary as its user dictionary."""

from __future__ import annotations

import functools
import logging
import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba


@functools.cache
def segmenter() -> jieba.Tokenizer:
    """jieba's tokenizer with the glossary as user dictionary, created once per process.

    Its prefix dictionary (jieba's words plus the glossary's) is cached as a pickle in a private
    per-user cache directory, keyed by jieba's version and the glossary: it loads about three
    times faster than jieba's own marshal cache, which matters for every cold start and every
    `docsearch update`. The dictionary itself, and so the segmentation, is jieba's.
    """
    import jieba

    from indexer.analysis.glossary import fingerprint, user_words
    from indexer.settings import cache_dir

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    cache = cache_dir() / f"jieba-{jieba.__version__}-{fingerprint()}.pickle"
    try:
        with open(cache, "rb") as handle:
            tokenizer.FREQ, tokenizer.total = pickle.load(handle)
        tokenizer.initialized = True
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        tokenizer.tmp_dir = str(cache_dir())  # jieba's own cache: private, not the shared /tmp
        tokenizer.initialize()
        for word in user_words():
            tokenizer.add_word(word)
        _write_private(cache, pickle.dumps((tokenizer.FREQ, tokenizer.total), protocol=5))
    return tokenizer


def _write_private(path: Path, data: bytes) -> None:
    """Write a cache file atomically, readable by this user only."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def segment(run: str) -> list[tuple[str, int, int]]:
    """jieba precise-mode words of a CJK run, as (word, start, end) within the run."""
    return list(segmenter().tokenize(run, HMM=False))


def sub_words(run: str) -> list[str]:
    """jieba's search-mode words of a CJK run (the sub-words of long dictionary words too)."""
    return [w for w, _, _ in segmenter().tokenize(run, mode="search", HMM=False)]
