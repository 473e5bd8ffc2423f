"""The relevance metrics on hand-computed examples, and the judged-queries file's checks."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bench.relevance.judgments import JudgmentError, load_queries
from bench.relevance.metrics import (
    QueryScore,
    first_relevant_rank,
    ndcg_at_k,
    recall_at_k,
    reciprocal_rank,
    score,
    summarize,
)

GRADES = {"A|1": 3, "B|2": 2, "C|3": 1}


def test_ndcg_is_one_for_the_ideal_order() -> None:
    assert ndcg_at_k(["A|1", "B|2", "C|3"], GRADES) == pytest.approx(1.0)


def test_ndcg_of_the_reversed_order() -> None:
    # DCG = 1/log2(2) + 2/log2(3) + 3/log2(4) = 1 + 1.26186 + 1.5 = 3.76186
    # IDCG = 3/log2(2) + 2/log2(3) + 1/log2(4) = 3 + 1.26186 + 0.5 = 4.76186
    assert ndcg_at_k(["C|3", "B|2", "A|1"], GRADES) == pytest.approx(3.76186 / 4.76186, abs=1e-5)


def test_ndcg_discounts_a_best_answer_at_rank_two() -> None:
    # only A at rank 2: 3/log2(3) = 1.89279 of 4.76186
    assert ndcg_at_k(["X|9", "A|1"], GRADES) == pytest.approx(0.397487, abs=1e-5)


def test_ndcg_ignores_hits_past_k_and_unjudged_hits() -> None:
    ranked = [f"X|{i}" for i in range(10)] + ["A|1"]
    assert ndcg_at_k(ranked, GRADES) == 0.0
    assert ndcg_at_k(["A|1"], {}) == 0.0  # nothing judged: no ideal to compare with


def test_ideal_is_cut_at_k() -> None:
    grades = {f"U|{i}": 1 for i in range(12)}
    ranked = [f"U|{i}" for i in range(10)]
    assert ndcg_at_k(ranked, grades) == pytest.approx(1.0)


def test_reciprocal_rank_counts_grade_two_and_up() -> None:
    # C (grade 1) at rank 1 does not count; B (grade 2) at rank 3 does
    assert first_relevant_rank(["C|3", "X|9", "B|2"], GRADES) == 3
    assert reciprocal_rank(["C|3", "X|9", "B|2"], GRADES) == pytest.approx(1 / 3)
    assert reciprocal_rank(["A|1"], GRADES) == 1.0
    assert reciprocal_rank(["C|3"], GRADES) == 0.0
    assert reciprocal_rank([f"X|{i}" for i in range(10)] + ["A|1"], GRADES) == 0.0


def test_recall_counts_every_judged_unit_in_the_first_k() -> None:
    assert recall_at_k(["A|1", "X|9"], GRADES) == pytest.approx(1 / 3)
    assert recall_at_k(["C|3", "B|2", "A|1"], GRADES) == 1.0
    assert recall_at_k([], GRADES) == 0.0


def test_summary_is_the_mean_over_queries() -> None:
    scores = [score(["A|1", "B|2", "C|3"], 3, GRADES), score([], 0, GRADES)]
    assert scores[1] == QueryScore(0.0, 0.0, 0.0, True)
    summary = summarize(scores)
    assert (summary.queries, summary.ndcg, summary.mrr) == (2, 0.5, 0.5)
    assert (summary.recall, summary.zero_rate) == (0.5, 0.5)
    assert summarize([]).queries == 0
    assert math.isclose(summary.to_json()["ndcg@10"], 0.5)


def test_the_judged_set_loads_and_covers_every_class() -> None:
    queries = load_queries()
    assert len(queries) >= 150
    counts: dict[str, int] = {}
    for q in queries:
        counts[q.cls] = counts.get(q.cls, 0) + 1
    assert all(n >= 8 for n in counts.values()), counts
    assert len(counts) == 15


@pytest.mark.parametrize(
    "table",
    [
        'class = "word"\nq = "x"\njudgments = { "A|1" = 4 }',  # grade out of range
        'class = "word"\nq = "x"\njudgments = { "A 1" = 3 }',  # not SYMBOL|LABEL
        'class = "miss"\nq = "x"\njudgments = { "A|1" = 3 }',  # a miss with judgments
        'class = "word"\nq = "x"',  # a judged class without judgments
        'class = "words"\nq = "x"\njudgments = { "A|1" = 3 }',  # unknown class
    ],
)
def test_a_malformed_query_is_refused_with_its_number(tmp_path: Path, table: str) -> None:
    path = tmp_path / "q.toml"
    path.write_text("[[query]]\n" + table + "\n", encoding="utf-8")
    with pytest.raises(JudgmentError, match="query 1"):
        load_queries(path)
