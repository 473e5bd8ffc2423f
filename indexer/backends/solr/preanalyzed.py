"""Documents for Solr: block fields with `words`, `chars` and `en` as PreAnalyzedField JSON.

Python is the only analyser: the terms (with positions and offsets) come from
`indexer.analysis.terms`, and Solr indexes them as given.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator

from indexer.analysis.terms import Term, char_terms, english_terms, word_terms

ANALYSED: dict[str, Callable[[str], Iterator[Term]]] = {
    "words": word_terms,
    "chars": char_terms,
    "en": english_terms,
}


def preanalyzed_json(terms: Iterable[Term]) -> str | None:
    """Terms as PreAnalyzedField JSON: term, start/end offsets, position increment.

    None when there is no term (the field is then left out of the document).
    """
    tokens = []
    last = -1
    for text, pos, start, end in terms:
        if pos < last:
            raise ValueError(f"Term {text!r} goes back to position {pos} after {last}.")
        tokens.append({"t": text, "s": start, "e": end, "i": pos - last})
        last = pos
    if not tokens:
        return None
    return json.dumps({"v": "1", "tokens": tokens}, ensure_ascii=False, separators=(",", ":"))


def solr_document(fields: dict) -> dict:
    """A Solr document from one block's fields (`indexer.backends.whoosh.schema.block_fields`).

    The analysed fields hold the text to analyse; they become pre-analysed JSON. Fields whose
    value is None are left out.
    """
    doc = {}
    for name, value in fields.items():
        if value is None:
            continue
        if name in ANALYSED:
            value = preanalyzed_json(ANALYSED[name](value))
            if value is None:
                continue
        doc[name] = value
    return doc
