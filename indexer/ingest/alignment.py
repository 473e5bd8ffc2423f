"""Bilingual alignment: the zh and en versions of a document must have the same paragraph labels.

A mismatch is reported (one sentence per document) when the index is built, never silently
mis-aligned: units are paired by (symbol, label), so a missing or extra paragraph shows up here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from indexer.ingest.corpus import Document


def _natural(label: str) -> tuple:
    """Sort key: 2 < 10, h2 < h10, annex-2 < annex-10."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", label))


def _describe(labels: Iterable[str]) -> str:
    return ", ".join(sorted(labels, key=lambda s: (not s.isdigit(), _natural(s))))


def alignment_problems(documents: Iterable[Document]) -> list[str]:
    """One sentence per document whose language versions do not have the same labels."""
    return problems_from_labels(
        (d.meta.symbol, d.meta.lang, [b.label for b in d.blocks]) for d in documents
    )


def problems_from_labels(versions_in: Iterable[tuple[str, str, list[str]]]) -> list[str]:
    """One sentence per symbol whose (symbol, lang, labels) versions disagree."""
    versions: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for symbol, lang, labels in versions_in:
        versions[symbol][lang] = labels
    problems = []
    for symbol, by_lang in sorted(versions.items()):
        if len(by_lang) < 2:
            continue
        (lang_a, labels_a), (lang_b, labels_b) = sorted(by_lang.items())[:2]
        only_a = set(labels_a) - set(labels_b)
        only_b = set(labels_b) - set(labels_a)
        if not only_a and not only_b:
            continue
        parts = []
        if only_a:
            parts.append(f"only in {lang_a}: {_describe(only_a)}")
        if only_b:
            parts.append(f"only in {lang_b}: {_describe(only_b)}")
        numbered = {
            lang: sum(label.isdigit() for label in labels) for lang, labels in by_lang.items()
        }
        counts = ", ".join(f"{n} numbered in {lang}" for lang, n in sorted(numbered.items()))
        problems.append(f"{symbol}: versions are not aligned ({counts}; {'; '.join(parts)}).")
    return problems
