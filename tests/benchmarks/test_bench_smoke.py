"""Smoke test for bench/: the generator writes a valid corpus and the benchmark runs end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import corpus as synth
from indexer.ingest.corpus import load_corpus

REPO = Path(__file__).resolve().parents[2]


def test_generator_writes_the_corpus_format(tmp_path: Path) -> None:
    summary = synth.generate(300, tmp_path / "c", seed=7)
    documents, failures = load_corpus(tmp_path / "c")
    assert not failures
    paragraphs = [b for d in documents for b in d.blocks if b.kind == "paragraph"]
    assert len(paragraphs) == summary["paragraphs"] == 300
    assert all(60 <= len(b.text) <= 400 for b in paragraphs)
    assert any(b.kind == "heading" for d in documents for b in d.blocks)
    assert {d.meta.lang for d in documents} == {"zh", "en"}
    zh = next(d for d in documents if d.meta.lang == "zh")
    en = next(d for d in documents if d.meta.symbol == zh.meta.symbol and d.meta.lang == "en")
    assert [b.label for b in zh.blocks] == [b.label for b in en.blocks]  # same numbering
    assert zh.meta.date and zh.meta.session and zh.meta.committee_code


def test_generator_is_deterministic(tmp_path: Path) -> None:
    synth.generate(120, tmp_path / "a", seed=3)
    synth.generate(120, tmp_path / "b", seed=3, jobs=2)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.txt"))
    assert files
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()


@pytest.mark.slow
def test_benchmark_runs_quick(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    cmd = [
        sys.executable,
        "-m",
        "bench",
        "--paragraphs",
        "300",
        "--quick",
        "--rounds",
        "1",
        "--http-seconds",
        "1",
        "--work",
        str(tmp_path / "work"),
        "--json",
        str(out),
    ]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "build_vs_obvious" in proc.stdout
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["build"]["paragraphs"] == 300
    assert results["obvious_build"]["paragraphs"] == 300
    assert results["queries"]["n"] > 0 and results["queries"]["p95_ms"] > 0
    assert results["cold_start"]["seconds"] > 0
    assert {"p95_ms", "pending", "error"} & set(results["http"])
    assert "error" not in results["http"], results["http"]
    assert results["ratios"]["build_vs_obvious"] > 0
