"""Where index build time goes: the same documents through variants of the writer and schema.

    python -m bench.experiments --corpus bench/out/corpus-10000-seed1 [--limit 5000]

Each variant runs in its own process on the first `--limit` paragraphs of the corpus (parsed
before the clock starts) and reports seconds and paragraphs/s:

- ``analysis``: our two analyzers over every block, no Whoosh (``scan``, jieba and bigrams);
- ``jieba``: jieba precise-mode segmentation of the same text (the floor);
- ``store``: indexer's schema into ``ix.writer(limitmb=256)`` (what an update does now);
- ``limitmb1024``: the same with ``limitmb=1024``;
- ``procs2``: ``procs=2, multisegment=True, limitmb=256`` (two analysing processes, no merge);
- ``words_only`` / ``chars_only``: the schema without the ``chars`` / ``words`` field.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VARIANTS = ("jieba", "analysis", "store", "limitmb1024", "procs2", "words_only", "chars_only")


def _documents(corpus: Path, limit: int | None):
    from bench.worker import _documents

    return _documents(corpus, limit)[0]


def run_variant(name: str, corpus: Path, limit: int | None) -> dict:
    from whoosh import index as whoosh_index

    from indexer.analysis.segmenter import segment, segmenter
    from indexer.analysis.terms import char_terms, word_terms
    from indexer.backends.whoosh.schema import build_schema
    from indexer.index.fields import block_fields

    documents = _documents(corpus, limit)
    paragraphs = sum(b.kind == "paragraph" for d in documents for b in d.blocks)
    segmenter()  # load jieba's dictionary before the clock starts (as every variant needs it)
    texts = [b.text for d in documents for b in d.blocks]
    started = time.perf_counter()
    size = 0
    if name == "jieba":
        from indexer.analysis.scan import scan

        runs = [p.text for t in texts for p in scan(t) if p.kind == "cjk"]
        started = time.perf_counter()
        for run in runs:
            segment(run)
    elif name == "analysis":
        for text in texts:
            for _ in word_terms(text):
                pass
            for _ in char_terms(text):
                pass
    else:
        schema = build_schema()
        if name == "words_only":
            schema.remove("chars")
        elif name == "chars_only":
            schema.remove("words")
        kwargs = {
            "store": {"limitmb": 256},
            "limitmb1024": {"limitmb": 1024},
            "procs2": {"limitmb": 256, "procs": 2, "multisegment": True},
            "words_only": {"limitmb": 256},
            "chars_only": {"limitmb": 256},
        }[name]
        with tempfile.TemporaryDirectory() as tmp:
            ix = whoosh_index.create_in(tmp, schema)
            writer = ix.writer(**kwargs)
            for doc in documents:
                for fields in block_fields(doc):
                    if name == "words_only":
                        fields.pop("chars")
                    elif name == "chars_only":
                        fields.pop("words")
                    writer.add_document(**fields)
            writer.commit()
            size = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
    seconds = time.perf_counter() - started
    return {
        "variant": name,
        "paragraphs": paragraphs,
        "blocks": len(texts),
        "seconds": round(seconds, 2),
        "paragraphs_per_s": round(paragraphs / seconds, 1),
        "index_mb": round(size / 2**20, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.experiments", description=__doc__)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=5000, help="paragraphs (default 5000)")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.one:
        print(json.dumps(run_variant(args.one, args.corpus, args.limit)))
        return 0
    results = []
    for name in args.variants.split(","):
        cmd = [sys.executable, "-m", "bench.experiments", "--corpus", str(args.corpus)]
        cmd += ["--limit", str(args.limit), "--one", name]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"{name}: failed: {proc.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
            continue
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(result)
        print(
            f"{name:<12} {result['seconds']:8.1f} s {result['paragraphs_per_s']:9.0f} paragraphs/s"
            f"  index {result['index_mb']} MB",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
