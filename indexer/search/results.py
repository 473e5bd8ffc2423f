"""What a search returns: hits with highlights and counterparts, pages, document views."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields

from indexer.backends.base import Stored
from indexer.query.highlight import Pattern, Segment, fragment, match_spans, segments, to_html
from indexer.query.parse import ParsedQuery, parse_query
from indexer.query.plan import Expansion, expand, patterns


@dataclass(frozen=True)
class Hit:
    """One matching block."""

    symbol: str
    lang: str
    paragraph: str  # the label: "11", "h3", "annex-1", "title"
    kind: str
    title: str
    section: str
    score: float
    text: str
    highlight: str  # escaped HTML, matches in <mark>
    segments: list[Segment] = field(default_factory=list, compare=False)
    date: str = ""
    committee: str = ""
    counterpart: Hit | None = None  # the same paragraph in the other language
    day: str = ""  # YYYY-MM-DD (or YYYY): the date, else the meeting's first day
    doctype: str = ""  # report, working-document, …
    matched: list[str] = field(default_factory=list)  # typed words found, when not all were

    @classmethod
    def of(
        cls,
        stored: Stored,
        score: float | None,
        pats: list[Pattern],
        counterpart: Hit | None = None,
        matched: list[str] | None = None,
    ) -> Hit:
        text = stored["body"]
        segs = fragment(text, match_spans(text, pats))
        return cls(
            symbol=stored["symbol"],
            lang=stored["lang"],
            paragraph=stored["label"],
            kind=stored["kind"],
            title=stored["title"],
            section=stored.get("section", ""),
            score=round(float(score or 0.0), 4),
            text=text,
            highlight=to_html(segs),
            segments=segs,
            date=stored.get("date", ""),
            committee=stored.get("committee", ""),
            counterpart=counterpart,
            day=stored.get("day", ""),
            doctype=stored.get("doctype", ""),
            matched=list(matched or []),
        )

    def to_json(self) -> dict:
        skip = ("segments", "counterpart")  # asdict would deep-copy them only to drop them
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}
        data["counterpart"] = self.counterpart.to_json() if self.counterpart else None
        return data


@dataclass
class Relaxation:
    """Not every typed word was required: at least `minimum` of `words` content words, and
    the question and function words `ignored`; `dropped`: the words the best hit lacks.
    `words` is 0 when only function words were left out of a strict match."""

    minimum: int
    words: int
    dropped: list[str]
    ignored: list[str]
    terms: list[str] = field(default_factory=list)  # the content words, as typed

    @property
    def separately(self) -> bool:
        """Every word was required, but not as typed (a long Chinese keyword's words)."""
        return self.minimum == self.words and self.words > 0

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Citation:
    """A typed citation: the document and the paragraphs it names (all in the index)."""

    symbol: str
    labels: tuple[str, ...]

    @property
    def paragraph(self) -> str:
        return self.labels[0] if len(self.labels) == 1 else f"{self.labels[0]}-{self.labels[-1]}"

    def to_json(self) -> dict:
        return {"symbol": self.symbol, "paragraph": self.paragraph, "paragraphs": list(self.labels)}


@dataclass(frozen=True)
class DocumentCard:
    """A document at a glance, shown above the results when the query names it."""

    symbol: str
    titles: dict[str, str]  # lang -> title
    date: str
    committee: str
    session: str
    paragraphs: int  # numbered paragraphs (units)
    languages: list[str]

    @classmethod
    def of(cls, doc: DocumentView) -> DocumentCard:
        first = doc.versions[doc.languages[0]]
        units = {b.paragraph for b in doc.blocks if b.kind == "paragraph"}
        return cls(
            doc.symbol,
            {lang: version["title"] for lang, version in doc.versions.items()},
            first["date"],
            first["committee"],
            str(first["session"]),
            len(units),
            doc.languages,
        )

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SearchPage:
    """One page of results for a query."""

    query: str
    total: int
    page: int
    page_size: int
    hits: list[Hit]
    took_ms: float
    relaxed: Relaxation | None = None  # not every typed word was required
    symbol: str | None = None  # the query names a document that is in the index
    sections: list[Hit] = field(default_factory=list)  # matching headings and titles (page 1)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # lang/committee/year counts
    expansions: list[Expansion] = field(default_factory=list)  # what the glossary added
    sort: str = "relevance"
    group: bool = False
    more: dict[str, int] = field(default_factory=dict)  # grouped: symbol -> hits not shown
    listed: int | None = None  # grouped: entries in the whole list (pages count these)
    citation: Citation | None = None  # the query cites paragraphs of an indexed document
    document: DocumentCard | None = None  # the document the query names
    suggestion: str | None = None  # "did you mean": the query with unknown words corrected
    suggestion_applied: bool = False  # the typed query found nothing: hits are the suggestion's
    dropped: list[str] = field(default_factory=list)  # syntax not offered: "wildcard", ...

    @property
    def pages(self) -> int:
        shown = self.total if self.listed is None else self.listed
        return max(1, -(-shown // self.page_size))

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "page_size": self.page_size,
            "took_ms": round(self.took_ms, 1),
            "relaxed": self.relaxed.to_json() if self.relaxed else None,
            "symbol": self.symbol,
            "citation": self.citation.to_json() if self.citation else None,
            "document": self.document.to_json() if self.document else None,
            "suggestion": self.suggestion,
            "suggestion_applied": self.suggestion_applied,
            "dropped_syntax": self.dropped,
            "searched": searched_text(self.query) if self.dropped else None,
            "hits": [hit.to_json() for hit in self.hits],
            "sections": [hit.to_json() for hit in self.sections],
            "facets": self.facets,
            "expansions": [{"typed": e.typed, "added": list(e.added)} for e in self.expansions],
            "sort": self.sort,
            "group": self.group,
            "more": self.more,
        }


@dataclass(frozen=True)
class BlockView:
    """A block of a document as shown on its page."""

    symbol: str
    lang: str
    paragraph: str
    kind: str
    section: str
    text: str
    order: int

    @classmethod
    def of(cls, stored: Stored) -> BlockView:
        return cls(
            stored["symbol"],
            stored["lang"],
            stored["label"],
            stored["kind"],
            stored.get("section", ""),
            stored["body"],
            stored["order"],
        )

    def to_json(self) -> dict:
        return asdict(self)


VERSION_FIELDS = (
    "title",
    "committee",
    "session",
    "date",
    "meeting",
    "original_language",
    "source",
    "day",
    "doctype",
)


@dataclass(frozen=True)
class DocumentView:
    """A document (all its language versions) as stored in the index."""

    symbol: str
    versions: dict[str, dict]  # lang -> metadata (title, committee, session, date, ...)
    blocks: list[BlockView]

    @classmethod
    def of(cls, symbol: str, stored: list[Stored]) -> DocumentView:
        stored = sorted(stored, key=lambda s: (s["lang"], s["order"]))
        versions: dict[str, dict] = {}
        for s in stored:
            versions.setdefault(s["lang"], {k: s.get(k, "") for k in VERSION_FIELDS})
        return cls(symbol, versions, [BlockView.of(s) for s in stored])

    @property
    def languages(self) -> list[str]:
        return sorted(self.versions)

    def to_json(self) -> dict:
        first = self.versions[self.languages[0]]
        return {
            "symbol": self.symbol,
            "title": first["title"],
            "committee": first["committee"],
            "session": first["session"],
            "date": first["date"],
            "languages": self.languages,
            "versions": self.versions,
            "paragraphs": [b.to_json() for b in self.blocks],
        }


@dataclass(frozen=True)
class DocumentSummary:
    """A document as a listing shows it: both titles, date, languages, paragraph count."""

    symbol: str
    titles: dict[str, str]  # lang -> title as the document states it
    committees: dict[str, str]  # lang -> committee name
    committee: str  # the code: CDIP
    session: str  # the session key: CDIP/19
    date: str  # the date as stated ("" if none)
    day: str  # YYYY-MM-DD (or YYYY) from the date, else from the meeting's first day
    year: str
    doctype: str
    languages: list[str]
    paragraphs: int  # numbered paragraphs of the version with most

    @classmethod
    def of(cls, symbol: str, versions: dict[str, dict]) -> DocumentSummary:
        first = versions[sorted(versions)[0]]
        return cls(
            symbol=symbol,
            titles={lang: v.get("title", "") for lang, v in sorted(versions.items())},
            committees={lang: v.get("committee", "") for lang, v in sorted(versions.items())},
            committee=first.get("committee_code", ""),
            session=first.get("session_key", ""),
            date=next((v["date"] for v in versions.values() if v.get("date")), ""),
            day=max((v.get("day", "") for v in versions.values()), default=""),
            year=first.get("year", ""),
            doctype=first.get("doctype", ""),
            languages=sorted(versions),
            paragraphs=max(v.get("paragraphs", 0) for v in versions.values()),
        )

    def to_json(self) -> dict:
        return asdict(self)


def searched_text(query: str) -> str:
    """The query as searched, without the syntax this engine does not offer."""
    try:
        parsed = parse_query(query)
    except ValueError:
        return query
    return " ".join(f'"{c.text}"' if c.phrase else c.text for g in parsed.groups for c in g[:1])


def highlighter(query: str, expand_terms: bool = True) -> Callable[[str], list[Segment]]:
    """A function marking the query's matches in whole texts (the query is parsed once)."""
    try:
        parsed = parse_query(query)
    except ValueError:
        parsed = ParsedQuery()
    if expand_terms:
        parsed, _ = expand(parsed)
    pats = [p for c in parsed.positives for p in patterns(c)]
    return lambda text: segments(text, match_spans(text, pats))
