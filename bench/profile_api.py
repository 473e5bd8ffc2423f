"""Where an /api/search request's time goes, over the benchmark's query set (cProfile).

    python -m bench.profile_api --index DIR [--rounds 5]

Prints the mean time per request (result cache off, posting lists warm) and the share spent in
the search, in highlighting and in the rest (Flask, JSON).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
import urllib.parse

from bench.queries import QUERIES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_api")
    parser.add_argument("--index", required=True, help="an index directory")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)

    from webapp import create_app

    client = create_app({"INDEX_DIR": args.index, "CACHE_SIZE": 0}).test_client()
    paths = ["/api/search?" + urllib.parse.urlencode({"q": q.text}) for q in QUERIES]
    for path in paths * 2:  # warm: jieba, columns, posting lists
        client.get(path)
    started = time.perf_counter()
    for _ in range(args.rounds):
        for path in paths:
            client.get(path)
    mean = (time.perf_counter() - started) * 1000 / (args.rounds * len(paths))

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.rounds):
        for path in paths:
            client.get(path)
    profile.disable()
    stats = pstats.Stats(profile).stats  # (file, line, function) -> (_, _, tottime, cumtime, _)
    total = sum(tottime for (_, _, tottime, _, _) in stats.values())

    def cumulative(module: str, function: str) -> float:
        return max(
            (
                cum
                for (f, _, fn), (_, _, _, cum, _) in stats.items()
                if fn == function and f.endswith(module)
            ),
            default=0.0,
        )

    search = cumulative("indexer/search/index.py", "search")
    spans = cumulative("indexer/query/highlight.py", "match_spans")
    print(f"{len(paths)} queries x {args.rounds} rounds: {mean:.1f} ms per request")
    print(
        f"  search {100 * search / total:.0f}% (of which highlighting {100 * spans / total:.0f}%)"
    )
    print(f"  Flask, JSON and the rest {100 * (total - search) / total:.0f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
