"""A search as a small tree of dataclasses, independent of any engine's query syntax.

Terms are already analysed (by `indexer.analysis.terms`): the engine matches them exactly.
`Phrase.positions` are the terms' positions relative to each other (as `word_terms` or
`char_terms` give them): equal positions share one slot (either term may match there), gaps
are kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One analysed term in one field (`words`, `chars`, `en`, or a string field)."""

    field: str
    text: str

    def __post_init__(self) -> None:
        _check_field(self.field)
        if not self.text:
            raise ValueError(f"An empty term cannot be searched in field {self.field!r}.")


@dataclass(frozen=True)
class Phrase:
    """Analysed terms at fixed relative positions, e.g. (["商标", "标国"], [0, 1])."""

    field: str
    terms: Sequence[str]
    positions: Sequence[int]

    def __post_init__(self) -> None:
        _check_field(self.field)
        object.__setattr__(self, "terms", tuple(self.terms))
        object.__setattr__(self, "positions", tuple(self.positions))
        if not self.terms or len(self.terms) != len(self.positions):
            raise ValueError("A phrase needs one position for each of its (one or more) terms.")
        if any(not term for term in self.terms):
            raise ValueError(f"A phrase in field {self.field!r} cannot hold an empty term.")
        if any(b < a for a, b in zip(self.positions, self.positions[1:], strict=False)):
            raise ValueError("A phrase's positions must not decrease.")


@dataclass(frozen=True)
class And:
    """Every child matches (a `Not` child excludes what it matches)."""

    children: Sequence[Node]

    def __post_init__(self) -> None:
        object.__setattr__(self, "children", tuple(self.children))
        if not self.children:
            raise ValueError("An AND needs at least one part.")


@dataclass(frozen=True)
class Or:
    """At least one child matches; documents matching more children score higher."""

    children: Sequence[Node]

    def __post_init__(self) -> None:
        object.__setattr__(self, "children", tuple(self.children))
        if not self.children:
            raise ValueError("An OR needs at least one part.")


@dataclass(frozen=True)
class Not:
    """Everything the child does not match (inside an And: excludes the child's matches)."""

    child: Node


@dataclass(frozen=True)
class Filter:
    """The field holds one of `values`; restricts without changing scores."""

    field: str
    values: Sequence[str]

    def __post_init__(self) -> None:
        _check_field(self.field)
        object.__setattr__(self, "values", tuple(self.values))
        if not self.values:
            raise ValueError(f"A filter on {self.field!r} needs at least one value.")


@dataclass(frozen=True)
class Boost:
    """The child's score multiplied by `weight` (a field weight)."""

    child: Node
    weight: float

    def __post_init__(self) -> None:
        if not self.weight > 0:
            raise ValueError(f"A boost must be a positive number, not {self.weight!r}.")


@dataclass(frozen=True)
class MatchAll:
    """Every document (for a search made only of filters)."""


Node = Term | Phrase | And | Or | Not | Filter | Boost | MatchAll


def _check_field(field: str) -> None:
    if not field or not field.replace("_", "").isalnum():
        raise ValueError(f"{field!r} is not a field name.")
