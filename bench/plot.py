"""Plot the benchmark's figures against corpus size (10^4 -> 10^6) from `python -m bench --json`.

python -m bench.plot bench/out/bench-*.json --out bench/out/scaling.png

Six panels: build wall time, build CPU, query p95 (warm and first time), peak RSS of the build's
process tree, index size, cold start and update. Ours, the obvious design, and the peers
(tantivy, FTS5: runs made with --peers) where the runs hold them. A subset build of the obvious
design (above --baseline-limit) is scaled to the full corpus at its measured per-paragraph rate.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

ENGINES = (  # (label, build key, queries key, style)
    ("ours", "build", "queries", "o-"),
    ("obvious design", "obvious_build", "obvious_queries", "s--"),
    ("tantivy (our terms)", "peers.tantivy.build", "peers.tantivy.queries", "D-."),
    ("FTS5 (our terms)", "peers.fts5.build", "peers.fts5.queries", "v-."),
)


def load(paths: list[Path]) -> list[dict]:
    runs = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    return sorted(runs, key=lambda r: r["paragraphs"])


def dig(run: dict, path: str) -> dict:
    """run["a"]["b"]… for the dotted `path` ({} where a step is missing)."""
    node = run
    for key in path.split("."):
        node = node.get(key, {}) if isinstance(node, dict) else {}
    return node if isinstance(node, dict) else {}


def scaled(run: dict, build: dict, key: str) -> float | None:
    """A build figure for the whole corpus: a subset build's figure per paragraph times the size."""
    value = build.get(key)
    if not isinstance(value, int | float) or "error" in build:
        return None
    if build.get("subset") and build.get("paragraphs"):
        return value / build["paragraphs"] * run["paragraphs"]
    return value


def series(runs: list[dict], value: Callable[[dict], float | None]) -> list[tuple[float, float]]:
    points = []
    for run in runs:
        y = value(run)
        if isinstance(y, int | float) and y > 0:
            points.append((run["paragraphs"], y))
    return points


def _floor_seconds(run: dict) -> float | None:
    rate = run.get("segment", {}).get("paragraphs_per_s")
    return run["paragraphs"] / rate if rate else None


def _line(ax, points, style: str, label: str, color: str | None = None) -> None:
    if points:
        ax.plot(*zip(*points, strict=True), style, label=label, color=color)


def plot(runs: list[dict], out: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 3, figsize=(16, 8.6))
    wall, cpu, query, rss, size, small = axes.ravel()
    for i, (label, build_key, query_key, style) in enumerate(ENGINES):
        color = f"C{i}"

        def build(run, key, build_key=build_key):
            return scaled(run, dig(run, build_key), key)

        _line(wall, series(runs, lambda r, b=build: b(r, "seconds")), style, label, color)
        _line(cpu, series(runs, lambda r, b=build: b(r, "cpu_s")), style, label, color)
        _line(size, series(runs, lambda r, b=build: b(r, "index_mb")), style, label, color)
        peak = series(runs, lambda r, k=build_key: dig(r, k).get("peak_rss_mb"))
        _line(rss, peak, style, label, color)
        warm = series(runs, lambda r, k=query_key: dig(r, k).get("p95_ms"))
        first = series(runs, lambda r, k=query_key: dig(r, k + ".first").get("p95_ms"))
        _line(query, warm, style, f"{label}, warm", color)
        _line(query, first, style[0] + ":", f"{label}, first time", color)
    _line(wall, series(runs, _floor_seconds), "^:", "jieba segmentation (floor)")
    wall.axhline(1800, color="r", lw=0.8, ls=":", label="target at 10^6: 30 min")
    query.plot([1e5, 1e6], [50, 200], "rx", markersize=9, label="targets, warm")
    query.plot([1e6], [500], "r+", markersize=11, label="target, first time")
    rss.axhline(1536, color="r", lw=0.8, ls=":", label="target: 1.5 GB")
    _line(small, series(runs, lambda r: r.get("cold_start", {}).get("seconds")), "o-", "cold start")
    new = series(runs, lambda r: dig(r, "update.new_document").get("seconds"))
    _line(small, new, "s--", "update, new 50-paragraph document")
    small.axhline(1.5, color="r", lw=0.8, ls=":", label="cold start target 1.5 s")
    small.axhline(2.0, color="m", lw=0.8, ls=":", label="update target 2 s")
    for ax, title, unit in (
        (wall, "Full build, wall", "s"),
        (cpu, "Full build, CPU (all processes)", "CPU s"),
        (query, "Query p95 (in process)", "ms"),
        (rss, "Peak RSS of the build's process tree", "MB"),
        (size, "Index size", "MB"),
        (small, "Cold start and update", "s"),
    ):
        ax.set(xscale="log", yscale="log", xlabel="paragraphs", ylabel=unit, title=title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
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
