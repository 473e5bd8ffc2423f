"""Build the evaluation index, run every judged query, report the figures per class.

python -m bench.relevance [--json FILE] [--show-failures] [--queries FILE]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.relevance.judgments import CLASSES, MISS, QUERIES_FILE, JudgedQuery, load_queries
from bench.relevance.metrics import (
    K,
    QueryScore,
    Summary,
    first_relevant_rank,
    score,
    summarize,
)
from indexer import SearchIndex, build
from indexer.settings import bundled_corpus

DISTRACTORS = Path(__file__).with_name("corpus")


@dataclass(frozen=True)
class QueryRun:
    """One query's result: its first page of units, the engine's total, and its figures."""

    query: JudgedQuery
    ranked: list[str]
    total: int
    score: QueryScore

    @property
    def first_relevant(self) -> int | None:
        return first_relevant_rank(self.ranked, self.query.grades)

    @property
    def failed(self) -> bool:
        """A judged query whose first relevant hit is not at rank 1; a miss that returns hits."""
        if self.query.cls == MISS:
            return self.total > 0
        return self.first_relevant != 1


def assemble_corpus(target: Path, distractors: Path = DISTRACTORS) -> Path:
    """Copy the bundled corpus and the distractor documents into one corpus folder."""
    shutil.copytree(bundled_corpus(), target)
    for lang in ("zh", "en"):
        for path in sorted((distractors / lang).iterdir()):
            if (target / lang / path.name).exists():
                raise FileExistsError(f"distractor {lang}/{path.name} clashes with a corpus file.")
            shutil.copy2(path, target / lang / path.name)
    return target


def build_index(workdir: Path) -> Path:
    """Build the evaluation index under `workdir`; return its root."""
    corpus = assemble_corpus(workdir / "corpus")
    root = workdir / "index"
    build(corpus, root)
    return root


def run_queries(index: SearchIndex, queries: Sequence[JudgedQuery]) -> list[QueryRun]:
    runs = []
    for query in queries:
        page = index.search(query.text, page=1, page_size=K)
        ranked = [f"{hit.symbol}|{hit.paragraph}" for hit in page.hits]
        runs.append(QueryRun(query, ranked, page.total, score(ranked, page.total, query.grades)))
    return runs


def per_class(runs: Sequence[QueryRun]) -> dict[str, Summary]:
    """Summary per class (in CLASSES order) and "overall" over every judged (non-miss) query."""
    table = {
        cls: summarize([r.score for r in runs if r.query.cls == cls])
        for cls in CLASSES
        if any(r.query.cls == cls for r in runs)
    }
    table["overall"] = summarize([r.score for r in runs if r.query.cls != MISS])
    return table


def format_table(table: dict[str, Summary]) -> str:
    lines = [
        f"{'class':<15} {'queries':>7} {'nDCG@10':>8} {'MRR':>6} {'R@10':>6} {'zero':>6}",
    ]
    for cls, s in table.items():
        if cls == MISS:  # nothing is relevant: only the zero-result rate means anything
            lines.append(f"{cls:<15} {s.queries:>7} {'-':>8} {'-':>6} {'-':>6} {s.zero_rate:>6.3f}")
        else:
            lines.append(
                f"{cls:<15} {s.queries:>7} {s.ndcg:>8.3f} {s.mrr:>6.3f} {s.recall:>6.3f} "
                f"{s.zero_rate:>6.3f}"
            )
    return "\n".join(lines)


def format_failures(runs: Sequence[QueryRun]) -> str:
    lines = []
    for run in runs:
        if not run.failed:
            continue
        where = f"first relevant at {run.first_relevant}" if run.first_relevant else "none"
        if run.query.cls == MISS:
            where = "returned hits"
        best = [u for u, g in run.query.grades.items() if g == max(run.query.grades.values())]
        lines.append(
            f"[{run.query.cls}] {run.query.text!r}: total {run.total}, {where}; "
            f"top {run.ranked[:3]}; wanted {best}"
        )
    return "\n".join(lines) if lines else "(no failures)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.relevance", description=__doc__)
    parser.add_argument("--json", type=Path, help="write the figures (and per-query runs) here")
    parser.add_argument(
        "--show-failures", action="store_true", help="list queries not answered at rank 1"
    )
    parser.add_argument("--queries", type=Path, default=QUERIES_FILE, help="judged queries file")
    args = parser.parse_args(argv)

    queries = load_queries(args.queries)
    with tempfile.TemporaryDirectory(prefix="relevance-") as tmp:
        started = time.perf_counter()
        root = build_index(Path(tmp))
        built = time.perf_counter() - started
        with SearchIndex(root) as index:
            started = time.perf_counter()
            runs = run_queries(index, queries)
            searched = time.perf_counter() - started
    table = per_class(runs)
    print(format_table(table))
    print(
        f"\n{len(queries)} queries; index built in {built:.1f} s, "
        f"queries run in {searched:.1f} s ({1000 * searched / len(queries):.1f} ms each)"
    )
    if args.show_failures:
        print("\nFailures (first relevant hit not at rank 1):\n" + format_failures(runs))
    if args.json:
        report = {
            "classes": {cls: s.to_json() for cls, s in table.items()},
            "build_seconds": round(built, 3),
            "query_seconds": round(searched, 3),
            "queries": [
                {
                    "class": r.query.cls,
                    "q": r.query.text,
                    "total": r.total,
                    "ranked": r.ranked,
                    "first_relevant": r.first_relevant,
                    "ndcg@10": round(r.score.ndcg, 4),
                    "rr": round(r.score.rr, 4),
                    "recall@10": round(r.score.recall, 4),
                }
                for r in runs
            ],
        }
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0
