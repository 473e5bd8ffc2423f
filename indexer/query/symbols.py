"""Document symbols in a query, however typed, resolved against what the index holds.

A symbol typed without its organisation prefix (`GA/55/3` for `WO/GA/55/3`), with an extra one
(`A/RES/72/279` for resolution `72/279`), with spaces or full-width characters for its slashes,
in lower case, or glued to Chinese text (`见文件CDIP/16/8`, `大会第70/1号决议`) becomes the whole
symbol as the index has it, and only that: `CDIP/17/8` never matches `CDIP/16/8`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping

from indexer.ingest.symbols import EMBEDDED, symbol_variant
from indexer.query.parse import Clause, ParsedQuery

MAX_RUN = 6  # keywords that may together spell one symbol (`WO PBC 34 12`)


def resolve(symbol: str, known: Iterable[str]) -> list[str]:
    """The known symbols `symbol` names: itself, else those it is the tail of (a missing
    prefix), else the known tail it ends with (an extra prefix). Case-insensitive."""
    wanted = symbol.casefold()
    by_folded = {k.casefold(): k for k in known if "/" in k}
    if wanted in by_folded:
        return [by_folded[wanted]]
    longer = sorted(k for f, k in by_folded.items() if f.endswith("/" + wanted))
    if longer:
        return longer
    shorter = [k for f, k in by_folded.items() if wanted.endswith("/" + f)]
    return sorted(shorter, key=len, reverse=True)[:1]


def document_symbol(text: str, documents: Iterable[str]) -> str | None:
    """The indexed document `text` names as a whole (a unique match), else None."""
    canonical = symbol_variant(text)
    if canonical is None:
        return None
    found = resolve(canonical, documents)
    return found[0] if len(found) == 1 else None


def _clauses_for(symbol: str, terms: Mapping[str, int]) -> list[Clause] | None:
    found = resolve(symbol, (t for t in terms if "/" in t))
    return [Clause(t, symbol=True) for t in found] or None


def _split_glued(clause: Clause, terms: Mapping[str, int]) -> list[list[Clause]]:
    """A keyword with a symbol glued to other text: the text around it, and the symbol."""
    text = unicodedata.normalize("NFKC", clause.text)
    groups: list[list[Clause]] = []
    at = 0
    for m in EMBEDDED.finditer(text):
        canonical = symbol_variant(m.group())
        resolved = _clauses_for(canonical, terms) if canonical else None
        if resolved is None:
            continue
        if text[at : m.start()].strip():
            groups.append([Clause(text[at : m.start()].strip())])
        groups.append(resolved)
        at = m.end()
    if not groups:
        return [[clause]]
    if text[at:].strip():
        groups.append([Clause(text[at:].strip())])
    return groups


def _symbol_part(word: str) -> bool:
    """Could be one part of a symbol typed with spaces (`WO`, `PBC`, `34`, `17/8`)."""
    return len(word) <= 8 or any(ch.isdigit() for ch in word)


def might_hold_symbol(parsed: ParsedQuery) -> bool:
    """Whether any keyword has a digit (no symbol is without one): only then is the index's
    vocabulary needed."""
    return any(
        not c.phrase and any(ch.isdigit() for ch in c.text) for g in parsed.groups for c in g
    )


def resolve_symbols(
    parsed: ParsedQuery, terms: Mapping[str, int] | Callable[[], Mapping[str, int]]
) -> ParsedQuery:
    """Symbols typed in the query as the index's own symbol terms (`terms`: the vocabulary of
    the words field, or a function returning it, called only when a keyword has a digit);
    keywords that spell no known symbol are left as they are."""
    if not might_hold_symbol(parsed):
        return parsed
    if callable(terms):
        terms = terms()
    groups: list[list[Clause]] = []
    i = 0
    plain = [len(g) == 1 and not g[0].phrase for g in parsed.groups]
    while i < len(parsed.groups):
        group = parsed.groups[i]
        if not plain[i]:
            groups.append(group)
            i += 1
            continue
        done = False
        for n in range(min(MAX_RUN, len(parsed.groups) - i), 0, -1):
            run = [g[0].text for g in parsed.groups[i : i + n]]
            if not all(plain[i : i + n]) or (n > 1 and not all(map(_symbol_part, run))):
                continue
            canonical = symbol_variant(" ".join(run))
            resolved = _clauses_for(canonical, terms) if canonical else None
            if resolved:
                groups.append(resolved)
                i += n
                done = True
                break
        if not done:
            groups.extend(_split_glued(group[0], terms))
            i += 1
    return ParsedQuery(groups, parsed.negatives, parsed.filters)
