"""SolrCloud: the configset's documents (pre-analysed by Python), queries, and an HTTP client."""

from indexer.backends.solr.client import SearchResult, SolrClient, SolrError
from indexer.backends.solr.preanalyzed import solr_document

__all__ = ["SearchResult", "SolrClient", "SolrError", "solr_document"]
