"""The tantivy schema: one document per block, the project's own terms pre-tokenised.

Python is the only analyser (as for SolrCloud): `words`, `chars` and `en` hold the terms of
`indexer.analysis.terms` with their positions, several at one position included, and tantivy
never runs a tokenizer on them. The ID fields are indexed whole (raw) for the query tree's
filters; the facet fields are also string columns (exact terms aggregations). A few u64 columns
let a search count units and order by date without reading stored documents: 64-bit hashes of
the unit and block keys, 32-bit hashes of the facet values, and the day as YYYYMMDD.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator

import tantivy

from indexer.analysis.terms import Term, char_terms, english_terms, word_terms

SCHEMA_VERSION = 201  # tantivy's documents (this module), not Whoosh's (5) or Solr's (101)
ANALYSED: dict[str, Callable[[str], Iterator[Term]]] = {
    "words": word_terms,
    "chars": char_terms,
    "en": english_terms,
}
IDS = ("key", "doc", "unit", "symbol", "label", "kind")  # indexed whole, filters and lookups
FACETS = {  # string column -> filter name
    "lang": "lang",
    "committee_code": "committee",
    "year": "year",
    "session_key": "session",
    "doctype": "type",
}
PAIRED = ("committee_code", "year", "session_key", "doctype")  # may differ between languages
STORED = "stored"  # the block's stored fields as one JSON value
NOT_STORED = frozenset({*ANALYSED})
U64 = ("unit_id", "key_id", "symbol_id", "day_number", *(f"{n}_id" for n in ("lang", *PAIRED)))
_DAY = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in ANALYSED:
        builder.add_text_field(name, tokenizer_name="raw", index_option="position")
    for name in IDS:
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    for name in FACETS:
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=True)
    builder.add_text_field("day", tokenizer_name="raw", index_option="basic")
    for name in U64:
        builder.add_unsigned_field(name, fast=True, indexed=name in ("unit_id", "day_number"))
    builder.add_unsigned_field("order", indexed=True)
    builder.add_bytes_field(STORED, stored=True)
    return builder.build()


def hash64(text: str) -> int:
    """A stable 64-bit hash: two of 10^6 unit keys share one with odds of about 3 in 10^8."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def hash32(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "little")


def day_number(day: str, fill: int = 0) -> int:
    """YYYY[-MM[-DD]] as YYYYMMDD, missing parts `fill` (0 sorts a year before its days, 99
    after them: the same order as the strings); 0 for no date."""
    m = _DAY.fullmatch(day or "")
    if not m:
        return 0
    year, month, mday = m.groups()
    return int(year) * 10000 + int(month or fill) * 100 + int(mday or fill)


def document(fields: dict) -> tantivy.Document:
    """One block (`indexer.index.fields.block_fields`) as a tantivy document."""
    doc = tantivy.Document()
    for name, analyse in ANALYSED.items():
        text = fields.get(name) or ""
        tokens = [tantivy.Token(t, pos, start, end) for t, pos, start, end in analyse(text)]
        if tokens:
            doc.add_pre_tokenized_text(name, tantivy.PreTokenizedString(text, tokens))
    for name in (*IDS, *FACETS, "day"):
        value = fields.get(name)
        if value is not None:
            doc.add_text(name, str(value))
    doc.add_unsigned("unit_id", hash64(fields["unit"]))
    doc.add_unsigned("key_id", hash64(fields["key"]))
    doc.add_unsigned("symbol_id", hash64(fields["symbol"]))
    doc.add_unsigned("day_number", day_number(str(fields.get("day") or "")))
    for name in ("lang", *PAIRED):
        doc.add_unsigned(f"{name}_id", hash32(str(fields.get(name) or "")))
    doc.add_unsigned("order", int(fields.get("order") or 0))
    stored = {k: v for k, v in fields.items() if k not in NOT_STORED and v is not None}
    doc.add_bytes(STORED, json.dumps(stored, ensure_ascii=False).encode())
    return doc


def stored(doc: tantivy.Document) -> dict:
    """A block's stored fields, as the Whoosh reader returns them."""
    return json.loads(doc.get_first(STORED))
