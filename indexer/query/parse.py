"""Parse what a user types into a structured query. Nothing typed here ever raises.

Syntax: plain keywords (all must match), ``"quoted phrases"``, ``a OR b``, ``-term`` or
``NOT term``, and the filters ``symbol:``, ``lang:``, ``committee:``, ``year:``,
``session:`` (``CDIP/19``) and ``type:`` (``report``). Wildcards,
ranges, fuzzy matching and grouping are not offered: their characters are read as spaces. A
lone quote is ignored; an unknown ``word:word`` (``Re:Search``) is an ordinary keyword.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.errors import QueryTooLong

MAX_QUERY_CHARS = 500
MAX_CLAUSES = 24
FILTERS = ("lang", "symbol", "committee", "year", "session", "type")

_TOKEN = re.compile(
    r'(?P<neg>-)?"(?P<phrase>[^"]*)"'  # "a phrase" (closed)
    rf"|(?P<fneg>-)?(?P<field>{'|'.join(FILTERS)}):(?P<value>\"[^\"]*\"|\S+)"
    r"|(?P<word>\S+)",
    re.I,
)
_NOISE = re.compile(r"[()\[\]{}*?~^\\!+<>=]")
_OPERAND = re.compile(r"(?<=\w)[~^]\d+(?:\.\d+)?")
# Syntax other engines offer and this one does not: said out loud, never an error.
_UNSUPPORTED = {
    "wildcard": re.compile(r"\w\*|\*\w|\w\?\w"),  # a question's final "?" is no wildcard
    "fuzzy": re.compile(r"\w~\d*(?!\S)"),
    "boost": re.compile(r"\w\^\d"),
}


@dataclass(frozen=True)
class Clause:
    """One thing to find: a keyword or an exact phrase."""

    text: str
    phrase: bool = False
    symbol: bool = False  # a document symbol the index holds: always required
    loose: bool = False  # several words, each required anywhere (a glossary term typed bare)


@dataclass
class ParsedQuery:
    """All `groups` must match (each group is satisfied by any of its clauses); no `negatives`."""

    groups: list[list[Clause]] = field(default_factory=list)
    negatives: list[Clause] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)  # syntax not offered: "wildcard", ...

    @property
    def positives(self) -> list[Clause]:
        return [c for group in self.groups for c in group]

    @property
    def empty(self) -> bool:
        return not self.groups and not self.filters


def parse_query(text: str) -> ParsedQuery:
    """Parse a user query; raises QueryTooLong only, never a syntax error."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryTooLong(
            f"The query is {len(text)} characters long; the limit is {MAX_QUERY_CHARS}."
        )
    text = text.replace("\x00", " ").replace("“", '"').replace("”", '"').replace("＂", '"')
    if text.count('"') % 2:  # a lone quote: drop the last one
        i = text.rfind('"')
        text = text[:i] + " " + text[i + 1 :]
    parsed = ParsedQuery()
    parsed.dropped = [kind for kind, pattern in _UNSUPPORTED.items() if pattern.search(text)]
    text = _OPERAND.sub("", text)  # the 2 of foo~2 and foo^2 is no keyword
    negate_next = False
    join_next = False
    for m in _TOKEN.finditer(text):
        if len(parsed.positives) + len(parsed.negatives) >= MAX_CLAUSES:
            break
        if m.group("field"):
            value = m.group("value").strip('"').strip()
            if value:
                parsed.filters.setdefault(m.group("field").lower(), []).append(value)
            continue
        if m.group("phrase") is not None:
            words = " ".join(_NOISE.sub(" ", m.group("phrase")).split())
            clauses = [Clause(words, phrase=True)] if words else []
            negative = bool(m.group("neg"))
        else:
            word = m.group("word")
            if word in ("OR", "|", "||"):
                join_next = bool(parsed.groups)
                continue
            if word in ("AND", "&&"):
                continue
            if word == "NOT":
                negate_next = True
                continue
            negative = word.startswith("-") and len(word) > 1
            pieces = _NOISE.sub(" ", word[1:] if negative else word).split()
            clauses = [Clause(p.strip("-:")) for p in pieces if p.strip("-:")]
        negative = negative or negate_next
        negate_next = False
        if not clauses:
            continue
        if negative:
            parsed.negatives.extend(clauses)
        elif join_next:
            parsed.groups[-1].extend(clauses[:1])
            parsed.groups.extend([c] for c in clauses[1:])
        else:
            parsed.groups.extend([c] for c in clauses)
        join_next = False
    return parsed
