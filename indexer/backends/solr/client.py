"""A small SolrCloud client over HTTP (`requests`): configsets, collections, aliases, documents,
searches with the JSON Request API.

Every request goes to one of the known nodes; when a node cannot be reached (connection refused
or reset, a timeout on a read, HTTP 502/503/504) the next node is tried. A request is given up
after `attempts` rounds over all nodes, with `backoff` seconds between rounds: at most
`attempts * len(nodes)` tries. Searches run with `shards.tolerant=true`, so a shard with no
reachable replica yields partial results (flagged) instead of an error.
"""

from __future__ import annotations

import io
import itertools
import logging
import time
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

from indexer.backends.solr.dsl import to_solr
from indexer.backends.solr.jsonquery import lucene_terms
from indexer.query.tree import Node

log = logging.getLogger(__name__)

_RETRY_STATUS = frozenset({502, 503, 504})


class SolrError(RuntimeError):
    """Solr refused a request or could not be reached; the message says which and why."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class SearchResult:
    """A ranked page of matching blocks."""

    keys: list[str]
    scores: list[float]
    total: int  # matching documents, all pages
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    docs: list[dict] = field(default_factory=list)  # the requested stored fields, in rank order
    partial: bool = False  # a shard did not answer: some matches may be missing


@dataclass(frozen=True)
class Replica:
    collection: str
    shard: str
    core: str
    node_name: str
    base_url: str
    state: str
    leader: bool


class SolrClient:
    """Talks to a SolrCloud cluster through any of its nodes (base URLs like .../solr).

    It keeps one HTTP session (connection pool): use one client per thread.
    """

    def __init__(
        self,
        urls: str | Sequence[str],
        *,
        timeout: float = 30.0,
        attempts: int = 3,
        backoff: float = 0.5,
        session: requests.Session | None = None,
    ):
        urls = [urls] if isinstance(urls, str) else list(urls)
        if not urls:
            raise ValueError("SolrClient needs at least one node URL.")
        self.nodes = [u.rstrip("/") for u in urls]
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self._session = session or requests.Session()
        self._next = itertools.count()

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> SolrClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- cluster ------------------------------------------------------------------------------

    def cluster_status(self, collection: str | None = None) -> dict:
        params = {"action": "CLUSTERSTATUS"}
        if collection:
            params["collection"] = collection
        return self._request("GET", "admin/collections", params=params)["cluster"]

    def live_nodes(self) -> list[str]:
        """The base URLs of the nodes ZooKeeper holds live."""
        scheme = urlsplit(self.nodes[0]).scheme or "http"
        return [_node_url(name, scheme) for name in self.cluster_status().get("live_nodes", [])]

    def discover_nodes(self) -> list[str]:
        """Adds the cluster's live nodes to the nodes this client may send requests to."""
        for url in self.live_nodes():
            if url not in self.nodes:
                self.nodes.append(url)
        return list(self.nodes)

    def replicas(self, collection: str) -> list[Replica]:
        """Every replica of `collection` (an alias is resolved), with its state."""
        status = self.cluster_status(collection)
        live = set(status.get("live_nodes", []))
        found = []
        for name, coll in status.get("collections", {}).items():
            for shard, info in coll.get("shards", {}).items():
                for replica in info.get("replicas", {}).values():
                    state = replica.get("state", "")
                    if replica.get("node_name") not in live:
                        state = "down"
                    found.append(
                        Replica(
                            collection=name,
                            shard=shard,
                            core=replica.get("core", ""),
                            node_name=replica.get("node_name", ""),
                            base_url=replica.get("base_url", ""),
                            state=state,
                            leader=replica.get("leader") == "true",
                        )
                    )
        return found

    def wait_for_active(self, collection: str, *, timeout: float = 120.0) -> None:
        """Waits until every replica of `collection` is active on a live node."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                replicas = self.replicas(collection)
                if replicas and all(r.state == "active" for r in replicas):
                    return
                waiting = [f"{r.core} {r.state}" for r in replicas if r.state != "active"]
            except SolrError as exc:
                waiting = [str(exc)]
            if time.monotonic() > deadline:
                raise SolrError(
                    f"Collection {collection} not active after {timeout:.0f} s: "
                    + ", ".join(waiting or ["no replicas"])
                )
            time.sleep(0.5)

    # -- configsets, collections, aliases -----------------------------------------------------

    def upload_configset(self, name: str, directory: Path, *, overwrite: bool = True) -> None:
        """Uploads the files under `directory` (e.g. solr/configsets/docsearch/conf) as `name`."""
        directory = Path(directory)
        files = sorted(p for p in directory.rglob("*") if p.is_file())
        if not files:
            raise SolrError(f"No configset files in {directory}.")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                archive.write(path, path.relative_to(directory).as_posix())
        self._request(
            "POST",
            "admin/configs",
            params={
                "action": "UPLOAD",
                "name": name,
                "overwrite": str(overwrite).lower(),
                "cleanup": "true",
            },
            data=buffer.getvalue(),
            headers={"Content-Type": "application/octet-stream"},
        )

    def list_configsets(self) -> list[str]:
        return self._request("GET", "admin/configs", params={"action": "LIST"})["configSets"]

    def delete_configset(self, name: str) -> None:
        self._request("GET", "admin/configs", params={"action": "DELETE", "name": name})

    def create_collection(
        self,
        name: str,
        configset: str,
        *,
        shards: int = 1,
        replicas: int = 1,
        router_field: str | None = None,
    ) -> None:
        """Creates `name` with `shards` x `replicas` cores and waits until all are active.

        With `router_field`, documents go to shards by that field's value (documents sharing it
        share a shard), not by their key.
        """
        params = {
            "action": "CREATE",
            "name": name,
            "collection.configName": configset,
            "numShards": shards,
            "replicationFactor": replicas,
            "waitForFinalState": "true",
        }
        if router_field:
            params["router.field"] = router_field
        self._request(
            "GET",
            "admin/collections",
            params=params,
            timeout=max(self.timeout, 180.0),
        )
        self.wait_for_active(name)

    def delete_collection(self, name: str) -> None:
        self._request(
            "GET",
            "admin/collections",
            params={"action": "DELETE", "name": name},
            timeout=max(self.timeout, 120.0),
        )

    def list_collections(self) -> list[str]:
        return self._request("GET", "admin/collections", params={"action": "LIST"})["collections"]

    def create_alias(self, alias: str, collection: str) -> None:
        """Points `alias` at `collection` (creates it, or moves it in one step)."""
        self._request(
            "GET",
            "admin/collections",
            params={"action": "CREATEALIAS", "name": alias, "collections": collection},
        )

    def delete_alias(self, alias: str) -> None:
        self._request("GET", "admin/collections", params={"action": "DELETEALIAS", "name": alias})

    def aliases(self) -> dict[str, str]:
        found = self._request("GET", "admin/collections", params={"action": "LISTALIASES"})
        return dict(found.get("aliases", {}))

    # -- documents ----------------------------------------------------------------------------

    def add(self, collection: str, documents: Iterable[dict], *, batch_size: int = 500) -> int:
        """Sends documents (see `preanalyzed.solr_document`) in batches; returns how many.

        They become searchable at the next `commit`. A document with an existing key replaces it.
        """
        sent = 0
        batch: list[dict] = []
        for doc in documents:
            batch.append(doc)
            if len(batch) >= batch_size:
                self._update(collection, batch)
                sent += len(batch)
                batch = []
        if batch:
            self._update(collection, batch)
            sent += len(batch)
        return sent

    def commit(self, collection: str) -> None:
        """Makes every change so far durable and visible to searches."""
        self._update(collection, {"commit": {}}, timeout=max(self.timeout, 120.0))

    def delete_keys(self, collection: str, keys: Iterable[str]) -> None:
        keys = list(keys)
        if keys:
            self._update(collection, {"delete": keys})

    def delete_docs(self, collection: str, docs: Iterable[str], *, batch_size: int = 200) -> None:
        """Deletes every block of the given documents (values of the `doc` field)."""
        docs = list(docs)
        for i in range(0, len(docs), batch_size):
            self.delete_by_query(collection, lucene_terms("doc", docs[i : i + batch_size]))

    def delete_by_query(self, collection: str, query: str) -> None:
        """Deletes what a Lucene-syntax query matches (escape values with `escape_lucene`)."""
        self._update(collection, {"delete": {"query": query}})

    # -- search -------------------------------------------------------------------------------

    def search(
        self,
        collection: str,
        query: Node,
        *,
        filters: Sequence[Node] = (),
        rows: int = 10,
        start: int = 0,
        facets: Sequence[str] = (),
        facet_limit: int = -1,
        fields: Sequence[str] = (),
    ) -> SearchResult:
        """The ranked keys and scores of `query` (best first; ties by key), plus facet counts.

        `facets` are docValues fields (lang, committee_code, year, unit...): each gets its values
        with at least one match, most frequent first (at most `facet_limit`; -1: all).
        `fields` are stored fields to return.
        """
        body: dict = {
            "query": to_solr(query),
            "limit": rows,
            "offset": start,
            "fields": ",".join(["key", "score", *fields]),
            "sort": "score desc,key asc",
            "params": {"shards.tolerant": "true"},
        }
        if filters:
            body["filter"] = [to_solr(f) for f in filters]
        if facets:
            body["facet"] = {
                name: {"type": "terms", "field": name, "limit": facet_limit, "mincount": 1}
                for name in facets
            }
        found = self._request("POST", f"{collection}/select", json=body, retry_reads=True)
        response = found["response"]
        docs = response.get("docs", [])
        facet_found = found.get("facets", {})
        facet_counts = {
            name: [(b["val"], b["count"]) for b in facet_found.get(name, {}).get("buckets", [])]
            for name in facets
        }
        header = found.get("responseHeader", {})
        return SearchResult(
            keys=[d["key"] for d in docs],
            scores=[float(d["score"]) for d in docs],
            total=int(response.get("numFound", 0)),
            facets=facet_counts,
            docs=[{k: v for k, v in d.items() if k != "score"} for d in docs] if fields else [],
            partial=bool(header.get("partialResults", False)),
        )

    def select(self, collection: str, body: dict) -> dict:
        """One JSON Request API search as given (`shards.tolerant` added); Solr's whole answer."""
        body = {**body, "params": {"shards.tolerant": "true", **body.get("params", {})}}
        return self._request("POST", f"{collection}/select", json=body, retry_reads=True)

    def terms(self, collection: str, field: str) -> dict[str, int]:
        """Every term of `field` and the number of documents holding it (all shards)."""
        params = {"terms.fl": field, "terms.limit": -1, "terms.sort": "index", "wt": "json"}
        params["json.nl"] = "map"
        found = self._request("GET", f"{collection}/terms", params=params, retry_reads=True)
        return {str(k): int(v) for k, v in found.get("terms", {}).get(field, {}).items()}

    def update(self, collection: str, payload) -> None:
        """One JSON update request (documents, deletes, commit or optimize commands)."""
        self._update(collection, payload, timeout=max(self.timeout, 120.0))

    def segment_count(self, collection: str) -> int:
        """The number of index segments of the core answering (one replica of one shard)."""
        found = self._request("GET", f"{collection}/admin/luke", params={"numTerms": 0})
        return int(found.get("index", {}).get("segmentCount", 0))

    def set_alias_properties(self, alias: str, properties: dict[str, str]) -> None:
        params = {"action": "ALIASPROP", "name": alias}
        params.update({f"property.{k}": v for k, v in properties.items()})
        self._request("GET", "admin/collections", params=params)

    def alias_properties(self, alias: str) -> dict[str, str]:
        found = self._request("GET", "admin/collections", params={"action": "LISTALIASES"})
        return dict(found.get("properties", {}).get(alias, {}))

    def count(self, collection: str, query: Node, *, filters: Sequence[Node] = ()) -> int:
        return self.search(collection, query, filters=filters, rows=0).total

    # -- transport ----------------------------------------------------------------------------

    def _update(self, collection: str, payload, timeout: float | None = None) -> None:
        self._request(
            "POST", f"{collection}/update", json=payload, params={"wt": "json"}, timeout=timeout
        )

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        json=None,
        data: bytes | None = None,
        headers: dict | None = None,
        timeout: float | None = None,
        retry_reads: bool = False,
    ) -> dict:
        """Sends one request, trying the next node when one cannot answer (see module doc)."""
        problems: list[str] = []
        for attempt in range(self.attempts):
            if attempt:
                time.sleep(self.backoff * attempt)
            first = next(self._next)
            for i in range(len(self.nodes)):
                node = self.nodes[(first + i) % len(self.nodes)]
                try:
                    response = self._session.request(
                        method,
                        f"{node}/{path}",
                        params=params,
                        json=json,
                        data=data,
                        headers=headers,
                        timeout=timeout or self.timeout,
                    )
                except requests.ConnectionError as exc:
                    problems.append(f"{node}: cannot connect ({type(exc).__name__})")
                    continue
                except requests.Timeout:
                    if not retry_reads:
                        raise SolrError(f"{node} did not answer {path} in time.") from None
                    problems.append(f"{node}: timed out")
                    continue
                if response.status_code in _RETRY_STATUS:
                    problems.append(f"{node}: HTTP {response.status_code}")
                    continue
                return _json_or_error(response, path)
            log.warning("No Solr node answered %s (round %d): %s", path, attempt + 1, problems[-1])
        raise SolrError(
            f"No Solr node answered {path} after {self.attempts} rounds: {'; '.join(problems[-3:])}"
        )


def _json_or_error(response: requests.Response, path: str) -> dict:
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.ok and isinstance(body, dict):
        return body
    message = None
    if isinstance(body, dict):
        error = body.get("error") or {}
        message = error.get("msg") if isinstance(error, dict) else None
        if not message:
            failures = body.get("failure") or body.get("exception")
            message = str(failures) if failures else None
    message = message or response.text[:200].strip() or response.reason
    status = response.status_code
    raise SolrError(f"Solr refused {path} (HTTP {status}): {message}", status)


def _node_url(node_name: str, scheme: str) -> str:
    """`127.0.0.1:8983_solr` -> `http://127.0.0.1:8983/solr`."""
    host, _, context = node_name.partition("_")
    return f"{scheme}://{host}/{context.replace('%2F', '/')}".rstrip("/")
