"""What the index stores for each block: one flat record per paragraph, heading, annex block
or title, the same for every backend (each declares their types in its own schema)."""

from __future__ import annotations

from collections.abc import Iterator

from indexer.ingest.corpus import Document
from indexer.ingest.facets import document_day, document_type, session_key
from indexer.ingest.keys import block_key, unit_key

TEXT_FIELDS = ("words", "chars", "en")  # analysed from the block's text


def block_fields(doc: Document) -> Iterator[dict]:
    """The fields of every block of a document version."""
    meta = doc.meta
    facets = {
        "doctype": document_type(meta.symbol, [meta.title]),
        "session_key": session_key(meta.committee_code, meta.session),
        "day": document_day(meta.date, meta.meeting),
    }
    for order, block in enumerate(doc.blocks):
        yield {
            "key": block_key(meta.symbol, meta.lang, block.label),
            "doc": doc.key,
            "unit": unit_key(meta.symbol, block.label),
            "symbol": meta.symbol,
            "lang": meta.lang,
            "label": block.label,
            "kind": block.kind,
            "order": order,
            "number": block.number if block.number is not None else -1,
            "section": block.section,
            "body": block.text,
            **{name: block.text for name in TEXT_FIELDS},
            "title": meta.title,
            "committee": meta.committee,
            "committee_code": meta.committee_code,
            "session": meta.session,
            "date": meta.date,
            "year": meta.year,
            "meeting": meta.meeting,
            "original_language": meta.original_language,
            "source": doc.source,
            "sha256": doc.sha256,
            **facets,
        }
