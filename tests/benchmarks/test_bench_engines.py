"""`python -m bench --engine solr|both`: SolrCloud measured through the same steps as ours."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import engines
from tests.solr.backend import require_java_and_maven

REPO = Path(__file__).resolve().parents[2]


def test_side_by_side_pairs_each_figure_and_skips_unmeasured_ones() -> None:
    results = {
        "build": {"seconds": 10.0, "index_mb": 4.0},
        "queries": {"p95_ms": 20.0, "first": {"p95_ms": 40.0}},
        "solr": {
            "build": {"seconds": 25.0, "index_mb": 2.0, "server_cpu_s": 30.0},
            "queries": {"p95_ms": 50.0},
        },
    }
    rows = {r["figure"]: r for r in engines.side_by_side(results)}
    assert rows["build wall"] == {
        "figure": "build wall",
        "unit": "s",
        "embedded": 10.0,
        "solr": 25.0,
        "solr_over": 2.5,
    }
    assert rows["index on disk"]["solr_over"] == 0.5
    assert rows["build CPU, Solr JVMs"]["embedded"] is None
    assert rows["build CPU, Solr JVMs"]["solr_over"] is None
    assert rows["query p95, first time"]["solr"] is None
    assert "HTTP 4 clients: p95" not in rows  # measured by neither
    assert "build wall" in engines.table({**results, "side_by_side": list(rows.values())})


def test_solr_alone_has_no_embedded_column() -> None:
    results = {"solr": {"build": {"seconds": 25.0}}}
    [row] = engines.side_by_side(results)
    assert (row["embedded"], row["solr"], row["solr_over"]) == (None, 25.0, None)


@pytest.mark.slow
@pytest.mark.solr
def test_benchmark_runs_the_solr_engine(tmp_path: Path) -> None:
    """A local 2-node SolrCloud started by the benchmark, a few hundred paragraphs."""
    require_java_and_maven()
    out = tmp_path / "result.json"
    cmd = [sys.executable, "-m", "bench", "--engine", "solr", "--paragraphs", "300", "--quick"]
    cmd += ["--rounds", "1", "--http-seconds", "1", "--solr-heap", "512m"]
    cmd += ["--work", str(tmp_path / "work"), "--json", str(out)]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "engines side by side" in proc.stdout
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["engines"] == ["solr"] and "build" not in results  # the embedded one not run
    solr = results["solr"]
    assert solr["layout"]["shards"] == 2 and solr["layout"]["replicas"] == 1
    build = solr["build"]
    assert build["paragraphs"] == 300 and build["paragraphs_per_s"] > 0
    assert build["server_cpu_s"] > 0 and build["server_peak_rss_mb"] > 0  # the JVMs' share
    assert build["index_mb"] > 0  # the live collection's cores
    for step in ("queries", "question_queries"):
        assert solr[step]["n"] > 0 and solr[step]["p95_ms"] > 0, solr[step]
        assert solr[step]["first"]["p95_ms"] > 0
        assert solr[step]["server_cpu_ms_per_search"] > 0
    assert solr["cold_start"]["seconds"] > 0, solr["cold_start"]
    assert solr["http"]["p95_ms"] > 0 and solr["http"]["errors"] == 0, solr["http"]
    assert solr["update"]["new_document"]["result"]["added"] == 1, solr["update"]
    figures = {row["figure"] for row in results["side_by_side"]}
    assert {"build throughput", "query p95, warm", "HTTP 4 clients: p95"} <= figures
