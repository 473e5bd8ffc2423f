"""Pieces of Solr syntax the backend builds from: a phrase as pre-analysed JSON (positions kept,
for `{!field}` over a pre-analysed field), and Lucene-syntax escaping for delete-by-query."""

from __future__ import annotations

import json
import re

PREANALYZED_FIELDS = frozenset({"words", "chars", "en"})
_LUCENE_SPECIAL = re.compile(r'([\\+\-!():^\[\]"{}~*?|&/;]|\s)')


def phrase_json(terms, positions) -> str:
    """A phrase's terms as PreAnalyzedField JSON (position increments from `positions`)."""
    tokens = []
    last = positions[0] - 1
    for term, pos in zip(terms, positions, strict=True):
        tokens.append({"t": term, "i": pos - last})
        last = pos
    return json.dumps({"v": "1", "tokens": tokens}, ensure_ascii=False, separators=(",", ":"))


def escape_lucene(value: str) -> str:
    """`value` as one literal term in Lucene syntax (special characters and spaces escaped)."""
    return _LUCENE_SPECIAL.sub(r"\\\1", value)


def lucene_terms(field: str, values) -> str:
    """A Lucene-syntax query matching documents whose `field` holds any of `values`."""
    escaped = [escape_lucene(v) for v in values]
    if not escaped:
        raise ValueError(f"No values to match in {field!r}.")
    return f"{field}:({' OR '.join(escaped)})"
