"""Where the peers' time goes, in one process: analysis per field, tantivy's Python feed against
its engine, FTS5's layout against SQLite, and per query our plan against each engine.

    python -m bench.peers_profile --corpus DIR [--work DIR] [--analysis-only]

CPU seconds of this process (tantivy's indexing threads included); query times are medians of
5 runs, first page only (count + top 10), without the stored-text fetch.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import peers
from bench.queries import QUERIES


def _cpu() -> float:
    return time.process_time()


def profile(corpus: Path, work: Path, analysis_only: bool = False) -> list[str]:
    import tantivy

    from indexer.analysis.segmenter import segmenter
    from indexer.analysis.terms import char_terms, english_terms, word_terms
    from indexer.ingest.corpus import iter_corpus

    lines = []
    words = f"words ({segmenter().name})"
    t = _cpu()
    docs = list(iter_corpus(corpus, []))
    parse = _cpu() - t
    blocks = [
        (b.kind in peers.HEADS, f"{d.meta.symbol}|{b.label}", b.text)
        for d in docs
        for b in d.blocks
    ]
    fields = {}
    for name, terms in (
        (words, word_terms),
        ("chars", char_terms),
        ("en", english_terms),
    ):
        t = _cpu()
        for _, _, text in blocks:
            for _ in terms(text):
                pass
        fields[name] = _cpu() - t
    t = _cpu()
    encoded = [peers.encode(text) for _, _, text in blocks]
    analysis = _cpu() - t
    lines.append(
        f"{len(blocks):,} blocks. analysis CPU s: parsing {parse:.2f}; each field alone "
        + ", ".join(f"{k} {v:.2f}" for k, v in fields.items())
        + f"; all three together (what the peers pay) {analysis:.2f}"
    )
    if analysis_only:
        return lines
    spool = work / "terms.spool"
    units: dict[str, int] = {}
    with open(spool, "wb") as out:
        batch = [(units.setdefault(u, len(units)), head, u, text) for head, u, text in blocks]
        peers._spool_write(out, batch, encoded)
    records = list(peers.read_spool(spool))

    t = _cpu()
    documents = [peers.tantivy_document(r) for r in records]
    feed = _cpu() - t
    root = work / "tantivy"
    root.mkdir()
    writer = tantivy.Index(peers.tantivy_schema(), path=str(root)).writer()
    t, w = _cpu(), time.perf_counter()
    for doc in documents:
        writer.add_document(doc)
    add, add_wall = _cpu() - t, time.perf_counter() - w
    t, w = _cpu(), time.perf_counter()
    writer.commit()
    writer.wait_merging_threads()
    commit, commit_wall = _cpu() - t, time.perf_counter() - w
    lines.append(
        f"tantivy CPU s: Python feed (decode, Token and Document objects) {feed:.2f};"
        f" add_document {add:.2f} ({add_wall:.2f} s wall); commit + merges {commit:.2f}"
        f" ({commit_wall:.2f} s wall)"
    )

    t = _cpu()
    rows = [
        [i, *(c for enc in r.fields for c in peers.fts5_layout(*peers.decode(enc))), "text"]
        for i, r in enumerate(records, start=1)
    ]
    layout = _cpu() - t
    db_path = work / "fts5.db"
    db = sqlite3.connect(db_path, isolation_level=None)
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-65536"):
        db.execute(f"PRAGMA {pragma}")
    db.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(w, wx, c, cx, e, ex, part, content='',"
        f' tokenize="{peers.FTS5_TOKENIZE}")'
    )
    t = _cpu()
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO fts(rowid, w, wx, c, cx, e, ex, part) VALUES (?,?,?,?,?,?,?,?)", rows
    )
    db.execute("COMMIT")
    insert = _cpu() - t
    t = _cpu()
    db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    optimize = _cpu() - t
    db.close()
    lines.append(
        f"FTS5 CPU s: layout (main/extra columns) {layout:.2f}; inserts + commit {insert:.2f};"
        f" optimize {optimize:.2f}"
    )

    tv, fts = peers.TantivyPeer(root), peers.Fts5Peer(db_path)
    lines.append(f"{'query':<32} plan ms  tantivy ms  FTS5 ms   (medians of 5; first page)")
    for q in QUERIES:
        plans, tvs, ftss = [], [], []
        for _ in range(5):
            t = time.perf_counter()
            tree = peers.plan(q.text)
            plans.append(time.perf_counter() - t)
            tq, fq = (tv.translate(tree), fts.translate(tree)) if tree is not None else (None, None)
            t = time.perf_counter()
            if tq is not None:
                tv.searcher.search(tv.paragraphs(tq), peers.TOP, count=True)
            tvs.append(time.perf_counter() - t)
            t = time.perf_counter()
            if fq is not None:
                match = fts.paragraphs(fq)
                fts.db.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (match,)).fetchone()
                sql = f"SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT {peers.TOP}"
                fts.db.execute(sql, (match,)).fetchall()
            ftss.append(time.perf_counter() - t)
        lines.append(
            f"{q.text:<32} {statistics.median(plans) * 1000:7.2f}"
            f"  {statistics.median(tvs) * 1000:10.2f}  {statistics.median(ftss) * 1000:7.2f}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.peers_profile", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--corpus", type=Path, required=True, help="a corpus folder")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    parser.add_argument(
        "--analysis-only", action="store_true", help="stop after the analysis CPU line"
    )
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="peers-profile-", dir=args.work))
    try:
        print("\n".join(profile(args.corpus, work, args.analysis_only)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
