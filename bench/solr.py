"""The embedded index and SolrCloud side by side on one generated corpus.

python -m bench.solr --paragraphs 20000 [--solr URL,URL] [--shards 2 --replicas 2] [--json FILE]

Builds the same seeded synthetic corpus (bench/corpus.py) into both backends and prints build
time and throughput, index size (Solr: every replica's core on disk) and first-page query
latency (p50/p95 over the fixed query set, result cache off). Without --solr it starts a local
2-node SolrCloud (solr/launcher, needs Java 17 and Maven) on this machine, which then also runs
the searches' Python side and every Solr node: the figures bound nothing about a real cluster
beyond "one small machine does this much".
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import requests

from bench.corpus import ensure_corpus
from bench.queries import QUERIES
from indexer.backends.solr.local_cluster import LocalCluster, build_launcher
from indexer.backends.solr.store import SolrBackend
from indexer.backends.whoosh import store as whoosh_store
from indexer.index.build import build
from indexer.index.generations import live_generation
from indexer.search.index import SearchIndex

ROUNDS = 5  # passes over the query set per backend


def measure(corpus: Path, work: Path, urls: list[str], shards: int, replicas: int) -> dict:
    solr = SolrBackend(urls, "bench")
    solr.init(shards, replicas)
    figures: dict[str, dict] = {}
    for name, backend in (("embedded", whoosh_store), ("solr", solr)):
        started = time.perf_counter()
        report = build(corpus, work / name, backend=backend)
        seconds = time.perf_counter() - started
        figures[name] = {
            "blocks": report.blocks,
            "paragraphs": report.paragraphs,
            "build_s": round(seconds, 1),
            "blocks_per_s": round(report.blocks / seconds),
        }
    figures["embedded"]["size_mb"] = round(_dir_size(work / "embedded") / 1e6, 1)
    live = solr.collection_of(live_generation(work / "solr"))
    figures["solr"]["size_mb"] = round(_solr_size(urls, f"{live}_") / 1e6, 1)
    for name, backend in (("embedded", whoosh_store), ("solr", solr)):
        with SearchIndex(work / name, backend=backend, cache_size=0) as index:
            index.warm_up()
            for query in QUERIES:  # first reads (caches of both engines) are not measured
                index.search(query.text)
            took = []
            for _ in range(ROUNDS):
                for query in QUERIES:
                    started = time.perf_counter()
                    index.search(query.text)
                    took.append((time.perf_counter() - started) * 1000)
        took.sort()
        figures[name]["query_p50_ms"] = round(statistics.median(took), 1)
        figures[name]["query_p95_ms"] = round(took[int(0.95 * (len(took) - 1))], 1)
    figures["solr"]["layout"] = f"{shards} shards x {replicas} replicas"
    return figures


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _solr_size(urls: list[str], prefix: str) -> int:
    """Bytes on disk of every core whose name starts with `prefix` (one collection's shards
    and replicas), on every node."""
    total = 0
    for url in urls:
        status = requests.get(f"{url}/admin/cores", params={"action": "STATUS"}, timeout=30)
        for core, info in status.json()["status"].items():
            if core.startswith(prefix):
                total += info["index"]["sizeInBytes"]
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.solr", description=__doc__)
    parser.add_argument("--paragraphs", type=int, default=20000)
    parser.add_argument("--solr", help="node URLs of a running SolrCloud (default: start one)")
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--corpus-dir", type=Path, help="where the generated corpus is kept")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-solr-") as tmp:
        work = Path(tmp)
        corpus = args.corpus_dir or work / "corpus"
        ensure_corpus(args.paragraphs, corpus)
        cluster = None
        if args.solr:
            urls = [u.strip() for u in args.solr.split(",") if u.strip()]
        else:
            cluster = LocalCluster(work / "cluster", build_launcher(), nodes=2).start()
            urls = cluster.urls
        try:
            figures = measure(corpus, work, urls, args.shards, args.replicas)
        finally:
            if cluster is not None:
                cluster.stop()
            shutil.rmtree(work / "embedded", ignore_errors=True)
    print(f"{args.paragraphs} generated paragraphs (python -m bench.solr)")
    header = ("backend", "build s", "blocks/s", "size MB", "p50 ms", "p95 ms")
    print("{:<10} {:>8} {:>9} {:>8} {:>7} {:>7}".format(*header))
    for name, f in figures.items():
        print(
            f"{name:<10} {f['build_s']:>8} {f['blocks_per_s']:>9} {f['size_mb']:>8} "
            f"{f['query_p50_ms']:>7} {f['query_p95_ms']:>7}"
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
