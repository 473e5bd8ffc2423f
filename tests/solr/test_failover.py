"""SIGKILL one of the two Solr nodes while searches run: they keep answering, writes go on, and
the node rejoins with what was written while it was down.

Runs after test_cluster.py (same session cluster and collection) and leaves both nodes up.
"""

from __future__ import annotations

import threading
import time

import pytest
import requests

from indexer.backends.solr import SolrClient, solr_document
from indexer.query.tree import Every, Term

pytestmark = [pytest.mark.solr, pytest.mark.slow]

KILLED = 1  # index of the node to kill
SEARCH_ATTEMPTS = 3  # client rounds over both nodes: at most 6 HTTP tries per search


class SearchLoad(threading.Thread):
    """Searches without pause until stopped, recording every outcome."""

    def __init__(self, urls, collection, query, expected_totals: set[int]):
        super().__init__(daemon=True)
        self.client = SolrClient(urls, attempts=SEARCH_ATTEMPTS, backoff=0.5, timeout=10)
        self.collection, self.query, self.expected = collection, query, expected_totals
        self.stopping = threading.Event()
        self.answered = 0
        self.partial = 0
        self.failures: list[str] = []

    def run(self):
        while not self.stopping.is_set():
            expected = self.expected  # what may be seen by a search that starts now
            try:
                found = self.client.search(self.collection, self.query, rows=10)
            except Exception as exc:  # every failure is a user-visible error: record it
                self.failures.append(str(exc))
                continue
            if found.partial:
                self.partial += 1
            elif found.total not in expected:
                self.failures.append(f"{found.total} matches, not one of {expected}")
            else:
                self.answered += 1

    def stop(self):
        self.stopping.set()
        self.join(timeout=60)
        self.client.close()


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not within {timeout:.0f} s")
        time.sleep(0.5)


def leaders_on_live_nodes(solr, collection) -> bool:
    replicas = solr.replicas(collection)
    shards = {r.shard for r in replicas}
    live = {r.shard for r in replicas if r.leader and r.state == "active"}
    return live == shards


def core_holds(replica, key: str) -> bool:
    """Whether one replica's own index (no distribution) holds `key`."""
    response = requests.get(
        f"{replica.base_url}/{replica.core}/select",
        params={"q": "{!term f=key v=$k}", "k": key, "distrib": "false", "rows": 0},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["response"]["numFound"] == 1


def test_killed_node_searches_keep_answering_and_it_rejoins(
    solr, solr_cluster, blocks_collection, corpus_blocks
):
    killed_url = solr_cluster.urls[KILLED]
    survivor = SolrClient([u for u in solr_cluster.urls if u != killed_url])
    total = len(corpus_blocks)
    load = SearchLoad(solr_cluster.urls, blocks_collection, Every(), {total})
    load.start()
    try:
        time.sleep(1.0)
        solr_cluster.kill_node(KILLED)
        killed_at = time.monotonic()
        # ZooKeeper drops the node when its session expires; the other replicas lead
        wait_until(lambda: len(survivor.live_nodes()) == 1, 60, "the killed node leaving")
        wait_until(lambda: leaders_on_live_nodes(survivor, blocks_collection), 60, "new leaders")
        gone_after = time.monotonic() - killed_at

        # written while the node is down
        new = dict(corpus_blocks[0], key="FAILOVER/1|en|1", doc="FAILOVER/1|en", unit="F|1")
        load.expected = {total, total + 1}  # while the commit spreads
        survivor.add(blocks_collection, [solr_document(new)])
        survivor.commit(blocks_collection)
        load.expected = {total + 1}
        assert survivor.count(blocks_collection, Term("key", new["key"])) == 1

        restarted_at = time.monotonic()
        solr_cluster.start_node(KILLED)
        survivor.wait_for_active(blocks_collection, timeout=180)
        rejoined_after = time.monotonic() - restarted_at
        time.sleep(1.0)
    finally:
        load.stop()
    print(
        f"\nfailover: {load.answered} searches answered, {load.partial} partial, "
        f"{len(load.failures)} failed; node gone from ZooKeeper after {gone_after:.1f} s; "
        f"restarted and all replicas active after {rejoined_after:.1f} s"
    )
    assert not load.failures, load.failures[:5]
    assert load.partial == 0
    assert load.answered > 10

    # the restarted node serves again, and its replicas caught up with the write
    assert killed_url in solr.live_nodes()
    replicas = solr.replicas(blocks_collection)
    holding = [r for r in replicas if core_holds(r, new["key"])]
    assert len(holding) == 2 and len({r.base_url for r in holding}) == 2
    with SolrClient(killed_url) as restarted:
        assert restarted.count(blocks_collection, Every()) == total + 1

    solr.delete_keys(blocks_collection, [new["key"]])
    solr.commit(blocks_collection)
    assert solr.count(blocks_collection, Every()) == total
    survivor.close()
