#!/usr/bin/env bash
# Set up (virtualenv + package) and serve the search site on the bundled corpus.
# The index is built on first run. Extra arguments go to `docsearch serve` (e.g. --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '%s\n' "$*" >&2; }
if [ ! -x .venv/bin/python ]; then
  say "Creating the virtualenv in .venv/ …"
  python3 -m venv .venv
fi
say "Installing docsearch and its dependencies into .venv/ (pip; quick when already installed) …"
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e .
exec .venv/bin/docsearch serve "$@"
