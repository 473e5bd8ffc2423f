"""The neutral query tree (`indexer.query.tree`) as Solr's JSON Query DSL.

The same tree the embedded engine evaluates, so both match the same blocks:

- a Term on an analysed field (words, chars, en) is `{!term}` on the pre-analysed field, scored
  by BM25 and multiplied by its boost; on any other field (lang, symbol, kind, committee_code,
  year...) it only restricts (a filter clause, score 0), as the embedded index does not score
  ID fields;
- a Phrase is `{!field}` with the terms as pre-analysed JSON at their relative positions;
- And / Or / AndMaybe / AndNot are bool queries (must / should / must+should / must+must_not);
- AtLeast is a bool of SHOULD clauses with `mm` = its minimum, each child scored as its own
  score plus the tree's COVERAGE (a function query in a MUST clause next to the child);
- Every is `*:*` (score 1, as the embedded engine gives), Nothing matches no document.

Values never enter query syntax: each is a separate JSON string (see `jsonquery`).
"""

from __future__ import annotations

from indexer.backends.solr.jsonquery import PREANALYZED_FIELDS, phrase_json
from indexer.query import tree as qt

_MATCH_ALL = {"lucene": {"query": "*:*"}}


def to_solr(node: qt.Node) -> dict:
    """The JSON Query DSL object for `node`."""
    match node:
        case qt.Term(field=field, text=text, boost=boost):
            term = {"term": {"f": field, "query": text}}
            if field not in PREANALYZED_FIELDS:
                return {"bool": {"filter": [term]}}
            return _boosted(term, boost)
        case qt.Phrase(field=field, terms=terms, positions=positions, boost=boost):
            if field not in PREANALYZED_FIELDS:
                raise ValueError(f"Phrases are searched in analysed fields, not in {field!r}.")
            return _boosted({"field": {"f": field, "query": phrase_json(terms, positions)}}, boost)
        case qt.And(children=children):
            return {"bool": {"must": [to_solr(c) for c in children]}}
        case qt.Or(children=children):
            return {"bool": {"should": [to_solr(c) for c in children]}}
        case qt.AndMaybe(required=required, optional=optional):
            return {"bool": {"must": [to_solr(required)], "should": [to_solr(optional)]}}
        case qt.AndNot(positive=positive, negative=negative):
            return {"bool": {"must": [to_solr(positive)], "must_not": [to_solr(negative)]}}
        case qt.Every():
            return dict(_MATCH_ALL)
        case qt.Nothing():
            return {"bool": {"filter": [_MATCH_ALL], "must_not": [_MATCH_ALL]}}
        case qt.AtLeast(children=children, minimum=minimum):
            return at_least(children, minimum)
    raise TypeError(f"{node!r} is not a query tree node.")


def at_least(children, minimum: int) -> dict:
    """Blocks matching at least `minimum` of `children`; each matched child adds COVERAGE."""
    covered = [
        {"bool": {"must": [to_solr(c), {"func": {"query": repr(float(qt.COVERAGE))}}]}}
        for c in children
    ]
    return {"bool": {"should": covered, "mm": str(max(1, minimum))}}


def _boosted(query: dict, boost: float) -> dict:
    if boost == 1.0:
        return query
    return {"boost": {"query": query, "b": repr(float(boost))}}
