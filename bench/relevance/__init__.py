"""The project's judged relevance set (issue 11): distractor documents, graded queries, metrics.

`python -m bench.relevance` builds an index of the bundled corpus plus `corpus/` here, runs every
query of `queries.toml` and prints nDCG@10, MRR, recall@10 and the zero-result rate per class.
"""
