"""`docsearch serve --solr URL` serves what the embedded index serves, for the bundled corpus.

Two real servers (subprocesses of the `docsearch` command): one on the embedded index, one on a
SolrCloud collection. The JSON API answers the same for every query -- the same total, facets,
expansions and the same hits with the same text, highlights and counterparts; only scores and
timings differ, and with them the order of hits of equal relevance. Document pages and the
document API are identical byte for byte, and so is the search page of a query with one hit.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from indexer.backends.solr.store import SolrBackend
from indexer.backends.whoosh import store as whoosh_store
from indexer.index.build import build
from indexer.settings import bundled_corpus

from .backend import INTEGRATION_QUERIES, canonical, drop, without_scores

pytestmark = [pytest.mark.solr, pytest.mark.slow]

ALIAS = "served"
DOCUMENTS = ["CDIP/19/6", "WO/PBC/33/PROVISIONAL", "CDIP/19/6/11"]
ONE_HIT = ["Senegal", "Algeria"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(args: list[str], env: dict[str, str], log: Path):
    port = _free_port()
    command = [sys.executable, "-m", "indexer", "serve", "--port", str(port), *args]
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            if requests.get(base + "/", timeout=5).ok:
                return proc, base
        except requests.ConnectionError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"the server did not start:\n{log.read_text()[-2000:]}")
        time.sleep(0.5)


def _stop(proc) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def servers(solr_cluster, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("served")
    corpus = Path(shutil.copytree(bundled_corpus(), workdir / "corpus"))
    solr = SolrBackend(solr_cluster.urls, ALIAS)
    solr.init(shards=2, replicas=1)
    build(corpus, workdir / "embedded", backend=whoosh_store)
    build(corpus, workdir / "solr", backend=solr)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCSEARCH_SOLR")}
    env["DOCSEARCH_CORPUS"] = str(corpus)
    embedded, embedded_url = _serve(
        ["--index", str(workdir / "embedded")], env, workdir / "embedded.log"
    )
    try:
        cloud, cloud_url = _serve(
            [
                "--index",
                str(workdir / "solr"),
                "--solr",
                ",".join(solr_cluster.urls),
                "--collection",
                ALIAS,
            ],
            env,
            workdir / "solr.log",
        )
    except BaseException:
        _stop(embedded)
        raise
    try:
        yield embedded_url, cloud_url
    finally:
        _stop(cloud)
        _stop(embedded)
        drop(solr_cluster.urls, ALIAS)


@pytest.mark.parametrize("query", INTEGRATION_QUERIES)
def test_search_api_is_the_same(servers, query):
    embedded_url, cloud_url = servers
    params = {"q": query, "page_size": 100}
    embedded = requests.get(embedded_url + "/api/search", params=params, timeout=60)
    cloud = requests.get(cloud_url + "/api/search", params=params, timeout=60)
    assert embedded.status_code == cloud.status_code == 200
    a, b = without_scores(embedded.json()), without_scores(cloud.json())
    assert canonical(b.pop("hits")) == canonical(a.pop("hits"))
    if len(a["sections"]) < 5:  # fewer than the cut: the same headings
        assert canonical(b["sections"]) == canonical(a["sections"])
    a.pop("sections"), b.pop("sections")
    assert b == a


@pytest.mark.parametrize("symbol", DOCUMENTS)
def test_document_api_and_page_are_identical(servers, symbol):
    embedded_url, cloud_url = servers
    for path in (f"/api/doc/{symbol}", f"/doc/{symbol}"):
        embedded = requests.get(embedded_url + path, timeout=60)
        cloud = requests.get(cloud_url + path, timeout=60)
        assert embedded.status_code == cloud.status_code
        # the same bytes but for each server's own address in the citations' permalinks
        same = cloud.content.replace(cloud_url.encode(), b"SITE")
        assert same == embedded.content.replace(embedded_url.encode(), b"SITE"), path


@pytest.mark.parametrize("query", ONE_HIT)
def test_search_page_of_one_hit_is_identical(servers, query):
    embedded_url, cloud_url = servers
    embedded = requests.get(embedded_url + "/search", params={"q": query}, timeout=60)
    cloud = requests.get(cloud_url + "/search", params={"q": query}, timeout=60)
    assert embedded.status_code == cloud.status_code == 200
    cloud_page = _no_timing(cloud.text).replace(cloud_url, "SITE")
    assert cloud_page == _no_timing(embedded.text).replace(embedded_url, "SITE")


def _no_timing(html: str) -> str:
    """The page minus the search's duration, which it shows."""
    return re.sub(r"\d+(\.\d+)?\s*(ms|毫秒)", "_ ms", html)
