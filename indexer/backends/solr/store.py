"""SolrCloud generations: one collection per full build, an alias on the live one.

The index root on the local disk keeps what it keeps for the embedded index -- CURRENT, the
writer lock, and per generation a directory with manifest.json -- plus, in that directory,
``solr.json`` naming the generation's collection. The documents live in SolrCloud:

- a full build creates the collection ``<alias>_<generation name>`` (the layout `solr init`
  recorded on the alias: shards x replicas), with documents routed to shards by bilingual unit;
  when it is committed and checked, `go_live` moves the alias ``<alias>`` to it (CREATEALIAS,
  one step) just before CURRENT switches, and deletes older collections of that alias except
  the previous one (kept for readers that have not reopened yet);
- an update (and add, remove) writes into the live collection: deletes and additions in
  batches, one commit; the new generation directory names the same collection;
- searches read the collection CURRENT's generation names, so a search process answers from
  exactly the generation whose manifest it has loaded. Other clients use the alias.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from indexer.backends.solr.client import SolrClient, SolrError
from indexer.backends.solr.preanalyzed import solr_document
from indexer.backends.solr.reader import SolrReader, SolrUnavailable, short_reason
from indexer.errors import IndexDamaged, StoreError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 101  # the configset's schema (solr/configsets/docsearch), not Whoosh's (4)
GENERATION_FILE = "solr.json"
BATCH = 500  # documents per update request
CHECK_BATCH = 200  # document versions whose block keys one check request reads
LAYOUT = ("docsearch.shards", "docsearch.replicas")  # alias properties `solr init` sets


def configset_dir() -> Path:
    """The configset in this source tree (solr/configsets/docsearch/conf)."""
    return Path(__file__).resolve().parents[3] / "solr" / "configsets" / "docsearch" / "conf"


@contextlib.contextmanager
def solr_errors(urls: list[str]) -> Iterator[None]:
    """SolrError (a transport or Solr problem) as one sentence the CLI and web app show."""
    try:
        yield
    except SolrError as err:
        raise SolrUnavailable(
            f"the SolrCloud at {', '.join(urls)} did not do what docsearch asked "
            f"({short_reason(err)})."
        ) from err


class SolrWriter:
    """A GenerationWriter into one collection: a new one (a build) or the live one (updates)."""

    def __init__(self, backend: SolrBackend, collection: str, fresh: bool) -> None:
        self.backend = backend
        self.collection = collection
        self.fresh = fresh
        self.optimize = False
        self._client = backend.client()
        self._batch: list[dict] = []
        self._deletes: list[str] = []  # document keys, deleted before the next additions
        # One batch is sent (and indexed by Solr) while Python analyses the next one.
        self._sender = ThreadPoolExecutor(1, thread_name_prefix="solr-writer")
        self._sending: Future | None = None

    def add(self, blocks: Iterable[dict]) -> None:
        self._flush_deletes()
        for fields in blocks:
            self._batch.append(solr_document(fields))
            if len(self._batch) >= BATCH:
                self._flush()

    def delete(self, doc_key: str) -> None:
        # Solr applies one client's requests in order: additions already given go first.
        self._flush()
        self._deletes.append(doc_key)

    def commit(self) -> None:
        self._flush_deletes()
        self._flush()
        self._wait_sent()
        with self._errors():
            self._client.commit(self.collection)
            if self.optimize:
                self._client.update(self.collection, {"optimize": {"maxSegments": 1}})
        self._sender.shutdown()

    def cancel(self) -> None:
        """A build's collection is deleted; an update's changes were sent but not committed
        (Solr has no rollback in cloud mode): the next update repeats them, and `check` after
        it refuses an index that disagrees with its manifest."""
        self._batch, self._deletes = [], []
        with contextlib.suppress(Exception):
            self._wait_sent()
        self._sender.shutdown(wait=True)
        if self.fresh:
            with contextlib.suppress(SolrError):
                self._client.delete_collection(self.collection)
        self._client.close()

    def check(self, blocks: int, touched: dict[str, set[str]]) -> None:
        """IndexDamaged unless the committed collection holds `blocks` blocks and, for each
        document version in `touched`, exactly the block keys given."""
        reader = SolrReader(self.backend.urls, self.collection)
        try:
            with self._errors():
                found = reader.count()
                if found != blocks:
                    raise IndexDamaged(
                        f"the new index holds {found} blocks but its manifest lists {blocks}; "
                        "the live index was left unchanged."
                    )
                docs = sorted(touched)
                for i in range(0, len(docs), CHECK_BATCH):
                    self._check_keys(reader, {d: touched[d] for d in docs[i : i + CHECK_BATCH]})
        finally:
            reader.close()

    def _check_keys(self, reader: SolrReader, touched: dict[str, set[str]]) -> None:
        expected = sum(len(keys) for keys in touched.values())
        sep = "\x1f"
        found = reader.select(
            {
                "query": {"terms": {"f": "doc", "separator": sep, "query": sep.join(touched)}},
                "limit": expected + 1,
                "fields": "key,doc",
            }
        )["response"]
        stored: dict[str, list[str]] = {d: [] for d in touched}
        for doc in found["docs"]:
            stored[doc["doc"]].append(doc["key"])
        for doc_key, keys in touched.items():
            got = stored[doc_key]
            if len(got) != len(set(got)) or set(got) != keys:
                raise IndexDamaged(
                    f"the new index has duplicate or missing paragraphs for {doc_key}; "
                    "the live index was left unchanged."
                )

    def go_live(self, name: str) -> None:
        """Point the alias at this collection (a build), then drop collections out of use."""
        with self._errors():
            aliases = self._client.aliases()
            previous = aliases.get(self.backend.alias)
            if previous != self.collection:
                self._client.create_alias(self.backend.alias, self.collection)
                log.info("alias %s -> %s", self.backend.alias, self.collection)
            self.backend.remove_stale(self._client, keep={self.collection, previous})
        self._client.close()

    def _flush_deletes(self) -> None:
        if self._deletes:
            keys, self._deletes = self._deletes, []
            self._wait_sent()  # in the order given: additions sent before stay before
            with self._errors():
                self._client.delete_docs(self.collection, keys)

    def _flush(self) -> None:
        if self._batch:
            batch, self._batch = self._batch, []
            self._wait_sent()
            self._sending = self._sender.submit(self._client.update, self.collection, batch)

    def _wait_sent(self) -> None:
        """Wait for the batch being sent; its failure is raised here, in the writer's thread."""
        sending, self._sending = self._sending, None
        if sending is not None:
            with self._errors():
                sending.result()

    def _errors(self):
        return solr_errors(self.backend.urls)


class SolrBackend:
    """The backend functions (`indexer.backends.Backend`) for one cluster and alias."""

    SCHEMA_VERSION = SCHEMA_VERSION

    def __init__(self, urls: list[str], alias: str) -> None:
        self.urls = list(urls)
        self.alias = alias

    def client(self) -> SolrClient:
        return SolrClient(self.urls, timeout=60.0)

    # -- writers
    def create(self, path: Path, parallel: bool = False) -> SolrWriter:
        """A new, empty collection for a full build (the layout `solr init` recorded)."""
        name = f"{self.alias}_{path.name.removeprefix('.tmp-')}"
        with solr_errors(self.urls), self.client() as client:
            shards, replicas = self.layout(client)
            client.create_collection(
                name, self.alias, shards=shards, replicas=replicas, router_field="unit"
            )
        _save(path, name)
        return SolrWriter(self, name, fresh=True)

    def extend(self, live: Path, path: Path) -> SolrWriter:
        name = self.collection_of(live)
        _save(path, name)
        return SolrWriter(self, name, fresh=False)

    def optimize(self, live: Path, path: Path) -> tuple[SolrWriter, int]:
        writer = self.extend(live, path)
        writer.optimize = True
        with solr_errors(self.urls), self.client() as client:
            segments = client.segment_count(writer.collection)
        return writer, segments

    # -- readers
    def open_reader(self, path: Path, cache_bytes: int = 0) -> SolrReader:
        reader = SolrReader(self.urls, self.collection_of(path))
        with solr_errors(self.urls):
            reader.warm_up()
        return reader

    def count_blocks(self, path: Path) -> int:
        reader = SolrReader(self.urls, self.collection_of(path))
        try:
            with solr_errors(self.urls):
                return reader.count()
        finally:
            reader.close()

    def collection_of(self, generation: Path) -> str:
        """The collection a generation directory names; IndexDamaged if it names none."""
        try:
            info = json.loads((generation / GENERATION_FILE).read_text(encoding="utf-8"))
            return str(info["collection"])
        except (OSError, ValueError, KeyError, TypeError):
            raise IndexDamaged(
                f"the index generation {generation.name} names no SolrCloud collection "
                f"({GENERATION_FILE}); run `docsearch build` to rebuild it."
            ) from None

    # -- cluster set-up
    def layout(self, client: SolrClient) -> tuple[int, int]:
        """(shards, replicas) for a new collection: what `solr init` recorded on the alias."""
        props = client.alias_properties(self.alias)
        try:
            return int(props[LAYOUT[0]]), int(props[LAYOUT[1]])
        except (KeyError, ValueError):
            raise StoreError(
                f"the SolrCloud at {', '.join(self.urls)} has no collection {self.alias} set up "
                f"for docsearch; run `docsearch solr init --solr URL --collection {self.alias}`."
            ) from None

    def init(self, shards: int, replicas: int, configset: Path | None = None) -> str:
        """Upload the configset and record the layout; create an empty first collection and
        the alias if there is none. Returns the collection the alias names."""
        with solr_errors(self.urls), self.client() as client:
            client.upload_configset(self.alias, configset or configset_dir())
            target = client.aliases().get(self.alias)
            if target is None:
                if self.alias in client.list_collections():
                    raise StoreError(
                        f"a collection named {self.alias} already exists on the SolrCloud; "
                        "docsearch needs that name for its alias: choose another --collection."
                    )
                target = f"{self.alias}_{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}-init"
                client.create_collection(
                    target, self.alias, shards=shards, replicas=replicas, router_field="unit"
                )
                client.create_alias(self.alias, target)
            client.set_alias_properties(
                self.alias, {LAYOUT[0]: str(shards), LAYOUT[1]: str(replicas)}
            )
        return target

    def remove_stale(self, client: SolrClient, keep: set[str | None]) -> list[str]:
        """Delete this alias's generation collections other than `keep` (only names of the
        form `<alias>_<generation>`: another alias's collections never match)."""
        removed = []
        mine = re.compile(re.escape(self.alias) + r"_\d{8}T\d{12}Z-(\d+|init)")
        for name in client.list_collections():
            if mine.fullmatch(name) and name not in keep:
                with contextlib.suppress(SolrError):
                    client.delete_collection(name)
                    removed.append(name)
        if removed:
            log.info("removed old collections: %s", ", ".join(removed))
        return removed


def _save(path: Path, collection: str) -> None:
    (path / GENERATION_FILE).write_text(
        json.dumps({"collection": collection}) + "\n", encoding="utf-8"
    )
