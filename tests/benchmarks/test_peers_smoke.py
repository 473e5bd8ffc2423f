"""The peers (bench/peers.py): tantivy and FTS5 index our terms and answer our queries as we do."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("tantivy", reason="tantivy (the bench extra) is not installed")

from bench import corpus as synth  # noqa: E402
from bench import peers  # noqa: E402
from bench.queries import QUERIES  # noqa: E402
from indexer import build  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def _peers_of(tmp_path: Path, texts: list[str]) -> tuple[peers.TantivyPeer, peers.Fts5Peer]:
    """tantivy and FTS5 indexes of `texts`, one paragraph (and one unit) each."""
    spool = tmp_path / "terms.spool"
    with open(spool, "wb") as out:
        batch = [(i, False, f"T/{i}|zh|{i}", text) for i, text in enumerate(texts)]
        peers._spool_write(out, batch, [peers.encode(t) for t in texts])
    peers.task_tantivy_build({"spool": str(spool), "root": str(tmp_path / "tantivy")})
    peers.task_fts5_build({"spool": str(spool), "path": str(tmp_path / "fts5.db")})
    return peers.TantivyPeer(tmp_path / "tantivy"), peers.Fts5Peer(tmp_path / "fts5.db")


def _ours(texts: list[str], query: str) -> int:
    """How many of `texts` our query tree matches in Whoosh with our analyzers (the reference)."""
    from whoosh.fields import TEXT, Schema
    from whoosh.filedb.filestore import RamStorage

    from indexer.backends.whoosh.analyzers import CharAnalyzer, EnglishAnalyzer, WordAnalyzer
    from indexer.backends.whoosh.engine import Engine

    schema = Schema(
        words=TEXT(analyzer=WordAnalyzer(), phrase=True),
        chars=TEXT(analyzer=CharAnalyzer(), phrase=True),
        en=TEXT(analyzer=EnglishAnalyzer(), phrase=True),
    )
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        for text in texts:
            writer.add_document(words=text, chars=text, en=text)
    tree = peers.plan(query)
    with ix.searcher() as searcher:
        return len(Engine(searcher).evaluate(searcher, tree))


@pytest.mark.parametrize(
    ("query", "texts", "expected"),
    [
        # a phrase whose CJK unigram sits under the document's bigram (展 under 展中)
        ("发展，中国", ["发展中国很好", "发展的中国", "中国发展"], 1),
        # a final unigram that the document holds as a bigram (年 under 年度)
        ("2015年", ["2015年度报告", "2015 年", "2015 12月"], 2),
        # a compound's part and the whole compound
        ("16", ["见CDIP/16/8号文件", "见CDIP/17/8号文件"], 1),
        ("CDIP/16/8", ["见CDIP/16/8号文件", "见CDIP/16/9号文件"], 1),
        # a stop word keeps its place in `en`: "united, and nations" is not the phrase
        ('"United Nations"', ["the United Nations system", "united, and nations", "unity"], 1),
        # unquoted Chinese: all its character pairs, in any order
        ("联合国发展", ["联合国发展合作", "国发展了联合国", "联合国的发展"], 2),
    ],
)
def test_peers_match_what_our_query_plan_asks(
    tmp_path: Path, query: str, texts: list[str], expected: int
) -> None:
    assert _ours(texts, query) == expected
    for peer in _peers_of(tmp_path, texts):
        count, translated = peers.peer_search(peer, query)
        assert count == expected, (type(peer).__name__, translated)
        assert peer.units(translated) == expected


@pytest.mark.slow
def test_peers_run_standalone_and_count_what_ours_counts(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus-400-seed1"
    synth.generate(400, corpus, seed=1)
    build(corpus, tmp_path / "ours")
    out = tmp_path / "peers.json"
    cmd = [sys.executable, "-m", "bench.peers", "--paragraphs", "400", "--rounds", "1"]
    cmd += ["--work", str(tmp_path), "--index", str(tmp_path / "ours"), "--json", str(out)]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "tantivy/ours" in proc.stdout
    results = json.loads(out.read_text(encoding="utf-8"))
    counts = results["peers_table"]["counts"]
    assert [row["query"] for row in counts] == [q.text for q in QUERIES]
    assert sum(row["ours"] for row in counts) > 0
    for row in counts:  # ours adds partial matches where the strict query finds few units
        assert row["tantivy"] == row["fts5"] <= row["ours"], row
    for engine in ("tantivy", "fts5"):
        built = results["peers"][engine]["build"]
        assert built["blocks"] == results["peers"]["analysis"]["blocks"]
        assert built["index_mb"] > 0 and built["cpu_s"] > built["engine_cpu_s"] > 0
        assert results["peers"][engine]["queries"]["p95_ms"] > 0


@pytest.mark.slow
def test_benchmark_with_peers_prints_the_side_by_side_table(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    cmd = [sys.executable, "-m", "bench", "--paragraphs", "300", "--quick", "--peers"]
    cmd += ["--rounds", "1", "--no-http", "--no-update", "--work", str(tmp_path / "work")]
    cmd += ["--json", str(out)]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "obvious Whoosh" in proc.stdout and "tantivy/ours" in proc.stdout
    results = json.loads(out.read_text(encoding="utf-8"))
    rows = {row["row"]: row for row in results["peers_table"]["rows"]}
    for engine in ("ours", "obvious", "tantivy", "fts5"):
        assert rows["build CPU s"][engine] > 0 and rows["query p95 ms (warm)"][engine] > 0
    assert rows["index MB"]["over_ours"]["tantivy"] > 0
    counts = results["peers_table"]["counts"]  # ours adds partial matches to few strict ones
    assert all(r["tantivy"] == r["fts5"] <= r["ours"] for r in counts)
    assert results["load_average"]["max"] >= results["load_average"]["min"] >= 0
