#!/usr/bin/env bash
# Set up (virtualenv + package) and serve the search site on the bundled corpus.
# The index is built on first run. Extra arguments go to `docsearch serve` (e.g. --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e .
exec .venv/bin/docsearch serve "$@"
