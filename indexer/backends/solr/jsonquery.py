"""The query tree as Solr's JSON Query DSL, and Lucene-syntax escaping.

Every user value goes into the DSL as a separate string, which Solr passes to the query parser
as a dereferenced parameter (`v=$_tt0`): no value is ever spliced into query syntax, so no
character of a term needs escaping there. Terms use `{!term}` (the value is the indexed term,
no analysis); phrases use `{!field}` over a pre-analysed field, whose query analyzer reads the
same JSON as indexing does, so the phrase keeps the positions it was given.
"""

from __future__ import annotations

import json
import re

from indexer.backends.solr.querytree import (
    And,
    Boost,
    Filter,
    MatchAll,
    Node,
    Not,
    Or,
    Phrase,
    Term,
)

PREANALYZED_FIELDS = frozenset({"words", "chars", "en"})
_SEPARATOR = "\x1f"  # between a filter's values: a character no value may hold
_MATCH_ALL = {"lucene": {"query": "*:*"}}
_LUCENE_SPECIAL = re.compile(r'([\\+\-!():^\[\]"{}~*?|&/;]|\s)')


def to_dsl(node: Node) -> dict:
    """The JSON Query DSL object for `node`."""
    match node:
        case Term(field=field, text=text):
            return {"term": {"f": field, "query": text}}
        case Phrase(field=field, terms=terms, positions=positions):
            if field not in PREANALYZED_FIELDS:
                fields = ", ".join(sorted(PREANALYZED_FIELDS))
                raise ValueError(f"Phrases are searched in {fields}, not in {field!r}.")
            return {"field": {"f": field, "query": phrase_json(terms, positions)}}
        case Filter(field=field, values=values):
            if any(_SEPARATOR in value for value in values):
                raise ValueError(f"A filter value on {field!r} holds a control character.")
            joined = _SEPARATOR.join(values)
            return {"terms": {"f": field, "separator": _SEPARATOR, "query": joined}}
        case And(children=children):
            must = [to_dsl(c) for c in children if not isinstance(c, Not | Filter)]
            filters = [to_dsl(c) for c in children if isinstance(c, Filter)]
            must_not = [to_dsl(c.child) for c in children if isinstance(c, Not)]
            clauses: dict = {}
            if must:
                clauses["must"] = must
            if filters or not must:
                clauses["filter"] = filters or [_MATCH_ALL]
            if must_not:
                clauses["must_not"] = must_not
            return {"bool": clauses}
        case Or(children=children):
            return {"bool": {"should": [to_dsl(c) for c in children]}}
        case Not(child=child):
            return {"bool": {"filter": [_MATCH_ALL], "must_not": [to_dsl(child)]}}
        case Boost(child=child, weight=weight):
            return {"boost": {"query": to_dsl(child), "b": repr(float(weight))}}
        case MatchAll():
            return dict(_MATCH_ALL)
    raise TypeError(f"{node!r} is not a query tree node.")


def phrase_json(terms, positions) -> str:
    """A phrase's terms as PreAnalyzedField JSON (position increments from `positions`)."""
    tokens = []
    last = positions[0] - 1
    for term, pos in zip(terms, positions, strict=True):
        tokens.append({"t": term, "i": pos - last})
        last = pos
    return json.dumps({"v": "1", "tokens": tokens}, ensure_ascii=False, separators=(",", ":"))


def escape_lucene(value: str) -> str:
    """`value` as one literal term in Lucene syntax (special characters and spaces escaped)."""
    return _LUCENE_SPECIAL.sub(r"\\\1", value)


def lucene_terms(field: str, values) -> str:
    """A Lucene-syntax query matching documents whose `field` holds any of `values`."""
    escaped = [escape_lucene(v) for v in values]
    if not escaped:
        raise ValueError(f"No values to match in {field!r}.")
    return f"{field}:({' OR '.join(escaped)})"
