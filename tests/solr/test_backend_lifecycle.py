"""The index lifecycle on SolrCloud: the same commands as the embedded index, a collection per
build behind an alias, updates into the live collection, and a node that dies meanwhile.

Uses the session's 2-node cluster; the failover test leaves both nodes up.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from bench.relevance.run import DISTRACTORS
from indexer.backends.solr.client import SolrClient
from indexer.backends.solr.store import GENERATION_FILE, SolrBackend
from indexer.cli import main
from indexer.index.files import add_files
from indexer.index.generations import live_generation
from indexer.search.index import SearchIndex
from indexer.settings import bundled_corpus

from .backend import drop

pytestmark = [pytest.mark.solr, pytest.mark.slow]

KILLED = 1
EXTRA = "cdip_21_4.txt"  # a distractor document (CDIP/21/4, the WIPO Academy)


def _run(*args: str, env: dict[str, str]) -> str:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _collection(root: Path) -> str:
    return json.loads((live_generation(root) / GENERATION_FILE).read_text())["collection"]


def _count(client: SolrClient, collection: str) -> int:
    return int(client.select(collection, {"query": "*:*", "limit": 0})["response"]["numFound"])


@pytest.fixture
def corpus(tmp_path) -> Path:
    return Path(shutil.copytree(bundled_corpus(), tmp_path / "corpus"))


@pytest.fixture
def dropped(solr_cluster):
    """Aliases a test names here are deleted with their collections when it ends."""
    aliases: list[str] = []
    yield aliases
    for alias in aliases:
        drop(solr_cluster.urls, alias)


def test_cli_commands_work_unchanged_against_solrcloud(solr_cluster, corpus, tmp_path, dropped):
    dropped.append("cli")
    root = tmp_path / "index"
    env = {
        "DOCSEARCH_SOLR_URL": ",".join(solr_cluster.urls),
        "DOCSEARCH_SOLR_COLLECTION": "cli",
        "DOCSEARCH_INDEX": str(root),
        "DOCSEARCH_CORPUS": str(corpus),
    }
    missing = CliRunner().invoke(main, ["build"], env=env)
    assert missing.exit_code == 1
    assert "docsearch solr init" in missing.output

    _run("solr", "init", "--shards", "2", "--replicas", "1", env=env)
    _run("build", env=env)
    client = SolrClient(solr_cluster.urls)
    first = _collection(root)
    assert client.aliases()["cli"] == first

    found = json.loads(_run("search", "--json", "Senegal", env=env))
    assert [(h["symbol"], h["paragraph"]) for h in found["hits"]] == [("CDIP/19/6", "10")]

    # add: copied into the corpus and written into the live collection, committed once
    _run("add", str(DISTRACTORS / "en" / EXTRA), "--lang", "en", env=env)
    found = json.loads(_run("search", "--json", "scholarships", env=env))
    assert ("CDIP/21/4", "7") in {(h["symbol"], h["paragraph"]) for h in found["hits"]}
    assert _collection(root) == first  # an update does not copy the collection
    shown = json.loads(_run("show", "--json", "CDIP/21/4", "7", env=env))
    assert "scholarships" in shown["paragraphs"][0]["text"].lower()

    # remove: gone from the collection (and the corpus folder)
    _run("remove", "CDIP/21/4", env=env)
    assert json.loads(_run("search", "--json", "scholarships", env=env))["total"] == 0
    assert "intact" in _run("check", env=env)

    # a rebuild: a new collection, the alias moved, the one before it kept for late readers
    _run("build", env=env)
    second = _collection(root)
    assert second != first and client.aliases()["cli"] == second
    _run("build", env=env)
    third = _collection(root)
    assert client.aliases()["cli"] == third
    collections = {c for c in client.list_collections() if c.startswith("cli_")}
    assert collections == {second, third}  # older ones (and the init one) are deleted
    client.close()


def test_without_a_solr_url_nothing_changes(corpus, tmp_path, monkeypatch):
    monkeypatch.delenv("DOCSEARCH_SOLR_URL", raising=False)
    root = tmp_path / "index"
    env = {"DOCSEARCH_INDEX": str(root), "DOCSEARCH_CORPUS": str(corpus)}
    _run("build", env=env)
    assert not (live_generation(root) / GENERATION_FILE).exists()
    assert json.loads(_run("search", "--json", "Senegal", env=env))["total"] == 1


def test_rebuild_under_load_never_shows_a_half_built_collection(
    solr_cluster, corpus, tmp_path, dropped
):
    """Searches through the alias and through SearchIndex run while a rebuild writes a bigger
    collection: every answer is the old index or the new one, complete."""
    dropped.append("rebuild")
    backend = SolrBackend(solr_cluster.urls, "rebuild")
    backend.init(shards=2, replicas=2)
    root = tmp_path / "index"
    from indexer.index.build import build

    build(corpus, root, backend=backend)
    client = SolrClient(solr_cluster.urls)
    old_blocks = _count(client, "rebuild")
    with SearchIndex(root, backend=backend) as index:
        old_units = index.search("development").total
    for lang in ("zh", "en"):
        for path in sorted((DISTRACTORS / lang).iterdir()):
            shutil.copy2(path, corpus / lang / path.name)

    seen_blocks: list[int] = []
    seen_units: list[int] = []
    errors: list[str] = []
    stop = threading.Event()

    def through_alias():
        with SolrClient(solr_cluster.urls) as mine:
            while not stop.is_set():
                try:
                    seen_blocks.append(_count(mine, "rebuild"))
                except Exception as exc:  # noqa: BLE001 - every failure is user-visible
                    errors.append(str(exc))

    def through_index():
        with SearchIndex(root, backend=backend, cache_size=0) as mine:
            while not stop.is_set():
                try:
                    seen_units.append(mine.search("development").total)
                except Exception as exc:  # noqa: BLE001
                    errors.append(str(exc))

    threads = [threading.Thread(target=through_alias), threading.Thread(target=through_index)]
    for thread in threads:
        thread.start()
    try:
        build(corpus, root, backend=backend)
        time.sleep(1.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    new_blocks = _count(client, "rebuild")
    with SearchIndex(root, backend=backend) as index:
        new_units = index.search("development").total
    client.close()
    assert new_blocks > old_blocks and new_units > old_units
    assert errors == []
    assert set(seen_blocks) <= {old_blocks, new_blocks} and new_blocks in seen_blocks
    assert set(seen_units) <= {old_units, new_units} and new_units in seen_units
    assert len(seen_blocks) > 20 and len(seen_units) > 5


def _leaders_on_live_nodes(client: SolrClient, collection: str) -> bool:
    replicas = client.replicas(collection)
    led = {r.shard for r in replicas if r.leader and r.state == "active"}
    return led == {r.shard for r in replicas}


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"{what} not within {timeout:.0f} s"
        time.sleep(0.5)


def test_documents_added_while_a_node_is_down_are_found_after_it_returns(
    solr_cluster, corpus, tmp_path, dropped
):
    dropped.append("nodedown")
    backend = SolrBackend(solr_cluster.urls, "nodedown")
    backend.init(shards=2, replicas=2)
    root = tmp_path / "index"
    from indexer.index.build import build

    build(corpus, root, backend=backend)
    collection = _collection(root)
    killed_url = solr_cluster.urls[KILLED]
    survivor = SolrClient([u for u in solr_cluster.urls if u != killed_url])
    solr_cluster.kill_node(KILLED)
    try:
        _wait(lambda: len(survivor.live_nodes()) == 1, 90, "the killed node leaving")
        _wait(lambda: _leaders_on_live_nodes(survivor, collection), 90, "new shard leaders")
        report = add_files(corpus, root, [DISTRACTORS / "en" / EXTRA], lang="en", backend=backend)
        assert report.update is not None and report.update.added == ["CDIP/21/4 (en)"]
        with SearchIndex(root, backend=backend) as index:
            assert index.search("scholarships").total >= 1
    finally:
        solr_cluster.start_node(KILLED)
    survivor.wait_for_active(collection, timeout=180)

    # every replica, the restarted node's included, holds its shard's part of the new document
    blocks = len(SearchIndex(root, backend=backend).document("CDIP/21/4").blocks)
    assert blocks > 5
    held: dict[str, set[int]] = {}
    replicas = survivor.replicas(collection)
    assert {r.base_url for r in replicas} == set(solr_cluster.urls)
    for replica in replicas:
        response = requests.get(
            f"{replica.base_url}/{replica.core}/select",
            params={"q": "symbol:CDIP\\/21\\/4", "distrib": "false", "rows": 0},
            timeout=10,
        )
        response.raise_for_status()
        held.setdefault(replica.shard, set()).add(response.json()["response"]["numFound"])
    assert all(len(counts) == 1 for counts in held.values()), held  # replicas agree
    assert sum(next(iter(c)) for c in held.values()) == blocks
    only_restarted = SolrBackend([killed_url], "nodedown")
    with SearchIndex(root, backend=only_restarted) as index:
        page = index.search("scholarships")
        assert ("CDIP/21/4", "7") in {(h.symbol, h.paragraph) for h in page.hits}
    survivor.close()
