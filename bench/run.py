"""The benchmark: build, update, queries, cold start and HTTP, against the obvious design.

    python -m bench --paragraphs 100000 [--json FILE] [--quick]
        [--engine whoosh|solr|tantivy|both|whoosh,tantivy]

Everything heavy runs in a child process (``bench.worker``) whose RSS, children included, is
sampled here; times are medians of repeated runs where a run is cheap. The machine is shared and
noisy, so ratios against the obvious design and the raw jieba segmentation floor, measured in the
same run on the same corpus, are printed next to the absolute figures.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from bench import corpus as synth
from bench import engines
from bench.engines import Engine
from bench.queries import QUERIES, QUERY_SETS

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_WORK = BENCH_DIR / "out"
TARGETS = {
    "build_ratio": 2.0,  # x the obvious design's paragraphs/s
    "query_p95_ms_100k": 50.0,
    "question_p95_ms_100k": 100.0,
    "query_p95_ms_1m": 200.0,
    "update_s": 2.0,
    "cold_start_s": 1.5,
    "peak_rss_mb_1m": 1536.0,
    "http_p95_ms": 100.0,
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- child processes -------------------------------------------------------------------------


def child_env() -> dict[str, str]:
    """The environment of every process the benchmark starts: without $DOCSEARCH_SOLR_URL,
    $DOCSEARCH_SOLR_COLLECTION and $DOCSEARCH_ENGINE, so the engine is the one the run names
    (flags), not the shell's."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DOCSEARCH_SOLR") and k != "DOCSEARCH_ENGINE"
    }


def run_worker(
    task: str, args: dict, timeout: float | None = None, servers: list[int] | None = None
) -> dict:
    """Run one bench.worker task; returns its JSON plus peak_rss_mb (worker + children) and,
    given `servers` (processes outside our tree: Solr's JVMs), their CPU seconds during the task
    and peak RSS (server_cpu_seconds, server_peak_rss_mb)."""
    try:
        import psutil
    except ImportError:  # no sampling: fall back to the largest child's ru_maxrss below
        psutil = None

    cmd = [sys.executable, "-m", "bench.worker", task, json.dumps(args)]
    server_cpu = engines.cpu_seconds(servers) if servers else 0.0
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env()
    )
    ps = psutil.Process(proc.pid) if psutil else None
    peak = server_peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak, server_peak
        while ps is not None and not stop.is_set():
            peak = max(peak, engines.rss_bytes(_tree_pids(proc.pid)))
            if servers:
                server_peak = max(server_peak, engines.rss_bytes(servers))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        stop.set()
        return {"error": f"{task} timed out after {timeout:.0f} s"}
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        tail = "\n".join(err.strip().splitlines()[-8:])
        return {"error": f"{task} failed (exit {proc.returncode}): {tail}"}
    result = json.loads(out.strip().splitlines()[-1])
    if ps is None:
        import resource

        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    result["peak_rss_mb"] = round(peak / 2**20, 1)
    if servers:
        result["server_cpu_seconds"] = engines.cpu_seconds(servers) - server_cpu
        result["server_peak_rss_mb"] = round(server_peak / 2**20, 1)
    return result


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def latency_summary(samples: list[float]) -> dict:
    return {
        "p50_ms": round(percentile(samples, 50), 2),
        "p95_ms": round(percentile(samples, 95), 2),
        "p99_ms": round(percentile(samples, 99), 2),
        "n": len(samples),
    }


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


# --- steps -----------------------------------------------------------------------------------


def _build_once(
    task: str, corpus: Path, engine: Engine, label: str, limit: int | None = None
) -> dict:
    if engine.root.exists():
        shutil.rmtree(engine.root)
    log(f"{label} …")
    args = {"corpus": str(corpus), "root": str(engine.root), **engine.worker_args()}
    if task == "baseline-build":
        args["limit"] = limit
    result = run_worker(task, args, servers=engine.server_pids)
    if "error" not in result:
        jvm = result.get("server_cpu_seconds")
        log(
            f"  {result['seconds']:.1f} s, CPU {result['cpu_seconds']:.1f} s"
            + (f" (Solr JVMs {jvm:.1f} s)" if jvm is not None else "")
            + f", peak RSS {result['peak_rss_mb']:.0f} MB"
        )
    return result


def step_builds(
    corpus: Path,
    work: Path,
    repeat: int,
    corpus_bytes: int,
    baseline: bool,
    limit: int | None,
) -> tuple[dict, dict | None, Path]:
    """Our build and the obvious design's, interleaved (ours, obvious, ours, …) so that a change
    in the machine's load hits both alike; medians of `repeat` runs each."""
    root, base_root = work / "index", work / "baseline-index"
    engine, base_engine = Engine("whoosh", root), Engine("whoosh", base_root)
    ours: list[dict] = []
    base: list[dict] = []
    ours_error = base_error = None
    subset = f" (first {limit} paragraphs)" if limit else ""
    for i in range(repeat):
        if ours_error is None:
            label = f"our build {i + 1}/{repeat}"
            result = _build_once("build", corpus, engine, label)
            ours_error = result if "error" in result else None
            ours.append(result)
        if baseline and base_error is None:
            label = f"obvious-design build {i + 1}/{repeat}{subset}"
            result = _build_once("baseline-build", corpus, base_engine, label, limit)
            base_error = result if "error" in result else None
            base.append(result)
    if ours_error is not None:
        ours_summary = ours_error
    else:
        from indexer.index.generations import current_generation

        generation = current_generation(root)
        ours_summary = _build_summary(ours, corpus_bytes, generation)
        ours_summary["blocks"] = ours[0]["blocks"]
    base_summary = None
    if baseline:
        if base_error is not None:
            base_summary = base_error
        else:
            base_summary = _build_summary(base, base[0]["bytes"], base_root)
            base_summary.update(subset=bool(limit), root=str(base_root))
    return ours_summary, base_summary, root


def _build_summary(runs: list[dict], corpus_bytes: int, index: Path | None) -> dict:
    """Medians of a build's runs: time, CPU, rates, index size, peak RSS (and the servers')."""
    seconds = median_of(runs, "seconds")
    cpu = median_of(runs, "cpu_seconds")
    summary = {
        "runs_s": [round(r["seconds"], 2) for r in runs],
        "seconds": round(seconds, 2),
        "cpu_s": round(cpu, 2),
        "cores_busy": round(cpu / seconds, 2),
        "paragraphs": runs[0]["paragraphs"],
        "paragraphs_per_s": round(runs[0]["paragraphs"] / seconds, 1),
        "mb_per_s": round(corpus_bytes / 2**20 / seconds, 2),
        "index_mb": round(dir_size(index) / 2**20, 1) if index else None,
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
    }
    if "server_cpu_seconds" in runs[0]:
        server_cpu = median_of(runs, "server_cpu_seconds")
        summary["server_cpu_s"] = round(server_cpu, 2)
        summary["server_cores_busy"] = round(server_cpu / seconds, 2)
        summary["server_peak_rss_mb"] = max(r["server_peak_rss_mb"] for r in runs)
    return summary


def step_engine_build(engine: Engine, corpus: Path, repeat: int, corpus_bytes: int) -> dict:
    """A build through another backend (SolrCloud): medians of `repeat` runs; the index size
    is every core of the live collection on every node."""
    runs = []
    for i in range(repeat):
        label = f"{engine.label} build {i + 1}/{repeat}"
        result = _build_once("build", corpus, engine, label)
        if "error" in result:
            return result
        runs.append(result)
    summary = _build_summary(runs, corpus_bytes, None)
    summary["blocks"] = runs[0]["blocks"]
    summary["index_mb"] = round(engines.live_collection_size(engine) / 2**20, 1)
    return summary


def step_segment(corpus: Path, repeat: int, limit: int | None) -> dict:
    log("raw jieba segmentation (the floor) …")
    result = run_worker("segment", {"corpus": str(corpus), "repeat": repeat, "limit": limit})
    if "error" in result:
        return result
    return {
        "seconds": round(result["seconds"], 2),
        "paragraphs": result["paragraphs"],
        "paragraphs_per_s": round(result["paragraphs"] / result["seconds"], 1),
        "mb_per_s": round(result["bytes"] / 2**20 / result["seconds"], 2),
        "zh_mb_per_s": round(result["zh_bytes"] / 2**20 / result["zh_seconds"], 2),
        "dictionary_load_s": round(result["init_seconds"], 2),
        "subset": bool(limit),
    }


def step_queries(task: str, engine: Engine, rounds: int, query_set: str = "mixed") -> dict:
    n = len(QUERY_SETS[query_set])
    log(f"{task}{engine.tag} ({rounds} rounds of {n} {query_set} queries) …")
    args = {"root": str(engine.root), "rounds": rounds, "set": query_set, **engine.worker_args()}
    result = run_worker(task, args, servers=engine.server_pids)
    if "error" in result:
        return result
    summary = latency_summary(result["samples_ms"])
    if result.get("searches"):
        per = 1000 / result["searches"]
        summary["cpu_ms_per_search"] = round(result["cpu_seconds"] * per, 2)
        if "server_cpu_seconds" in result:
            summary["server_cpu_ms_per_search"] = round(result["server_cpu_seconds"] * per, 2)
    summary["queries"] = [
        {**q, "median_ms": round(q["median_ms"], 2), "max_ms": round(q["max_ms"], 2)}
        for q in result["queries"]
    ]
    summary["first"] = latency_summary(result["first_ms"])
    summary["peak_rss_mb"] = result["peak_rss_mb"]
    return summary


def step_cold_start(engine: Engine, repeat: int) -> dict:
    """Process start to first answer: `python -m indexer search 发展 --json` on the index."""
    cmd = [sys.executable, "-m", "indexer", "search", "发展", "--json", "--index", str(engine.root)]
    cmd += engine.cli_args()
    runs = []
    log(f"cold start ×{repeat}{engine.tag} …")
    for _ in range(repeat):
        started = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=child_env())
        elapsed = time.perf_counter() - started
        if proc.returncode != 0:
            return {"error": proc.stderr.strip().splitlines()[-1:]}
        if "building it from" in proc.stderr:  # the index was outdated: this timed a build
            return {"error": "the index was outdated and the CLI rebuilt it; rerun the benchmark"}
        runs.append(elapsed)
    return {
        "command": "python -m indexer search 发展 --json --index INDEX"
        + (" --solr URLS --collection NAME" if engine.solr else f" --engine {engine.name}"),
        "runs_s": [round(r, 3) for r in runs],
        "seconds": round(statistics.median(runs), 3),
    }


def step_update(corpus: Path, engine: Engine, repeat: int) -> dict:
    """One new 50-paragraph Chinese document, then one changed document; corpus restored after.

    Each update runs in a fresh process, like `docsearch update`, so it includes loading jieba's
    dictionary when the document is Chinese.
    """
    results: dict = {"new_document": [], "changed_document": []}
    args = {"corpus": str(corpus), "root": str(engine.root), **engine.worker_args()}
    added: list[Path] = []
    changed: Path | None = None
    original = ""
    try:
        for i in range(repeat):
            spec = synth.DocSpec(
                index=10**7 + i,
                symbol=f"BENCH/UPDATE/{i + 1}",
                committee=synth.COMMITTEES[0],
                session=30,
                year=2024,
                month=5,
                day=2,
                paragraphs=50,
                languages=("zh",),
            )
            path = corpus / "zh" / f"zz_bench_update_{i + 1}.txt"
            path.write_text(synth.render(spec, "zh"), encoding="utf-8")
            added.append(path)
            result = run_worker("update", args)
            if "error" in result or "pending" in result:
                return result
            results["new_document"].append(result)
            log(f"  update (new 50-paragraph document): {result['seconds']:.2f} s")
        changed = sorted((corpus / "zh").glob("*.txt"))[0]
        original = changed.read_text(encoding="utf-8")
        for i in range(repeat):
            changed.write_text(
                original.replace("2. ", f"2. 第{i + 1}次修改。", 1), encoding="utf-8"
            )
            result = run_worker("update", args)
            if "error" in result:
                return result
            results["changed_document"].append(result)
            log(f"  update (changed document): {result['seconds']:.2f} s")
    finally:
        for path in added:
            path.unlink(missing_ok=True)
        if changed is not None and original:
            changed.write_text(original, encoding="utf-8")
    summary = {}
    for key, runs in results.items():
        summary[key] = {
            "runs_s": [round(r["seconds"], 3) for r in runs],
            "seconds": round(statistics.median(r["seconds"] for r in runs), 3),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            "result": runs[-1].get("result", {}),
        }
    return summary


def _tree_pids(pid: int) -> list[int]:
    """The process and its descendants (a server's worker processes)."""
    import psutil

    try:
        proc = psutil.Process(pid)
        return [pid, *(c.pid for c in proc.children(recursive=True))]
    except psutil.Error:
        return [pid]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read()


def step_http(engine: Engine, corpus: Path, seconds: float, clients: int = 4) -> dict:
    """`python -m indexer serve` on 127.0.0.1 and `clients` keep-alive clients for `seconds`;
    the CPU seconds of the server's processes (and of Solr's JVMs) while the clients run."""
    port = _free_port()
    cmd = [sys.executable, "-m", "indexer", "serve", "--index", str(engine.root)]
    cmd += ["--port", str(port), *engine.cli_args()]
    servers = engine.server_pids
    cmd += ["--corpus", str(corpus)]  # the index's own corpus (serve refuses another one)
    cmd += ["--cache-size", "0"]  # every request a real search: the clients repeat the query set
    cmd += ["--quiet"]  # no request log: nobody reads the server's stderr pipe here
    workers = os.cpu_count() or 1
    cmd += ["--workers", str(workers)]  # one server process per core
    log(
        f"HTTP{engine.tag}: {clients} clients for {seconds:.0f} s against docsearch serve,"
        f" {workers} workers …"
    )
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=child_env()
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().strip().splitlines()[-3:]
                return {"pending": f"docsearch serve exited: {' / '.join(err)}"}
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    return {"error": "docsearch serve did not listen within 60 s"}
                time.sleep(0.1)
        paths = ["/api/search?" + urllib.parse.urlencode({"q": q.text}) for q in QUERIES]
        # the first answers open the index in each server process (and warm a fresh Solr's
        # JIT): on a loaded machine that can take longer than a request may in the timed run
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=180)
        try:
            status, body = _get(conn, paths[1])
        except OSError as err:  # a timeout too: the run's other figures are kept
            return {"error": f"the first /api/search did not answer ({err or type(err).__name__})"}
        if status == 404:
            return {"pending": "GET /api/search is not served yet (404)"}
        try:
            json.loads(body)
        except ValueError:
            return {"error": f"/api/search did not return JSON (status {status})"}
        for path in paths:  # warm up every query once
            _get(conn, path)
        conn.close()
        latencies: list[list[float]] = [[] for _ in range(clients)]
        errors = [0] * clients
        start_gate = threading.Barrier(clients + 1)
        stop_at = [0.0]

        def client(i: int) -> None:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            start_gate.wait()
            k = i
            while time.perf_counter() < stop_at[0]:
                path = paths[k % len(paths)]
                k += 1
                t0 = time.perf_counter()
                try:
                    status, _ = _get(c, path)
                    if status != 200:
                        errors[i] += 1
                except (OSError, http.client.HTTPException):
                    errors[i] += 1
                    c.close()
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                latencies[i].append((time.perf_counter() - t0) * 1000)
            c.close()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        serve_pids = _tree_pids(proc.pid)
        cpu = engines.cpu_seconds(serve_pids), engines.cpu_seconds(servers)
        stop_at[0] = time.perf_counter() + seconds
        t_start = time.perf_counter()
        start_gate.wait()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t_start
        serve_cpu = engines.cpu_seconds(serve_pids) - cpu[0]
        samples = [ms for per in latencies for ms in per]
        summary = latency_summary(samples)
        summary["cores_busy"] = round(serve_cpu / elapsed, 2)  # our server processes
        if servers:
            summary["server_cores_busy"] = round(
                (engines.cpu_seconds(servers) - cpu[1]) / elapsed, 2
            )
        summary.update(
            {
                "clients": clients,
                "workers": workers,
                "seconds": round(elapsed, 1),
                "requests": len(samples),
                "requests_per_s": round(len(samples) / elapsed, 1),
                "errors": sum(errors),
            }
        )
        return summary
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


# --- the whole run ---------------------------------------------------------------------------


def ratio(a: float | None, b: float | None) -> float | None:
    if not a or not b:
        return None
    return round(a / b, 2)


def evaluate(results: dict) -> list[dict]:
    """Each target: what was measured and whether it holds (None: not measured / n/a)."""
    n = results["paragraphs"]
    build, query, http_ = (
        results.get("build", {}),
        results.get("queries", {}),
        results.get("http", {}),
    )
    update = results.get("update", {})
    rows = [
        {
            "target": "build >= 2x obvious design paragraphs/s",
            "measured": results["ratios"].get("build_vs_obvious"),
            "ok": _ge(results["ratios"].get("build_vs_obvious"), TARGETS["build_ratio"]),
        }
    ]
    # issue 15's targets at 10^6 on a 2-core machine
    seconds = build.get("seconds")
    rows.append(
        {
            "target": "build <= 30 min wall (target at 1,000,000)",
            "measured": seconds,
            "ok": _le(seconds, 1800) if n >= 1_000_000 else None,
        }
    )
    cpu_ratio = results["ratios"].get("build_cpu_obvious_over_ours")
    rows.append(
        {
            "target": "build CPU per paragraph <= obvious design's (obvious/ours >= 1)",
            "measured": cpu_ratio,
            "ok": _ge(cpu_ratio, 1.0),
        }
    )
    size_ratio = results["ratios"].get("index_size_vs_obvious")
    rows.append(
        {
            "target": "index <= 3x the obvious design's (per paragraph)",
            "measured": size_ratio,
            "ok": _le(size_ratio, 3.0),
        }
    )
    first = query.get("first", {}).get("p95_ms")
    rows.append(
        {
            "target": "first-time query p95 <= 500 ms (target at 1,000,000)",
            "measured": first,
            "ok": _le(first, 500) if n >= 1_000_000 else None,
        }
    )
    p95 = query.get("p95_ms")
    if n >= 1_000_000:
        rows.append(
            {"target": "query p95 <= 200 ms (1,000,000)", "measured": p95, "ok": _le(p95, 200)}
        )
    else:
        label = "query p95 <= 50 ms (target at 100,000)"
        rows.append(
            {"target": label, "measured": p95, "ok": _le(p95, TARGETS["query_p95_ms_100k"])}
        )
    if n < 1_000_000:
        qp95 = results.get("question_queries", {}).get("p95_ms")
        label = "question-style query p95 <= 100 ms (target at 100,000)"
        rows.append(
            {"target": label, "measured": qp95, "ok": _le(qp95, TARGETS["question_p95_ms_100k"])}
        )
    new = update.get("new_document", {}).get("seconds")
    rows.append(
        {
            "target": "update, new 50-paragraph document <= 2 s",
            "measured": new if new is not None else update.get("pending") or update.get("error"),
            "ok": _le(new, TARGETS["update_s"]),
        }
    )
    cold = results.get("cold_start", {}).get("seconds")
    rows.append({"target": "cold start <= 1.5 s", "measured": cold, "ok": _le(cold, 1.5)})
    rss = build.get("peak_rss_mb")
    rows.append(
        {
            "target": "peak RSS building <= 1.5 GB (target at 1,000,000)",
            "measured": rss,
            "ok": _le(rss, TARGETS["peak_rss_mb_1m"]) if n >= 1_000_000 else None,
        }
    )
    hp95 = http_.get("p95_ms")
    rows.append(
        {
            "target": "HTTP 4 clients p95 <= 100 ms, zero errors",
            "measured": hp95 if hp95 is not None else http_.get("pending") or http_.get("error"),
            "ok": (_le(hp95, 100) and http_.get("errors") == 0) if hp95 is not None else None,
        }
    )
    return rows


def _le(value, limit) -> bool | None:
    return None if not isinstance(value, int | float) else value <= limit


def _ge(value, limit) -> bool | None:
    return None if not isinstance(value, int | float) else value >= limit


def machine() -> dict:
    info = {"cpus": os.cpu_count(), "python": platform.python_version()}
    try:
        import psutil

        info["memory_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        pass
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=BENCH_DIR,
            capture_output=True,
            text=True,
            timeout=10,
        )
        info["commit"] = head.stdout.strip() if head.returncode == 0 else ""
    except OSError:
        pass
    from importlib import metadata

    for dist in ("whoosh-reloaded", "jieba", "tantivy"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            info[dist] = metadata.version(dist)
    return info


def per_paragraph(build: dict, key: str) -> float | None:
    """A build's figure per paragraph it indexed (None when it was not measured)."""
    value, paragraphs = build.get(key), build.get("paragraphs")
    return value / paragraphs if isinstance(value, int | float) and paragraphs else None


class LoadSampler:
    """The 1-minute load average every `every` seconds while a run goes (other jobs share the
    machine: the load says how much to trust wall times)."""

    def __init__(self, every: float = 5.0) -> None:
        self.every, self.samples = every, [os.getloadavg()[0]]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.samples.append(os.getloadavg()[0])

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(os.getloadavg()[0])

    def summary(self) -> dict:
        return {
            "min": round(min(self.samples), 2),
            "median": round(statistics.median(self.samples), 2),
            "max": round(max(self.samples), 2),
            "samples": len(self.samples),
        }


def run(args: argparse.Namespace) -> dict:
    with LoadSampler() as load:
        results = _run(args)
    results["load_average"] = load.summary()
    return results


def _run(args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    n = args.paragraphs
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    corpus = Path(args.corpus) if args.corpus else work / f"corpus-{n}-seed{args.seed}"
    log(f"corpus: {n} paragraphs …")
    summary = synth.ensure_corpus(n, corpus, args.seed, jobs=args.jobs)
    log(
        f"  {summary['documents']} documents, {summary['bytes'] / 2**20:.1f} MB "
        + ("(reused)" if summary.get("reused") else f"(generated in {summary['seconds']:.0f} s)")
    )
    run_dir = work / f"run-{n}"
    if args.index and run_dir.resolve() in (args.index.resolve(), *args.index.resolve().parents):
        raise SystemExit(f"--index {args.index} is inside {run_dir}, which each run empties.")
    if run_dir.exists():
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)
    results: dict = {
        "paragraphs": n,
        "seed": args.seed,
        "corpus": {k: v for k, v in summary.items() if k != "reused"},
        "machine": machine(),
        "command": "python -m bench " + " ".join(args.argv),
        "engines": engines.RUN_ENGINES.get(args.engine, [args.engine]),
    }
    ours = Engine("whoosh", run_dir / "index") if "whoosh" in results["engines"] else None
    with contextlib.ExitStack() as stack:
        solr = None
        if "solr" in results["engines"]:
            log("SolrCloud: " + (args.solr or "starting a local cluster") + " …")
            target = stack.enter_context(
                engines.open_solr(
                    args.solr,
                    run_dir / "solr-cluster",
                    args.solr_collection,
                    args.shards,
                    args.replicas,
                    args.solr_nodes,
                    args.solr_heap,
                )
            )
            solr = Engine("solr", run_dir / "solr-index", target)
            results["solr"] = {"layout": target.layout(), "layout_text": target.describe()}
            log(f"  {target.describe()}")
        elif "tantivy" in results["engines"]:  # the other engine's slot: same steps, in turn
            solr = Engine("tantivy", run_dir / "tantivy-index")
            results["tantivy"] = {}
        _builds(args, results, corpus, run_dir, summary["bytes"], ours, solr)
        _searches(args, results, corpus, run_dir, ours, solr)
    if ours is not None:
        results["ratios"] = _ratios(results)
        if "peers" in results:
            from bench import peers

            results["peers_table"] = peers.table(results)
        results["targets"] = evaluate(results)
    if solr is not None:
        results["side_by_side"] = engines.side_by_side(results)
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    return results


def _builds(
    args: argparse.Namespace,
    results: dict,
    corpus: Path,
    run_dir: Path,
    corpus_bytes: int,
    ours: Engine | None,
    solr: Engine | None,
) -> None:
    """The jieba floor, our build (and the obvious design's), then SolrCloud's."""
    n = args.paragraphs
    build_repeat = args.repeat or (1 if args.quick or n > 20_000 else 3)
    limit = args.baseline_limit if args.baseline_limit and args.baseline_limit < n else None
    if args.index:  # measure an existing index: no builds, so no build figures or ratios
        log(f"copying the index {args.index} …")
        shutil.copytree(args.index, ours.root)
        results["build"], results["segment"] = {"reused": str(args.index)}, {}
        args.no_baseline = True
    else:
        results["segment"] = step_segment(corpus, build_repeat, limit)
        if ours is not None:
            results["build"], obvious, _ = step_builds(
                corpus, run_dir, build_repeat, corpus_bytes, not args.no_baseline, limit
            )
            if obvious is not None:
                results["obvious_build"] = obvious
    if solr is not None:
        results[solr.name]["build"] = step_engine_build(solr, corpus, build_repeat, corpus_bytes)


def _searches(
    args: argparse.Namespace,
    results: dict,
    corpus: Path,
    run_dir: Path,
    ours: Engine | None,
    solr: Engine | None,
) -> None:
    """Queries, cold start, HTTP and update of every engine whose build worked, step by step
    in turn (ours, SolrCloud, ours, …) so that a change in the machine's load hits both alike."""
    measured = [
        (engine, out)
        for engine, out in ((ours, results), (solr, results.get(solr.name if solr else "", {})))
        if engine is not None and "error" not in out.get("build", {})
    ]
    rounds = args.rounds or (3 if args.quick else 20)
    for engine, out in measured:
        out["queries"] = step_queries("queries", engine, rounds)
    for engine, out in measured:
        out["question_queries"] = step_queries("queries", engine, rounds, "questions")
    if any(engine is ours for engine, _ in measured):
        if not args.no_baseline and "error" not in results.get("obvious_build", {}):
            base_root = Path(results["obvious_build"].pop("root"))
            baseline = Engine("whoosh", base_root)
            results["obvious_queries"] = step_queries("baseline-queries", baseline, rounds)
        if args.peers:
            from bench import peers

            results["peers"] = peers.measure(corpus, run_dir, rounds, args.jobs, args.paragraphs)
    for engine, out in measured:
        out["cold_start"] = step_cold_start(engine, 1 if args.quick else 3)
    if not args.no_http:
        seconds = args.http_seconds or (2 if args.quick else 20)
        for engine, out in measured:
            out["http"] = step_http(engine, corpus, seconds)
    if not args.no_update:
        for engine, out in measured:
            out["update"] = step_update(corpus, engine, 1 if args.quick else 3)


def _ratios(results: dict) -> dict:
    ours, obvious = results.get("build", {}), results.get("obvious_build", {})
    floor = results.get("segment", {})
    return {
        "build_vs_obvious": ratio(ours.get("paragraphs_per_s"), obvious.get("paragraphs_per_s")),
        # per paragraph: above --baseline-limit the obvious design is built on a subset
        "build_cpu_obvious_over_ours": ratio(
            per_paragraph(obvious, "cpu_s"), per_paragraph(ours, "cpu_s")
        ),
        "build_vs_jieba_floor": ratio(ours.get("paragraphs_per_s"), floor.get("paragraphs_per_s")),
        "obvious_vs_jieba_floor": ratio(
            obvious.get("paragraphs_per_s"), floor.get("paragraphs_per_s")
        ),
        "query_p95_obvious_over_ours": ratio(
            results.get("obvious_queries", {}).get("p95_ms"),
            results.get("queries", {}).get("p95_ms"),
        ),
        "index_size_vs_obvious": ratio(
            per_paragraph(ours, "index_mb"), per_paragraph(obvious, "index_mb")
        ),
    }


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def report(results: dict) -> str:
    lines = [f"docsearch benchmark — {results['paragraphs']:,} paragraphs ({results['command']})"]
    c = results["corpus"]
    lines.append(
        f"corpus: {c['documents']:,} documents, {c['files']:,} files, {c['bytes'] / 2**20:.1f} MB"
    )
    rows = []
    for key, name in (("build", "ours"), ("obvious_build", "obvious design")):
        b = results.get(key)
        if not b:
            continue
        if "error" in b:
            rows.append(f"  build {name}: ERROR {b['error']}")
            continue
        if "reused" in b:
            rows.append(f"  build {name}: not measured (index reused from {b['reused']})")
            continue
        subset = f" (first {b['paragraphs']:,} paragraphs)" if b.get("subset") else ""
        rows.append(
            f"  build {name:<15} {b['paragraphs_per_s']:>9,.0f} paragraphs/s"
            f"  {b['mb_per_s']:6.2f} MB/s  {b['seconds']:8.1f} s (CPU {b['cpu_s']:.1f} s)"
            f"  index {_fmt(b.get('index_mb'))} MB  peak RSS {b['peak_rss_mb']:,.0f} MB{subset}"
        )
    s = results.get("segment", {})
    if "paragraphs_per_s" in s:
        rows.append(
            f"  jieba floor           {s['paragraphs_per_s']:>9,.0f} paragraphs/s"
            f"  {s['mb_per_s']:6.2f} MB/s  (zh text {s['zh_mb_per_s']:.2f} MB/s;"
            f" dictionary load {s['dictionary_load_s']:.2f} s)"
        )
    lines += rows
    for key, name in (
        ("queries", "ours"),
        ("obvious_queries", "obvious design"),
        ("question_queries", "questions"),
    ):
        q = results.get(key)
        if not q:
            continue
        if "error" in q:
            lines.append(f"  queries {name}: ERROR {q['error']}")
            continue
        lines.append(
            f"  queries {name:<13} p50 {q['p50_ms']:7.1f} ms  p95 {q['p95_ms']:7.1f} ms"
            f"  p99 {q['p99_ms']:7.1f} ms  ({q['n']} samples)"
        )
        first = q.get("first")
        if first:
            lines.append(
                f"    first time, nothing cached: p50 {first['p50_ms']:7.1f} ms"
                f"  p95 {first['p95_ms']:7.1f} ms  p99 {first['p99_ms']:7.1f} ms"
                "  (each query's first run in the process)"
            )
    q = results.get("queries", {})
    if "queries" in q:
        base = {x["query"]: x for x in results.get("obvious_queries", {}).get("queries", [])}
        lines.append("    per query (median ms, hits; obvious design alongside):")
        for item in q["queries"]:
            b = base.get(item["query"])
            other = f"   | {b['median_ms']:7.1f} ms {b['total']:>8,}" if b else ""
            lines.append(
                f"    {item['kind']:<20} {item['query']:<30} {item['median_ms']:7.1f} ms"
                f" {item['total']:>8,}{other}"
            )
    u = results.get("update")
    if u:
        if "new_document" in u:
            lines.append(
                f"  update: new 50-paragraph document {u['new_document']['seconds']:.2f} s, "
                f"changed document {u['changed_document']['seconds']:.2f} s"
            )
        else:
            lines.append(f"  update: {u.get('pending') or u.get('error')}")
    cs = results.get("cold_start")
    if cs:
        lines.append(
            f"  cold start to first answer: {_fmt(cs.get('seconds'))} s {cs.get('error', '')}"
        )
    h = results.get("http")
    if h:
        if "p95_ms" in h:
            lines.append(
                f"  HTTP {h['clients']} clients, {h.get('workers', 1)} server processes:"
                f" {h['requests_per_s']:.1f} req/s,"
                f" p50 {h['p50_ms']:.1f} ms, p95 {h['p95_ms']:.1f} ms, p99 {h['p99_ms']:.1f} ms,"
                f" errors {h['errors']} ({h['requests']} requests)"
            )
        else:
            lines.append(f"  HTTP: {h.get('pending') or h.get('error')}")
    if "peers" in results:
        from bench import peers

        lines.append(peers.report(results))
    if "ratios" in results:
        lines.append("ratios:")
        for key, value in results["ratios"].items():
            lines.append(f"  {key:<28} {_fmt(value)}")
        lines.append("targets (the embedded index):")
        for row in results["targets"]:
            mark = {True: "MET ", False: "MISS", None: "n/a "}[row["ok"]]
            lines.append(f"  [{mark}] {row['target']:<52} {_fmt(row['measured'])}")
    if "side_by_side" in results:
        lines.append(engines.table(results))
        other = engines.other_engine(results)
        errors = [
            f"  {other} {step}: {value.get('error') or value.get('pending')}"
            for step, value in results[other].items()
            if isinstance(value, dict) and ({"error", "pending"} & set(value))
        ]
        lines += errors
    load = results.get("load_average")
    if load:
        lines.append(
            f"load average (1 min) during the run: min {load['min']:.1f},"
            f" median {load['median']:.1f}, max {load['max']:.1f} on {results['machine']['cpus']}"
            " CPUs"
        )
    lines.append(f"total {results['total_seconds']:.0f} s")
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    p.add_argument("--paragraphs", type=int, default=10_000, help="corpus size (default 10,000)")
    p.add_argument("--json", type=Path, help="write all figures to this JSON file")
    p.add_argument("--quick", action="store_true", help="one run of each step, short HTTP run")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--work", type=Path, default=DEFAULT_WORK, help="corpora and indexes go here")
    p.add_argument("--corpus", type=Path, help="use this corpus folder instead of generating one")
    p.add_argument(
        "--index", type=Path, help="measure a copy of this index of the corpus instead of building"
    )
    p.add_argument("--repeat", type=int, help="build repeats (default 3, 1 above 20,000)")
    p.add_argument("--rounds", type=int, help="query rounds (default 20, 3 with --quick)")
    p.add_argument("--http-seconds", type=float, help="HTTP run length (default 20, 2 --quick)")
    p.add_argument(
        "--baseline-limit",
        type=int,
        default=200_000,
        help="build the obvious design on at most this many paragraphs (default 200,000)",
    )
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="generator jobs")
    p.add_argument("--no-baseline", action="store_true", help="skip the obvious design")
    p.add_argument("--no-http", action="store_true")
    p.add_argument("--no-update", action="store_true")
    p.add_argument(
        "--peers",
        action="store_true",
        help="also index our terms into tantivy and SQLite FTS5 and compare (bench/peers.py)",
    )
    solr = p.add_argument_group("SolrCloud (see bench/engines.py)")
    solr.add_argument(
        "--engine",
        choices=engines.ENGINES,
        default="whoosh",
        help="the embedded index (default), SolrCloud, tantivy, or Whoosh beside SolrCloud (both) "
        "or beside tantivy (whoosh,tantivy) in one run",
    )
    solr.add_argument(
        "--solr", metavar="URLS", help="node URLs of a running SolrCloud (default: start one)"
    )
    solr.add_argument("--solr-collection", default="bench", help="alias (default bench)")
    solr.add_argument("--shards", type=int, default=2, help="default 2")
    solr.add_argument(
        "--replicas",
        type=int,
        default=1,
        help="default 1: on one machine a second replica only doubles the writes",
    )
    solr.add_argument("--solr-nodes", type=int, default=2, help="local cluster nodes (default 2)")
    solr.add_argument("--solr-heap", default="1g", help="local cluster heap per node (default 1g)")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    p = parser()
    args = p.parse_args(argv)
    if args.index and args.engine in ("solr", "tantivy"):
        p.error("--index is a Whoosh index: it goes with --engine whoosh, both or whoosh,tantivy")
    args.argv = argv
    results = run(args)
    print(report(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
        log(f"wrote {args.json}")
    return 0
