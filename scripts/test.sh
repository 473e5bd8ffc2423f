#!/usr/bin/env bash
# Set up (virtualenv + package with test extras + Debian's chromium for the browser test)
# and run the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '%s\n' "$*" >&2; }
# Debian's chromium drives the browser test; Noto CJK renders Chinese in its screenshots.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  say "Installing Debian packages chromium and fonts-noto-cjk for the browser test (apt-get) …"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
  say "Creating the virtualenv in .venv/ …"
  python3 -m venv .venv
fi
say "Installing docsearch with its test and benchmark extras (pytest, hypothesis, playwright, reportlab, ruff, psutil, matplotlib) into .venv/ …"
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e '.[test,bench]'
say "Running the test suite (pytest) …"
exec .venv/bin/python -m pytest "$@"
