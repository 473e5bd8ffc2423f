"""Benchmark steps that run in their own process (clean memory, honest peak RSS).

    python -m bench.worker TASK '{"json": "arguments"}'

prints one JSON object on its last stdout line. The parent (bench.run) samples the RSS of the
worker and all its children.
"""

from __future__ import annotations

import json
import logging
import resource
import statistics
import sys
import time
from pathlib import Path

from bench.queries import QUERIES, QUERY_SETS, Query


def _documents(corpus: Path, limit: int | None = None):
    from indexer.ingest.corpus import load_corpus

    documents, failures = load_corpus(corpus)
    # Both language versions of a document together, so a prefix holds both languages.
    documents.sort(key=lambda d: (Path(d.source).name, d.source))
    if limit:
        kept, count = [], 0
        for doc in documents:
            if count >= limit:
                break
            kept.append(doc)
            count += sum(b.kind == "paragraph" for b in doc.blocks)
        documents = kept
    return documents, failures


def _cpu_seconds() -> float:
    """CPU time (user + system) of this process and its finished children (writer processes)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _backend(args: dict):
    """The engine the parent chose: SolrCloud (args["solr"]: urls, collection), tantivy
    (args["engine"]) or Whoosh."""
    solr = args.get("solr")
    if solr:
        from indexer.backends.solr.store import SolrBackend

        return SolrBackend(solr["urls"], solr["collection"])
    if args.get("engine") == "tantivy":
        from indexer.backends.tantivy import store as tantivy_store

        return tantivy_store
    from indexer.backends.whoosh import store

    return store


def task_build(args: dict) -> dict:
    """Our build (indexer.build), timed from the call to its return (parsing included)."""
    from indexer import build

    started, cpu = time.perf_counter(), _cpu_seconds()
    report = build(Path(args["corpus"]), Path(args["root"]), backend=_backend(args))
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu_seconds": _cpu_seconds() - cpu,
        "paragraphs": report.paragraphs,
        "blocks": report.blocks,
        "documents": report.documents,
        "failures": len(report.failures),
    }


def task_baseline_build(args: dict) -> dict:
    """The obvious design on the same documents (parsing included, as in ours)."""
    from bench import baseline

    started, cpu = time.perf_counter(), _cpu_seconds()
    documents, _ = _documents(Path(args["corpus"]), args.get("limit"))
    parsed = time.perf_counter() - started
    blocks = baseline.build(documents, Path(args["root"]))
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": _cpu_seconds() - cpu,
        "parse_seconds": parsed,
        "paragraphs": sum(b.kind == "paragraph" for d in documents for b in d.blocks),
        "blocks": blocks,
        "bytes": sum(len(b.text.encode()) for d in documents for b in d.blocks),
    }


def task_segment(args: dict) -> dict:
    """The floor: jieba precise-mode segmentation (HMM off, as indexer.analysis.terms uses it)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    documents, _ = _documents(Path(args["corpus"]), args.get("limit"))
    texts = [b.text for d in documents for b in d.blocks]
    paragraphs = sum(b.kind == "paragraph" for d in documents for b in d.blocks)
    tokenizer = jieba.Tokenizer()
    t0 = time.perf_counter()
    tokenizer.initialize()
    init = time.perf_counter() - t0
    runs = []
    for _ in range(args.get("repeat", 1)):
        t0 = time.perf_counter()
        for text in texts:
            for _token in tokenizer.cut(text, HMM=False):
                pass
        runs.append(time.perf_counter() - t0)
    seconds = statistics.median(runs)
    zh_texts = [b.text for d in documents if d.meta.lang == "zh" for b in d.blocks]
    t0 = time.perf_counter()
    for text in zh_texts:
        for _token in tokenizer.cut(text, HMM=False):
            pass
    zh_seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "init_seconds": init,
        "paragraphs": paragraphs,
        "blocks": len(texts),
        "bytes": sum(len(t.encode()) for t in texts),
        "zh_seconds": zh_seconds,
        "zh_bytes": sum(len(t.encode()) for t in zh_texts),
    }


WARM_UP = "预热 warm-up"  # shares no word with the query set


def _timed_queries(search, rounds: int, queries: tuple[Query, ...] = QUERIES) -> dict:
    """Run every query once (timed as `first_ms`: its posting lists not cached yet), then
    `rounds` times; per-query medians + all samples. An unrelated query first pays the
    process's one-time costs (jieba's dictionary, the index's columns): cold start measures those.
    """
    search(WARM_UP)
    totals, first = {}, []
    for q in queries:
        totals[q.text], ms = search(q.text)
        first.append(ms)
    samples: dict[str, list[float]] = {q.text: [] for q in queries}
    for _ in range(rounds):
        for q in queries:
            samples[q.text].append(search(q.text)[1])
    return {
        "queries": [
            {
                "kind": q.kind,
                "query": q.text,
                "total": totals[q.text],
                "median_ms": statistics.median(samples[q.text]),
                "max_ms": max(samples[q.text]),
            }
            for q in queries
        ],
        "samples_ms": [ms for q in queries for ms in samples[q.text]],
        "first_ms": first,
    }


def task_queries(args: dict) -> dict:
    """Our SearchIndex: first page (10 hits) with highlights, facets and sections.

    The result cache is off (cache_size 0): every sample is a real search, not a cache hit.
    """
    from indexer import SearchIndex

    index = SearchIndex(Path(args["root"]), cache_size=0, backend=_backend(args))
    searches = 0

    def search(text: str) -> tuple[int, float]:
        nonlocal searches
        searches += 1
        started = time.perf_counter()
        page = index.search(text, page=1, page_size=10)
        return page.total, (time.perf_counter() - started) * 1000

    cpu = _cpu_seconds()
    result = _timed_queries(search, args["rounds"], QUERY_SETS[args.get("set", "mixed")])
    # this process's CPU per search (the index opening included): the client side of SolrCloud
    result["cpu_seconds"], result["searches"] = _cpu_seconds() - cpu, searches
    return result


def task_baseline_queries(args: dict) -> dict:
    from bench.baseline import BaselineSearcher

    searcher = BaselineSearcher(Path(args["root"]))
    return _timed_queries(searcher.search, args["rounds"])


def task_update(args: dict) -> dict:
    """Time the incremental update after one document was added or changed in the corpus."""
    from indexer import update

    corpus, root = Path(args["corpus"]), Path(args["root"])
    started = time.perf_counter()
    result = update(corpus, root, backend=_backend(args))
    seconds = time.perf_counter() - started
    summary = {}
    for name in ("added", "replaced", "removed", "unchanged", "paragraphs_added", "rebuilt"):
        value = getattr(result, name, None)
        if value is not None:
            summary[name] = len(value) if isinstance(value, list) else value
    return {"seconds": seconds, "result": summary}


TASKS = {
    "build": task_build,
    "baseline-build": task_baseline_build,
    "segment": task_segment,
    "queries": task_queries,
    "baseline-queries": task_baseline_queries,
    "update": task_update,
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    task, args = argv[0], json.loads(argv[1] if len(argv) > 1 else "{}")
    logging.basicConfig(level=logging.WARNING)
    if task.startswith("peers-"):
        from bench.peers import TASKS as PEER_TASKS

        result = PEER_TASKS[task](args)
    else:
        result = TASKS[task](args)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
