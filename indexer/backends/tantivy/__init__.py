"""tantivy: the embedded alternative to Whoosh (``--engine tantivy``), fed Python's own terms."""
