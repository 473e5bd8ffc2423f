"""A query as the backends evaluate it: a small tree of terms, phrases and boolean nodes.

Planning (indexer.query.plan) builds it from what the user typed; each backend evaluates it
in its own way (numpy over Whoosh's posting lists, or Solr's JSON query DSL) to the same set of
matching blocks, ranked by BM25.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Term:
    """Blocks whose `field` holds `text` (an analysed term)."""

    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    """Blocks holding `terms` at the relative `positions` (0, 1, 2… when consecutive)."""

    field: str
    terms: tuple[str, ...]
    positions: tuple[int, ...]
    boost: float = 1.0

    @classmethod
    def of(cls, field: str, units: list, boost: float = 1.0) -> Term | Phrase:
        """A phrase of `units` (None marks a position any term may hold); one unit is a Term."""
        at = [(i, u) for i, u in enumerate(units) if u is not None]
        if len(at) == 1:
            return Term(field, at[0][1], boost)
        return cls(field, tuple(u for _, u in at), tuple(i for i, _ in at), boost)


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class AndMaybe:
    """`required`'s blocks; `optional` adds to the score where it matches too."""

    required: Node
    optional: Node


@dataclass(frozen=True)
class AndNot:
    positive: Node
    negative: Node


@dataclass(frozen=True)
class AtLeast:
    """Blocks matching at least `minimum` of `children`, ranked by coverage first.

    A block's score is `COVERAGE` for each child it matches plus the sum of the matched
    children's own scores, so a block matching more children always ranks above one matching
    fewer, and BM25 orders blocks of equal coverage. In Lucene/Solr terms: a BooleanQuery of
    SHOULD clauses (each child, plus each child wrapped in a ConstantScoreQuery of `COVERAGE`)
    with minimumShouldMatch = `minimum`.
    """

    children: tuple[Node, ...]
    minimum: int


COVERAGE = 1000.0  # per matched child of an AtLeast: more than any BM25 sum of a paragraph


@dataclass(frozen=True)
class Every:
    """Every block (a query of filters only)."""


@dataclass(frozen=True)
class Nothing:
    """No block (an impossible filter such as an invalid symbol)."""


Node = Term | Phrase | And | Or | AtLeast | AndMaybe | AndNot | Every | Nothing


def all_of(children: list[Node]) -> Node:
    return children[0] if len(children) == 1 else And(tuple(children))


def any_of(children: list[Node]) -> Node:
    return children[0] if len(children) == 1 else Or(tuple(children))


def scaled(node: Node, factor: float) -> Node:
    """The same query with every term's and phrase's boost multiplied by `factor`."""
    if isinstance(node, Term | Phrase):
        return replace(node, boost=node.boost * factor)
    if isinstance(node, And | Or):
        return type(node)(tuple(scaled(c, factor) for c in node.children))
    if isinstance(node, AtLeast):
        return AtLeast(tuple(scaled(c, factor) for c in node.children), node.minimum)
    if isinstance(node, AndMaybe):
        return AndMaybe(scaled(node.required, factor), scaled(node.optional, factor))
    if isinstance(node, AndNot):
        return AndNot(scaled(node.positive, factor), node.negative)
    return node


def has_phrase(node: Node) -> bool:
    if isinstance(node, Phrase):
        return True
    return any(has_phrase(c) for c in children(node))


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, And | Or | AtLeast):
        return node.children
    if isinstance(node, AndMaybe):
        return (node.required, node.optional)
    if isinstance(node, AndNot):
        return (node.positive, node.negative)
    return ()
