"""Ranking metrics over one query's ranked units and its graded judgments.

nDCG@k uses linear gain (the grade) and the log2(rank + 1) discount; the ideal ranking is the
judged grades sorted high to low. MRR counts the first hit of grade >= 2; recall@k counts units of
grade >= 1. Units that are not judged have grade 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

K = 10
RR_MIN_GRADE = 2


def dcg(gains: Iterable[int]) -> float:
    """Sum of gain / log2(rank + 1), ranks counted from 1."""
    return sum(g / math.log2(rank + 1) for rank, g in enumerate(gains, 1))


def ndcg_at_k(ranked: Sequence[str], grades: Mapping[str, int], k: int = K) -> float:
    """Normalised DCG of the first k ranked units (0.0 when nothing is judged relevant)."""
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg(grades.get(unit, 0) for unit in ranked[:k]) / ideal


def first_relevant_rank(
    ranked: Sequence[str], grades: Mapping[str, int], min_grade: int = RR_MIN_GRADE, k: int = K
) -> int | None:
    """1-based rank of the first unit among the first k graded at least `min_grade`, or None."""
    for rank, unit in enumerate(ranked[:k], 1):
        if grades.get(unit, 0) >= min_grade:
            return rank
    return None


def reciprocal_rank(
    ranked: Sequence[str], grades: Mapping[str, int], min_grade: int = RR_MIN_GRADE, k: int = K
) -> float:
    """1 / rank of the first unit graded at least `min_grade` within the first k, else 0."""
    rank = first_relevant_rank(ranked, grades, min_grade, k)
    return 1.0 / rank if rank else 0.0


def recall_at_k(ranked: Sequence[str], grades: Mapping[str, int], k: int = K) -> float:
    """Share of the units graded >= 1 that appear in the first k (0.0 when none is judged)."""
    relevant = {unit for unit, grade in grades.items() if grade >= 1}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


@dataclass(frozen=True)
class QueryScore:
    """The figures of one query."""

    ndcg: float
    rr: float
    recall: float
    zero: bool


def score(ranked: Sequence[str], total: int, grades: Mapping[str, int]) -> QueryScore:
    return QueryScore(
        ndcg_at_k(ranked, grades),
        reciprocal_rank(ranked, grades),
        recall_at_k(ranked, grades),
        total == 0,
    )


@dataclass(frozen=True)
class Summary:
    """Means over a set of queries (macro average: each query weighs the same)."""

    queries: int
    ndcg: float
    mrr: float
    recall: float
    zero_rate: float

    def to_json(self) -> dict:
        return {
            "queries": self.queries,
            "ndcg@10": round(self.ndcg, 4),
            "mrr": round(self.mrr, 4),
            "recall@10": round(self.recall, 4),
            "zero_result_rate": round(self.zero_rate, 4),
        }


def summarize(scores: Sequence[QueryScore]) -> Summary:
    n = len(scores)
    if not n:
        return Summary(0, 0.0, 0.0, 0.0, 0.0)
    return Summary(
        n,
        sum(s.ndcg for s in scores) / n,
        sum(s.rr for s in scores) / n,
        sum(s.recall for s in scores) / n,
        sum(s.zero for s in scores) / n,
    )
