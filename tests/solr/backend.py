"""Helpers for the backend tests: both backends built from one corpus, pages compared."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from bench.relevance.run import assemble_corpus
from indexer.backends.solr.client import SolrClient
from indexer.backends.solr.store import SolrBackend
from indexer.backends.whoosh import store as whoosh_store
from indexer.index.build import build

PAGE_SIZE = 100  # the largest page: a query's every unit is read in a few pages
# The integration tests' queries and the query features: phrases, OR, NOT, filters, symbols.
INTEGRATION_QUERIES = [
    "CDIP/17/8",
    "cdip 19 6",
    "CDIP/19/6",
    "IATT",
    "Kenya",
    "Open Working Group",
    "SDG",
    "ＳＤＧ",
    "UNSDG",
    "WIPO",
    "可持续发展目标",
    "技术促进机制",
    "发展议程技术促进机制",
    "秘書處",
    "联合国发展系统改革",
    "蓝鲸星光",
    "商标国际注册",
    '"technology transfer"',
    '"可持续发展集团"',
    '"sustainable development" OR 技术',
    "SDG OR 可持续发展",
    "WIPO -Kenya",
    "development -technology",
    "发展 -联合国",
    "development lang:zh",
    "development lang:en",
    "发展 symbol:CDIP/19/6",
    "symbol:CDIP/19/6",
    "lang:en",
    "paragraph 11",
    "CDIP/19/6 paragraph 11",
    "development agenda recommendations",
    "developing countries technical assistance",
    "字",
    "a",
    "zzqqxx",
]


def require_java_and_maven() -> None:
    """Skip (fail on CI) unless `java` and `mvn` are on PATH: the local cluster needs both."""
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if not missing:
        return
    reason = f"the SolrCloud tests need {' and '.join(missing)} on PATH"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: these tests are never skipped on CI)", pytrace=False)
    pytest.skip(reason)


def parity_corpus(workdir: Path) -> Path:
    """The relevance corpus: the bundled documents plus the distractors."""
    return assemble_corpus(workdir / "corpus")


def build_both(corpus: Path, workdir: Path, solr: SolrBackend) -> tuple[Path, Path]:
    """(embedded root, SolrCloud root) of the same corpus."""
    embedded, cloud = workdir / "embedded", workdir / "solr"
    build(corpus, embedded, backend=whoosh_store)
    build(corpus, cloud, backend=solr)
    return embedded, cloud


def without_scores(data: dict) -> dict:
    """A search page's JSON minus what may differ between engines: scores and timing."""
    data = dict(data)
    data.pop("took_ms", None)
    data["hits"] = [_unscored(h) for h in data.get("hits", [])]
    data["sections"] = [_unscored(h) for h in data.get("sections", [])]
    return data


def _unscored(hit: dict) -> dict:
    hit = {k: v for k, v in hit.items() if k != "score"}
    if isinstance(hit.get("counterpart"), dict):
        hit["counterpart"] = _unscored(hit["counterpart"])
    return hit


def canonical(items: list[dict]) -> list[str]:
    """Hits as sorted JSON strings: the same set whatever the order."""
    return sorted(json.dumps(i, sort_keys=True, ensure_ascii=False) for i in items)


def all_hits(index, query: str, **options) -> tuple[dict, list[dict]]:
    """The first page's JSON (minus scores) and every hit of every page (minus scores)."""
    first = without_scores(index.search(query, page_size=PAGE_SIZE, **options).to_json())
    hits = list(first["hits"])
    page = 1
    while len(hits) < first["total"] and page < 50:
        page += 1
        more = without_scores(
            index.search(query, page=page, page_size=PAGE_SIZE, **options).to_json()
        )
        hits += more["hits"]
    return first, hits


def drop(urls: list[str], alias: str) -> None:
    """Delete a test's alias and its collections (the session cluster's nodes have small heaps)."""
    with SolrClient(urls) as client:
        if alias in client.aliases():
            client.delete_alias(alias)
        for name in client.list_collections():
            if name.startswith(f"{alias}_"):
                client.delete_collection(name)
        if alias in client.list_configsets():
            client.delete_configset(alias)
