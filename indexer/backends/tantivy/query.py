"""The neutral query tree (`indexer.query.tree`) as a tantivy query, node by node.

The same tree the embedded engine evaluates, so both match the same blocks:

- a Term on an analysed field (words, chars, en) is a term query scored by tantivy's BM25 times
  its boost; on an ID field (lang, symbol, kind, committee_code, year...) it only restricts
  (score 0), as the Whoosh index does not score ID fields either;
- a Phrase is a phrase query with the terms at their relative positions;
- And / Or / AndMaybe / AndNot are boolean queries (must / should / must+should / must+must_not);
- AtLeast is a boolean query of SHOULD clauses with a minimum number that must match, each
  child scored as its own score plus the tree's COVERAGE;
- Every matches every block (score 1, as the embedded engine gives), Nothing none.
"""

from __future__ import annotations

import tantivy

from indexer.backends.tantivy.schema import ANALYSED
from indexer.query import tree as qt

Q, Occur = tantivy.Query, tantivy.Occur


def to_tantivy(node: qt.Node, schema: tantivy.Schema) -> tantivy.Query:
    """The tantivy query for `node`."""
    match node:
        case qt.Term(field=field, text=text, boost=boost):
            term = Q.term_query(schema, field, text)
            if field not in ANALYSED:
                return Q.const_score_query(term, 0.0)
            return _boosted(term, boost)
        case qt.Phrase(field=field, terms=terms, positions=positions, boost=boost):
            if field not in ANALYSED:
                raise ValueError(f"Phrases are searched in analysed fields, not in {field!r}.")
            words = list(zip(positions, terms, strict=True))
            return _boosted(Q.phrase_query(schema, field, words), boost)
        case qt.And(children=children):
            return Q.boolean_query([(Occur.Must, to_tantivy(c, schema)) for c in children])
        case qt.Or(children=children):
            return Q.boolean_query([(Occur.Should, to_tantivy(c, schema)) for c in children])
        case qt.AndMaybe(required=required, optional=optional):
            return Q.boolean_query(
                [
                    (Occur.Must, to_tantivy(required, schema)),
                    (Occur.Should, to_tantivy(optional, schema)),
                ]
            )
        case qt.AndNot(positive=positive, negative=negative):
            return Q.boolean_query(
                [
                    (Occur.Must, to_tantivy(positive, schema)),
                    (Occur.MustNot, to_tantivy(negative, schema)),
                ]
            )
        case qt.Every():
            return Q.all_query()
        case qt.Nothing():
            return Q.empty_query()
        case qt.AtLeast(children=children, minimum=minimum):
            return at_least(children, minimum, schema)
    raise TypeError(f"{node!r} is not a query tree node.")


def at_least(children, minimum: int, schema: tantivy.Schema) -> tantivy.Query:
    """Blocks matching at least `minimum` of `children`; each matched child adds COVERAGE."""
    coverage = Q.const_score_query(Q.all_query(), qt.COVERAGE)
    covered = [
        (
            Occur.Should,
            Q.boolean_query([(Occur.Must, to_tantivy(c, schema)), (Occur.Must, coverage)]),
        )
        for c in children
    ]
    return Q.boolean_query(covered, minimum_number_should_match=max(1, minimum))


def _boosted(query: tantivy.Query, boost: float) -> tantivy.Query:
    return query if boost == 1.0 else Q.boost_query(query, float(boost))
