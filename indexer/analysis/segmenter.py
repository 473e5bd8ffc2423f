"""Chinese word segmentation: jieba's, with the glossary as its user dictionary.

jieba is the reference. rjieba (jieba-rs, a Rust port) gives the same tokens much faster, so it
is used where it is installed at a version whose output tests/unit/test_segmenter.py proved
token-identical to jieba's, built to mirror jieba exactly: the same dictionary, the glossary words
at the frequencies jieba gave them, the same total frequency, and characters outside jieba's Han
range cut as jieba cuts them. DOCSEARCH_SEGMENTER=jieba forces the reference (read when a process
first segments, never at import).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import pickle
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from indexer.errors import SettingError

if TYPE_CHECKING:
    import jieba

log = logging.getLogger(__name__)

SEGMENTER_ENV = "DOCSEARCH_SEGMENTER"
SEGMENTERS = ("auto", "jieba")  # auto: rjieba where proven identical and installed, else jieba
PROVEN_RJIEBA = frozenset({"0.2.2"})  # versions tests/unit/test_segmenter.py was run against

Token = tuple[str, int, int]  # (word, start, end) within the run
_OUTSIDE_HAN = re.compile("[^\u4e00-\u9fd5]")  # jieba cuts these one character at a time
_HAN_OR_ONE = re.compile("[\u4e00-\u9fd5]+|[^\u4e00-\u9fd5]")
_TOTAL_WORD = "\ue000"  # a private-use character no CJK run holds: carries jieba's extra total


@dataclass(frozen=True)
class Segmenter:
    """The segmenter in use: its name and its tokenizer, (run, mode) -> tokens."""

    name: str  # "rjieba" | "jieba"
    tokenize: Callable[[str, str], list[Token]]  # mode: "default" (precise) | "search"


def segment(run: str) -> list[Token]:
    """jieba precise-mode words of a CJK run, as (word, start, end) within the run."""
    return segmenter().tokenize(run, "default")


def sub_words(run: str) -> list[str]:
    """jieba's search-mode words of a CJK run (the sub-words of long dictionary words too)."""
    return [w for w, _, _ in segmenter().tokenize(run, "search")]


@functools.cache
def segmenter() -> Segmenter:
    """The segmenter $DOCSEARCH_SEGMENTER asks for when this process first segments.

    Read once, not per run: an environment lookup costs a third of rjieba's segmentation of a run.
    """
    return load(os.environ.get(SEGMENTER_ENV, ""))


@functools.cache
def load(setting: str) -> Segmenter:
    """The segmenter for a DOCSEARCH_SEGMENTER value ("" is auto), loaded once per process."""
    name = setting.strip().lower() or "auto"
    if name not in SEGMENTERS:
        raise SettingError(f"{SEGMENTER_ENV} must be auto or jieba (got {setting!r}).")
    fast = accelerated() if name == "auto" else None
    if fast is not None:
        return Segmenter("rjieba", functools.partial(_rjieba_tokens, fast))
    tokenizer = reference()
    return Segmenter("jieba", lambda run, mode: list(tokenizer.tokenize(run, mode, HMM=False)))


def _rjieba_tokens(fast, run: str, mode: str) -> list[Token]:
    """rjieba's tokens of a run, cut where jieba's Han range ends as jieba cuts it."""
    if _OUTSIDE_HAN.search(run) is None:
        return fast.tokenize(run, mode, False)
    tokens: list[Token] = []
    for m in _HAN_OR_ONE.finditer(run):
        part, at = m.group(), m.start()
        if _OUTSIDE_HAN.match(part):
            tokens.append((part, at, at + 1))
        else:
            tokens.extend((w, at + s, at + e) for w, s, e in fast.tokenize(part, mode, False))
    return tokens


@functools.cache
def accelerated():
    """rjieba mirroring the reference jieba, or None where rjieba is missing or not proven."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        rjieba_version = version("rjieba")
        jieba_class = _rjieba_class()
    except (ImportError, PackageNotFoundError):
        log.debug("rjieba is not installed: segmenting with jieba")
        return None
    if rjieba_version not in PROVEN_RJIEBA:
        log.info("rjieba %s is not proven identical to jieba: using jieba", rjieba_version)
        return None
    words, extra = _glossary_frequencies(rjieba_version)
    if extra < 0:  # rjieba's dictionary is not jieba's
        log.warning("rjieba's dictionary differs from jieba's: segmenting with jieba")
        return None
    fast = jieba_class()  # its own dictionary is jieba's dict.txt
    for word, freq in words.items():
        fast.add_word(word, freq, None)
    if extra:
        fast.add_word(_TOTAL_WORD, extra, None)
    return fast


def _rjieba_class() -> type:
    """rjieba's Jieba class, loaded from its extension module without running the package's
    __init__ where possible: that builds a default tokenizer at import, as costly as ours (a
    tenth of a second of every cold start), that nothing here uses."""
    from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader, FileFinder
    from importlib.util import find_spec, module_from_spec

    package = sys.modules.get("rjieba") or find_spec("rjieba")  # None: not installed
    if package is None:
        raise ImportError("rjieba is not installed")
    loaded = getattr(package, "Jieba", None)  # the package was imported already
    if loaded is not None:
        return loaded
    places = package.submodule_search_locations or []
    finders = [FileFinder(p, (ExtensionFileLoader, EXTENSION_SUFFIXES)) for p in places]
    spec = next((s for f in finders if (s := f.find_spec("rjieba.rjieba"))), None)
    if spec is None:  # laid out otherwise than rjieba 0.2.2: import it as usual
        import rjieba

        return rjieba.Jieba
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Jieba


def _glossary_frequencies(rjieba_version: str) -> tuple[dict[str, int], int]:
    """The glossary words' frequencies in the reference jieba, and what jieba's total frequency
    has on top of rjieba's, cached per jieba, rjieba and glossary version.

    jieba's total counts a word listed twice in dict.txt twice, and the old frequency of a
    glossary word that was already a dictionary word too; rjieba's does not.
    """
    from importlib.metadata import version

    from indexer.analysis.glossary import fingerprint, user_words
    from indexer.settings import cache_dir

    name = f"rjieba-{rjieba_version}-jieba-{version('jieba')}-{fingerprint()}.json"
    cache = cache_dir() / name
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        return {str(w): int(f) for w, f in data["words"].items()}, int(data["extra"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    tokenizer = reference()
    words = {word: tokenizer.FREQ[word] for word in user_words()}
    dictionary: dict[str, int] = {}
    with tokenizer.get_dict_file() as lines:
        for line in lines:
            word, freq = line.decode("utf-8").strip().split(" ")[:2]
            dictionary[word] = int(freq)
    extra = tokenizer.total - sum((dictionary | words).values())
    _write_private(cache, json.dumps({"words": words, "extra": extra}, ensure_ascii=False).encode())
    return words, extra


@functools.cache
def reference() -> jieba.Tokenizer:
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
