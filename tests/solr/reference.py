"""What a query should match, computed directly from the analysed blocks (no engine involved)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from indexer.backends.solr.preanalyzed import ANALYSED


class AnalysedBlocks:
    """Per block and analysed field: the set of terms at each position."""

    def __init__(self, blocks: list[dict]):
        self.blocks = blocks
        self.keys = {b["key"] for b in blocks}
        self.positions: dict[str, dict[str, dict[int, set[str]]]] = {}
        for block in blocks:
            fields = {}
            for name, terms in ANALYSED.items():
                slots: dict[int, set[str]] = defaultdict(set)
                for text, pos, _, _ in terms(block[name]):
                    slots[pos].add(text)
                fields[name] = slots
            self.positions[block["key"]] = fields

    def with_term(self, field: str, term: str) -> set[str]:
        return {
            key
            for key, fields in self.positions.items()
            if any(term in slot for slot in fields[field].values())
        }

    def with_phrase(self, field: str, terms: Sequence[str], positions: Sequence[int]) -> set[str]:
        """Blocks holding the terms at these relative positions; terms given the same position
        are alternatives (either may be there), as in Lucene's phrase queries."""
        wanted: dict[int, set[str]] = defaultdict(set)
        for term, pos in zip(terms, positions, strict=True):
            wanted[pos - positions[0]].add(term)
        found = set()
        for key, fields in self.positions.items():
            slots = fields[field]
            for start in list(slots):
                if all(alts & slots.get(start + o, set()) for o, alts in wanted.items()):
                    found.add(key)
                    break
        return found

    def where(self, field: str, values: Sequence[str]) -> set[str]:
        return {b["key"] for b in self.blocks if str(b[field]) in values}

    def value(self, key: str, field: str):
        return next(b[field] for b in self.blocks if b["key"] == key)
