"""How a parsed query becomes a query tree, glossary expansions and highlight patterns.

Each clause (a keyword or a quoted phrase) matches its exact character run (`chars`), ranks
higher when it also matches as jieba words (`words`), and, when it is English, matches stemmed
English words (`en`). Glossary expansion turns a clause that names a glossary concept into
"any of the concept's terms" in both languages (WIPO -> 产权组织, 世界知识产权组织).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from indexer.analysis.function_words import is_function_word
from indexer.analysis.glossary import Concept, load_glossary
from indexer.analysis.normalize import fold_query_text
from indexer.analysis.scan import has_cjk, scan
from indexer.analysis.terms import (
    STOP_WORDS,
    english_units,
    phrase_units,
    query_words,
)
from indexer.ingest.symbols import SymbolError, normalize_symbol
from indexer.query.highlight import Pattern
from indexer.query.parse import Clause, ParsedQuery
from indexer.query.tree import (
    AndMaybe,
    AndNot,
    Every,
    Node,
    Nothing,
    Phrase,
    Term,
    all_of,
    any_of,
    scaled,
)

WORDS_BOOST = 2.0  # a match on jieba words ranks above a match on characters only
# A glossary term typed as bare words matches those words anywhere (an expansion never
# narrows), scored below a match of one of the concept's terms as a whole.
SCATTERED_WEIGHT = 0.5
MAX_GLOSSARY_WORDS = 8  # longest glossary term, in query keywords, that expansion looks for
# Acronyms that are also ordinary English words expand only when typed in capitals.
_COMMON_WORDS = set(STOP_WORDS) | {"who", "ace", "fit", "it", "us", "can", "may", "abc", "ip"}


@dataclass(frozen=True)
class Expansion:
    """What the glossary added for one part of the query."""

    typed: str
    added: tuple[str, ...]


def _key(term: str, exact_case: bool = False) -> str:
    folded = " ".join(fold_query_text(term).split())
    return ("=" + term) if exact_case else folded


def _case_sensitive(term: str) -> bool:
    return term.isascii() and term.isupper() and term.lower() in _COMMON_WORDS


@functools.cache
def _lookup() -> dict[str, Concept]:
    table: dict[str, Concept] = {}
    for concept in load_glossary():
        for term in concept.terms:
            table.setdefault(_key(term, _case_sensitive(term)), concept)
    return table


def find_concept(text: str) -> Concept | None:
    """The glossary concept `text` names, if any (case-insensitive except for word-acronyms)."""
    table = _lookup()
    return table.get("=" + text) or (
        None if text.lower() in _COMMON_WORDS else table.get(_key(text))
    )


def expand(parsed: ParsedQuery) -> tuple[ParsedQuery, list[Expansion]]:
    """Replace keywords that name glossary concepts by all of the concept's terms.

    Quoted phrases are never expanded: they ask for exactly what they say.
    """
    groups, expansions = [], []
    i = 0
    while i < len(parsed.groups):
        group = parsed.groups[i]
        match = None
        if len(group) == 1 and not group[0].phrase:  # a quoted phrase means exactly that
            # The longest run of single keywords that names a concept ("Open Working Group").
            for n in range(min(MAX_GLOSSARY_WORDS, len(parsed.groups) - i), 0, -1):
                run = parsed.groups[i : i + n]
                if any(len(g) != 1 or g[0].phrase for g in run):
                    continue
                typed = " ".join(g[0].text for g in run)
                concept = find_concept(typed)
                if concept:
                    match = (concept, n, typed)
                    break
        if match is None:
            groups.append(group)
            i += 1
            continue
        concept, n, typed = match
        typed_key = _key(typed)
        terms = [t for t in concept.terms if _key(t) != typed_key]
        # The typed words stay what they were (all required, anywhere); the concept's other
        # terms are alternatives: an expansion never narrows a query.
        first = Clause(typed, loose=n > 1)
        groups.append([first] + [Clause(t, phrase=True) for t in terms])
        expansions.append(Expansion(typed, tuple(terms)))
        i += n
    return ParsedQuery(groups, parsed.negatives, parsed.filters), expansions


def loose_words(clause: Clause) -> list[str]:
    """The words of a loose clause that must each match (function words only if all are)."""
    words = clause.text.split()
    return [w for w in words if not is_function_word(w.lower())] or words


def function_clause(clause: Clause) -> bool:
    """An unquoted keyword made of question or function words only (`how`, `the`, `如何`)."""
    if clause.phrase or clause.symbol:
        return False
    pieces = scan(clause.text)
    return bool(pieces) and all(is_function_word(p.text) for p in pieces)


def patterns(clause: Clause) -> list[Pattern]:
    """What a clause highlights: its exact character run, and its English stems."""
    if clause.loose:
        return [p for word in loose_words(clause) for p in patterns(Clause(word))]
    found: list[Pattern] = []
    units = phrase_units(clause.text)
    if units:
        found.append(("chars", units))
    if not has_cjk(clause.text):
        english = english_units(clause.text)
        if english:
            found.append(("en", english))
    return found


def clause_query(clause: Clause) -> Node | None:
    """Characters for recall, jieba words for ranking, stems for English.

    A quoted phrase, or a keyword mixing scripts, must match as an exact run (positions are
    checked). An unquoted Chinese keyword must contain all of its character pairs, which for
    Chinese text is practically the same and several times cheaper to evaluate.
    """
    if clause.loose:  # every word, anywhere, ranked below the concept's terms as such
        parts = [q for q in (clause_query(Clause(w)) for w in loose_words(clause)) if q]
        return scaled(all_of(parts), SCATTERED_WEIGHT) if parts else None
    units = phrase_units(clause.text)
    if not units:
        return None
    words_q = Phrase.of("words", query_words(clause.text), boost=WORDS_BOOST)
    if not clause.phrase and len(scan(clause.text)) == 1 and has_cjk(clause.text):
        # Every character pair must be there; the jieba-word match only ranks.
        return AndMaybe(all_of([Term("chars", u) for u in units]), words_q)
    if has_cjk(clause.text):
        return any_of([words_q, Phrase.of("chars", units)])
    # Latin words and numbers: `chars` holds the same tokens as `words`; add stemmed English.
    english = english_units(clause.text)
    return any_of([words_q, Phrase.of("en", english)]) if english else words_q


FILTER_FIELDS = {
    "symbol": "symbol",
    "lang": "lang",
    "committee": "committee_code",
    "year": "year",
    "session": "session_key",
    "type": "doctype",
}


def _filter_value(name: str, value: str) -> str | None:
    """The indexed form of a filter value (None: it can match nothing)."""
    if name == "symbol":
        try:
            return normalize_symbol(value)
        except SymbolError:
            return None
    return {
        "lang": value.lower(),
        "committee": value.upper(),
        "session": value.upper().replace(" ", "/"),
        "type": value.lower(),
    }.get(name, value)


def filter_query(filters: dict[str, list[str]]) -> Node | None:
    """Filters as a query (values of one filter OR-ed, filters AND-ed)."""
    parts: list[Node] = []
    for name, values in filters.items():
        if name not in FILTER_FIELDS or not values:
            continue
        terms: list[Node] = []
        for value in values:
            indexed = _filter_value(name, value)
            terms.append(Nothing() if indexed is None else Term(FILTER_FIELDS[name], indexed))
        parts.append(any_of(terms))
    return all_of(parts) if parts else None


def build_query(parsed: ParsedQuery) -> tuple[Node | None, list]:
    """The query tree for a parsed query, and the highlight patterns of its positive parts.

    Keywords that are question or function words (`how`, `the`, `如何`) are not required
    (unless nothing else was typed); where they occur, they add to the score.
    """
    musts, pats, optional = [], [], []
    function_only = [len(g) == 1 and function_clause(g[0]) for g in parsed.groups]
    for group, function in zip(parsed.groups, function_only, strict=True):
        alternatives = []
        for clause in group:
            q, clause_pats = clause_query(clause), patterns(clause)
            if q is not None:
                alternatives.append(q)
                pats.extend(clause_pats)
        if not alternatives:
            continue
        if function and not all(function_only):
            optional.extend(alternatives)
        else:
            musts.append(any_of(alternatives))
    if not musts and not parsed.filters:
        return None, []
    positive = all_of(musts) if musts else Every()
    if optional and musts:
        positive = AndMaybe(positive, any_of(optional))
    negatives = [q for q in map(clause_query, parsed.negatives) if q is not None]
    if negatives:
        positive = AndNot(positive, any_of(negatives))
    return positive, pats
