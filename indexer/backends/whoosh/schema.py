"""The Whoosh schema: one index document per block (paragraph, heading, annex page, title)."""

from __future__ import annotations

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from indexer.backends.whoosh.analyzers import CharAnalyzer, EnglishAnalyzer, WordAnalyzer

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
