"""Plot build time and query p95 against corpus size from `python -m bench --json` files.

python -m bench.plot bench/out/bench-*.json --out bench/out/scaling.png
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def load(paths: list[Path]) -> list[dict]:
    runs = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    return sorted(runs, key=lambda r: r["paragraphs"])


def plot(runs: list[dict], out: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for key, label, style in (("build", "ours", "o-"), ("obvious_build", "obvious design", "s--")):
        # A subset build (the obvious design above --baseline-limit) is scaled to the full corpus
        # at its measured rate.
        pts = [
            (r["paragraphs"], r["paragraphs"] / r[key]["paragraphs_per_s"])
            for r in runs
            if r.get(key, {}).get("paragraphs_per_s")
        ]
        if pts:
            left.plot(*zip(*pts, strict=True), style, label=label)
    floor = [
        (r["paragraphs"], r["paragraphs"] / r["segment"]["paragraphs_per_s"])
        for r in runs
        if r.get("segment", {}).get("paragraphs_per_s")
    ]
    if floor:
        left.plot(*zip(*floor, strict=True), "^:", label="jieba segmentation (floor)")
    left.set(xscale="log", yscale="log", xlabel="paragraphs", ylabel="build time (s)")
    left.set_title("Full build")
    left.grid(True, which="both", alpha=0.3)
    left.legend()
    for key, label, style in (
        ("queries", "ours", "o-"),
        ("obvious_queries", "obvious design", "s--"),
    ):
        pts = [(r["paragraphs"], r[key]["p95_ms"]) for r in runs if r.get(key, {}).get("p95_ms")]
        if pts:
            right.plot(*zip(*pts, strict=True), style, label=label)
    right.plot([1e5, 1e6], [50, 200], "rx", markersize=10, label="targets")
    right.set(xscale="log", yscale="log", xlabel="paragraphs", ylabel="query p95 (ms)")
    right.set_title("Query p95, first page with highlights (in process)")
    right.grid(True, which="both", alpha=0.3)
    right.legend()
    machine = runs[-1].get("machine", {})
    fig.suptitle(f"docsearch benchmark ({machine.get('cpus', '?')} CPUs, shared machine)")
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.plot", description=__doc__.split("\n")[0]
    )
    parser.add_argument("results", nargs="+", type=Path, help="JSON files from python -m bench")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "scaling.png")
    args = parser.parse_args(argv)
    out = plot(load(args.results), args.out)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
