"""`python -m indexer` runs the docsearch command line."""

from indexer.cli import main

main()
