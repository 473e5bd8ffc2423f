"""Bilingual alignment: the zh and en versions of a document must have the same paragraph labels.

A mismatch is reported (one sentence per document) when the index is built, never silently
mis-aligned: units are paired by (symbol, label), so a missing or extra paragraph shows up here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from indexer.corpus import Document


def _describe(labels: Iterable[str]) -> str:
    return ", ".join(sorted(labels, key=lambda s: (not s.isdigit(), int(s) if s.isdigit() else s)))


def alignment_problems(documents: Iterable[Document]) -> list[str]:
    """One sentence per document whose language versions do not have the same labels."""
    versions: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for doc in documents:
        versions[doc.meta.symbol][doc.meta.lang] = [b.label for b in doc.blocks]
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
