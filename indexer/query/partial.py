"""Ranked partial matching: when too few units hold every typed word, a block may miss some.

The typed query becomes *words*, each one unit of coverage: a Latin keyword, a word of a Chinese
run (jieba's), or a glossary group (the typed words or any alternative). Quoted phrases and
document symbols are always required; question and function words are not counted (they only
add to the score). The query tree asks for at least `minimum` words (`AtLeast`), ranks by the
number of words matched, then BM25F, and adds a bonus where neighbouring words of the query
stand next to each other in the paragraph (proximity and exactness).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from indexer.analysis.function_words import is_function_word
from indexer.analysis.scan import has_cjk, scan
from indexer.analysis.segmenter import segment
from indexer.analysis.terms import english_units, phrase_units, relaxed_words
from indexer.query.highlight import Pattern, which_found
from indexer.query.parse import Clause, ParsedQuery
from indexer.query.plan import (
    clause_query,
    find_concept,
    function_clause,
    loose_words,
    patterns,
)
from indexer.query.tree import AndMaybe, AndNot, AtLeast, Node, Phrase, all_of, any_of

NEAR_BOOST = 0.5  # weight of a neighbouring pair of query words found side by side
MAX_GAP = 3  # stop words allowed between two English words of a neighbouring pair


@dataclass(frozen=True)
class Word:
    """One unit of coverage: what was typed, how it matches, what it highlights."""

    text: str
    node: Node
    patterns: tuple[Pattern, ...]


@dataclass(frozen=True)
class PartialPlan:
    """A query read as words, some of which a block may miss."""

    words: tuple[Word, ...]  # count toward the minimum
    required: tuple[Node, ...]  # quoted phrases and symbols
    optional: tuple[Node, ...]  # function words and neighbouring pairs: they only rank
    ignored: tuple[str, ...]  # the function words typed
    negatives: tuple[Node, ...]
    # Each word is one typed keyword, matched as the strict query matches it: asking for every
    # word finds what the strict query found, so that minimum need not be tried again.
    as_strict: bool = False

    @property
    def floor(self) -> int:
        """The fewest words a block must match: all of one or two, else half and at least two."""
        n = len(self.words)
        return n if n <= 2 else max(2, math.ceil(n / 2))

    def minimums(self) -> list[int]:
        """The minimums to try in turn: every word (unless that is the strict query), all but
        one, then the floor."""
        n = len(self.words)
        tried = {n, max(self.floor, n - 1), self.floor}
        if self.as_strict:
            tried.discard(n)
        return sorted(tried, reverse=True)

    def query(self, minimum: int, ranked: bool = True) -> Node | None:
        """The tree asking for `minimum` words; without `ranked`, the rank-only parts are left
        out (the same matches, cheaper: for counting them)."""
        if not self.words and not self.required:
            return None
        parts = list(self.required)
        if self.words:
            parts.append(AtLeast(tuple(w.node for w in self.words), minimum))
        q = all_of(parts)
        if self.optional and ranked:
            q = AndMaybe(q, any_of(list(self.optional)))
        if self.negatives:
            q = AndNot(q, any_of(list(self.negatives)))
        return q


def _word(text: str, glossary: bool = True) -> Word | None:
    """A word as a unit of coverage, with its glossary alternatives (产权组织 -> WIPO)."""
    clause = Clause(text)
    node = clause_query(clause)
    if node is None:
        return None
    pats = list(patterns(clause))
    concept = find_concept(text) if glossary else None
    if concept is not None:
        alternatives = [Clause(t, phrase=True) for t in concept.terms if t != text]
        nodes = [q for q in map(clause_query, alternatives) if q is not None]
        node = any_of([node, *nodes])
        pats.extend(p for c in alternatives for p in patterns(c))
    return Word(text, node, tuple(pats))


def _near_pairs(text: str) -> list[Node]:
    """Neighbouring content words of `text` as phrases: English stems with the stop words'
    gaps between them, consecutive jieba words of a Chinese run as their character run."""
    pairs: list[Node] = []
    for piece in scan(text):
        if piece.kind == "cjk":
            words = [w for w, _, _ in segment(piece.text)]
            for a, b in zip(words, words[1:], strict=False):
                if not (is_function_word(a) and is_function_word(b)):
                    units = phrase_units(a + b)
                    if len(units) > 1:
                        pairs.append(Phrase.of("chars", units, boost=NEAR_BOOST))
    english = english_units(" ".join(p.text for p in scan(text) if p.kind != "cjk"))
    at = [(i, u) for i, u in enumerate(english) if u is not None]
    for (i, a), (j, b) in zip(at, at[1:], strict=False):
        if j - i <= MAX_GAP:
            pairs.append(Phrase.of("en", [a, *[None] * (j - i - 1), b], boost=NEAR_BOOST))
    return pairs


def plan_partial(
    parsed: ParsedQuery, split_single: bool = False, glossary: bool = True
) -> PartialPlan:
    """The query's words, required parts and rank-only parts (see the module docstring).

    With `split_single`, a query of one long Chinese word is read as that word's shorter words
    (for a word that matched nothing as a whole). With `glossary`, the words of a Chinese run
    that name glossary concepts match any of the concept's terms too.
    """
    plan = _Planner(glossary)
    for group in parsed.groups:
        plan.add_group(group)
    if split_single:
        plan.split_single_word()
    return plan.finish(parsed)


@dataclass
class _Planner:
    """Collects a query's words group by group (plan_partial's state)."""

    glossary: bool
    as_strict: bool = True
    words: dict[str, Word] = field(default_factory=dict)
    required: list[Node] = field(default_factory=list)
    optional: list[Node] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    typed: list[str] = field(default_factory=list)

    def add_group(self, group: list[Clause]) -> None:
        nodes = [q for q in map(clause_query, group) if q is not None]
        if not nodes:
            return
        first = group[0]
        if any(c.symbol for c in group) or (len(group) == 1 and first.phrase):
            self.required.append(any_of(nodes))
            return
        self.typed.append(first.text)
        if first.loose:  # a glossary term typed as words: each word, or any of its terms
            self._loose(group)
        elif len(group) > 1:  # OR-ed keywords, or a glossary group: one word, any alternative
            pats = tuple(p for c in group for p in patterns(c))
            self.words.setdefault(first.text, Word(first.text, any_of(nodes), pats))
        elif function_clause(first):
            self.optional.extend(nodes)
            self.ignored.append(first.text)
        else:
            self._keyword(first)

    def _loose(self, group: list[Clause]) -> None:
        self.as_strict = False
        alternatives = [q for q in map(clause_query, group[1:]) if q is not None]
        alt_pats = [p for c in group[1:] for p in patterns(c)]
        for text in loose_words(group[0]):
            q = clause_query(Clause(text))
            if q is not None and text not in self.words:
                pats = tuple(patterns(Clause(text))) + tuple(alt_pats)
                self.words[text] = Word(text, any_of([q, *alternatives]), pats)

    def _keyword(self, clause: Clause) -> None:
        """A keyword: its jieba words (Chinese) or itself; function words only rank."""
        pieces = scan(clause.text)
        for piece in pieces:
            if piece.kind == "cjk":
                texts = [w for w, _, _ in segment(piece.text)]
            else:
                texts = [clause.text if len(pieces) == 1 else piece.text]
            if len(pieces) > 1 or texts != [clause.text]:
                self.as_strict = False  # a keyword read as several words
            for text in texts:
                self._word_of(text, self.glossary and len(texts) > 1)

    def _word_of(self, text: str, glossary: bool) -> None:
        if is_function_word(text):
            q = clause_query(Clause(text))
            if q is not None:
                self.optional.append(q)
            self.ignored.append(text)
        elif text not in self.words:
            word = _word(text, glossary)
            if word is not None:
                self.words[text] = word

    def split_single_word(self) -> None:
        """One long Chinese word that matched nothing: its shorter words instead."""
        if len(self.words) != 1 or self.required:
            return
        (only,) = self.words.values()
        if has_cjk(only.text) and len(only.text) >= 4:
            subs = [
                w for t in relaxed_words(only.text) if (w := _word(t, self.glossary)) is not None
            ]
            if len(subs) > 1:
                self.words = {w.text: w for w in subs}
                self.as_strict = False

    def finish(self, parsed: ParsedQuery) -> PartialPlan:
        self.optional.extend(_near_pairs(" ".join(self.typed)))
        negatives = tuple(q for q in map(clause_query, parsed.negatives) if q is not None)
        if not self.words and not self.required and self.optional:  # only function words
            ignored = dict.fromkeys(self.ignored)
            self.words = {t: w for t in ignored if (w := _word(t, False)) is not None}
            self.ignored, self.optional = [], []
            self.as_strict = False
        return PartialPlan(
            tuple(self.words.values()),
            tuple(self.required),
            tuple(self.optional),
            tuple(dict.fromkeys(self.ignored)),
            negatives,
            self.as_strict,
        )


def matched_words(plan: PartialPlan, texts: list[str]) -> list[str]:
    """The plan's words found in any of `texts` (a hit and its counterpart)."""
    found = [False] * len(plan.words)
    for text in texts:
        if text:
            hits = which_found(text, [w.patterns for w in plan.words])
            found = [a or b for a, b in zip(found, hits, strict=True)]
    return [w.text for w, yes in zip(plan.words, found, strict=True) if yes]
