"""The Whoosh schema: one index document per block (paragraph, heading, annex page, title)."""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from indexer.analysis.terms import CharAnalyzer, EnglishAnalyzer, WordAnalyzer
from indexer.ingest.corpus import Document
from indexer.ingest.facets import document_day, document_type, session_key

SCHEMA_VERSION = 5  # 5: symbol sortable; doctype, session_key and day columns


def build_schema() -> Schema:
    return Schema(
        key=ID(stored=True, unique=True),  # symbol|lang|label
        doc=ID(stored=True),  # symbol|lang: what an update replaces
        unit=ID(stored=True, sortable=True),  # symbol|label: the bilingual unit
        symbol=ID(stored=True, sortable=True),
        lang=ID(stored=True, sortable=True),
        label=ID(stored=True),
        kind=ID(stored=True),
        order=NUMERIC(stored=True, sortable=True),
        number=NUMERIC(stored=True, sortable=True),
        section=STORED,
        body=STORED,
        words=TEXT(analyzer=WordAnalyzer(), phrase=True),
        chars=TEXT(analyzer=CharAnalyzer(), phrase=True),
        en=TEXT(analyzer=EnglishAnalyzer(), phrase=True),
        title=STORED,
        committee=STORED,
        committee_code=ID(stored=True, sortable=True),
        session=STORED,
        date=STORED,
        year=ID(stored=True, sortable=True),
        meeting=STORED,
        original_language=STORED,
        source=STORED,
        sha256=STORED,
        doctype=ID(stored=True, sortable=True),  # report, working-document, decision…
        session_key=ID(stored=True, sortable=True),  # CDIP/19
        day=ID(stored=True, sortable=True),  # YYYY-MM-DD (or YYYY): sorts and filters by date
    )


def block_fields(doc: Document) -> Iterator[dict]:
    """The Whoosh fields of every block of a document."""
    meta = doc.meta
    facets = {
        "doctype": document_type(meta.symbol, [meta.title]),
        "session_key": session_key(meta.committee_code, meta.session),
        "day": document_day(meta.date, meta.meeting),
    }
    for order, block in enumerate(doc.blocks):
        yield {
            "key": f"{meta.symbol}|{meta.lang}|{block.label}",
            "doc": doc.key,
            "unit": f"{meta.symbol}|{block.label}",
            "symbol": meta.symbol,
            "lang": meta.lang,
            "label": block.label,
            "kind": block.kind,
            "order": order,
            "number": block.number if block.number is not None else -1,
            "section": block.section,
            "body": block.text,
            "words": block.text,
            "chars": block.text,
            "en": block.text,
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
