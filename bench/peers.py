"""Peers: the project's own analysed blocks in tantivy and SQLite FTS5, the same query set.

    python -m bench.peers --paragraphs N [--index OURS] [--json FILE]

The comparison is about the engines, not the analysis: every block of the corpus (paragraphs,
headings, titles, as our build indexes them) is analysed once by the project's own term
generators (``word_terms``, ``char_terms``, ``english_terms``: jieba words, CJK unigrams +
bigrams, Porter stems, compounds whole and in parts, with positions) into a spool file, and each
engine indexes those terms from the spool in its own process. Queries go through the project's
own query plan (``parse_query`` -> glossary ``expand`` -> ``build_query``, the relaxed retry when
nothing matches) and the resulting query tree is translated node by node:

- **tantivy** gets the terms as pre-tokenised text with their positions, several terms at one
  position included (``PreTokenizedString``): the index holds exactly our postings, and Term,
  Phrase, And, Or, AndMaybe (must + should) and AndNot (must + must not) translate one to one.
- **FTS5** cannot put two tokens at one position from Python, so each field is two columns: at
  every position its longest term (the CJK bigram, or the whole compound ``cdip/16/8``) in the
  main column, in order, and the other terms at that position (the unigram, the compound's parts)
  in a second column. A term query searches both columns; a phrase searches the main column,
  which holds exactly the units ``phrase_units``/``query_words``/``english_units`` produce. Where
  a phrase's CJK unigram may sit under a document's bigram (``发展，中国`` in ``发展中国``), the
  alternatives are spelt out (``展`` or ``展中``; a final unigram as a prefix). Not reproduced: a
  phrase that starts or ends inside a document's compound (the phrase ``16 8`` in ``CDIP/16 8``);
  AndMaybe keeps only its required side (its optional side ranks, it never filters).

A timed query is what a search engine's first page costs: count the matching paragraphs (blocks
that are not headings or titles), rank, load the stored text of the first 10. Ours does more
per query (one hit per bilingual unit, facets, highlights, the other language's paragraph).
Untimed, each engine's distinct matching units (symbol + paragraph label, ours' ``total``) are
counted, so the table shows that the engines answer the same question.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import logging
import os
import pickle
import re
import shutil
import sqlite3
import statistics
import sys
import time
import unicodedata
from array import array
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from indexer.analysis.scan import CJK_CHARS

log = logging.getLogger(__name__)

FIELDS = ("words", "chars", "en")
HEADS = ("heading", "title")  # not counted as hits, as in ours (SearchIndex counts paragraphs)
SPOOL_BATCH = 500  # blocks per pickled batch in the spool
FTS5_COLUMNS = {"words": ("w", "wx"), "chars": ("c", "cx"), "en": ("e", "ex")}
# Every character a term can hold besides letters, digits and non-ASCII (see terms._SCAN).
FTS5_TOKENIZE = "ascii tokenchars '/.-:''&'"
TOP = 10
_CJK = re.compile(f"[{CJK_CHARS}]+")


# --- analysis: the project's terms, once, into a spool ---------------------------------------


@dataclass(frozen=True)
class Record:
    """One block as every peer indexes it: ids, stored text and the three fields' terms."""

    unit: int  # code of symbol|label, the bilingual unit ours counts
    head: bool  # a heading or title: matched, but not counted as a hit
    key: str  # symbol|lang|label
    body: str
    fields: tuple[tuple[str, bytes], ...]  # per field: terms joined by spaces, (pos, start, end)


def encode(text: str) -> tuple[tuple[str, bytes], ...]:
    """The three fields' terms of `text`: space-joined term texts and int32 (pos, start, end)."""
    from indexer.analysis.terms import char_terms, english_terms, word_terms

    encoded = []
    for terms in (word_terms, char_terms, english_terms):
        texts, numbers = [], array("i")
        for term, pos, start, end in terms(text):
            texts.append(term)
            numbers.extend((pos, start, end))
        encoded.append((" ".join(texts), numbers.tobytes()))
    return tuple(encoded)


def decode(field: tuple[str, bytes]) -> tuple[list[str], array]:
    terms, numbers = field[0].split(" ") if field[0] else [], array("i")
    numbers.frombytes(field[1])
    return terms, numbers


def _encode_all(texts: list[str]) -> list[tuple]:
    return [encode(t) for t in texts]


def _cpu_seconds() -> float:
    from bench.worker import _cpu_seconds

    return _cpu_seconds()


def task_analyse(args: dict) -> dict:
    """Parse the corpus and write every block's terms to the spool (`jobs` processes)."""
    from indexer.analysis.segmenter import segmenter
    from indexer.ingest.corpus import iter_corpus

    started, cpu = time.perf_counter(), _cpu_seconds()
    segmenter()  # jieba's dictionary, loaded once and inherited by the analysis processes
    units: dict[str, int] = {}
    blocks = paragraphs = size = 0
    jobs = max(1, args.get("jobs", 1))
    failures: list = []

    def batches() -> Iterator[list]:
        batch = []
        for doc in iter_corpus(Path(args["corpus"]), failures):
            for block in doc.blocks:
                unit = units.setdefault(f"{doc.meta.symbol}|{block.label}", len(units))
                key = f"{doc.meta.symbol}|{doc.meta.lang}|{block.label}"
                batch.append((unit, block.kind in HEADS, key, block.text))
                if len(batch) >= SPOOL_BATCH:
                    yield batch
                    batch = []
        if batch:
            yield batch

    spool = Path(args["spool"])
    with open(spool, "wb") as out, ProcessPoolExecutor(jobs) as pool:
        pending = []
        for batch in batches():
            pending.append((batch, pool.submit(_encode_all, [b[3] for b in batch])))
            while len(pending) > 2 * jobs:  # bounded: the parent parses while the pool analyses
                size += _spool_write(out, *_done(pending.pop(0)))
            blocks += len(batch)
            paragraphs += sum(not b[1] for b in batch)
        for item in pending:
            size += _spool_write(out, *_done(item))
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": _cpu_seconds() - cpu,
        "blocks": blocks,
        "paragraph_blocks": paragraphs,
        "units": len(units),
        "failures": len(failures),
        "spool_mb": round(size / 2**20, 1),
        "jobs": jobs,
    }


def _done(item) -> tuple[list, list]:
    batch, future = item
    return batch, future.result()


def _spool_write(out, batch: list, encoded: list) -> int:
    records = [
        Record(unit, head, key, body, fields)
        for (unit, head, key, body), fields in zip(batch, encoded, strict=True)
    ]
    data = pickle.dumps(records, protocol=5)
    out.write(data)
    return len(data)


def read_spool(path: Path) -> Iterator[Record]:
    with open(path, "rb") as handle:
        while True:
            try:
                yield from pickle.load(handle)
            except EOFError:
                return


# --- tantivy ---------------------------------------------------------------------------------


def tantivy_schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    for field in FIELDS:  # filled with pre-tokenised text: the tokenizer is never run
        builder.add_text_field(field, tokenizer_name="raw", index_option="position")
    builder.add_text_field("part", tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field("unit", fast=True)
    builder.add_bytes_field("key", stored=True)
    builder.add_bytes_field("body", stored=True)
    return builder.build()


def tantivy_document(record: Record):
    """One block as a tantivy document: our terms pre-tokenised, positions and offsets kept."""
    import tantivy

    doc = tantivy.Document()
    for field, encoded in zip(FIELDS, record.fields, strict=True):
        terms, n = decode(encoded)
        tokens = [
            tantivy.Token(term, n[3 * i], n[3 * i + 1], n[3 * i + 2])
            for i, term in enumerate(terms)
        ]
        doc.add_pre_tokenized_text(field, tantivy.PreTokenizedString(record.body, tokens))
    doc.add_text("part", "head" if record.head else "text")
    doc.add_unsigned("unit", record.unit)
    doc.add_bytes("key", record.key.encode())
    doc.add_bytes("body", record.body.encode())
    return doc


def task_tantivy_build(args: dict) -> dict:
    """Index the spool into tantivy (default writer: 128 MB heap, one thread per core)."""
    import tantivy

    started, cpu = time.perf_counter(), _cpu_seconds()
    root = Path(args["root"])
    root.mkdir(parents=True)
    index = tantivy.Index(tantivy_schema(), path=str(root))
    writer = index.writer()
    blocks = 0
    for record in read_spool(Path(args["spool"])):
        writer.add_document(tantivy_document(record))
        blocks += 1
    writer.commit()
    writer.wait_merging_threads()
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": _cpu_seconds() - cpu,
        "blocks": blocks,
    }


class TantivyPeer:
    def __init__(self, root: Path) -> None:
        import tantivy

        self.t = tantivy
        self.index = tantivy.Index.open(str(root))
        self.searcher = self.index.searcher()
        self.schema = self.index.schema
        self.text = tantivy.Query.term_query(self.schema, "part", "text")

    def translate(self, q):
        """Our query tree as a tantivy query (one to one)."""
        from indexer.query import tree as qt

        Q, Occur = self.t.Query, self.t.Occur
        match q:
            case qt.Term():
                return Q.term_query(self.schema, q.field, q.text)
            case qt.Phrase():
                words = list(zip(q.positions, q.terms, strict=True))
                return Q.phrase_query(self.schema, q.field, words)
            case qt.AndMaybe():
                return Q.boolean_query(
                    [
                        (Occur.Must, self.translate(q.required)),
                        (Occur.Should, self.translate(q.optional)),
                    ]
                )
            case qt.AndNot():
                return Q.boolean_query(
                    [
                        (Occur.Must, self.translate(q.positive)),
                        (Occur.MustNot, self.translate(q.negative)),
                    ]
                )
            case qt.And() | qt.Or():
                occur = Occur.Must if isinstance(q, qt.And) else Occur.Should
                return Q.boolean_query([(occur, self.translate(s)) for s in q.children])
            case qt.Nothing():
                return Q.empty_query()
        raise ValueError(f"no tantivy translation for the query node {q!r}")

    def paragraphs(self, query):
        return self.t.Query.boolean_query(
            [(self.t.Occur.Must, query), (self.t.Occur.Must, self.text)]
        )

    def first_page(self, query) -> int:
        """Count the matching paragraphs, rank, load the first page's stored text."""
        result = self.searcher.search(self.paragraphs(query), TOP, count=True)
        for _, address in result.hits:
            self.searcher.doc(address)["body"]
        return result.count

    def any_match(self, query) -> bool:
        return self.searcher.search(query, 1, count=True).count > 0

    def units(self, query) -> int:
        q = self.paragraphs(query)
        count = self.searcher.search(q, 1, count=True).count
        if not count:
            return 0
        hits = self.searcher.search(q, count, count=False).hits
        return len(set(self.searcher.fast_field_values("unit", [a for _, a in hits])))


# --- SQLite FTS5 -----------------------------------------------------------------------------


GAP = "xgapx"  # fills a position that holds no term (a stop word's in `en`), so phrases stay exact


def fts5_layout(terms: list[str], numbers: array) -> tuple[str, str]:
    """The main column (the longest term at each position, in order, a filler where a position
    holds none) and the rest."""
    main: list[str] = []
    rest: list[str] = []
    last = -1
    for i, term in enumerate(terms):
        pos = numbers[3 * i]
        if pos != last:
            main.extend([GAP] * max(0, pos - last - 1) if last >= 0 else [])
            main.append(term)
            last = pos
        elif len(term) > len(main[-1]):
            rest.append(main[-1])
            main[-1] = term
        else:
            rest.append(term)
    return " ".join(main), " ".join(rest)


def task_fts5_build(args: dict) -> dict:
    """Index the spool into SQLite FTS5: one transaction, journal and sync off, then optimize."""
    started, cpu = time.perf_counter(), _cpu_seconds()
    path = Path(args["path"])
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-65536")
    db.execute("CREATE TABLE blocks(id INTEGER PRIMARY KEY, unit INTEGER, key TEXT, body TEXT)")
    columns = [c for pair in FTS5_COLUMNS.values() for c in pair]
    db.execute(
        f"CREATE VIRTUAL TABLE fts USING fts5({', '.join(columns)}, part, content='',"
        f' tokenize="{FTS5_TOKENIZE}")'
    )
    insert_fts = (
        f"INSERT INTO fts(rowid, {', '.join(columns)}, part) VALUES (?{', ?' * (len(columns) + 1)})"
    )
    db.execute("BEGIN")
    blocks = 0
    rows, texts = [], []
    for blocks, record in enumerate(read_spool(Path(args["spool"])), start=1):
        row: list = [blocks]
        for encoded in record.fields:
            row.extend(fts5_layout(*decode(encoded)))
        row.append("head" if record.head else "text")
        rows.append(row)
        texts.append((blocks, record.unit, record.key, record.body))
        if len(rows) >= SPOOL_BATCH:
            db.executemany(insert_fts, rows)
            db.executemany("INSERT INTO blocks VALUES (?, ?, ?, ?)", texts)
            rows, texts = [], []
    if rows:
        db.executemany(insert_fts, rows)
        db.executemany("INSERT INTO blocks VALUES (?, ?, ?, ?)", texts)
    db.execute("COMMIT")
    db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    db.close()
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": _cpu_seconds() - cpu,
        "blocks": blocks,
    }


def _fts5_string(terms: list[str], prefix: bool = False) -> str:
    quoted = '"' + " ".join(t.replace('"', '""') for t in terms) + '"'
    return quoted + " *" if prefix else quoted


def _is_cjk(text: str) -> bool:
    return _CJK.fullmatch(text) is not None


def fts5_phrase(field: str, units: list[str]) -> str:
    """A phrase on the main column; a CJK unigram that a document may hold under a bigram (it is
    followed by another CJK unit, or ends the phrase) becomes its alternatives."""
    main = FTS5_COLUMNS[field][0]
    choices: list[list[str]] = []
    prefix = False
    for i, unit in enumerate(units):
        if field == "chars" and len(unit) == 1 and _is_cjk(unit):
            if i + 1 < len(units) and _is_cjk(units[i + 1]):
                choices.append([unit, unit + units[i + 1][0]])
                continue
            if i + 1 == len(units):
                prefix = True  # the unigram, or any bigram starting with it
        choices.append([unit])
    phrases = [_fts5_string(list(c), prefix) for c in itertools.product(*choices)]
    return f"{main} : ({' OR '.join(phrases)})" if len(phrases) > 1 else f"{main} : {phrases[0]}"


def fts5_translate(q) -> str | None:
    """Our query tree as an FTS5 MATCH expression (None: matches nothing). A phrase with a
    stop-word gap is read as its words in order within that distance (NEAR)."""
    from indexer.query import tree as qt

    match q:
        case qt.Term():
            return f"{{{' '.join(FTS5_COLUMNS[q.field])}}} : {_fts5_string([q.text])}"
        case qt.Phrase() if list(q.positions) == list(range(len(q.terms))):
            return fts5_phrase(q.field, list(q.terms))
        case qt.Phrase():
            main = FTS5_COLUMNS[q.field][0]
            words = " ".join(_fts5_string([w]) for w in q.terms)
            return f"{main} : NEAR({words}, {q.positions[-1] - len(q.terms) + 1})"
        case qt.AndMaybe():  # the optional side only ranks
            return fts5_translate(q.required)
        case qt.AndNot():
            a, b = fts5_translate(q.positive), fts5_translate(q.negative)
            return a if a is None or b is None else f"({a}) NOT ({b})"
        case qt.And():
            parts = [fts5_translate(s) for s in q.children]
            return None if None in parts else " AND ".join(f"({p})" for p in parts)
        case qt.Or():
            parts = [p for p in map(fts5_translate, q.children) if p is not None]
            return " OR ".join(f"({p})" for p in parts) if parts else None
        case qt.Nothing():
            return None
    raise ValueError(f"no FTS5 translation for the query node {q!r}")


class Fts5Peer:
    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    translate = staticmethod(fts5_translate)

    @staticmethod
    def paragraphs(query: str) -> str:
        return f'({query}) AND part : "text"'

    def first_page(self, query: str | None) -> int:
        if query is None:
            return 0
        match = self.paragraphs(query)
        sql = "SELECT count(*) FROM fts WHERE fts MATCH ?"
        (count,) = self.db.execute(sql, (match,)).fetchone()
        if count:
            self.db.execute(
                "SELECT b.body FROM (SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rank"
                f" LIMIT {TOP}) AS top JOIN blocks AS b ON b.id = top.rowid",
                (match,),
            ).fetchall()
        return count

    def any_match(self, query: str | None) -> bool:
        if query is None:
            return False
        sql = "SELECT 1 FROM fts WHERE fts MATCH ? LIMIT 1"
        return self.db.execute(sql, (query,)).fetchone() is not None

    def units(self, query: str | None) -> int:
        if query is None:
            return 0
        sql = (
            "SELECT count(DISTINCT unit) FROM blocks"
            " WHERE id IN (SELECT rowid FROM fts WHERE fts MATCH ?)"
        )
        return self.db.execute(sql, (self.paragraphs(query),)).fetchone()[0]


# --- queries ---------------------------------------------------------------------------------


def plan(text: str):
    """Our strict query tree for `text` (glossary expansion on: every keyword required).

    Ours then adds partial matches (a shrinking minimum of the words) when the strict query
    finds fewer than ten units; the peers run the strict query only, so for such queries our
    count is the larger (the table marks them)."""
    from indexer.query.parse import parse_query
    from indexer.query.plan import build_query, expand

    parsed, _ = expand(parse_query(text))
    if parsed.filters:
        raise ValueError("filters are not translated for the peers")
    q, _ = build_query(parsed)
    return q


def peer_search(peer, text: str) -> tuple[int, object]:
    """Paragraph blocks the strict query matches, and the translated query."""
    tree = plan(text)
    query = peer.translate(tree) if tree is not None else None
    count = peer.first_page(query) if query is not None else 0
    return count, query


def task_queries(args: dict) -> dict:
    """Warm-up, each query once (first time), then `rounds` rounds; then units per query."""
    from bench.queries import QUERIES
    from bench.worker import _timed_queries

    started = time.perf_counter()
    root = Path(args["root"])
    peer = TantivyPeer(root) if args["engine"] == "tantivy" else Fts5Peer(root)
    opened = time.perf_counter() - started

    def search(text: str) -> tuple[int, float]:
        t0 = time.perf_counter()
        count, _ = peer_search(peer, text)
        return count, (time.perf_counter() - t0) * 1000

    result = _timed_queries(search, args["rounds"])
    for item, q in zip(result["queries"], QUERIES, strict=True):
        item["blocks"] = item.pop("total")
        _, query = peer_search(peer, q.text)
        item["total"] = peer.units(query) if query is not None else 0
        plans = []
        for _ in range(5):  # our query plan alone: part of every peer query's time
            t0 = time.perf_counter()
            plan(q.text)
            plans.append((time.perf_counter() - t0) * 1000)
        item["plan_ms"] = statistics.median(plans)
    result["open_ms"] = opened * 1000
    return result


TASKS = {
    "peers-analyse": task_analyse,
    "peers-tantivy-build": task_tantivy_build,
    "peers-fts5-build": task_fts5_build,
    "peers-queries": task_queries,
}


# --- the run, in the parent ------------------------------------------------------------------


def available() -> str | None:
    """Why the peers cannot run here (None: they can)."""
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return "tantivy is not installed (pip install -e '.[bench]')"
    db = sqlite3.connect(":memory:")
    try:
        db.execute(f'CREATE VIRTUAL TABLE t USING fts5(a, tokenize="{FTS5_TOKENIZE}")')
    except sqlite3.OperationalError as err:
        return f"this Python's SQLite has no FTS5 ({err})"
    finally:
        db.close()
    return None


def _engine_summary(run: dict, analysis: dict, index: Path, corpus_bytes: int) -> dict:
    from bench.run import dir_size

    seconds = analysis["seconds"] + run["seconds"]
    return {
        "seconds": round(seconds, 2),
        "cpu_s": round(analysis["cpu_seconds"] + run["cpu_seconds"], 2),
        "engine_seconds": round(run["seconds"], 2),
        "engine_cpu_s": round(run["cpu_seconds"], 2),
        "paragraphs_per_s": round(analysis["paragraphs"] / seconds, 1),
        "mb_per_s": round(corpus_bytes / 2**20 / seconds, 2),
        "index_mb": round(dir_size(index) / 2**20, 1),
        "peak_rss_mb": max(run["peak_rss_mb"], analysis["peak_rss_mb"]),
        "engine_peak_rss_mb": run["peak_rss_mb"],
        "blocks": run["blocks"],
    }


def measure(corpus: Path, work: Path, rounds: int, jobs: int, paragraphs: int) -> dict:
    """Analyse once, build tantivy and FTS5 from the spool, run the query set on both."""
    from bench.run import latency_summary, log, run_worker

    reason = available()
    if reason:
        return {"skipped": reason}
    work = Path(work) / "peers"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    spool = work / "terms.spool"
    log(f"peers: analysing the corpus with the project's terms ({jobs} processes) …")
    spec = {"corpus": str(corpus), "spool": str(spool), "jobs": jobs}
    analysis = run_worker("peers-analyse", spec)
    if "error" in analysis:
        return {"error": analysis["error"]}
    analysis["paragraphs"] = paragraphs
    log(
        f"  {analysis['seconds']:.1f} s, CPU {analysis['cpu_seconds']:.1f} s,"
        f" {analysis['blocks']:,} blocks, spool {analysis['spool_mb']:.0f} MB"
    )
    corpus_bytes = sum(p.stat().st_size for p in Path(corpus).rglob("*.txt"))
    results: dict = {
        "analysis": {
            "seconds": round(analysis["seconds"], 2),
            "cpu_s": round(analysis["cpu_seconds"], 2),
            "peak_rss_mb": analysis["peak_rss_mb"],
            "blocks": analysis["blocks"],
            "units": analysis["units"],
            "jobs": jobs,
            "spool_mb": analysis["spool_mb"],
        }
    }
    engines = {
        "tantivy": ("peers-tantivy-build", {"root": str(work / "tantivy")}, work / "tantivy"),
        "fts5": ("peers-fts5-build", {"path": str(work / "fts5.db")}, work / "fts5.db"),
    }
    for name, (task, extra, index) in engines.items():
        log(f"peers: {name} build from the spool …")
        built = run_worker(task, {"spool": str(spool), **extra})
        if "error" in built:
            results[name] = {"build": {"error": built["error"]}}
            continue
        log(
            f"  {built['seconds']:.1f} s, CPU {built['cpu_seconds']:.1f} s,"
            f" peak RSS {built['peak_rss_mb']:.0f} MB"
        )
        build = _engine_summary(built, analysis, index, corpus_bytes)
        if index.is_file():
            build["index_mb"] = round(index.stat().st_size / 2**20, 1)
        log(f"peers: {name} queries ({rounds} rounds) …")
        ran = run_worker("peers-queries", {"engine": name, "root": str(index), "rounds": rounds})
        if "error" in ran:
            results[name] = {"build": build, "queries": {"error": ran["error"]}}
            continue
        queries = latency_summary(ran["samples_ms"])
        queries["first"] = latency_summary(ran["first_ms"])
        queries["open_ms"] = round(ran["open_ms"], 1)
        queries["peak_rss_mb"] = ran["peak_rss_mb"]
        queries["queries"] = [
            {**q, "median_ms": round(q["median_ms"], 3), "max_ms": round(q["max_ms"], 3)}
            for q in ran["queries"]
        ]
        results[name] = {"build": build, "queries": queries}
    spool.unlink(missing_ok=True)
    return results


# --- the side-by-side table ------------------------------------------------------------------

COLUMNS = (
    ("ours", "ours"),
    ("obvious", "obvious Whoosh"),
    ("tantivy", "tantivy"),
    ("fts5", "FTS5"),
)


def _columns(results: dict) -> dict[str, tuple[dict, dict]]:
    """(build, queries) of every engine measured in `results`."""
    peers = results.get("peers", {})
    found = {
        "ours": (results.get("build", {}), results.get("queries", {})),
        "obvious": (results.get("obvious_build", {}), results.get("obvious_queries", {})),
    }
    for name in ("tantivy", "fts5"):
        found[name] = (peers.get(name, {}).get("build", {}), peers.get(name, {}).get("queries", {}))
    return found


ROWS = (
    ("build wall s", "b", "seconds"),
    ("build CPU s", "b", "cpu_s"),
    ("  engine only: wall s", "b", "engine_seconds"),
    ("  engine only: CPU s", "b", "engine_cpu_s"),
    ("paragraphs/s", "b", "paragraphs_per_s"),
    ("index MB", "b", "index_mb"),
    ("peak RSS MB (build tree)", "b", "peak_rss_mb"),
    ("  engine only: peak RSS MB", "b", "engine_peak_rss_mb"),
    ("query p50 ms (warm)", "q", "p50_ms"),
    ("query p95 ms (warm)", "q", "p95_ms"),
    ("query p99 ms (warm)", "q", "p99_ms"),
    ("first-time p50 ms", "f", "p50_ms"),
    ("first-time p95 ms", "f", "p95_ms"),
)


def table(results: dict) -> dict:
    """Rows of figures per engine, and each figure over ours (peer / ours)."""
    cols = _columns(results)
    rows = []
    for label, where, key in ROWS:
        values = {}
        for name, (build, queries) in cols.items():
            source = {"b": build, "q": queries, "f": queries.get("first", {})}[where]
            value = source.get(key)
            if where == "b" and key.startswith("engine") and name in ("ours", "obvious"):
                value = None  # one figure: analysis and engine are not separable there
            if where == "b" and build.get("subset"):
                value = value if key in ("paragraphs_per_s", "peak_rss_mb") else None
            values[name] = value
        ours = values.get("ours")
        rows.append(
            {
                "row": label,
                **values,
                "over_ours": {
                    n: round(v / ours, 3) if isinstance(v, int | float) and ours else None
                    for n, v in values.items()
                    if n != "ours"
                },
            }
        )
    counts = []
    per = {n: {q["query"]: q for q in qs.get("queries", [])} for n, (_, qs) in cols.items()}
    from bench.queries import QUERIES

    for q in QUERIES:
        row: dict = {"query": q.text, "kind": q.kind}
        for name in per:
            item = per[name].get(q.text)
            row[name] = item.get("total") if item else None
            if item and "blocks" in item:
                row[f"{name}_blocks"] = item["blocks"]
        counts.append(row)
    return {"rows": rows, "counts": counts}


def _pad(text: str, width: int) -> str:
    """`text` left-aligned in `width` terminal columns (CJK characters take two)."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - shown)


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"
    return f"{value:,}"


def report(results: dict) -> str:
    """The side-by-side table: figures, then each peer over ours, then hit counts per query."""
    peers = results.get("peers", {})
    if "skipped" in peers or "error" in peers:
        return f"peers: {peers.get('skipped') or peers.get('error')}"
    t = results.get("peers_table") or table(results)
    a = peers.get("analysis", {})
    lines = [
        "peers — the same analysed blocks (our terms) in each engine; peers' build = analysis"
        f" ({_cell(a.get('seconds'))} s, CPU {_cell(a.get('cpu_s'))} s, {a.get('jobs')}"
        " processes) + engine",
        f"  {'':<26}"
        + "".join(f"{label:>16}" for _, label in COLUMNS)
        + "   tantivy/ours  FTS5/ours",
    ]
    for row in t["rows"]:
        ratios = row["over_ours"]
        lines.append(
            f"  {row['row']:<26}"
            + "".join(f"{_cell(row.get(name)):>16}" for name, _ in COLUMNS)
            + f"   {_cell(ratios.get('tantivy')):>12}  {_cell(ratios.get('fts5')):>9}"
        )
    plans = [
        q["plan_ms"]
        for q in peers.get("tantivy", {}).get("queries", {}).get("queries", [])
        if "plan_ms" in q
    ]
    if plans:
        lines.append(
            "  our query plan alone (parse, glossary, jieba; inside every peer query):"
            f" median {statistics.median(plans):.2f} ms, max {max(plans):.2f} ms per query"
        )
    lines.append(
        "  hits per query (matching paragraph units; obvious Whoosh: its own analysis and"
        " query parser, blocks):"
    )
    for row in t["counts"]:
        lines.append(
            f"    {_pad(row['query'], 32)}"
            + "".join(f"{_cell(row.get(name)):>16}" for name, _ in COLUMNS)
            + _agreement(row)
        )
    return "\n".join(lines)


def _agreement(row: dict) -> str:
    """ "" when the peers agree with ours; a note when ours adds partial matches (more units
    than the strict query the peers run); "differs" otherwise."""
    peers = (row.get("tantivy"), row.get("fts5"))
    if peers[0] != peers[1]:
        return "   differs"
    if row.get("ours") == peers[0]:
        return ""
    if isinstance(row.get("ours"), int) and isinstance(peers[0], int) and row["ours"] > peers[0]:
        return "   ours + partial matches"
    return "   differs"


# --- standalone ------------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.peers", description=__doc__.split("\n")[0])
    p.add_argument("--paragraphs", type=int, default=10_000, help="corpus size (default 10,000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--work", type=Path, help="corpora and indexes go here (default bench/out/)")
    p.add_argument("--corpus", type=Path, help="use this corpus folder instead of generating one")
    p.add_argument(
        "--index", type=Path, help="our index of the corpus: run our queries too, for the counts"
    )
    p.add_argument("--rounds", type=int, default=20, help="query rounds (default 20)")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="analysis jobs")
    p.add_argument("--json", type=Path, help="write all figures to this JSON file")
    return p


def main(argv: list[str] | None = None) -> int:
    from bench import corpus as synth
    from bench.engines import Engine
    from bench.run import DEFAULT_WORK, LoadSampler, log, machine, step_queries

    argv = sys.argv[1:] if argv is None else argv
    args = parser().parse_args(argv)
    work = args.work or DEFAULT_WORK
    n = args.paragraphs
    corpus = args.corpus or work / f"corpus-{n}-seed{args.seed}"
    if args.index and not args.index.is_dir():
        raise SystemExit(f"--index {args.index} is not a folder.")
    reason = available()
    if reason:
        raise SystemExit(f"Cannot run the peers: {reason}.")
    started = time.perf_counter()
    log(f"corpus: {n} paragraphs …")
    summary = synth.ensure_corpus(n, corpus, args.seed, jobs=args.jobs)
    results: dict = {
        "paragraphs": n,
        "seed": args.seed,
        "corpus": {k: v for k, v in summary.items() if k != "reused"},
        "machine": machine(),
        "command": "python -m bench.peers " + " ".join(argv),
    }
    with LoadSampler() as load:
        if args.index:
            results["queries"] = step_queries("queries", Engine("whoosh", args.index), args.rounds)
        results["peers"] = measure(corpus, work / f"peers-{n}", args.rounds, args.jobs, n)
    results["peers_table"] = table(results)
    results["load_average"] = load.summary()
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    print(report(results))
    la = results["load_average"]
    print(
        f"load average (1 min) during the run: min {la['min']:.1f}, median {la['median']:.1f},"
        f" max {la['max']:.1f}; total {results['total_seconds']:.0f} s"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
