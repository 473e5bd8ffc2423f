"""What every backend's reader does the same way, whatever engine answers it."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

import numpy as np

from indexer.backends.base import Stored
from indexer.ingest.keys import block_key

TWIN = {"zh": "en", "en": "zh"}


def one_per_unit(scored: Iterable[tuple[Stored, float]], prefer: str) -> list[tuple[Stored, float]]:
    """The first (best) block of each unit with its score, best first; shown in `prefer`'s
    language when that version is among `scored` too (keeping the unit's best score)."""
    best: dict[str, tuple[Stored, float]] = {}
    for block, score in scored:
        unit = block["unit"]
        if unit not in best:
            best[unit] = (block, score)
        elif block["lang"] == prefer:
            best[unit] = (block, best[unit][1])
    return list(best.values())


def in_preferred_language(
    best: list[tuple[Stored, float]], prefer: str, read: Callable[[list[str]], list[Stored]]
) -> list[tuple[Stored, float]]:
    """Each unit of `best` shown in `prefer`'s language where that block matched too: `read`
    gives the blocks with the given keys that match the query (in one request)."""
    wanted = {
        block_key(s["symbol"], prefer, s["label"]): i
        for i, (s, _) in enumerate(best)
        if s["lang"] != prefer
    }
    if not wanted:
        return best
    best = list(best)
    for block in read(list(wanted)):
        i = wanted[block["key"]]
        best[i] = (block, best[i][1])
    return best


def unit_listing(
    docs: np.ndarray,
    scores: np.ndarray,
    units: np.ndarray,
    other: np.ndarray,
    days_of: Callable[[np.ndarray], np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Every unit of the matching blocks once: the block shown (`prefer`'s language first, where
    `other` is False, then the best scored, then the first) and the unit's best score, best
    first, or newest first where `days_of` gives the shown blocks' dates as sortable numbers."""
    by_unit = np.lexsort((docs, -scores, other, units))
    sorted_units = units[by_unit]
    starts = np.flatnonzero(np.r_[True, sorted_units[1:] != sorted_units[:-1]])
    shown = docs[by_unit][starts]
    best = np.maximum.reduceat(scores[by_unit], starts)
    if days_of is None:
        ranked = np.lexsort((shown, -best))
    else:
        ranked = np.lexsort((shown, -best, -np.asarray(days_of(shown), dtype=np.int64)))
    return shown[ranked], best[ranked]


class Vocabularies:
    """Each field's terms and the number of blocks holding each, read once per generation
    (`read`), and the terms containing a string, filtered once (safe between threads)."""

    def __init__(self, read: Callable[[str], dict[str, int]]) -> None:
        self._read = read
        self._lock = threading.Lock()
        self._found: dict[tuple[str, str], dict[str, int]] = {}

    def get(self, field: str, containing: str = "") -> dict[str, int]:
        key = (field, containing)
        with self._lock:
            found = self._found.get(key)
        if found is None:
            if containing:
                found = {t: n for t, n in self.get(field).items() if containing in t}
            else:
                found = self._read(field)
            with self._lock:
                found = self._found.setdefault(key, found)
        return found


class KnownBlocks:
    """Blocks read ahead of being asked for (the other-language twins of the units a search
    shows), by key; None where a key has no block. Bounded: the oldest are dropped."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._blocks: OrderedDict[str, Stored | None] = OrderedDict()

    def lookup(self, key: str) -> tuple[bool, Stored | None]:
        """(whether the key is known, its block)."""
        with self._lock:
            return key in self._blocks, self._blocks.get(key)

    def read_twins(
        self, shown: Iterable[Stored], read: Callable[[list[str]], list[Stored]]
    ) -> None:
        """Read the other-language blocks of `shown` not known yet, in one call of `read`
        (the blocks with these keys), so that a later lookup of each needs no request."""
        twins = (
            block_key(b["symbol"], TWIN[b["lang"]], b["label"])
            for b in shown
            if b.get("lang") in TWIN
        )
        with self._lock:
            keys = [k for k in dict.fromkeys(twins) if k not in self._blocks]
        if not keys:
            return
        blocks: dict[str, Stored | None] = dict.fromkeys(keys)
        blocks.update({b["key"]: b for b in read(keys)})
        with self._lock:
            self._blocks.update(blocks)
            while len(self._blocks) > self._size:
                self._blocks.popitem(last=False)
