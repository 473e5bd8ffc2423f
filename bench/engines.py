"""The engines `python -m bench --engine` measures: the embedded index and SolrCloud.

The embedded index (`--engine whoosh`, the default) is what `python -m bench` always measured.
`--engine solr` runs the same steps through the Solr backend (indexer/backends/solr): the build
writes into a new collection, the searches, the CLI's cold start, `docsearch serve` and the
update go through `--solr URLS --collection NAME`. Without `--solr` a local SolrCloud
(solr/launcher: ZooKeeper and `--solr-nodes` Solr nodes, each its own JVM; needs Java 17 and
Maven) starts under the run's directory and stops at the end; then the JVMs' CPU seconds and
RSS are measured next to ours. `--engine both` measures the two on the same corpus in one run,
step by step in turn (build, build, queries, queries, …), and prints them side by side.
`--engine tantivy` runs the same steps through the embedded tantivy backend
(indexer/backends/tantivy, `--engine tantivy` on the CLI), and `--engine whoosh,tantivy` measures
Whoosh and tantivy side by side in the same way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ENGINES = ("whoosh", "solr", "tantivy", "both", "whoosh,tantivy")
RUN_ENGINES = {"both": ["whoosh", "solr"], "whoosh,tantivy": ["whoosh", "tantivy"]}
# The local cluster's timeouts for a loaded machine: the launcher's suit failover tests (a dead
# node noticed within seconds), but at a load average of 20+ on 2 cores a fresh JVM needed more
# than 30 s to create its first core, and a node went 13.6 s without hearing from ZooKeeper, lost
# its session (10 s) and its shard leadership in the middle of a build.
NODE_PROPERTIES = {"socketTimeout": "120000", "zkClientTimeout": "60000"}
LABELS = {"whoosh": "embedded", "solr": "SolrCloud", "tantivy": "tantivy"}


@dataclass
class SolrTarget:
    """The SolrCloud a run measures: where it is, the layout, the JVMs we started (if any)."""

    urls: list[str]
    collection: str
    shards: int
    replicas: int
    nodes: int | None = None  # local cluster only
    heap: str | None = None  # per node, local cluster only
    pids: dict[str, int] = field(default_factory=dict)  # local cluster only

    def layout(self) -> dict:
        return {
            "shards": self.shards,
            "replicas": self.replicas,
            "collection": self.collection,
            "cluster": f"local, {self.nodes} nodes + ZooKeeper" if self.pids else "external",
            "node_heap": self.heap,
            "node_properties": NODE_PROPERTIES if self.pids else {},
            "urls": self.urls,
        }

    def describe(self) -> str:
        where = (
            f"local cluster of {self.nodes} nodes (-Xmx{self.heap} each) + ZooKeeper"
            if self.pids
            else "external cluster (no JVM figures)"
        )
        return f"{self.shards} shard(s) x {self.replicas} replica(s), {where}"


@dataclass
class Engine:
    """One engine of a run: its index root and, for SolrCloud, the cluster."""

    name: str  # "whoosh", "solr" or "tantivy"
    root: Path
    solr: SolrTarget | None = None

    @property
    def label(self) -> str:
        return LABELS[self.name]

    @property
    def tag(self) -> str:
        """What a step's log line adds: " (SolrCloud)" for SolrCloud, nothing for the embedded
        index (the runs before --engine named no engine)."""
        return f" ({self.label})" if self.name != "whoosh" else ""

    def worker_args(self) -> dict:
        """What bench.worker needs to open this engine's backend."""
        if self.solr is None:
            return {"engine": self.name} if self.name == "tantivy" else {}
        return {"solr": {"urls": self.solr.urls, "collection": self.solr.collection}}

    def cli_args(self) -> list[str]:
        """What `python -m indexer` needs to use this engine's backend."""
        if self.solr is None:
            return ["--engine", self.name]
        return ["--solr", ",".join(self.solr.urls), "--collection", self.solr.collection]

    @property
    def server_pids(self) -> list[int]:
        """Processes outside our process tree that do this engine's work (Solr's JVMs)."""
        return list(self.solr.pids.values()) if self.solr else []


@contextlib.contextmanager
def open_solr(
    urls: str | None,
    workdir: Path,
    collection: str,
    shards: int,
    replicas: int,
    nodes: int = 2,
    heap: str = "1g",
) -> Iterator[SolrTarget]:
    """The cluster at `urls` (comma-separated), else a local one started under `workdir` and
    stopped on exit; `solr init` with the layout either way."""
    from indexer.backends.solr.local_cluster import LocalCluster, build_launcher
    from indexer.backends.solr.store import SolrBackend

    cluster = None
    if urls:
        given = [u.strip() for u in urls.split(",") if u.strip()]
        target = SolrTarget(given, collection, shards, replicas)
    else:
        cluster = LocalCluster(
            workdir, build_launcher(), nodes=nodes, heap=heap, properties=NODE_PROPERTIES
        ).start()
        target = SolrTarget(cluster.urls, collection, shards, replicas, nodes, heap)
        target.pids = cluster.pids()
    try:
        SolrBackend(target.urls, collection).init(shards, replicas)
        yield target
    finally:
        if cluster is not None:
            cluster.stop()


def solr_size(urls: list[str], prefix: str) -> int:
    """Bytes on disk of every core whose name starts with `prefix` (one collection's shards
    and replicas), on every node."""
    import requests

    total = 0
    for url in urls:
        status = requests.get(f"{url}/admin/cores", params={"action": "STATUS"}, timeout=30)
        status.raise_for_status()
        for core, info in status.json()["status"].items():
            if core.startswith(prefix):
                total += info["index"]["sizeInBytes"]
    return total


def live_collection_size(engine: Engine) -> int:
    """Bytes on disk of the collection the engine's live generation names (all its cores);
    for an embedded engine, of its live generation directory."""
    from indexer.index.generations import live_generation

    solr = engine.solr
    if solr is None:
        return sum(f.stat().st_size for f in live_generation(engine.root).rglob("*") if f.is_file())
    from indexer.backends.solr.store import SolrBackend

    live = SolrBackend(solr.urls, solr.collection).collection_of(live_generation(engine.root))
    return solr_size(solr.urls, f"{live}_")


# --- processes outside our tree (the JVMs) ----------------------------------------------------


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU seconds the processes have used so far (those still running)."""
    import psutil

    total = 0.0
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            times = psutil.Process(pid).cpu_times()
            total += times.user + times.system
    return total


def rss_bytes(pids: Iterable[int]) -> int:
    import psutil

    total = 0
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            total += psutil.Process(pid).memory_info().rss
    return total


# --- the two side by side ---------------------------------------------------------------------

# (figure, path in an engine's results, unit); an engine's results: the run's top level for the
# embedded index, results["solr"] for SolrCloud.
FIGURES = (
    ("build wall", "build.seconds", "s"),
    ("build throughput", "build.paragraphs_per_s", "paragraphs/s"),
    ("build CPU, our process tree", "build.cpu_s", "s"),
    ("build CPU, Solr JVMs", "build.server_cpu_s", "s"),
    ("build: our cores busy", "build.cores_busy", "CPU s / wall s"),
    ("build: Solr JVM cores busy", "build.server_cores_busy", "CPU s / wall s"),
    ("build peak RSS, our tree", "build.peak_rss_mb", "MB"),
    ("build peak RSS, Solr JVMs", "build.server_peak_rss_mb", "MB"),
    ("index on disk", "build.index_mb", "MB"),
    ("query p50, warm", "queries.p50_ms", "ms"),
    ("query p95, warm", "queries.p95_ms", "ms"),
    ("query p99, warm", "queries.p99_ms", "ms"),
    ("query p50, first time", "queries.first.p50_ms", "ms"),
    ("query p95, first time", "queries.first.p95_ms", "ms"),
    ("question query p95, warm", "question_queries.p95_ms", "ms"),
    ("query CPU per search, our process", "queries.cpu_ms_per_search", "ms"),
    ("query CPU per search, Solr JVMs", "queries.server_cpu_ms_per_search", "ms"),
    ("cold start to first answer", "cold_start.seconds", "s"),
    ("HTTP 4 clients: requests/s", "http.requests_per_s", "req/s"),
    ("HTTP 4 clients: p50", "http.p50_ms", "ms"),
    ("HTTP 4 clients: p95", "http.p95_ms", "ms"),
    ("HTTP 4 clients: errors", "http.errors", ""),
    ("HTTP: server processes' cores busy", "http.cores_busy", "CPU s / wall s"),
    ("HTTP: Solr JVM cores busy", "http.server_cores_busy", "CPU s / wall s"),
    ("update, new 50-paragraph document", "update.new_document.seconds", "s"),
)


def figure(results: dict, path: str):
    node = results
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, int | float) else None


def other_engine(results: dict) -> str:
    """The engine a run measured beside Whoosh (its results are under its name)."""
    return "tantivy" if "tantivy" in results.get("engines", []) else "solr"


def side_by_side(results: dict) -> list[dict]:
    """One row per figure: the embedded index's, the other engine's, and other / embedded."""
    embedded, solr = results, results.get(other_engine(results), {})
    rows = []
    for name, path, unit in FIGURES:
        a = figure(embedded, path) if results.get("build") else None
        b = figure(solr, path)
        if a is None and b is None:
            continue
        ratio = round(b / a, 2) if a and b is not None else None
        rows.append({"figure": name, "unit": unit, "embedded": a, "solr": b, "solr_over": ratio})
    return rows


def table(results: dict) -> str:
    def fmt(value) -> str:
        if value is None:
            return "—"
        return f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"

    name = other_engine(results)
    label = LABELS[name]
    layout = results.get("solr", {}).get("layout_text", "")
    where = f"; SolrCloud: {layout}" if name == "solr" else ""
    lines = [f"engines side by side (same corpus, same run{where}):"]
    ratio = "Solr/emb." if name == "solr" else "tantivy/Whoosh"
    lines.append(f"  {'figure':<38} {'Whoosh':>12} {label:>12} {ratio:>10}  unit")
    for row in results.get("side_by_side", []):
        lines.append(
            f"  {row['figure']:<38} {fmt(row['embedded']):>12} {fmt(row['solr']):>12}"
            f" {fmt(row['solr_over']):>10}  {row['unit']}"
        )
    return "\n".join(lines)
