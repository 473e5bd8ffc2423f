"""A real local SolrCloud for the tests: ZooKeeper and 2 Solr nodes, each in its own JVM.

The launcher (solr/launcher) is built once with Maven and the cluster started once per session;
both are skipped, with the reason printed, when `java` or `mvn` is missing -- except on CI
(CI=true), where that is a failure. Every process is stopped by PID at the end of the session.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.backends.solr import SolrClient, solr_document
from indexer.backends.solr.local_cluster import LocalCluster, build_launcher
from indexer.index.fields import block_fields
from indexer.ingest.corpus import load_corpus
from indexer.settings import bundled_corpus

from .backend import require_java_and_maven

CONFIGSET = Path(__file__).resolve().parents[2] / "solr" / "configsets" / "docsearch" / "conf"
COLLECTION = "blocks"


@pytest.fixture(scope="session")
def solr_cluster(tmp_path_factory):
    """The running LocalCluster (2 nodes); tests may kill and restart its nodes."""
    require_java_and_maven()
    jar = build_launcher()
    cluster = LocalCluster(tmp_path_factory.mktemp("solrcloud"), jar, nodes=2)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def solr(solr_cluster):
    with SolrClient(solr_cluster.urls) as client:
        yield client


@pytest.fixture(scope="session")
def configset(solr) -> str:
    solr.upload_configset("docsearch", CONFIGSET)
    return "docsearch"


@pytest.fixture(scope="session")
def corpus_blocks() -> list[dict]:
    """The block fields (as for the embedded index) of every document of the bundled corpus."""
    documents, failures = load_corpus(bundled_corpus())
    assert not failures
    return [fields for doc in documents for fields in block_fields(doc)]


@pytest.fixture(scope="session")
def blocks_collection(solr, configset, corpus_blocks) -> str:
    """The bundled corpus in a 2-shard x 2-replica collection."""
    solr.create_collection(COLLECTION, configset, shards=2, replicas=2)
    solr.add(COLLECTION, (solr_document(fields) for fields in corpus_blocks), batch_size=50)
    solr.commit(COLLECTION)
    return COLLECTION
